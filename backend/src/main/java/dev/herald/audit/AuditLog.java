package dev.herald.audit;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;

import dev.herald.security.Actor;
import dev.herald.security.StaffMembers;

import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Records acts into the append-only {@code audit_event} table, inside the caller's
 * transaction: the act and its row are committed together or not at all.
 */
@Component
public class AuditLog {

	static final int MAX_SUMMARY = 1000;

	private final JdbcClient jdbc;

	AuditLog(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@Transactional
	public void record(Actor actor, AuditAction action, Long announcementId, String summary) {
		String text = (summary == null || summary.isBlank()) ? action.dbValue() : summary.strip();
		if (text.length() > MAX_SUMMARY) {
			text = text.substring(0, MAX_SUMMARY - 1) + "…";
		}
		this.jdbc.sql("""
				INSERT INTO audit_event (actor_id, actor_name, actor_kind, action, announcement_id, summary)
				VALUES (:actorId, :actorName, :kind, :action, :announcement, :summary)
				""")
			.param("actorId", actor.id())
			.param("actorName", actor.name())
			.param("kind", actor.kind().dbValue())
			.param("action", action.dbValue())
			.param("announcement", announcementId)
			.param("summary", text)
			.update();
	}

	/**
	 * A page of the log, newest first, keyset-paged on id ({@code before}).
	 */
	public List<AuditEvent> search(Filter filter, Long before, int limit) {
		return this.jdbc
			.sql("""
					SELECT id, at, actor_id, actor_name, actor_kind, action, announcement_id, summary FROM audit_event
					WHERE (CAST(:announcement AS bigint) IS NULL OR announcement_id = :announcement)
					  AND (CAST(:actor AS text) IS NULL OR lower(actor_id) = lower(:actor) OR lower(actor_name) = lower(:actor))
					  AND (CAST(:action AS text) IS NULL OR action = :action)
					  AND (CAST(:from AS timestamptz) IS NULL OR at >= :from)
					  AND (CAST(:to AS timestamptz) IS NULL OR at < :to)
					  AND (CAST(:before AS bigint) IS NULL OR id < :before)
					ORDER BY id DESC LIMIT :limit
					""")
			.param("announcement", filter.announcementId())
			.param("actor", blankToNull(filter.actor()))
			.param("action", (filter.action() != null) ? filter.action().dbValue() : null)
			.param("from", (filter.from() != null) ? Timestamp.from(filter.from()) : null)
			.param("to", (filter.to() != null) ? Timestamp.from(filter.to()) : null)
			.param("before", before)
			.param("limit", limit)
			.query((rs, i) -> new AuditEvent(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3),
					rs.getString(4), rs.getString(5), rs.getString(6), (Long) rs.getObject(7), rs.getString(8)))
			.list();
	}

	/** Roles come from Entra; Herald sees a change when the person signs in. */
	@EventListener
	void onRolesChanged(StaffMembers.RolesChanged event) {
		record(event.actor(), AuditAction.ROLE_CHANGE, null, "signed in with roles "
				+ new TreeSet<>(event.actor().roles()) + " (before: " + new TreeSet<>(event.before()) + ")");
	}

	/**
	 * Deletes rows past the retention setting, never younger than the 90-day floor; only
	 * the retention job calls this. The database function runs with the table owner's
	 * rights: the application's role may not delete audit rows itself (V82).
	 */
	@Transactional
	int purgeExpired() {
		return this.jdbc.sql("SELECT audit_event_purge()").query(Integer.class).single();
	}

	private static String blankToNull(String value) {
		return (value == null || value.isBlank()) ? null : value.strip();
	}

	/**
	 * What to show; every part is optional.
	 *
	 * @param announcementId one announcement
	 * @param actor an actor's id or display name
	 * @param action one kind of act
	 * @param from at or after
	 * @param to before
	 */
	public record Filter(Long announcementId, String actor, AuditAction action, Instant from, Instant to) {
	}

}
