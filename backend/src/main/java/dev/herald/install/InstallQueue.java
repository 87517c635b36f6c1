package dev.herald.install;

import java.time.Duration;
import java.time.Instant;
import java.sql.Timestamp;
import java.util.List;

import dev.herald.dispatch.DeliveryState;
import dev.herald.dispatch.InstallWaits;
import dev.herald.conversation.Conversations;
import dev.herald.conversation.PersonalConversation;
import dev.herald.teams.TeamsProperties;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The install work queue ({@code app_install}, one row per person) and the moves it
 * causes in the ledger. Installs are claimed with {@code FOR UPDATE SKIP LOCKED}, so
 * instances share the work; the ledger rows waiting for an install are moved by the
 * dispatcher ({@link InstallWaits}), which owns the ledger and its counts.
 */
@Component
class InstallQueue {

	private final JdbcClient jdbc;

	private final JdbcTemplate template;

	private final InstallWaits waits;

	private final String tenantId;

	private final Conversations conversations;

	InstallQueue(JdbcClient jdbc, JdbcTemplate template, InstallWaits waits, TeamsProperties teams,
			Conversations conversations) {
		this.jdbc = jdbc;
		this.template = template;
		this.waits = waits;
		this.conversations = conversations;
		this.tenantId = teams.tenantId();
	}

	/**
	 * Requests installs for an announcement's waiting people. Someone whose earlier
	 * install failed or whose chat was since removed is tried again: licences and people
	 * change. People known by Teams user id from a team Herald is installed in (roster,
	 * channel senders, mentions) are marked for the roster route: their 1:1 conversation
	 * can be created without an install.
	 */
	int enqueue(long announcementId) {
		return this.jdbc.sql("""
				INSERT INTO app_install (aad_object_id, teams_user_id)
				SELECT w.recipient, (
				  SELECT m.teams_user_id FROM team_member m
				  WHERE m.tenant_id = :tenant AND lower(m.aad_object_id) = w.recipient AND NOT m.removed
				    AND EXISTS (SELECT 1 FROM conversation c WHERE c.kind = 'channel' AND c.tenant_id = :tenant
				                AND c.team_id = m.team_id AND c.status = 'active')
				  LIMIT 1)
				FROM (SELECT DISTINCT d.recipient FROM delivery d
				      WHERE d.announcement_id = :id AND d.state = :installing AND d.recipient_kind = 'person') w
				ON CONFLICT (aad_object_id) DO UPDATE SET state = 'requested', attempts = 0, next_attempt_at = now(),
				  lease_until = NULL, reason = NULL, last_status = NULL, updated_at = now(),
				  teams_user_id = COALESCE(EXCLUDED.teams_user_id, app_install.teams_user_id), roster_refused = false,
				  resolved_by = NULL
				WHERE app_install.state IN ('failed', 'resolved')
				""")
			.param("id", announcementId)
			.param("tenant", this.tenantId)
			.param("installing", DeliveryState.INSTALLING.dbValue())
			.update();
	}

	/** Fails an announcement's waiting rows at once (proactive install is off). */
	int failWaiting(long announcementId, String reason) {
		return this.waits.failWaiting(announcementId, reason);
	}

	/** Claims up to {@code limit} due installs. */
	List<Claim> claim(int limit, Duration lease) {
		return this.jdbc.sql("""
				WITH picked AS (
				  SELECT aad_object_id FROM app_install
				  WHERE state = 'requested' AND next_attempt_at <= now()
				  -- people only Graph can reach first; roster people when Graph has room
				  ORDER BY (teams_user_id IS NOT NULL AND NOT roster_refused), next_attempt_at LIMIT :limit
				  FOR UPDATE SKIP LOCKED
				)
				UPDATE app_install a SET state = 'installing', attempts = a.attempts + 1,
				  lease_until = now() + :lease * interval '1 millisecond', updated_at = now()
				FROM picked p WHERE a.aad_object_id = p.aad_object_id
				RETURNING a.aad_object_id, a.attempts
				""")
			.param("limit", limit)
			.param("lease", lease.toMillis())
			.query((rs, i) -> new Claim(rs.getString(1), rs.getInt(2)))
			.list();
	}

