package dev.herald.settings;

import java.util.Map;
import java.util.Optional;

import org.springframework.beans.factory.annotation.Value;
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

	/**
	 * Condition on a personal conversation {@code c} that leaves out guests (by the
	 * synced directory), for every path that sends to people without resolving an
	 * audience: the default audience and API recipients. Appended only when guests are
	 * not allowed, so the allowed case costs nothing.
	 */
	public static final String NOT_A_GUEST = " AND NOT EXISTS (SELECT 1 FROM directory_user du"
			+ " WHERE du.aad_object_id = lower(c.aad_object_id) AND lower(du.user_type) = 'guest') ";

	/** Whether Herald installs itself for people who do not have it yet. */
	public static final String PROACTIVE_INSTALL = "install.proactive";

	/**
	 * The admin's default for new announcements: also by e-mail to people Teams cannot
	 * reach (#26).
	 */
	public static final String EMAIL_FALLBACK_DEFAULT = "email.fallback-default";

	private final JdbcClient jdbc;

	private final boolean allowGuestsDefault;

	/**
	 * The guests' default is the audience module's property ({@code AudienceProperties}),
	 * read by name: that module depends on this one, not the other way round.
	 */
	AppSettings(JdbcClient jdbc, @Value("${herald.audience.allow-guests:false}") boolean allowGuestsDefault) {
		this.jdbc = jdbc;
		this.allowGuestsDefault = allowGuestsDefault;
	}

	public boolean allowGuests() {
		return flag(ALLOW_GUESTS, this.allowGuestsDefault);
	}

	/** On unless an admin switched it off. */
	public boolean proactiveInstall() {
		return flag(PROACTIVE_INSTALL, true);
	}

	/** Off unless an admin switched it on. */
	public boolean emailFallbackDefault() {
		return flag(EMAIL_FALLBACK_DEFAULT, false);
	}

	public Map<String, Boolean> all() {
		return Map.of("allowGuests", allowGuests(), "proactiveInstall", proactiveInstall());
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
