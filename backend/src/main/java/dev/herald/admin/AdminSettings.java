package dev.herald.admin;

import java.util.Map;
import java.util.Optional;

import dev.herald.audience.AppSettings;
import dev.herald.dispatch.DispatchProperties;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The admin page's settings in the shared {@code app_setting} key/value table, which the
 * audience module owns and writes ({@link AppSettings}). Guests and proactive install are
 * the audience module's keys; the send rate and the retention are this module's.
 */
@Component
public class AdminSettings {

	/** Connector calls per second for the whole tenant (Teams allows 50). */
	public static final String RATE_PER_SECOND = DispatchProperties.RATE_SETTING;

	/** Days after which the per-recipient ledger of finished announcements is purged. */
	public static final String RETENTION_DAYS = "retention.days";

	private final AppSettings settings;

	AdminSettings(AppSettings settings) {
		this.settings = settings;
	}

	public Optional<String> get(String key) {
		return this.settings.get(key);
	}

	/** A setting that holds a whole number; empty when unset or not a number. */
	public Optional<Integer> getInt(String key) {
		return this.settings.getInt(key);
	}

	@Transactional
	public void putAll(Map<String, String> values, String by) {
		values.forEach((key, value) -> this.settings.put(key, value, by));
	}

}
