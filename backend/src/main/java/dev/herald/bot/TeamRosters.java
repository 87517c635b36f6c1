package dev.herald.bot;

import java.time.Duration;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The teams Herald is in and when each roster is due for a refresh (table
 * {@code team_roster}).
 */
@Component
class TeamRosters {

	private final JdbcClient jdbc;

	private final RosterRefreshProperties properties;

	TeamRosters(JdbcClient jdbc, RosterRefreshProperties properties) {
		this.jdbc = jdbc;
		this.properties = properties;
	}

	/** A roster read starts: the team is tracked, due again one interval from now. */
	void track(String tenantId, String teamId, String serviceUrl) {
		this.jdbc.sql("""
				INSERT INTO team_roster (tenant_id, team_id, service_url, next_sync_at)
				VALUES (:tenant, :team, :serviceUrl, now() + :interval * interval '1 millisecond')
				ON CONFLICT (tenant_id, team_id) DO UPDATE SET service_url = EXCLUDED.service_url,
				  next_sync_at = EXCLUDED.next_sync_at
				""")
			.param("tenant", tenantId)
			.param("team", teamId)
			.param("serviceUrl", serviceUrl)
			.param("interval", interval().toMillis())
			.update();
	}

	/** The roster was read in full. */
	void synced(String tenantId, String teamId) {
		this.jdbc.sql("UPDATE team_roster SET synced_at = now() WHERE tenant_id = :tenant AND team_id = :team")
			.param("tenant", tenantId)
			.param("team", teamId)
			.update();
	}

	void forget(String tenantId, String teamId) {
		this.jdbc.sql("DELETE FROM team_roster WHERE tenant_id = :tenant AND team_id = :team")
			.param("tenant", tenantId)
			.param("team", teamId)
			.update();
	}

	/**
	 * Claims the team whose roster is most overdue, if any: its next time moves one
	 * interval on in the same statement, so no other instance takes it too.
	 */
	Optional<Due> claimDue(String tenantId) {
		return this.jdbc.sql("""
				WITH picked AS (
				  SELECT tenant_id, team_id FROM team_roster
				  WHERE tenant_id = :tenant AND next_sync_at <= now()
				  ORDER BY next_sync_at LIMIT 1
				  FOR UPDATE SKIP LOCKED
				)
				UPDATE team_roster r SET next_sync_at = now() + :interval * interval '1 millisecond'
				FROM picked p WHERE r.tenant_id = p.tenant_id AND r.team_id = p.team_id
				RETURNING r.team_id, r.service_url
				""")
			.param("tenant", tenantId)
			.param("interval", interval().toMillis())
			.query((rs, i) -> new Due(rs.getString(1), rs.getString(2)))
			.optional();
	}

	private Duration interval() {
		Duration interval = this.properties.interval();
		return (interval.isZero()) ? Duration.ofDays(365) : interval;
	}

	record Due(String teamId, String serviceUrl) {
	}

}
