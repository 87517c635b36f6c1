package dev.herald.admin;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Deletes the per-recipient ledger of announcements that finished more than the
 * configured number of days ago. The counts on the announcement stay, so reports keep
 * their totals; the announcement is marked with when its details were purged.
 */
@Component
class RetentionPurge {

	private static final Logger log = LoggerFactory.getLogger(RetentionPurge.class);

	private final JdbcClient jdbc;

	private final AdminSettings settings;

	private final dev.herald.audit.AuditLog audit;

	RetentionPurge(JdbcClient jdbc, AdminSettings settings, dev.herald.audit.AuditLog audit) {
		this.jdbc = jdbc;
		this.settings = settings;
		this.audit = audit;
	}

	/** Runs every night at 03:17 (server time); does nothing while retention is 0. */
	@Scheduled(cron = "${herald.retention.cron:0 17 3 * * *}")
	void nightly() {
		int days = SettingsForm.retentionDays(this.settings);
		if (days > 0) {
			Result result = purge(days, dev.herald.security.Actor.system("retention job"));
			log.info("Retention purge: {} deliveries of {} announcements older than {} days deleted",
					result.deliveries(), result.announcements(), days);
		}
	}

	/** Purges and records one audit row (also when nothing was old enough). */
	@Transactional
	Result purge(int days, dev.herald.security.Actor actor) {
		Result result = purgeLedgers(days);
		this.audit.record(actor, dev.herald.audit.AuditAction.RETENTION_PURGE, null,
				"delivery details of " + result.announcements() + " announcements finished over " + days
						+ " days ago deleted (" + result.deliveries() + " rows)");
		return result;
	}

	private Result purgeLedgers(int days) {
		List<Long> ids = this.jdbc.sql("""
				SELECT id FROM announcement
				WHERE status IN ('sent', 'canceled') AND ledger_purged_at IS NULL
				  AND finished_at < now() - make_interval(days => :days)
				FOR UPDATE
				""").param("days", days).query(Long.class).list();
		if (ids.isEmpty()) {
			return new Result(0, 0);
		}
		int deliveries = this.jdbc.sql("DELETE FROM delivery WHERE announcement_id IN (:ids)")
			.param("ids", ids)
			.update();
		this.jdbc.sql("UPDATE announcement SET ledger_purged_at = now() WHERE id IN (:ids)").param("ids", ids).update();
		return new Result(ids.size(), deliveries);
	}

	record Result(int announcements, int deliveries) {
	}

}
