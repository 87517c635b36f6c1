package dev.herald.followup;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import dev.herald.announcement.AfterSendPolicy;
import dev.herald.announcement.Announcements;
import dev.herald.announcement.Governance;
import dev.herald.security.Actor;
import dev.herald.security.Roles;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Updates, deletions and reminders of an announcement's sent copies in the public API:
 * progress ("updated N of M"), pause/resume/cancel, and reminders.
 */
@RestController
@RequestMapping(path = "/api/v1/announcements/{id}", produces = "application/json")
class FollowUpApi {

	private final FollowUps followUps;

	private final Announcements announcements;

	private final AfterSendPolicy policy;

	private final Governance governance;

	FollowUpApi(FollowUps followUps, Announcements announcements, AfterSendPolicy policy, Governance governance) {
		this.governance = governance;
		this.followUps = followUps;
		this.announcements = announcements;
		this.policy = policy;
	}

	/** The announcement's operations, newest first, with their counts. */
	@GetMapping("/follow-ups")
	List<Operation> list(@PathVariable long id, Authentication user) {
		this.governance.readable(id, Actor.of(user));
		return this.followUps.list(id).stream().map(this::operation).toList();
	}

	@GetMapping("/follow-ups/{followUpId}")
	Operation get(@PathVariable long id, @PathVariable long followUpId, Authentication user) {
		this.governance.readable(id, Actor.of(user));
		return operation(this.followUps.view(id, followUpId));
	}

	/** {@code pause}, {@code resume} or {@code cancel} an operation. */
	@PostMapping("/follow-ups/{followUpId}/{action:pause|resume|cancel}")
	Operation control(@PathVariable long id, @PathVariable long followUpId, @PathVariable String action,
			Authentication user) {
		this.policy.check(AfterSendPolicy.Act.CONTROL, this.announcements.require(id), user);
		if (!this.followUps.control(id, followUpId, action)) {
			throw new FollowUps.NotAllowedNowException(
					"Operation " + followUpId + " is " + this.followUps.view(id, followUpId).status());
		}
		this.policy.recordedControl(id, followUpId, action, user);
		return operation(this.followUps.view(id, followUpId));
	}

	/**
	 * Sends a short reminder, as a reply to the original, to the people who have not
	 * acknowledged, voted or read it: {@code {"who":"not-acknowledged"}}.
	 */
	@PostMapping(path = "/reminders", consumes = "application/json")
	ResponseEntity<Operation> remind(@PathVariable long id, @Valid @RequestBody ReminderRequest request,
			Authentication user) {
		this.policy.check(AfterSendPolicy.Act.REMIND, this.announcements.require(id), user);
		FollowUpView view = this.followUps.remind(id, request.who(), Roles.userName(claims(user)));
		this.policy.recorded(AfterSendPolicy.Act.REMIND, id, user,
				"reminder to " + request.who() + " (" + view.targets() + " people, operation " + view.id() + ")");
		return ResponseEntity.accepted().body(operation(view));
	}

	/**
	 * How many people each kind of reminder would reach now, and copies a recall deletes.
	 */
	@GetMapping("/reminders/reach")
	Map<String, Object> reach(@PathVariable long id, Authentication user) {
		this.governance.readable(id, Actor.of(user));
		return Map.of("reminders", this.followUps.reminderReach(id), "copies", this.followUps.copies(id));
	}

	@ExceptionHandler
	ProblemDetail notAllowedNow(FollowUps.NotAllowedNowException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, ex.getMessage());
		problem.setTitle("Invalid state");
		return problem;
	}

	@ExceptionHandler
	ProblemDetail badRequest(IllegalArgumentException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
		problem.setTitle("Invalid request");
		return problem;
	}

	private Operation operation(FollowUpView v) {
		return new Operation(v.id(), v.kind(), v.who(), v.status(), v.requestedBy(), v.planning(), v.targets(),
				v.done(), v.failed(), v.canceled(), v.pending(), v.createdAt(), v.finishedAt(),
				this.followUps.failures(v.id()), v.pauseReason());
	}

	private static Map<String, Object> claims(Authentication user) {
		if (user instanceof JwtAuthenticationToken jwt) {
			return jwt.getTokenAttributes();
		}
		return Map.of("sub", user.getName());
	}

	record ReminderRequest(@NotNull @Pattern(regexp = "not-acknowledged|not-voted|not-read") String who) {
	}

	/**
	 * An operation: {@code kind} update (edit), delete (recall) or remind; "updated
	 * {@code done} of {@code targets}"; {@code planning} while copies delivered late may
	 * still be added.
	 */
	record Operation(long id, String kind, String who, String status, String requestedBy, boolean planning, int targets,
			int done, int failed, int canceled, int pending, Instant createdAt, Instant finishedAt,
			List<FollowUpView.Reason> failures, String pauseReason) {
	}

}
