package dev.herald.bot;

import java.util.List;

import dev.herald.admin.PersonalDataExpired;

import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Deletes what employees did with cards of announcements past retention
 * (acknowledgements, votes, test-copy presses) and read receipts not updated for as long.
 * The bot owns these rows; the admin module's purge decides when.
 */
@Component
class ResponseRetention {

	private final JdbcClient jdbc;

	ResponseRetention(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** Runs in the purge's transaction. */
	@EventListener
	void on(PersonalDataExpired expired) {
		expired.deleted().addAndGet(purge(expired.announcementIds(), expired.days()));
	}

	int purge(List<Long> announcementIds, int days) {
		int deleted = 0;
		if (!announcementIds.isEmpty()) {
			// The tallies keep the purged announcements' totals, and deleting does not
			// update one tally row per response (quadratic in one transaction; V91).
			this.jdbc.sql("SELECT set_config('herald.retention_purge', 'on', true)").query(String.class).single();
			for (String sql : List.of("DELETE FROM card_response WHERE announcement_id IN (:ids)",
					"DELETE FROM test_card_response WHERE announcement_id IN (:ids)")) {
				deleted += this.jdbc.sql(sql).param("ids", announcementIds).update();
			}
			this.jdbc.sql("SELECT set_config('herald.retention_purge', 'off', true)").query(String.class).single();
		}
		deleted += this.jdbc.sql("DELETE FROM read_receipt WHERE read_at < now() - make_interval(days => :days)")
			.param("days", days)
			.update();
		return deleted;
	}

}
