package dev.herald.approval;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;

import dev.herald.security.Actor;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Approval in the API: {@code POST /api/v1/announcements/{id}/submit},
 * {@code .../approve}, {@code .../reject}, {@code GET .../approval}, and the queue
 * {@code GET /api/v1/approvals}. The same checks as the UI: owners submit, Approvers who
 * are not owners decide.
 */
@RestController
@Validated
class ApprovalApi {

	private final Approvals approvals;

	private final dev.herald.announcement.Governance governance;

	ApprovalApi(Approvals approvals, dev.herald.announcement.Governance governance) {
		this.approvals = approvals;
		this.governance = governance;
	}

	/**
	 * Submits a draft; with {@code {"at":"2026-12-01T09:00","zone":"Europe/Paris"}} it
	 * starts at that time once approved, otherwise at once. For an announcement already
	 * out, {@code {"content": {...}}} submits an edit: approved, the copies are updated.
	 */
	@PostMapping(path = "/api/v1/announcements/{id}/submit", produces = "application/json")
	ResponseEntity<Approvals.Request> submit(@PathVariable long id, @RequestBody(required = false) @Valid Submit body,
			Authentication user) {
		if (body != null && body.content() != null) {
			// An edit of an announcement already out: approved, it updates the copies.
			if (body.at() != null) {
				throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
						"An edit of an announcement that is out takes no start time.");
			}
			this.governance.submitEdit(id, body.content(), Actor.of(user));
			return ResponseEntity.accepted().body(this.approvals.find(id).orElseThrow());
		}
		LocalDateTime at = (body != null) ? body.at() : null;
		ZoneId zone = null;
		if (at != null) {
			try {
				zone = ZoneId.of((body.zone() != null) ? body.zone() : "UTC");
			}
			catch (DateTimeException ex) {
				throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "Unknown time zone " + body.zone());
			}
		}
		return ResponseEntity.accepted().body(this.approvals.submit(id, Actor.of(user), at, zone));
	}

	@PostMapping(path = "/api/v1/announcements/{id}/approve", produces = "application/json")
	Approvals.Request approve(@PathVariable long id, @RequestBody(required = false) @Valid Decision body,
			Authentication user) {
		return this.approvals.approve(id, Actor.of(user), (body != null) ? body.comment() : null);
	}

	@PostMapping(path = "/api/v1/announcements/{id}/reject", produces = "application/json")
	Approvals.Request reject(@PathVariable long id, @RequestBody(required = false) @Valid Decision body,
			Authentication user) {
		return this.approvals.reject(id, Actor.of(user), (body != null) ? body.comment() : null);
	}

	@GetMapping(path = "/api/v1/announcements/{id}/approval", produces = "application/json")
	Approvals.Review approval(@PathVariable long id, Authentication user) {
		this.governance.readable(id, Actor.of(user));
		return this.approvals.review(id)
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
					"Announcement " + id + " was never submitted for approval."));
	}

	/** Pending requests, oldest first (Approvers). */
	@GetMapping(path = "/api/v1/approvals", produces = "application/json")
	List<Approvals.Queued> queue(Authentication user) {
		if (!Actor.of(user).isApprover()) {
			throw new ResponseStatusException(HttpStatus.FORBIDDEN, "Only Approvers see the approval queue.");
		}
		return this.approvals.queue();
	}

	/**
	 * When to start once approved (none: at once); or, for an announcement already out,
	 * the new content to approve.
	 */
	record Submit(LocalDateTime at, @Size(max = 64) String zone,
			@Valid dev.herald.announcement.AnnouncementContent content) {
	}

	/** An approver's comment (required to reject). */
	record Decision(@Size(max = Approvals.MAX_COMMENT) String comment) {
	}

}
