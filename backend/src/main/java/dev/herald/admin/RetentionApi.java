package dev.herald.admin;

import java.net.URI;

import dev.herald.security.Actor;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.core.Authentication;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The settings page's "Purge now" for API clients ({@code POST
 * /api/v1/admin/retention/purge}, Admins only, like the page): purges with the stored
 * retention and audits it; refused with 409 while retention is off, so a script cannot
 * purge what the admins chose to keep.
 */
@RestController
@RequestMapping(path = "/api/v1/admin/retention", produces = "application/json")
class RetentionApi {

	private final AdminSettings settings;

	private final RetentionPurge purge;

	RetentionApi(AdminSettings settings, RetentionPurge purge) {
		this.settings = settings;
		this.purge = purge;
	}

	@PostMapping("/purge")
	Purged purge(Authentication admin) {
		int days = SettingsForm.retentionDays(this.settings);
		if (days <= 0) {
			ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
					"Retention is off: set retentionDays in /api/v1/admin/settings first.");
			problem.setTitle("Conflict");
			problem.setType(URI.create("about:blank"));
			throw new ErrorResponseException(HttpStatus.CONFLICT, problem, null);
		}
		RetentionPurge.Result result = this.purge.purge(days, Actor.of(admin));
		return new Purged(days, result.announcements(), result.deliveries(), result.otherRows());
	}

	/**
	 * What a purge removed.
	 *
	 * @param retentionDays the retention it applied
	 * @param announcements announcements whose per-recipient details went
	 * @param deliveries ledger rows deleted
	 * @param otherRows other rows naming people (responses, receipts, directory entries,
	 * images)
	 */
	record Purged(int retentionDays, int announcements, int deliveries, int otherRows) {
	}

}
