package dev.herald.admin;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The admin page's settings in the shared {@code app_setting} key/value table (created by
 * the audience module). Guests and proactive install belong to the audience module and
 * are changed through its {@link dev.herald.audience.AppSettings}; the send rate and the
 * retention are this module's keys.
 */
@Component
public class AdminSettings {

	/** Connector calls per second for the whole tenant (Teams allows 50). */
	public static final String RATE_PER_SECOND = "dispatch.rate-per-second";

	/** Days after which the per-recipient ledger of finished announcements is purged. */
	public static final String RETENTION_DAYS = "retention.days";

	/** Approval before send (#15): {@code off}, {@code always} or {@code large}. */
	public static final String APPROVAL = "approval.mode";

	/** With approval {@code large}: audiences above this many people need approval. */
	public static final String APPROVAL_THRESHOLD = "approval.large-threshold";

	/** Days the audit log is kept (0 keeps it forever); read by the audit module. */
	public static final String AUDIT_RETENTION_DAYS = "audit.retention-days";

	private final JdbcClient jdbc;

	private final dev.herald.audit.AuditLog audit;

	AdminSettings(JdbcClient jdbc, dev.herald.audit.AuditLog audit) {
		this.jdbc = jdbc;
		this.audit = audit;
	}

	public Optional<String> get(String key) {
		return this.jdbc.sql("SELECT value FROM app_setting WHERE key = :key")
			.param("key", key)
			.query(String.class)
			.optional();
	}

	/** A setting that holds a whole number; empty when unset or not a number. */
	public Optional<Integer> getInt(String key) {
		return get(key).flatMap((value) -> {
			try {
				return Optional.of(Integer.parseInt(value.trim()));
			}
			catch (NumberFormatException ex) {
				return Optional.empty();
			}
		});
	}

	/**
	 * Saves settings and records one audit row naming what changed (old → new); nothing
	 * when nothing changed.
	 */
	@Transactional
	public void change(Map<String, String> values, dev.herald.security.Actor actor) {
		java.util.List<String> changes = new java.util.ArrayList<>();
		values.forEach((key, value) -> {
			String before = get(key).orElse(null);
			if (!java.util.Objects.equals(before, value)) {
				changes.add(key + ": " + ((before != null) ? before : "(unset)") + " → " + value);
			}
		});
		putAll(values, actor.name());
		if (!changes.isEmpty()) {
			this.audit.record(actor, dev.herald.audit.AuditAction.SETTINGS_CHANGE, null, String.join("; ", changes));
		}
	}

	@Transactional
	public void putAll(Map<String, String> values, String by) {
		values.forEach((key, value) -> this.jdbc.sql("""
				INSERT INTO app_setting (key, value, updated_by) VALUES (:key, :value, :by)
				ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by,
				  updated_at = now()
				""").param("key", key).param("value", value).param("by", by).update());
	}

}
