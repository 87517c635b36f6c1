package dev.herald.audience;

import java.util.List;

import dev.herald.announcement.AnnouncementStatus;
import dev.herald.announcement.Announcements;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The audience stored with each announcement. It can change while the announcement is a
 * draft (or scheduled); once a send starts it is frozen into the ledger and never read
 * again for that send.
 */
@Component
public class AnnouncementAudiences {

	private final JdbcClient jdbc;

	private final Announcements announcements;

	AnnouncementAudiences(JdbcClient jdbc, Announcements announcements) {
		this.jdbc = jdbc;
		this.announcements = announcements;
	}

	/** Replaces the audience of a draft or scheduled announcement. */
	@Transactional
	public void set(long announcementId, AudienceDefinition audience) {
		audience.validateRules();
		// The row lock orders this against a concurrent start: either the send sees the
		// new audience, or this change sees a non-editable status and is refused.
		this.jdbc.sql("SELECT id FROM announcement WHERE id = :id FOR UPDATE")
			.param("id", announcementId)
			.query()
			.rowSet();
		AnnouncementStatus current = this.announcements.require(announcementId).status();
		if (!current.isEditable() && current != AnnouncementStatus.SCHEDULED) {
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

	/** The audience can no longer change: the announcement is sending or done. */
	public static class AudienceLockedException extends RuntimeException {

		AudienceLockedException(long id, AnnouncementStatus status) {
			super("Announcement " + id + " is " + status.dbValue() + "; its audience can no longer change");
		}

	}

}
