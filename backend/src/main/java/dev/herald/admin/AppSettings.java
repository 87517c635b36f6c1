package dev.herald.admin;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** Admin settings in the {@code app_setting} key/value table. */
@Component
public class AppSettings {

	/** Connector calls per second for the whole tenant (Teams allows 50). */
	public static final String RATE_PER_SECOND = "dispatch.rate-per-second";

	/** Whether Herald installs its app for people who do not have it (Graph). */
	public static final String PROACTIVE_INSTALL = "install.proactive";

	/** Whether guests are part of audiences. */
	public static final String GUESTS_ALLOWED = "audience.guests-allowed";

	/** Days after which the per-recipient ledger of finished announcements is purged. */
	public static final String RETENTION_DAYS = "retention.days";

	private final JdbcClient jdbc;

	AppSettings(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	public Optional<String> get(String key) {
		return this.jdbc.sql("SELECT value FROM app_setting WHERE key = :key")
			.param("key", key)
			.query(String.class)
			.optional();
	}

	@Transactional
	public void putAll(Map<String, String> values) {
		values.forEach((key, value) -> this.jdbc.sql("""
				INSERT INTO app_setting (key, value) VALUES (:key, :value)
				ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
				""").param("key", key).param("value", value).update());
	}

}
