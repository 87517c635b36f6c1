package dev.herald.security;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The people who signed in to Herald and the roles they had at their last sign-in. Teams
 * tells the bot only a person's Entra object id, so this is how a card action is matched
 * to a Herald role, and how approvers are found to be told in Teams.
 */
@Component
public class StaffMembers {

	private final JdbcClient jdbc;

	private final ApplicationEventPublisher events;

	StaffMembers(JdbcClient jdbc, ApplicationEventPublisher events) {
		this.jdbc = jdbc;
		this.events = events;
	}

	/**
	 * Remembers a sign-in. Roles live in Entra, so a change is only seen here: it is
	 * published for the audit log.
	 */
	@Transactional
	void signedIn(Actor actor) {
		Set<String> before = this.jdbc.sql("SELECT roles FROM staff_member WHERE principal_id = :id FOR UPDATE")
			.param("id", actor.id())
			.query((rs, i) -> Set.of((String[]) rs.getArray(1).getArray()))
			.optional()
			.orElse(null);
		this.jdbc.sql("""
				INSERT INTO staff_member (principal_id, aad_object_id, display_name, roles)
				VALUES (:id, :aad, :name, :roles)
				ON CONFLICT (principal_id) DO UPDATE SET aad_object_id = EXCLUDED.aad_object_id,
				  display_name = EXCLUDED.display_name, roles = EXCLUDED.roles, seen_at = now()
				""")
			.param("id", actor.id())
			.param("aad", actor.aadObjectId())
			.param("name", actor.name())
			.param("roles", actor.roles().toArray(String[]::new))
			.update();
		if (before == null || !before.equals(actor.roles())) {
			this.events.publishEvent(new RolesChanged(actor, (before != null) ? before : Set.of()));
		}
	}

	/**
	 * A person signed in with other roles than at their last sign-in (or for the first
	 * time).
	 */
	public record RolesChanged(Actor actor, Set<String> before) {
	}

	/**
	 * The staff member with this Entra object id, as of their last sign-in if it was
	 * after {@code seenAfter}.
	 */
	public Optional<Actor> byAadObjectId(String aadObjectId, Instant seenAfter) {
		if (aadObjectId == null) {
			return Optional.empty();
		}
		return this.jdbc.sql("""
				SELECT principal_id, aad_object_id, display_name, roles FROM staff_member
				WHERE lower(aad_object_id) = lower(:aad) AND seen_at > :after ORDER BY seen_at DESC LIMIT 1
				""")
			.param("aad", aadObjectId)
			.param("after", Timestamp.from(seenAfter))
			.query((rs, i) -> actor(rs))
			.optional();
	}

	/** Everyone whose last sign-in carried the Approver role (admins included). */
	public List<Actor> approvers() {
		return this.jdbc.sql("""
				SELECT principal_id, aad_object_id, display_name, roles FROM staff_member
				WHERE aad_object_id IS NOT NULL AND roles && ARRAY['APPROVER']::text[] ORDER BY display_name
				""").query((rs, i) -> actor(rs)).list();
	}

	private static Actor actor(ResultSet rs) throws SQLException {
		return new Actor(Actor.Kind.PERSON, rs.getString(1), rs.getString(3), rs.getString(2),
				Set.of((String[]) rs.getArray(4).getArray()), List.of());
	}

}