	/**
	 * Claims up to {@code limit} due people for the roster route (their 1:1 conversation
	 * is created through the Connector).
	 */
	List<RosterClaim> claimRoster(int limit, Duration lease) {
		return this.jdbc.sql("""
				WITH picked AS (
				  SELECT aad_object_id FROM app_install
				  WHERE state = 'requested' AND teams_user_id IS NOT NULL AND NOT roster_refused
				    AND next_attempt_at <= now()
				  ORDER BY next_attempt_at LIMIT :limit
				  FOR UPDATE SKIP LOCKED
				)
				UPDATE app_install a SET state = 'installing', attempts = a.attempts + 1,
				  lease_until = now() + :lease * interval '1 millisecond', updated_at = now()
				FROM picked p WHERE a.aad_object_id = p.aad_object_id
				RETURNING a.aad_object_id, a.teams_user_id, a.attempts
				""")
			.param("limit", limit)
			.param("lease", lease.toMillis())
			.query((rs, i) -> new RosterClaim(rs.getString(1), rs.getString(2), rs.getInt(3)))
			.list();
	}

	/** Graph installed the app (or it was there): now wait for the conversation. */
	void installed(String aad, int status) {
		move(aad, InstallState.INSTALLED, status, null, null, ", installed_at = now(), resolved_by = 'graph'");
	}

	/**
	 * The 1:1 conversation was created: stored together with the end of the person's
	 * install, so nothing sees one without the other; the next promote moves the person's
	 * ledger rows.
	 */
	@Transactional
	void created(String aad, int status, PersonalConversation conversation) {
		this.conversations.upsertPersonal(conversation);
		move(aad, InstallState.RESOLVED, status, null, null, ", resolved_by = 'conversation'");
	}

	/**
	 * Teams refused to create the conversation (the person shares no team with Herald any
	 * more, or the id is stale): the person goes to Graph like anyone unknown.
	 */
	void rosterRefused(String aad, int status, String reason) {
		move(aad, InstallState.REQUESTED, status, reason, Instant.now(), ", roster_refused = true, attempts = 0");
	}

	void retry(String aad, Integer status, String reason, Instant at) {
		move(aad, InstallState.REQUESTED, status, reason, at, "");
	}

	void failed(String aad, Integer status, String reason) {
		move(aad, InstallState.FAILED, status, reason, null, "");
	}

	private void move(String aad, InstallState target, Integer status, String reason, Instant at, String extra) {
		this.jdbc
			.sql("UPDATE app_install SET state = :state, last_status = :status, reason = :reason, "
					+ "lease_until = NULL, next_attempt_at = COALESCE(:at, next_attempt_at), updated_at = now()" + extra
					+ " WHERE aad_object_id = :aad AND state IN (" + target.fromSql() + ")")
			.param("state", target.dbValue())
			.param("status", status)
			.param("reason", reason)
			.param("at", (at != null) ? Timestamp.from(at) : null)
			.param("aad", aad)
			.update();
	}

	/**
	 * Installs whose worker died go back to the queue (installing twice is harmless:
	 * 409).
	 */
	int recoverExpired() {
		return this.jdbc.sql("""
				UPDATE app_install SET state = 'requested', lease_until = NULL, updated_at = now()
				WHERE state = 'installing' AND lease_until < now()
				""").update();
	}

	/**
	 * Moves waiting ledger rows to pending for everyone whose conversation is now known,
	 * however it became known, and closes their installs.
	 */
	@Transactional
	int promote() {
		List<String> moved = this.waits.promoteReachable(this.tenantId);
		if (!moved.isEmpty()) {
			this.template.update("""
					UPDATE app_install a SET state = 'resolved', lease_until = NULL, updated_at = now(),
					  -- the conversationUpdate of a Graph install may overtake the worker's own record
					  resolved_by = COALESCE(a.resolved_by,
					    CASE WHEN a.state IN ('installing', 'installed') THEN 'graph' END)
					WHERE a.aad_object_id = ANY (?::text[]) AND a.state <> 'resolved'
					""", (ps) -> ps.setArray(1,
					ps.getConnection().createArrayOf("text", moved.stream().distinct().toArray())));
		}
		return moved.size();
	}

