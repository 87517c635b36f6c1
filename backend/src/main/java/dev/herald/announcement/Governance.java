package dev.herald.announcement;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.herald.audit.AuditAction;
import dev.herald.audit.AuditLog;
import dev.herald.security.Actor;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.server.ResponseStatusException;

/**
 * Every state-changing act on an announcement, as the UI and the API both perform it:
 * ownership checked, guardrails and approval applied, one audit row written, all in one
 * transaction. The pages and the API call this, never {@link Announcements} directly, so
 * their permissions cannot drift apart.
 */
@Component
public class Governance {

	private final Announcements announcements;

	private final Owners owners;

	private final SendPolicy policy;

	private final AuditLog audit;

	private final Refusals refusals;

	private final Topics topics;

	Governance(Announcements announcements, Owners owners, SendPolicy policy, AuditLog audit, Refusals refusals,
			Topics topics) {
		this.topics = topics;
		this.announcements = announcements;
		this.owners = owners;
		this.policy = policy;
		this.audit = audit;
		this.refusals = refusals;
	}

	public Owners owners() {
		return this.owners;
	}

	public SendPolicy policy() {
		return this.policy;
	}

	/**
	 * The topics an admin keeps, which every act here checks an announcement's against.
	 */
	public Topics topics() {
		return this.topics;
	}

	/** The announcement if this actor may read it; otherwise as if it did not exist. */
	public Announcement readable(long id, Actor actor) {
		Announcement announcement = this.announcements.require(id);
		if (!this.owners.canRead(announcement, actor)) {
			throw new Announcements.AnnouncementNotFoundException(id);
		}
		return announcement;
	}

	@Transactional
	public long create(AnnouncementContent content, String createdBy, Actor actor) {
		if (!actor.isAuthor()) {
			throw new ResponseStatusException(HttpStatus.FORBIDDEN, "Only Authors write announcements.");
		}
		content = this.topics.checked(content, null);
		this.policy.checkContent(content, actor);
		long id = this.announcements.create(content, createdBy);
		this.owners.add(id, actor.id(), actor.name(), actor.kind(), actor);
		this.audit.record(actor, AuditAction.CREATE, id, "created \"" + content.title() + "\"");
		return id;
	}

	@Transactional
	public void update(long id, AnnouncementContent content, Actor actor) {
		this.owners.requireManage(id, actor);
		AnnouncementContent before = this.announcements.require(id).content();
		content = this.topics.checked(content, before.topic());
		this.policy.checkContent(content, actor);
		this.announcements.update(id, content);
		this.audit.record(actor, AuditAction.EDIT, id, "edited " + changes(before, content));
	}

	/**
	 * Changes a draft, or the content of an announcement already out (see
	 * {@link #editAfterSend}).
	 */
	@Transactional
	public void edit(long id, AnnouncementContent content, String by, Actor actor) {
		if (this.announcements.require(id).status().isEditableAfterSend()) {
			editAfterSend(id, content, by, actor);
		}
		else {
			update(id, content, actor);
		}
	}

	/**
	 * Changes the content of an announcement that is sending, paused or sent: every
	 * delivered copy is rewritten, so this passes the same gate as a send (ownership,
	 * guardrails on the new content and the audience, the API client's permissions,
	 * approval of this new content). A refusal is audited and changes nothing.
	 */
	@Transactional
	public void editAfterSend(long id, AnnouncementContent proposed, String by, Actor actor) {
		AnnouncementContent before = this.announcements.require(id).content();
		// A topic change is a content change like any other: the same gate, then
		// approval.
		AnnouncementContent[] checked = { proposed };
		gate(actor, id, "edit after send", () -> {
			if (!actor.isAuthor() && !actor.isAdmin()) {
				throw new ResponseStatusException(HttpStatus.FORBIDDEN, "Only Authors and Admins edit announcements.");
			}
			this.owners.requireManage(id, actor);
			checked[0] = this.topics.checked(proposed, before.topic());
			this.policy.checkEditAfterSend(id, checked[0], actor);
		});
		AnnouncementContent content = checked[0];
		this.announcements.editAfterSend(id, content, by);
		this.audit.record(actor, AuditAction.EDIT_AFTER_SEND, id,
				"content edited after send (" + changes(before, content) + "); delivered copies are updated");
	}

	/**
	 * Submits new content of an announcement already out for approval (the UI's edit page
	 * when approval applies; the API's twin is {@code POST .../submit} with content).
	 */
	@Transactional
	public void submitEdit(long id, AnnouncementContent proposed, Actor actor) {
		gate(actor, id, "submitting an edit", () -> this.policy.submitEdit(id,
				this.topics.checked(proposed, this.announcements.require(id).content().topic()), actor));
	}

