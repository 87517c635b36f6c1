package dev.herald.audience;

import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Deletes the people and CSV addresses picked for announcements past retention, and the
 * directory entries of people who left the organisation that long ago.
 */
@Component
public class AudienceRetention {

	private final JdbcClient jdbc;

	AudienceRetention(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** Runs in the caller's transaction; answers the rows deleted. */
	public int purge(List<Long> announcementIds, int days) {
		int deleted = 0;
		if (!announcementIds.isEmpty()) {
			deleted += this.jdbc.sql(
					"DELETE FROM announcement_audience WHERE announcement_id IN (:ids) AND kind IN ('person', 'address')")
				.param("ids", announcementIds)
				.update();
		}
		deleted += this.jdbc.sql("""
				DELETE FROM directory_user
				WHERE deleted AND updated_at < now() - make_interval(days => :days)
				""").param("days", days).update();
		return deleted;
	}

}