	/**
	 * Fails the waiting ledger rows of people whose install failed, with its reason, and
	 * returns the announcements touched (they may now be complete).
	 */
	@Transactional
	List<Long> failFromInstalls() {
		List<InstallWaits.InstallFailure> failures = this.jdbc
			.sql("""
					SELECT a.aad_object_id, a.last_status, a.reason FROM app_install a
					WHERE a.state = 'failed'
					  AND EXISTS (SELECT 1 FROM delivery d
					              WHERE d.recipient = a.aad_object_id AND d.state = 'installing' AND d.recipient_kind = 'person')
					""")
			.query((rs, i) -> new InstallWaits.InstallFailure(rs.getString(1), (Integer) rs.getObject(2),
					rs.getString(3)))
			.list();
		return this.waits.failWaitingFor(failures);
	}

	/**
	 * Fails every queued install no created conversation can replace (an admin switched
	 * proactive install off).
	 */
	int failQueued(String reason) {
		return this.jdbc.sql("""
				UPDATE app_install SET state = 'failed', reason = :reason, lease_until = NULL, updated_at = now()
				WHERE state = 'requested' AND (teams_user_id IS NULL OR roster_refused)
				""").param("reason", reason).update();
	}

	/**
	 * Claims installed people whose conversation did not come in time, for the Graph
	 * chat-id fallback. Only people some ledger row still waits for.
	 */
	List<String> claimOverdue(Duration wait, int limit, Duration lease) {
		return this.jdbc.sql("""
				WITH picked AS (
				  SELECT a.aad_object_id FROM app_install a
				  WHERE a.state = 'installed' AND a.installed_at < now() - :wait * interval '1 millisecond'
				    AND a.next_attempt_at <= now() AND (a.lease_until IS NULL OR a.lease_until < now())
				    AND EXISTS (SELECT 1 FROM delivery d WHERE d.recipient = a.aad_object_id AND d.state = 'installing')
				  ORDER BY a.installed_at LIMIT :limit
				  FOR UPDATE OF a SKIP LOCKED
				)
				UPDATE app_install a SET lease_until = now() + :lease * interval '1 millisecond', updated_at = now()
				FROM picked p WHERE a.aad_object_id = p.aad_object_id
				RETURNING a.aad_object_id
				""")
			.param("wait", wait.toMillis())
			.param("limit", limit)
			.param("lease", lease.toMillis())
			.query(String.class)
			.list();
	}

	/** The fallback could not get the chat yet: try again later. */
	void overdueLater(String aad, String reason, Instant at) {
		this.jdbc.sql("""
				UPDATE app_install SET lease_until = NULL, reason = :reason, next_attempt_at = :at, updated_at = now()
				WHERE aad_object_id = :aad AND state = 'installed'
				""").param("aad", aad).param("reason", reason).param("at", Timestamp.from(at)).update();
	}

	/** Graph no longer lists the installation: install again. */
	void reinstall(String aad) {
		this.jdbc
			.sql("""
					UPDATE app_install SET state = 'requested', lease_until = NULL, next_attempt_at = now(), updated_at = now()
					WHERE aad_object_id = :aad AND state = 'installed'
					""")
			.param("aad", aad)
			.update();
	}

	/** The person's display name and language from the directory, if synced. */
	Person person(String aad) {
		return this.jdbc.sql("SELECT display_name, preferred_language FROM directory_user WHERE aad_object_id = :aad")
			.param("aad", aad)
			.query((rs, i) -> new Person(rs.getString(1), rs.getString(2)))
			.optional()
			.orElse(new Person(null, null));
	}

	record Claim(String aadObjectId, int attempts) {
	}

	record RosterClaim(String aadObjectId, String teamsUserId, int attempts) {
	}

	record Person(String displayName, String language) {
	}

}
