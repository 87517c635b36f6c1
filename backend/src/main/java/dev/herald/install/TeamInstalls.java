package dev.herald.install;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.herald.dispatch.DeliveryState;
import dev.herald.dispatch.InstallWaits;
import dev.herald.teams.TeamsProperties;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Herald adding itself to teams ({@code team_install}, one row per team): Teams refuses
 * channel posts from a bot that is not in the channel's team, so a channel of such a team
 * waits in the ledger, like a person without the app, until Herald is in. Rows are
 * claimed with {@code FOR UPDATE SKIP LOCKED}, so instances share the work; the ledger
 * moves go through the dispatcher's {@link InstallWaits}.
 */
@Component
class TeamInstalls {

	/** Channel rows waiting for their team, joined to their channel's conversation. */
	private static final String WAITING_CHANNELS = """
			SELECT 1 FROM delivery d JOIN conversation c
			  ON c.kind = 'channel' AND c.tenant_id = t.tenant_id AND c.channel_id = d.recipient
			WHERE d.state = 'installing' AND d.recipient_kind = 'channel' AND c.aad_group_id = t.aad_group_id
			""";

	private final JdbcClient jdbc;

	private final InstallWaits waits;

	private final String tenantId;

	TeamInstalls(JdbcClient jdbc, InstallWaits waits, TeamsProperties teams) {
		this.jdbc = jdbc;
		this.waits = waits;
		this.tenantId = teams.tenantId();
	}

	/**
	 * Requests Herald's install in the teams of an announcement's waiting channels. A
	 * team that refused before, or that Herald was in, is asked again: admins change
	 * settings and teams remove apps. The team's name comes from what the author picked
	 * ("Team › Channel"), for the report only.
	 */
	int enqueue(long announcementId) {
		return this.jdbc.sql("""
				INSERT INTO team_install (tenant_id, aad_group_id, team_name)
				SELECT DISTINCT ON (c.aad_group_id) :tenant, c.aad_group_id,
				       CASE WHEN strpos(c.display_name, ' › ') > 0 THEN split_part(c.display_name, ' › ', 1) END
				FROM delivery d JOIN conversation c
				  ON c.kind = 'channel' AND c.tenant_id = :tenant AND c.channel_id = d.recipient
				WHERE d.announcement_id = :id AND d.state = :installing AND d.recipient_kind = 'channel'
				  AND c.aad_group_id IS NOT NULL
				ORDER BY c.aad_group_id, c.display_name
				ON CONFLICT (tenant_id, aad_group_id) DO UPDATE SET state = 'requested', attempts = 0,
				  next_attempt_at = now(), lease_until = NULL, reason = NULL, last_status = NULL, updated_at = now(),
				  team_name = COALESCE(EXCLUDED.team_name, team_install.team_name)
				WHERE team_install.state IN ('failed', 'resolved')
				""")
			.param("id", announcementId)
			.param("tenant", this.tenantId)
			.param("installing", DeliveryState.INSTALLING.dbValue())
			.update();
	}

	/** Claims up to {@code limit} due team installs. */
	List<Claim> claim(int limit, Duration lease) {
		return this.jdbc.sql("""
				WITH picked AS (
				  SELECT tenant_id, aad_group_id FROM team_install
				  WHERE tenant_id = :tenant AND state = 'requested' AND next_attempt_at <= now()
				  ORDER BY next_attempt_at LIMIT :limit
				  FOR UPDATE SKIP LOCKED
				)
				UPDATE team_install t SET state = 'installing', attempts = t.attempts + 1,
				  lease_until = now() + :lease * interval '1 millisecond', updated_at = now()
				FROM picked p WHERE t.tenant_id = p.tenant_id AND t.aad_group_id = p.aad_group_id
				RETURNING t.aad_group_id, t.team_name, t.attempts
				""")
			.param("tenant", this.tenantId)
			.param("limit", limit)
			.param("lease", lease.toMillis())
			.query((rs, i) -> new Claim(rs.getString(1), rs.getString(2), rs.getInt(3)))
			.list();
	}

	/**
	 * Graph added Herald (201) or it was there (409): now wait for the team's channels.
	 */
	void installed(String aadGroupId, int status) {
		move(aadGroupId, "installed", "'installing'", status, null, null, ", installed_at = now()");
	}

