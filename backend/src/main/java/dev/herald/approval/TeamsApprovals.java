package dev.herald.approval;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.security.Actor;
import dev.herald.security.StaffMembers;

import org.springframework.context.MessageSource;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;

/**
 * Approve / Reject pressed on the approval card in Teams. Teams names the presser only by
 * Entra object id, so the presser must be a staff member whose last sign-in to Herald
 * carried the Approver role (within {@link #ROLE_MAX_AGE}), and not an owner; the card's
 * hash must still be the one pending. Anything else changes nothing.
 */
@Component
public class TeamsApprovals {

	/** Roles seen at a sign-in older than this are not trusted for a card action. */
	static final Duration ROLE_MAX_AGE = Duration.ofDays(30);

	private static final Logger log = LoggerFactory.getLogger(TeamsApprovals.class);

	private final Approvals approvals;

	private final StaffMembers staff;

	private final MessageSource messages;

	TeamsApprovals(Approvals approvals, StaffMembers staff, MessageSource messages) {
		this.approvals = approvals;
		this.staff = staff;
		this.messages = messages;
	}

	/** Whether a card action is one of the approval card's. */
	public static boolean handles(String action) {
		return ApproverCards.APPROVE.equals(action) || ApproverCards.REJECT.equals(action);
	}

	/**
	 * Decides from the card; returns the text that replaces the card (in the presser's
	 * language).
	 */
	public String decide(String action, long announcementId, String aadObjectId, String hash, String comment,
			Locale locale) {
		Optional<Actor> presser = this.staff.byAadObjectId(aadObjectId, Instant.now().minus(ROLE_MAX_AGE));
		if (presser.isEmpty() || !presser.get().isApprover()) {
			log.warn("Approval card action on announcement {} refused: the presser is not a known Approver",
					announcementId);
			return text("approval.teams.notApprover", locale);
		}
		Approvals.Request request = this.approvals.find(announcementId).orElse(null);
		if (request == null || request.state() != ApprovalState.PENDING || hash == null
				|| !hash.equals(request.contentHash())) {
			return text("approval.teams.outdated", locale);
		}
		try {
			if (ApproverCards.APPROVE.equals(action)) {
				this.approvals.approve(announcementId, presser.get(), comment);
				return text("approval.teams.approved", locale);
			}
			this.approvals.reject(announcementId, presser.get(), comment);
			return text("approval.teams.rejected", locale);
		}
		catch (ResponseStatusException ex) {
			return switch (ex.getStatusCode().value()) {
				case 403 -> text("approval.teams.owner", locale);
				case 400 -> text("approval.teams.commentRequired", locale);
				default -> text("approval.teams.outdated", locale);
			};
		}
	}

	private String text(String key, Locale locale) {
		return this.messages.getMessage(key, null, locale);
	}

}
