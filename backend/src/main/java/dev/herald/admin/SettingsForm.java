package dev.herald.admin;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * The settings page.
 *
 * @param ratePerSecond Connector calls per second for the tenant
 * @param proactiveInstall install the app for people who lack it
 * @param guestsAllowed include guests in audiences
 * @param retentionDays purge per-recipient details this many days after a send finished
 * (0 keeps them forever)
 */
public record SettingsForm(@NotNull @Min(1) @Max(50) Integer ratePerSecond, Boolean proactiveInstall,
		Boolean guestsAllowed, @NotNull @Min(0) @Max(3650) Integer retentionDays) {

	public SettingsForm {
		proactiveInstall = Boolean.TRUE.equals(proactiveInstall);
		guestsAllowed = Boolean.TRUE.equals(guestsAllowed);
	}

	static SettingsForm from(AppSettings settings) {
		return new SettingsForm(integer(settings, AppSettings.RATE_PER_SECOND, 50),
				settings.get(AppSettings.PROACTIVE_INSTALL).map(Boolean::valueOf).orElse(true),
				settings.get(AppSettings.GUESTS_ALLOWED).map(Boolean::valueOf).orElse(false),
				integer(settings, AppSettings.RETENTION_DAYS, 0));
	}

	Map<String, String> toSettings() {
		Map<String, String> values = new LinkedHashMap<>();
		values.put(AppSettings.RATE_PER_SECOND, String.valueOf(this.ratePerSecond));
		values.put(AppSettings.PROACTIVE_INSTALL, String.valueOf(this.proactiveInstall));
		values.put(AppSettings.GUESTS_ALLOWED, String.valueOf(this.guestsAllowed));
		values.put(AppSettings.RETENTION_DAYS, String.valueOf(this.retentionDays));
		return values;
	}

	private static int integer(AppSettings settings, String key, int fallback) {
		try {
			return settings.get(key).map(Integer::parseInt).orElse(fallback);
		}
		catch (NumberFormatException ex) {
			return fallback;
		}
	}

}