	void retry(String aadGroupId, Integer status, String reason, Instant at) {
		move(aadGroupId, "requested", "'installing'", status, reason, at, "");
	}

	void failed(String aadGroupId, Integer status, String reason) {
		move(aadGroupId, "failed", "'requested', 'installing'", status, reason, null, "");
	}

	private void move(String aadGroupId, String target, String from, Integer status, String reason, Instant at,
			String extra) {
		this.jdbc
			.sql("UPDATE team_install SET state = :state, last_status = :status, reason = :reason, "
					+ "lease_until = NULL, next_attempt_at = COALESCE(:at, next_attempt_at), updated_at = now()" + extra
					+ " WHERE tenant_id = :tenant AND aad_group_id = :group AND state IN (" + from + ")")
			.param("state", target)
			.param("status", status)
			.param("reason", reason)
			.param("at", (at != null) ? Timestamp.from(at) : null)
			.param("tenant", this.tenantId)
			.param("group", aadGroupId)
			.update();
	}

	/** Installs whose worker died go back to the queue (a second install is a 409). */
	int recoverExpired() {
		return this.jdbc.sql("""
				UPDATE team_install SET state = 'requested', lease_until = NULL, updated_at = now()
				WHERE tenant_id = :tenant AND state = 'installing' AND lease_until < now()
				""").param("tenant", this.tenantId).update();
	}

	/**
	 * Moves waiting channel rows whose channel is active to pending, then closes the
	 * installs no channel waits for any more.
	 */
	int promote() {
		int moved = this.waits.promoteChannels(this.tenantId);
		this.jdbc.sql("""
				UPDATE team_install t SET state = 'resolved', updated_at = now()
				WHERE t.tenant_id = :tenant AND t.state = 'installed' AND NOT EXISTS (
				""" + WAITING_CHANNELS + ")").param("tenant", this.tenantId).update();
		return moved;
	}

	/**
	 * Teams installed by Graph whose conversationUpdate has not come in time (Teams may
	 * have sent it before Herald ran, for a 409): Graph's word is enough to post.
	 */
	List<String> overdue(Duration wait) {
		return this.jdbc.sql("""
				SELECT t.aad_group_id FROM team_install t
				WHERE t.tenant_id = :tenant AND t.state = 'installed'
				  AND t.installed_at < now() - :wait * interval '1 millisecond'
				""").param("tenant", this.tenantId).param("wait", wait.toMillis()).query(String.class).list();
	}

	/**
	 * Fails the waiting channel rows of every team Herald could not be added to, with the
	 * team's reason; returns the announcements touched (they may now be complete).
	 */
	List<Long> failFromInstalls() {
		List<Failure> failures = this.jdbc.sql("""
				SELECT t.aad_group_id, t.last_status, t.reason FROM team_install t
				WHERE t.tenant_id = :tenant AND t.state = 'failed' AND EXISTS (
				""" + WAITING_CHANNELS + ")")
			.param("tenant", this.tenantId)
			.query((rs, i) -> new Failure(rs.getString(1), (Integer) rs.getObject(2), rs.getString(3)))
			.list();
		return failures.stream()
			.flatMap((f) -> this.waits.failWaitingChannels(this.tenantId, f.aadGroupId(), f.status(), f.reason())
				.stream())
			.distinct()
			.toList();
	}

	/** Fails every queued team install (an admin switched proactive install off). */
	int failQueued(String reason) {
		return this.jdbc.sql("""
				UPDATE team_install SET state = 'failed', reason = :reason, last_status = NULL, lease_until = NULL,
				  updated_at = now()
				WHERE tenant_id = :tenant AND state = 'requested'
				""").param("reason", reason).param("tenant", this.tenantId).update();
	}

	/**
	 * A team install claimed by a worker.
	 *
	 * @param aadGroupId the team's Graph id
	 * @param teamName its name as the author saw it, if known
	 * @param attempts attempts so far, this one included
	 */
	record Claim(String aadGroupId, String teamName, int attempts) {

		/** How reports name the team. */
		String describe() {
			return (this.teamName != null && !this.teamName.isBlank()) ? this.teamName + " (" + this.aadGroupId + ")"
					: this.aadGroupId;
		}

	}

	private record Failure(String aadGroupId, Integer status, String reason) {
	}

}
