package dev.herald.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.herald.audit.AuditAction;
import dev.herald.audit.AuditLog;
import dev.herald.dispatch.DispatchProperties;
import dev.herald.security.Actor;
import dev.herald.settings.AppSettings;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The admin page's settings in the shared {@code app_setting} key/value table, which the
 * settings module owns and writes ({@link AppSettings}). Guests and proactive install are
 * the audience module's keys; the send rate and the retention are this module's.
 */
@Component
public class AdminSettings {

	/** Connector calls per second for the whole tenant (Teams allows 50). */
	public static final String RATE_PER_SECOND = DispatchProperties.RATE_SETTING;

	/** Days after which the per-recipient ledger of finished announcements is purged. */
	public static final String RETENTION_DAYS = "retention.days";

	/** Approval before send (#15): {@code off}, {@code always} or {@code large}. */
	public static final String APPROVAL = "approval.mode";

	/** With approval {@code large}: audiences above this many people need approval. */
	public static final String APPROVAL_THRESHOLD = "approval.large-threshold";

	/** Days the audit log is kept (0 keeps it forever); read by the audit module. */
	public static final String AUDIT_RETENTION_DAYS = "audit.retention-days";

	/**
	 * The shortest audit retention (#23): a shorter one could erase an act before anyone
	 * looks. The database's purge function ({@code audit_event_purge}, V82) keeps the
	 * same floor whatever the setting says.
	 */
	public static final int AUDIT_RETENTION_FLOOR_DAYS = 90;

	private final AppSettings settings;

	private final AuditLog audit;

	AdminSettings(AppSettings settings, AuditLog audit) {
		this.settings = settings;
		this.audit = audit;
	}

	public Optional<String> get(String key) {
		return this.settings.get(key);
	}

	/** A setting that holds a whole number; empty when unset or not a number. */
	public Optional<Integer> getInt(String key) {
		return this.settings.getInt(key);
	}

	/**
	 * Saves settings and records one audit row naming what changed (old → new); nothing
	 * when nothing changed.
	 */
	@Transactional
	public void change(Map<String, String> values, Actor actor) {
		String audit = values.get(AUDIT_RETENTION_DAYS);
		if (audit != null && !auditRetentionAllowed(Integer.parseInt(audit.trim()))) {
			throw new AuditRetentionTooShortException(Integer.parseInt(audit.trim()));
		}
		List<String> changes = new ArrayList<>();
		values.forEach((key, value) -> {
			String before = get(key).orElse(null);
			if (!Objects.equals(before, value)) {
				changes.add(key + ": " + ((before != null) ? before : "(unset)") + " → " + value);
			}
		});
		putAll(values, actor.name());
		if (!changes.isEmpty()) {
			this.audit.record(actor, AuditAction.SETTINGS_CHANGE, null, String.join("; ", changes));
		}
	}

	/** 0 (forever) or at least {@link #AUDIT_RETENTION_FLOOR_DAYS}. */
	public static boolean auditRetentionAllowed(int days) {
		return days == 0 || days >= AUDIT_RETENTION_FLOOR_DAYS;
	}

	/** An audit retention under the floor; nothing was saved. */
	public static class AuditRetentionTooShortException extends RuntimeException {

		AuditRetentionTooShortException(int days) {
			super("The audit log is kept at least " + AUDIT_RETENTION_FLOOR_DAYS
					+ " days (0 keeps it forever); refused: " + days);
		}

	}

	@Transactional
	public void putAll(Map<String, String> values, String by) {
		values.forEach((key, value) -> this.settings.put(key, value, by));
	}

}
