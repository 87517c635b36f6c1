package dev.herald.admin;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;

import dev.herald.link.TrackedLinks;
import dev.herald.security.Actor;
import dev.herald.settings.AppSettings;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.core.Authentication;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The settings page's API twin ({@code /api/v1/admin/settings}, Admins only): a PUT
 * changes only the fields it names, e.g. {@code {"approval": "always"}}.
 */
@RestController
@Validated
@RequestMapping(path = "/api/v1/admin/settings", produces = "application/json")
class AdminSettingsApi {

	private final AdminSettings settings;

	private final AppSettings audience;

	private final TrackedLinks links;

	AdminSettingsApi(AdminSettings settings, AppSettings audience, TrackedLinks links) {
		this.links = links;
		this.settings = settings;
		this.audience = audience;
	}

	@GetMapping
	Settings get() {
		return new Settings(this.settings.get(AdminSettings.APPROVAL).orElse("off"),
				this.settings.getInt(AdminSettings.APPROVAL_THRESHOLD).orElse(SettingsForm.DEFAULT_APPROVAL_THRESHOLD),
				this.settings.getInt(AdminSettings.AUDIT_RETENTION_DAYS).orElse(0),
				this.settings.getInt(AdminSettings.RATE_PER_SECOND).orElse(null),
				SettingsForm.retentionDays(this.settings), this.audience.allowGuests(),
				this.audience.proactiveInstall(), SettingsForm.trackLinkClickers(this.settings),
				SettingsForm.requireLinkNotice(this.settings), this.audience.emailFallbackDefault());
	}

	@PutMapping(consumes = "application/json")
	Settings put(@Valid @RequestBody Settings change, Authentication admin) {
		Map<String, String> values = new LinkedHashMap<>();
		if (change.approval() != null) {
			values.put(AdminSettings.APPROVAL, change.approval());
		}
		if (change.approvalThreshold() != null) {
			values.put(AdminSettings.APPROVAL_THRESHOLD, change.approvalThreshold().toString());
		}
		if (change.auditRetentionDays() != null) {
			values.put(AdminSettings.AUDIT_RETENTION_DAYS, change.auditRetentionDays().toString());
		}
		if (change.ratePerSecond() != null) {
			values.put(AdminSettings.RATE_PER_SECOND, change.ratePerSecond().toString());
		}
		if (change.retentionDays() != null) {
			values.put(AdminSettings.RETENTION_DAYS, change.retentionDays().toString());
		}
		if (change.allowGuests() != null) {
			values.put(AppSettings.ALLOW_GUESTS, change.allowGuests().toString());
		}
		if (change.proactiveInstall() != null) {
			values.put(AppSettings.PROACTIVE_INSTALL, change.proactiveInstall().toString());
		}
		if (change.trackLinkClickers() != null) {
			values.put(TrackedLinks.TRACK_PEOPLE, change.trackLinkClickers().toString());
		}
		if (change.requireLinkNotice() != null) {
			values.put(TrackedLinks.REQUIRE_NOTICE, change.requireLinkNotice().toString());
		}
		if (change.emailFallbackDefault() != null) {
			values.put(AppSettings.EMAIL_FALLBACK_DEFAULT, change.emailFallbackDefault().toString());
		}
		this.settings.change(values, Actor.of(admin));
		this.links.settingsChanged();
		return get();
	}

	/** An audit retention under the floor: 422, nothing saved. */
	@ExceptionHandler
	ProblemDetail auditRetentionTooShort(AdminSettings.AuditRetentionTooShortException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_CONTENT, ex.getMessage());
		problem.setTitle("Audit retention too short");
		problem.setProperty("minimumDays", AdminSettings.AUDIT_RETENTION_FLOOR_DAYS);
		return problem;
	}

	/**
	 * The settings; in a PUT every field is optional.
	 *
	 * @param approval approval before send: off, always or large
	 * @param approvalThreshold with "large": audiences above this many people
	 * @param auditRetentionDays days the audit log is kept (0: forever)
	 * @param ratePerSecond Connector calls per second for the tenant
	 * @param retentionDays days per-recipient delivery details are kept (0: forever)
	 * @param allowGuests whether guests may be in audiences
	 * @param proactiveInstall whether Herald installs itself for people who lack it
	 * @param trackLinkClickers whether Herald keeps who clicked a link (false: counts
	 * only, no person stored)
	 * @param requireLinkNotice whether cards with tracked links must say so in their
	 * footer
	 * @param emailFallbackDefault whether new announcements also go by e-mail to people
	 * Teams cannot reach unless they choose (also {@code PUT /api/v1/admin/email})
	 */
	record Settings(@Pattern(regexp = "off|always|large") String approval,
			@Min(0) @Max(10_000_000) Integer approvalThreshold, @Min(0) @Max(36500) Integer auditRetentionDays,
			@Min(1) @Max(50) Integer ratePerSecond, @Min(0) @Max(3650) Integer retentionDays, Boolean allowGuests,
			Boolean proactiveInstall, Boolean trackLinkClickers, Boolean requireLinkNotice,
			Boolean emailFallbackDefault) {
	}

}
