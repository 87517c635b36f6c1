package dev.herald.admin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.dispatch.LedgerRetention;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Purges, every night, the per-recipient ledger of announcements that finished more than
 * the configured number of days ago. The dispatcher, which owns the ledger, deletes the
 * rows ({@link LedgerRetention}); the counts on the announcement stay.
 */
@Component
class RetentionPurge {

	private static final Logger log = LoggerFactory.getLogger(RetentionPurge.class);

	private final LedgerRetention ledger;

	private final AdminSettings settings;

	RetentionPurge(LedgerRetention ledger, AdminSettings settings) {
		this.ledger = ledger;
		this.settings = settings;
	}

	/** Runs every night at 03:17 (server time); does nothing while retention is 0. */
	@Scheduled(cron = "${herald.retention.cron:0 17 3 * * *}")
	void nightly() {
		int days = SettingsForm.retentionDays(this.settings);
		if (days > 0) {
			LedgerRetention.Purged result = purge(days);
			log.info("Retention purge: {} deliveries of {} announcements older than {} days deleted",
					result.deliveries(), result.announcements(), days);
		}
	}

	LedgerRetention.Purged purge(int days) {
		return this.ledger.purge(days);
	}

}
