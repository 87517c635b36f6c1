package dev.herald.email;

import java.util.List;
import java.util.Map;

import dev.herald.admin.AdminSettings;
import dev.herald.security.Actor;
import dev.herald.settings.AppSettings;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.security.core.Authentication;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The admin's e-mail settings: the default of "also by e-mail to people Teams cannot
 * reach" for new announcements and API sends that do not choose, and what is configured
 * (read only: transport and sender come from the deployment's configuration). Admins only
 * ({@code /api/v1/admin/**}).
 */
@RestController
@Validated
@RequestMapping("/api/v1/admin/email")
class EmailAdminApi {

	private final AppSettings settings;

	private final EmailProperties properties;

	private final AdminSettings adminSettings;

	EmailAdminApi(AppSettings settings, EmailProperties properties, AdminSettings adminSettings) {
		this.settings = settings;
		this.properties = properties;
		this.adminSettings = adminSettings;
	}

	@GetMapping
	EmailSettings get() {
		return new EmailSettings(this.settings.emailFallbackDefault(), this.properties.transport(),
				this.properties.from(), this.properties.ratePerMinute(), this.properties.graphMailboxes());
	}

	/**
	 * How long a fallback of this many e-mails takes with the configured transport: for
	 * Graph, spread over the sender mailboxes at their per-minute limit and within their
	 * daily recipients.
	 */
	@GetMapping("/estimate")
	Estimate estimate(@RequestParam @Min(0) @Max(10_000_000) long emails) {
		return new Estimate(emails, this.properties.estimate(emails).toSeconds(), this.properties.transport(),
				this.properties.graph() ? this.properties.graphMailboxes().size() : 0);
	}

	/** Changes the default through the settings page's path: one audit row per change. */
	@PutMapping
	EmailSettings put(@RequestBody Change change, Authentication auth) {
		if (change.fallbackDefault() != null) {
			this.adminSettings.change(Map.of(AppSettings.EMAIL_FALLBACK_DEFAULT, change.fallbackDefault().toString()),
					Actor.of(auth));
		}
		return get();
	}

	/**
	 * @param fallbackDefault whether new announcements also go by e-mail to people Teams
	 * cannot reach, unless they say otherwise
	 * @param transport {@code none} or {@code smtp}
	 * @param from the sender address
	 * @param ratePerMinute e-mails per minute for all instances together
	 * @param graphMailboxes the Graph sender mailboxes
	 */
	record EmailSettings(boolean fallbackDefault, String transport, String from, double ratePerMinute,
			List<String> graphMailboxes) {
	}

	/**
	 * @param emails e-mails asked about
	 * @param seconds how long they take at the configured pace
	 * @param transport {@code smtp} or {@code graph}
	 * @param mailboxes sender mailboxes they are spread over (Graph)
	 */
	record Estimate(long emails, long seconds, String transport, int mailboxes) {
	}

	/**
	 * @param fallbackDefault the new default (absent: unchanged)
	 */
	record Change(Boolean fallbackDefault) {
	}

}
