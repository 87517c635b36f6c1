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

	static SettingsForm from(AdminSettings settings, dev.herald.audience.AppSettings audience) {
		return new SettingsForm(integer(settings, AdminSettings.RATE_PER_SECOND, 50), audience.proactiveInstall(),
				audience.allowGuests(), retentionDays(settings));
	}

	static int retentionDays(AdminSettings settings) {
		return integer(settings, AdminSettings.RETENTION_DAYS, 0);
	}

	Map<String, String> toSettings() {
		Map<String, String> values = new LinkedHashMap<>();
		values.put(AdminSettings.RATE_PER_SECOND, String.valueOf(this.ratePerSecond));
		values.put(AdminSettings.RETENTION_DAYS, String.valueOf(this.retentionDays));
		return values;
	}

	private static int integer(AdminSettings settings, String key, int fallback) {
		return settings.getInt(key).orElse(fallback);
	}

}
