package dev.herald.followup;

import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Deletes the per-person items of updates, deletions and reminders of announcements past
 * retention (who each reached, their chat and copy): personal rows like the ledger's. The
 * operations themselves stay, with their counts, for the report. The admin module's purge
 * decides when, in its transaction; it skips announcements with an operation still
 * running or paused.
 */
@Component
public class FollowUpRetention {

	private final JdbcClient jdbc;

	FollowUpRetention(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** Deletes the items of the finished operations of these announcements. */
	public int purge(List<Long> announcementIds) {
		if (announcementIds.isEmpty()) {
			return 0;
		}
		return this.jdbc.sql("""
				DELETE FROM follow_up_item i USING follow_up f
				WHERE i.follow_up_id = f.id AND f.announcement_id IN (:ids) AND f.status IN ('done', 'canceled')
				""").param("ids", announcementIds).update();
	}

}