	@Transactional
	public void deleteDraft(long id, Actor actor) {
		this.owners.requireManage(id, actor);
		Announcement announcement = this.announcements.require(id);
		if (!this.announcements.deleteDraft(id)) {
			throw new Announcements.InvalidTransitionException(id, announcement.status(), AnnouncementStatus.DRAFT);
		}
		this.audit.record(actor, AuditAction.DELETE, id, "deleted draft \"" + announcement.content().title() + "\"");
	}

	@Transactional
	public void addCoAuthor(long id, String principalId, String name, Actor actor) {
		this.owners.requireManage(id, actor);
		if (this.owners.add(id, principalId.strip(), name.strip(), Actor.Kind.PERSON, actor)) {
			this.audit.record(actor, AuditAction.OWNER_ADD, id,
					"added co-author " + name.strip() + " (" + principalId.strip() + ")");
		}
	}

	@Transactional
	public void send(long id, Actor actor) {
		// A refused send is an attempt: audited like a refused edit (#23).
		gate(actor, id, "send", () -> {
			this.owners.requireManage(id, actor);
			this.policy.checkSend(id, actor);
		});
		this.announcements.startSend(id);
		this.audit.record(actor, AuditAction.SEND, id, "started the send");
	}

	@Transactional
	public void schedule(long id, LocalDateTime at, ZoneId zone, Actor actor) {
		gate(actor, id, "schedule", () -> {
			this.owners.requireManage(id, actor);
			// The approval binds the time too: approved for another start is not
			// approved.
			this.policy.checkSend(id, at.atZone(zone).toInstant(), actor);
		});
		this.announcements.schedule(id, at, zone);
		this.audit.record(actor, AuditAction.SCHEDULE, id, "scheduled for " + at + " " + zone.getId());
	}

	@Transactional
	public void unschedule(long id, Actor actor) {
		this.owners.requireManage(id, actor);
		this.announcements.unschedule(id);
		this.audit.record(actor, AuditAction.UNSCHEDULE, id, "schedule removed; back to draft");
	}

	@Transactional
	public void pause(long id, Actor actor) {
		this.owners.requireManage(id, actor);
		this.announcements.pause(id);
		this.audit.record(actor, AuditAction.PAUSE, id, "paused the send");
	}

	@Transactional
	public void resume(long id, Actor actor) {
		this.owners.requireManage(id, actor);
		Announcement announcement = this.announcements.require(id);
		if (announcement.status() == AnnouncementStatus.PAUSED && announcement.frozenAt() == null) {
			// Its freeze failed: resuming prepares the audience again, as it is now. A
			// send starts here, and passes the same gate as one (#23).
			gate(actor, id, "resume", () -> this.policy.checkSend(id, announcement.scheduledAt(), actor));
		}
		this.announcements.resume(id);
		this.audit.record(actor, AuditAction.RESUME, id, "resumed the send");
	}

	@Transactional
	public void cancel(long id, Actor actor) {
		this.owners.requireManage(id, actor);
		this.announcements.cancel(id);
		this.audit.record(actor, AuditAction.CANCEL, id, "canceled the send");
	}

	/** Runs the checks of an act; a refusal leaves an audit row, then is thrown. */
	private void gate(Actor actor, long id, String what, Runnable checks) {
		try {
			checks.run();
		}
		catch (RuntimeException ex) {
			if (!(ex instanceof Announcements.AnnouncementNotFoundException)) {
				this.refusals.record(actor, id, what, ex);
			}
			throw ex;
		}
	}

	/** Which fields changed, by name, for the audit summary. */
	public static String changes(AnnouncementContent a, AnnouncementContent b) {
		List<String> changed = new ArrayList<>();
		diff(changed, "title", a.title(), b.title());
		diff(changed, "summary", a.summary(), b.summary());
		diff(changed, "image", a.imageUrl(), b.imageUrl());
		diff(changed, "author line", a.author(), b.author());
		diff(changed, "buttons", a.buttons(), b.buttons());
		diff(changed, "importance", a.importance(), b.importance());
		diff(changed, "topic", a.topic(), b.topic());
		diff(changed, "acknowledgement", a.acknowledge(), b.acknowledge());
		diff(changed, "poll", List.of(String.valueOf(a.pollQuestion()), a.pollChoices()),
				List.of(String.valueOf(b.pollQuestion()), b.pollChoices()));
		return changed.isEmpty() ? "(no change)" : String.join(", ", changed);
	}

	private static void diff(List<String> changed, String name, Object a, Object b) {
		if (!Objects.equals(a, b)) {
			changed.add(name);
		}
	}

}
