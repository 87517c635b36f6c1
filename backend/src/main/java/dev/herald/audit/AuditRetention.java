package dev.herald.audit;

import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.security.Actor;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The audit log's own retention ({@code audit.retention-days} in {@code app_setting}, set
 * on the admin settings page; 0 or unset keeps it forever), separate from the delivery
 * retention: compliance usually keeps who-did-what longer than per-recipient details.
 */
@Component
class AuditRetention {

	/** The setting key; written by the admin module's settings page and API. */
	static final String RETENTION_DAYS = "audit.retention-days";

	/** Rows younger than this are never purged, whatever the setting (#23, V82). */
	static final int FLOOR_DAYS = 90;

	private static final Logger log = LoggerFactory.getLogger(AuditRetention.class);

	private final JdbcClient jdbc;

	private final AuditLog audit;

	AuditRetention(JdbcClient jdbc, AuditLog audit) {
		this.jdbc = jdbc;
		this.audit = audit;
	}

	@Scheduled(cron = "${herald.audit.retention-cron:0 37 3 * * *}")
	void nightly() {
		int purged = purge();
		if (purged > 0) {
			log.info("Audit retention: {} rows deleted", purged);
		}
	}

	@Transactional
	int purge() {
		int days = days().orElse(0);
		if (days <= 0) {
			return 0;
		}
		int purged = this.audit.purgeExpired();
		if (purged > 0) {
			this.audit.record(Actor.system("audit retention"), AuditAction.AUDIT_PURGE, null,
					purged + " audit rows older than " + Math.max(days, FLOOR_DAYS) + " days deleted");
		}
		return purged;
	}

	private Optional<Integer> days() {
		return this.jdbc.sql("SELECT value FROM app_setting WHERE key = :key")
			.param("key", RETENTION_DAYS)
			.query(String.class)
			.optional()
			.flatMap((v) -> {
				try {
					return Optional.of(Integer.parseInt(v.trim()));
				}
				catch (NumberFormatException ex) {
					return Optional.empty();
				}
			});
	}

}
