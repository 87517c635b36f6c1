package dev.herald.announcement;

import java.util.List;

import dev.herald.security.Actor;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;

/**
 * Who may manage an announcement: the author who created it (or the API client, for
 * notifications) and the co-authors they add. Admins may manage everything; everyone else
 * may only read what was sent.
 */
@Component
public class Owners {

	private final JdbcClient jdbc;

	Owners(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** Adds an owner; false when they already were one. */
	public boolean add(long announcementId, String principalId, String principalName, Actor.Kind kind, Actor by) {
		return this.jdbc.sql("""
				INSERT INTO announcement_owner (announcement_id, principal_id, principal_name, kind, added_by)
				VALUES (:id, :principal, :name, :kind, :by)
				ON CONFLICT DO NOTHING
				""")
			.param("id", announcementId)
			.param("principal", principalId)
			.param("name", principalName)
			.param("kind", (kind == Actor.Kind.CLIENT) ? "client" : "person")
			.param("by", by.id())
			.update() == 1;
	}

	public List<Owner> list(long announcementId) {
		return this.jdbc.sql("""
				SELECT principal_id, principal_name, kind FROM announcement_owner WHERE announcement_id = :id
				ORDER BY added_at, principal_name
				""")
			.param("id", announcementId)
			.query((rs, i) -> new Owner(rs.getString(1), rs.getString(2), rs.getString(3)))
			.list();
	}

	/**
	 * Whether this actor owns the announcement. Rows from before ownership existed name
	 * their owner by user name, so those match on the name too.
	 */
	public boolean isOwner(long announcementId, Actor actor) {
		if (actor.kind() == Actor.Kind.SYSTEM) {
			return false;
		}
		return this.jdbc.sql("""
				SELECT EXISTS (SELECT 1 FROM announcement_owner WHERE announcement_id = :id
				  AND (principal_id = :principal
				       OR (CAST(:aad AS text) IS NOT NULL AND lower(principal_id) = lower(CAST(:aad AS text)))
				       OR (added_by = 'migration' AND principal_id = :name)))
				""")
			.param("id", announcementId)
			.param("principal", actor.id())
			.param("aad", actor.aadObjectId())
			.param("name", actor.name())
			.query(Boolean.class)
			.single();
	}

	public boolean canManage(long announcementId, Actor actor) {
		return actor.isAdmin() || isOwner(announcementId, actor);
	}

	/** Refuses (403) anyone who is neither an owner nor an Admin. */
	public void requireManage(long announcementId, Actor actor) {
		if (!canManage(announcementId, actor)) {
			// An unknown id stays a 404, as before ownership existed.
			boolean exists = this.jdbc.sql("SELECT EXISTS (SELECT 1 FROM announcement WHERE id = :id)")
				.param("id", announcementId)
				.query(Boolean.class)
				.single();
			throw exists ? new NotOwnerException(announcementId)
					: new Announcements.AnnouncementNotFoundException(announcementId);
		}
	}

	/**
	 * Sent announcements are for everyone to read; drafts only for their owners, Admins
	 * and Approvers (who review them).
	 */
	public boolean canRead(Announcement announcement, Actor actor) {
		return (announcement.status() != AnnouncementStatus.DRAFT
				&& announcement.status() != AnnouncementStatus.SCHEDULED) || actor.isAdmin() || actor.isApprover()
				|| isOwner(announcement.id(), actor);
	}

	/**
	 * An owner.
	 *
	 * @param id Entra object id, sign-in subject or client id
	 * @param name display name
	 * @param kind person or client
	 */
	public record Owner(String id, String name, String kind) {
	}

	/** The actor does not own the announcement. */
	public static class NotOwnerException extends ErrorResponseException {

		NotOwnerException(long id) {
			super(HttpStatus.FORBIDDEN, problem(id), null);
		}

		private static ProblemDetail problem(long id) {
			ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN,
					"Only the owners of announcement " + id + " (its author and co-authors) or an Admin may do this.");
			problem.setTitle("Not an owner");
			return problem;
		}

	}

}
