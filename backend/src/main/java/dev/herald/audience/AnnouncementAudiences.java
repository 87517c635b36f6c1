package dev.herald.audience;

import java.util.List;

import dev.herald.announcement.Announcement;
import dev.herald.announcement.AnnouncementStatus;
import dev.herald.announcement.Announcements;
import dev.herald.announcement.Owners;
import dev.herald.audit.AuditAction;
import dev.herald.audit.AuditLog;
import dev.herald.security.Actor;

import org.springframework.context.ApplicationEventPublisher;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The audience stored with each announcement. It can change while the announcement is a
 * draft (or scheduled, or paused because it could not be read); once a send starts it is
 * frozen into the ledger and never read again for that send.
 */
@Component
public class AnnouncementAudiences {

	private final JdbcClient jdbc;

	private final Announcements announcements;

	private final Owners owners;

	private final AuthorGuardrails guardrails;

	private final AuditLog audit;

	private final ApplicationEventPublisher events;

	private final AudienceValidator validator;

	AnnouncementAudiences(JdbcClient jdbc, Announcements announcements, Owners owners, AuthorGuardrails guardrails,
			AuditLog audit, ApplicationEventPublisher events, AudienceValidator validator) {
		this.validator = validator;
		this.jdbc = jdbc;
		this.announcements = announcements;
		this.owners = owners;
		this.guardrails = guardrails;
		this.audit = audit;
		this.events = events;
	}

	/**
	 * An author changes the audience (UI and API): owners and Admins only, within the
	 * author's guardrails, recorded in the audit log; an approval of the earlier audience
	 * no longer holds.
	 */
	@Transactional
	public void change(long announcementId, AudienceDefinition audience, Actor actor) {
		this.owners.requireManage(announcementId, actor);
		// Checked against the directory first: guardrails then judge entries that are
		// what they say (a channel really of the team it names).
		this.validator.validate(audience);
		this.guardrails.checkAudience(audience, actor);
		store(announcementId, audience);
		this.audit.record(actor, AuditAction.AUDIENCE_CHANGE, announcementId,
				"audience set to " + (audience.isEmpty() ? "everyone who has the app"
						: audience.entries().stream().map(AudienceAllowList::key).limit(20).toList()
								+ ((audience.entries().size() > 20)
										? " and " + (audience.entries().size() - 20) + " more" : "")));
		this.events.publishEvent(new AudienceEvents.AudienceChanged(announcementId));
	}

	/**
	 * Replaces the audience of a draft or scheduled announcement, once it passed the
	 * directory checks ({@link AudienceValidator}).
	 */
	@Transactional
	public void set(long announcementId, AudienceDefinition audience) {
		this.validator.validate(audience);
		store(announcementId, audience);
	}

	private void store(long announcementId, AudienceDefinition audience) {
		audience.validateRules();
		// The row lock orders this against a concurrent start: either the send sees the
		// new audience, or this change sees a non-editable status and is refused.
		this.jdbc.sql("SELECT id FROM announcement WHERE id = :id FOR UPDATE")
			.param("id", announcementId)
			.query()
			.rowSet();
		Announcement announcement = this.announcements.require(announcementId);
		AnnouncementStatus current = announcement.status();
		// A send paused because its audience could not be read may get a corrected one.
		if (!current.isEditable() && current != AnnouncementStatus.SCHEDULED && !announcement.preparationFailed()) {
			throw new AudienceLockedException(announcementId, current);
		}
		this.jdbc.sql("DELETE FROM announcement_audience WHERE announcement_id = :id")
			.param("id", announcementId)
			.update();
		for (AudienceEntry entry : audience.entries()) {
			this.jdbc.sql("""
					INSERT INTO announcement_audience (announcement_id, kind, ref, team_id, label)
					VALUES (:id, :kind, :ref, :teamId, :label)
					ON CONFLICT DO NOTHING
					""")
				.param("id", announcementId)
				.param("kind", entry.kind().dbValue())
				.param("ref", entry.ref())
				.param("teamId", entry.teamId())
				.param("label", entry.label())
				.update();
		}
	}

	/**
	 * The stored audience; empty when none was set (the send then goes to everyone who
	 * has the app).
	 */
	public AudienceDefinition get(long announcementId) {
		List<AudienceEntry> entries = this.jdbc.sql("""
				SELECT kind, ref, team_id, label FROM announcement_audience WHERE announcement_id = :id
				ORDER BY kind, label, ref
				""")
			.param("id", announcementId)
			.query((rs, i) -> new AudienceEntry(AudienceKind.fromDb(rs.getString(1)), rs.getString(2), rs.getString(3),
					rs.getString(4)))
			.list();
		return new AudienceDefinition(entries);
	}

	/** Refuses (as not found) a reader who may not see this announcement's draft. */
	public void requireReadable(long announcementId, Actor actor) {
		if (!this.owners.canRead(this.announcements.require(announcementId), actor)) {
			throw new Announcements.AnnouncementNotFoundException(announcementId);
		}
	}

	/** The audience can no longer change: the announcement is sending or done. */
	public static class AudienceLockedException extends RuntimeException {

		AudienceLockedException(long id, AnnouncementStatus status) {
			super("Announcement " + id + " is " + status.dbValue() + "; its audience can no longer change");
		}

	}

}
