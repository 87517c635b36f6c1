package dev.herald.audience;

import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Admin settings kept in {@code app_setting}, a key/value table this module owns: every
 * feature reads and writes its own keys through here. Read on every use (a primary-key
 * lookup), so a change applies at once on every instance without a cache to invalidate.
 */
@Component
public class AppSettings {

	/** Whether guests (userType Guest) may be in an audience. */
	public static final String ALLOW_GUESTS = "audience.allow-guests";

	/** Whether Herald installs itself for people who do not have it yet. */
	public static final String PROACTIVE_INSTALL = "install.proactive";

	private final JdbcClient jdbc;

	private final AudienceProperties properties;

	AppSettings(JdbcClient jdbc, AudienceProperties properties) {
		this.jdbc = jdbc;
		this.properties = properties;
	}

	public boolean allowGuests() {
		return flag(ALLOW_GUESTS, this.properties.allowGuests());
	}

	/** On unless an admin switched it off. */
	public boolean proactiveInstall() {
		return flag(PROACTIVE_INSTALL, true);
	}

	public Map<String, Boolean> all() {
		return Map.of("allowGuests", allowGuests(), "proactiveInstall", proactiveInstall());
	}

	public void set(String key, boolean value, String by) {
		put(key, String.valueOf(value), by);
	}

	/** Any feature's setting, as stored; empty when unset. */
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
	 * Stores any feature's setting (this module owns the table; features own their keys).
	 */
	public void put(String key, String value, String by) {
		this.jdbc.sql("""
				INSERT INTO app_setting (key, value, updated_by) VALUES (:key, :value, :by)
				ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by,
				  updated_at = now()
				""").param("key", key).param("value", value).param("by", by).update();
	}

	private boolean flag(String key, boolean fallback) {
		return get(key).map(Boolean::parseBoolean).orElse(fallback);
	}

}
