package dev.herald.admin;

import dev.herald.link.TrackedLinks;
import dev.herald.settings.AppSettings;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * The settings page.
 *
 * @param ratePerSecond Connector calls per second for the tenant
 * @param proactiveInstall install the app for people who lack it
 * @param guestsAllowed include guests in audiences
 * @param retentionDays purge per-recipient details this many days after a send finished
 * (0 keeps them forever)
 * @param approval approval before send: off, always or large
 * @param approvalThreshold with "large": audiences above this many people need approval
 * @param auditRetentionDays days the audit log is kept (0 keeps it forever)
 * @param trackLinkClickers keep who clicked a link (off: counts only, #26)
 * @param requireLinkNotice cards with tracked links say so in their footer
 * @param emailFallbackDefault new announcements also go by e-mail to people Teams cannot
 * reach, unless they choose otherwise (#26)
 */
public record SettingsForm(@NotNull @Min(1) @Max(50) Integer ratePerSecond, Boolean proactiveInstall,
		Boolean guestsAllowed, @NotNull @Min(0) @Max(3650) Integer retentionDays,
		@Pattern(regexp = "off|always|large") String approval, @Min(0) @Max(10_000_000) Integer approvalThreshold,
		@Min(0) @Max(36500) Integer auditRetentionDays, Boolean trackLinkClickers, Boolean requireLinkNotice,
		Boolean emailFallbackDefault) {

	public SettingsForm {
		proactiveInstall = Boolean.TRUE.equals(proactiveInstall);
		guestsAllowed = Boolean.TRUE.equals(guestsAllowed);
		approval = (approval == null || approval.isBlank()) ? "off" : approval;
		approvalThreshold = (approvalThreshold != null) ? approvalThreshold : DEFAULT_APPROVAL_THRESHOLD;
		auditRetentionDays = (auditRetentionDays != null) ? auditRetentionDays : 0;
		trackLinkClickers = Boolean.TRUE.equals(trackLinkClickers);
		requireLinkNotice = Boolean.TRUE.equals(requireLinkNotice);
		emailFallbackDefault = Boolean.TRUE.equals(emailFallbackDefault);
	}

	/** Audiences above this many people are "large" until an admin says otherwise. */
	static final int DEFAULT_APPROVAL_THRESHOLD = 1000;

	static SettingsForm from(AdminSettings settings, AppSettings audience) {
		return new SettingsForm(integer(settings, AdminSettings.RATE_PER_SECOND, 50), audience.proactiveInstall(),
				audience.allowGuests(), retentionDays(settings), settings.get(AdminSettings.APPROVAL).orElse("off"),
				integer(settings, AdminSettings.APPROVAL_THRESHOLD, DEFAULT_APPROVAL_THRESHOLD),
				integer(settings, AdminSettings.AUDIT_RETENTION_DAYS, 0), trackLinkClickers(settings),
				requireLinkNotice(settings), audience.emailFallbackDefault());
	}

	/** On unless an admin turned it off. */
	static boolean trackLinkClickers(AdminSettings settings) {
		return settings.get(TrackedLinks.TRACK_PEOPLE).map(Boolean::parseBoolean).orElse(true);
	}

	static boolean requireLinkNotice(AdminSettings settings) {
		return settings.get(TrackedLinks.REQUIRE_NOTICE).map(Boolean::parseBoolean).orElse(false);
	}

	static int retentionDays(AdminSettings settings) {
		return integer(settings, AdminSettings.RETENTION_DAYS, 0);
	}

	Map<String, String> toSettings() {
		Map<String, String> values = new LinkedHashMap<>();
		values.put(AdminSettings.RATE_PER_SECOND, String.valueOf(this.ratePerSecond));
		values.put(AdminSettings.RETENTION_DAYS, String.valueOf(this.retentionDays));
		values.put(AdminSettings.APPROVAL, this.approval);
		values.put(AdminSettings.APPROVAL_THRESHOLD, String.valueOf(this.approvalThreshold));
		values.put(AdminSettings.AUDIT_RETENTION_DAYS, String.valueOf(this.auditRetentionDays));
		values.put(TrackedLinks.TRACK_PEOPLE, String.valueOf(this.trackLinkClickers));
		values.put(TrackedLinks.REQUIRE_NOTICE, String.valueOf(this.requireLinkNotice));
		values.put(AppSettings.EMAIL_FALLBACK_DEFAULT, String.valueOf(this.emailFallbackDefault));
		return values;
	}

	private static int integer(AdminSettings settings, String key, int fallback) {
		return settings.getInt(key).orElse(fallback);
	}

}
