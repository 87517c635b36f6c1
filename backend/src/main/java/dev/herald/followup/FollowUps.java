package dev.herald.followup;

import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.announcement.AfterSendPolicy;
import dev.herald.announcement.Announcement;
import dev.herald.announcement.AnnouncementEvents;
import dev.herald.announcement.Announcements;
import dev.herald.announcement.SendPolicy;
import dev.herald.audit.AuditAction;
import dev.herald.audit.AuditLog;
import dev.herald.security.Actor;

import org.springframework.context.event.EventListener;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * Starts and controls operations on copies already sent. An edit or recall starts its
 * operation inside the transaction that changed the announcement, so the change and its
 * operation commit together (or not at all).
 */
@Component
public class FollowUps {

	private static final Logger log = LoggerFactory.getLogger(FollowUps.class);

	private final FollowUpLedger ledger;

	private final Announcements announcements;

	private final AfterSendPolicy policy;

	private final FollowUpProperties properties;

	private final SendPolicy sendPolicy;

	private final AuditLog audit;

	FollowUps(FollowUpLedger ledger, Announcements announcements, AfterSendPolicy policy, FollowUpProperties properties,
			SendPolicy sendPolicy, AuditLog audit) {
		this.ledger = ledger;
		this.sendPolicy = sendPolicy;
		this.audit = audit;
		this.announcements = announcements;
		this.policy = policy;
		this.properties = properties;
	}

	@EventListener
	void on(AnnouncementEvents.ContentEdited event) {
		long id = event.announcementId();
		// The newest edit's update covers every copy; an older one still running would
		// only repeat its calls.
		this.ledger.cancelOpen(id, List.of(FollowUpKind.UPDATE));
		long op = this.ledger.create(id, FollowUpKind.UPDATE, null, event.by(), this.properties.editMargin());
		int copies = this.ledger.planCopies(op);
		log.info("Announcement {}: edited by {}, updating {} delivered copies (operation {})", id, event.by(), copies,
				op);
		if (refused(id, op, "update of the delivered copies")) {
			// Copies not yet sent would go out with this content too.
			this.announcements.pauseAutomatically(id, "The content is not what was approved.");
		}
	}

	@EventListener
	void on(AnnouncementEvents.Recalled event) {
		long id = event.announcementId();
		this.ledger.cancelOpen(id, List.of(FollowUpKind.UPDATE, FollowUpKind.REMIND));
		long op = this.ledger.create(id, FollowUpKind.DELETE, null, event.by(), Duration.ZERO);
		int copies = this.ledger.planCopies(op);
		log.info("Announcement {}: recalled by {}, deleting {} delivered copies (operation {})", id, event.by(), copies,
				op);
	}

	/**
	 * Sends a reminder to the people {@code who} names. The caller checked the
	 * permission; the state is checked here.
	 */
	@Transactional
	public FollowUpView remind(long announcementId, String who, String by) {
		ReminderTarget target = ReminderTarget.of(who)
			.orElseThrow(() -> new IllegalArgumentException(
					"who must be one of not-acknowledged, not-voted, not-read, not " + who));
		Announcement a = this.announcements.require(announcementId);
		if (!this.policy.allows(AfterSendPolicy.Act.REMIND, a)) {
			throw new NotAllowedNowException("Announcement " + announcementId + " is " + a.status().dbValue() + " with "
					+ a.counts().delivered() + " delivered copies: nothing to remind of");
		}
		long op = this.ledger.create(announcementId, FollowUpKind.REMIND, target, by, Duration.ZERO);
		int people = this.ledger.planReminder(op, announcementId, target);
		log.info("Announcement {}: reminder to {} ({} people, operation {})", announcementId, who, people, op);
		refused(announcementId, op, "reminder");
		return view(announcementId, op);
	}

	/**
	 * The gate's backstop, once per operation (never per copy): an update or reminder
	 * carries the announcement's content, which must be what was approved when approval
	 * applies. If not, the operation is paused with the reason and audited.
	 */
	private boolean refused(long announcementId, long op, String what) {
		Optional<String> reason = this.sendPolicy.unapproved(announcementId);
		if (reason.isEmpty()) {
			return false;
		}
		this.ledger.pause(op, reason.get());
		this.audit.record(Actor.system("follow-ups"), AuditAction.REFUSED, announcementId,
				what + " (operation " + op + ") paused: " + reason.get());
		log.warn("Announcement {}: {} (operation {}) paused: {}", announcementId, what, op, reason.get());
		return true;
	}

	/** How many people each kind of reminder would reach now, in API order. */
	public Map<String, Integer> reminderReach(long announcementId) {
		Map<ReminderTarget, Integer> counts = new EnumMap<>(ReminderTarget.class);
		for (ReminderTarget t : ReminderTarget.values()) {
			counts.put(t, this.ledger.countReminder(announcementId, t));
		}
		Map<String, Integer> result = new LinkedHashMap<>();
		counts.forEach((t, n) -> result.put(t.value(), n));
		return result;
	}

	/** Delivered copies a recall would delete now. */
	public int copies(long announcementId) {
		return this.ledger.countCopies(announcementId);
	}

	public List<FollowUpView> list(long announcementId) {
		return this.ledger.list(announcementId);
	}

	FollowUpView view(long announcementId, long followUpId) {
		return list(announcementId).stream()
			.filter((f) -> f.id() == followUpId)
			.findFirst()
			.orElseThrow(() -> new FollowUpNotFoundException(followUpId));
	}

	/** Why items of an operation failed, most frequent first. */
	public List<FollowUpView.Reason> failures(long followUpId) {
		return this.ledger.failures(followUpId);
	}

	/**
	 * Pauses, resumes or cancels an operation; false when its state does not allow it.
	 */
	@Transactional
	public boolean control(long announcementId, long followUpId, String action) {
		FollowUpView operation = view(announcementId, followUpId);
		if ("resume".equals(action) && !FollowUpKind.DELETE.dbValue().equals(operation.kind())) {
			// A resumed update or reminder sends the content as it is now: the gate
			// again.
			Optional<String> reason = this.sendPolicy.unapproved(announcementId);
			if (reason.isPresent()) {
				throw new NotAllowedNowException(reason.get());
			}
		}
		FollowUpStatus target = switch (action) {
			case "pause" -> FollowUpStatus.PAUSED;
			case "resume" -> FollowUpStatus.RUNNING;
			case "cancel" -> FollowUpStatus.CANCELED;
			default -> throw new IllegalArgumentException("Unknown action " + action);
		};
		boolean changed = this.ledger.transition(announcementId, followUpId, target);
		if (changed && target == FollowUpStatus.CANCELED) {
			this.ledger.cancelPendingItems(followUpId);
		}
		return changed;
	}

	/** No such operation on this announcement. */
	@ResponseStatus(HttpStatus.NOT_FOUND)
	static class FollowUpNotFoundException extends RuntimeException {

		FollowUpNotFoundException(long id) {
			super("Operation " + id + " does not exist");
		}

	}

	/** The announcement's state does not allow this now (a 409). */
	static class NotAllowedNowException extends RuntimeException {

		NotAllowedNowException(String message) {
			super(message);
		}

	}

}
