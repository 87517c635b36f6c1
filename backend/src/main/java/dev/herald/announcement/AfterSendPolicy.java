package dev.herald.announcement;

import java.util.Locale;
import java.util.Set;

import dev.herald.audit.AuditAction;
import dev.herald.audit.AuditLog;
import dev.herald.security.Actor;
import dev.herald.security.Roles;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.stereotype.Component;

/**
 * Who may act on an announcement after its send, and in which states: the one place the
 * UI and the API both ask, so that both follow the same rules (ownership and approval
 * rules belong here too).
 */
@Component
public class AfterSendPolicy {

	private static final Set<String> ACTORS = Set.of("ROLE_" + Roles.AUTHOR, "ROLE_" + Roles.ADMIN);

	private final Owners owners;

	private final AuditLog audit;

	AfterSendPolicy(Owners owners, AuditLog audit) {
		this.owners = owners;
		this.audit = audit;
	}

	/** What may be done after the send. */
	public enum Act {

		/** Change the content; delivered copies are updated in place. */
		EDIT,
		/** Stop the send and delete every delivered copy. */
		RECALL,
		/** Set or clear the expiry or the automatic reminder. */
		SCHEDULE,
		/** Send a reminder to people who have not responded. */
		REMIND,
		/** Pause, resume or cancel an update, deletion or reminder in progress. */
		CONTROL

	}

	/**
	 * Fails with {@link AccessDeniedException} (403) unless {@code user} may do
	 * {@code act} on the announcement. State rules are not checked here (see
	 * {@link #allows}); a wrong state is a 409.
	 */
	public void check(Act act, Announcement announcement, Authentication user) {
		boolean actor = user != null && user.isAuthenticated()
				&& user.getAuthorities().stream().map(GrantedAuthority::getAuthority).anyMatch(ACTORS::contains);
		if (!actor) {
			throw new AccessDeniedException(
					"Not allowed to " + act.name().toLowerCase(Locale.ROOT) + " announcement " + announcement.id());
		}
		// Only its owners (or Admins) act on an announcement (#15).
		this.owners.requireManage(announcement.id(), Actor.of(user));
	}

	/**
	 * One audit row for an act after the send that was done: an edit, a recall, a
	 * reminder, a change of expiry or automatic reminder ({@link Act#SCHEDULE}). Pause,
	 * resume and cancel of an operation record through {@link #recordedControl}.
	 */
	public void recorded(Act act, long announcementId, Authentication user, String summary) {
		AuditAction action = switch (act) {
			case EDIT -> AuditAction.EDIT_AFTER_SEND;
			case RECALL -> AuditAction.RECALL;
			case REMIND -> AuditAction.REMINDER;
			case SCHEDULE -> AuditAction.AFTER_SEND_CHANGE;
			case CONTROL -> throw new IllegalArgumentException("use recordedControl");
		};
		this.audit.record(Actor.of(user), action, announcementId, summary);
	}

	/** One audit row for a pause, resume or cancel of an operation after the send. */
	public void recordedControl(long announcementId, long followUpId, String control, Authentication user) {
		AuditAction action = switch (control) {
			case "pause" -> AuditAction.FOLLOW_UP_PAUSE;
			case "resume" -> AuditAction.FOLLOW_UP_RESUME;
			case "cancel" -> AuditAction.FOLLOW_UP_CANCEL;
			default -> throw new IllegalArgumentException("Unknown control " + control);
		};
		this.audit.record(Actor.of(user), action, announcementId, control + " of operation " + followUpId);
	}

	/** The audit summary of an announcement's expiry and automatic reminder. */
	public static String describe(AfterSend after) {
		String expiry = (after.expiresAt() != null) ? after.expiresAt() + " (" + after.expiresZone() + ")" : "none";
		String reminder = (after.autoRemindHours() != null) ? after.autoRemindHours() + " h to " + after.autoRemindWho()
				: "none";
		return "expiry " + expiry + "; automatic reminder " + reminder;
	}

	/** Whether the announcement's state allows {@code act} now (to show the button). */
	public boolean allows(Act act, Announcement announcement) {
		AnnouncementStatus status = announcement.status();
		return switch (act) {
			case EDIT -> status.isEditable() || status.isEditableAfterSend();
			case RECALL -> AnnouncementStatus.RECALLED.allowedFrom().contains(status);
			case SCHEDULE -> status != AnnouncementStatus.RECALLED;
			case REMIND -> status.isEditableAfterSend() && announcement.counts().delivered() > 0;
			case CONTROL -> true;
		};
	}

}
