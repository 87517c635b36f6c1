package dev.herald.admin;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Deletes, for announcements that finished more than the configured number of days ago,
 * every row that names a person: the ledger (deliveries), card responses
 * (acknowledgements and votes), test-copy button presses, the recipients an API client
 * named (UPNs, mail addresses), and the people and CSV addresses picked for the audience.
 * Besides, read receipts not updated for that long, uploaded images no announcement or
 * template uses any more, and the directory entries of people who left the organisation
 * that long ago. The counts on the announcement stay, so reports keep their totals; the
 * announcement is marked with when its details were purged. The admin page lists exactly
 * this.
 */
@Component
class RetentionPurge {

	private static final Logger log = LoggerFactory.getLogger(RetentionPurge.class);

	private final JdbcClient jdbc;

	private final AdminSettings settings;

	private final ApplicationEventPublisher events;

	RetentionPurge(JdbcClient jdbc, AdminSettings settings, ApplicationEventPublisher events) {
		this.jdbc = jdbc;
		this.settings = settings;
		this.events = events;
	}

	/** Runs every night at 03:17 (server time); does nothing while retention is 0. */
	@Scheduled(cron = "${herald.retention.cron:0 17 3 * * *}")
	void nightly() {
		int days = SettingsForm.retentionDays(this.settings);
		if (days > 0) {
			Result result = purge(days);
			log.info("Retention purge: personal data of {} announcements older than {} days deleted ({} deliveries, "
					+ "{} other rows)", result.announcements(), days, result.deliveries(), result.otherRows());
		}
	}

	@Transactional
	Result purge(int days) {
		List<Long> ids = this.jdbc.sql("""
				SELECT id FROM announcement
				WHERE status IN ('sent', 'canceled') AND ledger_purged_at IS NULL
				  AND finished_at < now() - make_interval(days => :days)
				FOR UPDATE
				""").param("days", days).query(Long.class).list();
		int deliveries = 0;
		int other = 0;
		if (!ids.isEmpty()) {
			deliveries = this.jdbc.sql("SELECT count(*) FROM delivery WHERE announcement_id IN (:ids)")
				.param("ids", ids)
				.query(Integer.class)
				.single();
			this.events.publishEvent(new LedgerExpired(ids));
			for (String sql : List.of("DELETE FROM card_response WHERE announcement_id IN (:ids)",
					"DELETE FROM test_card_response WHERE announcement_id IN (:ids)",
					"DELETE FROM notification_recipient WHERE announcement_id IN (:ids)",
					"DELETE FROM announcement_audience WHERE announcement_id IN (:ids) AND kind IN ('person', 'address')")) {
				other += this.jdbc.sql(sql).param("ids", ids).update();
			}
			this.jdbc.sql("UPDATE announcement SET ledger_purged_at = now() WHERE id IN (:ids)")
				.param("ids", ids)
				.update();
		}
		other += this.jdbc.sql("DELETE FROM read_receipt WHERE read_at < now() - make_interval(days => :days)")
			.param("days", days)
			.update();
		other += this.jdbc.sql("""
				DELETE FROM directory_user
				WHERE deleted AND updated_at < now() - make_interval(days => :days)
				""").param("days", days).update();
		// An image is served at /images/announcements/{key}: one no announcement still
		// holding its details, and no template, points at is gone.
		other += this.jdbc
			.sql("""
					DELETE FROM announcement_image i
					WHERE i.uploaded_at < now() - make_interval(days => :days)
					  AND NOT EXISTS (SELECT 1 FROM announcement a
					                  WHERE a.ledger_purged_at IS NULL AND a.image_url LIKE '%/images/announcements/' || i.key)
					  AND NOT EXISTS (SELECT 1 FROM announcement_template t
					                  WHERE t.content ->> 'imageUrl' LIKE '%/images/announcements/' || i.key)
					""")
			.param("days", days)
			.update();
		return new Result(ids.size(), deliveries, other);
	}

	/**
	 * What a purge deleted.
	 *
	 * @param announcements announcements whose per-recipient details went
	 * @param deliveries their ledger rows
	 * @param otherRows every other personal-data row deleted
	 */
	record Result(int announcements, int deliveries, int otherRows) {
	}

}
