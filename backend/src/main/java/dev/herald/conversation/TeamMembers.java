package dev.herald.conversation;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * People seen in teams (table {@code team_member}). They are not an audience by
 * themselves: a row only says how to reach someone once a 1:1 chat is created.
 */
@Component
public class TeamMembers {

	private final JdbcClient jdbc;

	TeamMembers(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Records a member; known values are never replaced by unknown ones, and an unchanged
	 * row is not written at all (a replayed activity changes nothing).
	 * @return whether anything changed
	 */
	public boolean record(TeamMember m) {
		return this.jdbc
			.sql("""
					INSERT INTO team_member (tenant_id, team_id, teams_user_id, aad_object_id, display_name, source)
					VALUES (:tenant, :team, :user, :aad, :name, :source)
					ON CONFLICT (tenant_id, team_id, teams_user_id) DO UPDATE SET
					  aad_object_id = COALESCE(EXCLUDED.aad_object_id, team_member.aad_object_id),
					  display_name  = COALESCE(EXCLUDED.display_name, team_member.display_name),
					  -- roster and membership events are authoritative; a mention does not re-add
					  removed       = CASE WHEN EXCLUDED.source IN ('roster', 'member_added') THEN false
					                       ELSE team_member.removed END,
					  updated_at    = now()
					WHERE (team_member.aad_object_id IS NULL AND EXCLUDED.aad_object_id IS NOT NULL)
					   OR (EXCLUDED.display_name IS NOT NULL AND team_member.display_name IS DISTINCT FROM EXCLUDED.display_name)
					   OR (team_member.removed AND EXCLUDED.source IN ('roster', 'member_added'))
					""")
			.param("tenant", m.tenantId())
			.param("team", m.teamId())
			.param("user", m.teamsUserId())
			.param("aad", m.aadObjectId())
			.param("name", m.displayName())
			.param("source", m.source().dbValue())
			.update() == 1;
	}

	/** Marks a member as having left the team. */
	public void markRemoved(String tenantId, String teamId, String teamsUserId) {
		this.jdbc.sql("""
				UPDATE team_member SET removed = true, updated_at = now()
				WHERE tenant_id = :tenant AND team_id = :team AND teams_user_id = :user AND NOT removed
				""").param("tenant", tenantId).param("team", teamId).param("user", teamsUserId).update();
	}

	/**
	 * The Entra object id of a Teams user id, from any team the person was seen in.
	 */
	public Optional<String> aadObjectIdOf(String tenantId, String teamsUserId) {
		return this.jdbc.sql("""
				SELECT aad_object_id FROM team_member
				WHERE tenant_id = :tenant AND teams_user_id = :user AND aad_object_id IS NOT NULL
				ORDER BY updated_at DESC LIMIT 1
				""").param("tenant", tenantId).param("user", teamsUserId).query(String.class).optional();
	}

	/** The database's clock, to mark where a roster read began. */
	public Instant clock() {
		return this.jdbc.sql("SELECT now()").query(Instant.class).single();
	}

	/**
	 * After a complete roster read: everyone of the team not on it has left (their
	 * removal event was lost, or they left before Herald was told). A row written since
	 * the read began is kept: a member added while the pages were read is not on them,
	 * and their event is newer than the roster.
	 * @return how many were marked removed
	 */
	public int markRemovedExcept(String tenantId, String teamId, Collection<String> teamsUserIds, Instant readBegan) {
		return this.jdbc.sql("""
				UPDATE team_member SET removed = true, updated_at = now()
				WHERE tenant_id = :tenant AND team_id = :team AND NOT removed AND NOT (teams_user_id = ANY (:users))
				  AND updated_at < :began
				""")
			.param("tenant", tenantId)
			.param("team", teamId)
			.param("users", teamsUserIds.toArray(new String[0]))
			.param("began", Timestamp.from(readBegan))
			.update();
	}

	/** Current members of a team. */
	public List<TeamMember> members(String tenantId, String teamId) {
		return this.jdbc.sql("""
				SELECT tenant_id, team_id, teams_user_id, aad_object_id, display_name, source
				FROM team_member WHERE tenant_id = :tenant AND team_id = :team AND NOT removed
				ORDER BY teams_user_id
				""")
			.param("tenant", tenantId)
			.param("team", teamId)
			.query((rs, i) -> new TeamMember(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
					rs.getString(5), TeamMember.Source.valueOf(rs.getString(6).toUpperCase(Locale.ROOT))))
			.list();
	}

}
