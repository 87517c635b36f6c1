package dev.herald.announcement;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.herald.security.Actor;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * The governance checks before content is saved and before a send or schedule starts:
 * author guardrails and approval. Implemented by the approval module (which depends on
 * this one and on audiences, not the other way round).
 */
public interface SendPolicy {

	/**
	 * Refuses content this actor may not save (CRITICAL importance without the
	 * guardrail's permission).
	 * @throws GuardrailException when refused
	 */
	void checkContent(AnnouncementContent content, Actor actor);

	/**
	 * Before a direct send or schedule by this actor: guardrails on content and audience,
	 * then approval.
	 * @throws GuardrailException when a guardrail refuses
	 * @throws ApprovalRequiredException when approval applies and this exact content and
	 * audience are not approved
	 */
	void checkSend(long announcementId, Actor actor);

	/**
	 * Before a schedule: as {@link #checkSend(long, Actor)}, the approval bound to this
	 * start time (an approval binds content, audience and time).
	 */
	void checkSend(long announcementId, Instant startAt, Actor actor);

	/**
	 * Before the content of an announcement already out (sending, paused, sent) changes,
	 * which rewrites every delivered copy: the same policy as a send, on the new content.
	 * @throws GuardrailException when a guardrail or the API client's permissions refuse
	 * @throws ApprovalRequiredException when approval applies and this new content was
	 * not approved
	 */
	void checkEditAfterSend(long announcementId, AnnouncementContent content, Actor actor);

	/**
	 * Submits new content for an announcement already out; once approved, the delivered
	 * copies are updated.
	 */
	void submitEdit(long announcementId, AnnouncementContent content, Actor actor);

	/**
	 * The gate's last check, made by the dispatcher before a freeze or a scheduled start
	 * and by the follow-up planner before an update or reminder (once per send or
	 * operation, never per message): empty when what would go out may go, otherwise why
	 * not (approval applies and the approved hash does not match).
	 */
	Optional<String> unapproved(long announcementId);

	/**
	 * The freeze's size check, once per send after its audience is resolved: an approval
	 * binds the audience as resolved when approved, with its size. Empty when the frozen
	 * audience may go; otherwise why not (it grew materially, or crossed the approval
	 * threshold without an approval), and the approval no longer holds.
	 */
	java.util.Optional<String> outgrown(long announcementId, int frozenRecipients);

	/**
	 * Whether a send of this announcement now needs an approval (the UI then offers to
	 * submit).
	 */
	boolean approvalRequired(long announcementId);

	/** The approval request of an announcement, if one was ever submitted. */
	Optional<Approval> approval(long announcementId);

	/**
	 * An approval request as the pages show it.
	 *
	 * @param state pending, approved, rejected or withdrawn
	 * @param submittedBy who submitted it
	 * @param decidedBy the approver who decided, if any
	 * @param comment the approver's comment
	 */
	record Approval(String state, String submittedBy, String decidedBy, String comment) {
	}

	/** An author guardrail refuses content or audience (403 problem+json). */
	class GuardrailException extends ErrorResponseException {

		private final List<String> refused;

		public GuardrailException(String detail, List<String> refused) {
			super(HttpStatus.FORBIDDEN, problem(detail, refused), null);
			this.refused = List.copyOf(refused);
		}

		public List<String> refused() {
			return this.refused;
		}

		private static ProblemDetail problem(String detail, List<String> refused) {
			ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, detail);
			problem.setTitle("Not allowed by your guardrails");
			problem.setProperty("refused", refused);
			return problem;
		}

	}

	/** Approval applies: submit it instead (409 problem+json). */
	class ApprovalRequiredException extends ErrorResponseException {

		public ApprovalRequiredException(long announcementId) {
			super(HttpStatus.CONFLICT, problem(announcementId), null);
		}

		/** For an edit of an announcement already out: submit the new content. */
		public static ApprovalRequiredException forEdit(long id) {
			ApprovalRequiredException ex = new ApprovalRequiredException(id);
			ex.getBody()
				.setDetail("Announcement " + id + " is out: new content needs an approval before the delivered copies "
						+ "change. POST /api/v1/announcements/" + id + "/submit with {\"content\": {...}}.");
			return ex;
		}

		private static ProblemDetail problem(long id) {
			ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "Announcement " + id
					+ " needs an approval before it is sent: POST /api/v1/announcements/" + id + "/submit.");
			problem.setTitle("Approval required");
			problem.setProperty("submit", "/api/v1/announcements/" + id + "/submit");
			return problem;
		}

	}

}
