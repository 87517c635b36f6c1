package dev.herald.dispatch;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

import dev.herald.announcement.VariantSelector;
import dev.herald.settings.AppSettings;
import dev.herald.teams.ConnectorReply;
import dev.herald.optout.OptOuts;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The per-recipient ledger. Rows are claimed in batches with
 * {@code FOR UPDATE SKIP LOCKED} (db-scheduler's pattern), so any number of instances can
 * share the work without a row ever being handed to two of them.
 */
@Component
class Ledger {

	private final JdbcClient jdbc;

	private final JdbcTemplate template;

	Ledger(JdbcClient jdbc, JdbcTemplate template) {
		this.jdbc = jdbc;
		this.template = template;
	}

	/**
	 * Freezes the audience: one row per active personal chat. People who opted out get an
	 * {@code opted_out} row instead of a pending one, so reports can count them. Rows go
	 * in in key order: the primary key then grows at its right edge instead of splitting
	 * pages all over (a third less time for a million rows).
	 */
	Frozen freezeInstalledAudience(long announcementId, boolean allowGuests) {
		// Sorting a million rows in 4 MB spills to disk; this transaction only.
		this.jdbc.sql("SET LOCAL work_mem = '64MB'").update();
		return this.jdbc
			.sql("""
					WITH frozen AS (
					  INSERT INTO delivery (announcement_id, recipient, recipient_kind, conversation_ref, state)
					  SELECT :id, c.aad_object_id, 'person', c.id, CASE WHEN %s THEN :pending ELSE :optedOut END
					  FROM conversation c %s
					  WHERE c.kind = 'personal' AND c.status = 'active' %s
					  ORDER BY c.aad_object_id
					  ON CONFLICT DO NOTHING
					  RETURNING state
					), n AS (
					  SELECT count(*) AS n_total, 0 AS n_installing, count(*) FILTER (WHERE state = :optedOut) AS n_opted_out
					  FROM frozen
					)
					UPDATE announcement a
					SET recipients = a.recipients + n.n_total, opted_out = a.opted_out + n.n_opted_out
					FROM n
					WHERE a.id = :id
					RETURNING n.n_total, n.n_installing, n.n_opted_out
					"""
				.formatted(OptOuts.NOT_OPTED_OUT, OptOuts.JOIN, allowGuests ? "" : AppSettings.NOT_A_GUEST))
			.param("id", announcementId)
			.param("pending", DeliveryState.PENDING.dbValue())
			.param("optedOut", DeliveryState.OPTED_OUT.dbValue())
			.query(Ledger::frozen)
			.single();
	}

	/**
	 * Moves an announcement's audience snapshot (filled by the audience module) into the
	 * ledger, in key order, and counts it: people without a conversation wait in
	 * {@code installing}, people who opted out are {@code opted_out} and never messaged.
	 */
	Frozen moveSnapshot(long announcementId) {
		this.jdbc.sql("SET LOCAL work_mem = '64MB'").update();
		return this.jdbc.sql("""
				WITH moved AS (
				  INSERT INTO delivery (announcement_id, recipient, recipient_kind, conversation_ref, state, reason)
				  SELECT s.announcement_id, s.recipient, s.recipient_kind, s.conversation_ref,
				         CASE WHEN s.opted_out THEN 'opted_out'
				              WHEN s.conversation_ref IS NOT NULL THEN 'pending' ELSE 'installing' END,
				         CASE WHEN s.opted_out THEN 'Opted out of announcements' END
				  FROM audience_snapshot s
				  WHERE s.announcement_id = :id
				  ORDER BY s.recipient
				  ON CONFLICT DO NOTHING
				  RETURNING state
				), n AS (
				  SELECT count(*) AS n_total, count(*) FILTER (WHERE state = 'installing') AS n_installing,
				         count(*) FILTER (WHERE state = 'opted_out') AS n_opted_out
				  FROM moved
				)
				UPDATE announcement a
				SET recipients = a.recipients + n.n_total, opted_out = a.opted_out + n.n_opted_out, updated_at = now()
				FROM n
				WHERE a.id = :id
				RETURNING n.n_total, n.n_installing, n.n_opted_out
				""").param("id", announcementId).query(Ledger::frozen).single();
	}

	private static Frozen frozen(ResultSet rs, int row) throws SQLException {
		return new Frozen(rs.getInt(1), rs.getInt(2), rs.getInt(3));
	}

	/**
	 * Freezes exactly the given people (Entra object ids, any case) who have an active
	 * personal chat, for a send addressed to named recipients rather than an audience.
	 * Returns the ids frozen, lower-case; the others cannot be reached.
	 */
	List<String> freezePeople(long announcementId, Collection<String> aadObjectIds, boolean allowGuests) {
		if (aadObjectIds.isEmpty()) {
			return List.of();
		}
		// People who opted out of everything get an audit row counted as opted_out, and
		// are never messaged.
		List<String[]> frozen = this.jdbc.sql("""
				WITH inserted AS (
				  INSERT INTO delivery (announcement_id, recipient, recipient_kind, conversation_ref, state)
				  SELECT DISTINCT ON (lower(c.aad_object_id)) :id, c.aad_object_id, 'person', c.id,
				         CASE WHEN %s THEN :pending ELSE :optedOut END
				  FROM conversation c %s
				  WHERE c.kind = 'personal' AND c.status = 'active' AND lower(c.aad_object_id) IN (:ids) %s
				  ORDER BY lower(c.aad_object_id), c.id
				  ON CONFLICT DO NOTHING
				  RETURNING recipient, state
				)
				SELECT lower(recipient), state FROM inserted
				""".formatted(OptOuts.NOT_OPTED_OUT, OptOuts.JOIN, allowGuests ? "" : AppSettings.NOT_A_GUEST))
			.param("id", announcementId)
			.param("pending", DeliveryState.PENDING.dbValue())
			.param("optedOut", DeliveryState.OPTED_OUT.dbValue())
			.param("ids", aadObjectIds.stream().map((id) -> id.toLowerCase(Locale.ROOT)).distinct().toList())
			.query((rs, i) -> new String[] { rs.getString(1), rs.getString(2) })
			.list();
		this.jdbc.sql("""
				UPDATE announcement SET recipients = recipients + :n, opted_out = opted_out + :optedOut WHERE id = :id
				""")
			.param("n", frozen.size())
			.param("optedOut",
					frozen.stream().filter((row) -> DeliveryState.OPTED_OUT.dbValue().equals(row[1])).count())
			.param("id", announcementId)
			.update();
		return frozen.stream().map((row) -> row[0]).toList();
	}

	/**
	 * Claims up to {@code limit} due rows of announcements that are sending. A claimed
	 * row is {@code in_flight}, owned by this instance, and not yet started: its call has
	 * not been marked (see {@link #markStarted}).
	 */
	List<Job> claim(int limit, Duration lease, UUID me) {
		// Opt-outs apply at call time too: a person who opted out since the freeze
		// (typed "stop" during a two-hour send) is marked opted_out here, counted, and
		// never claimed. One index probe per picked person (opt_out_person_ix). The
		// walk of the pending index stays within the sending announcements' ids: an
		// announcement being frozen (a higher id) has up to a million uncommitted
		// entries there, each a heap visit to find it invisible (0.3 s per idle poll,
		// beside the freeze it slowed down: 11 vs 16 s for 1M).
		return this.jdbc.sql("""
				WITH picked AS (
				  SELECT d.announcement_id, d.recipient, a.edited_at,
				         (d.recipient_kind = 'person' AND a.importance NOT IN ('critical', 'urgent') AND EXISTS (
				            SELECT 1 FROM opt_out o
				            WHERE o.opted_out AND lower(o.aad_object_id) = lower(d.recipient)
				              AND o.tenant_id = (SELECT c.tenant_id FROM conversation c WHERE c.id = d.conversation_ref)
				              AND (o.topic = 'all' OR o.topic = a.topic))) AS opted_out
				  FROM delivery d JOIN announcement a ON a.id = d.announcement_id
				  WHERE d.state = 'pending' AND d.next_attempt_at <= now() AND a.status = 'sending'
				    AND d.announcement_id BETWEEN (SELECT min(id) FROM announcement WHERE status = 'sending')
				                              AND (SELECT max(id) FROM announcement WHERE status = 'sending')
				  ORDER BY d.announcement_id, d.next_attempt_at
				  LIMIT :limit
				  FOR UPDATE OF d SKIP LOCKED
				), opted AS (
				  UPDATE delivery d SET state = 'opted_out', updated_at = now()
				  FROM picked p
				  WHERE p.opted_out AND d.announcement_id = p.announcement_id AND d.recipient = p.recipient
				  RETURNING d.announcement_id
				), counted AS (
				  UPDATE announcement a SET opted_out = a.opted_out + o.n, updated_at = now()
				  FROM (SELECT announcement_id, count(*) AS n FROM opted GROUP BY announcement_id) o
				  WHERE a.id = o.announcement_id
				)
				UPDATE delivery d
				SET state = 'in_flight', claimed_by = :me, call_started_at = NULL,
				    lease_until = now() + :lease * interval '1 millisecond', updated_at = now()
				FROM picked p, conversation c
				WHERE d.announcement_id = p.announcement_id AND d.recipient = p.recipient AND NOT p.opted_out
				  AND c.id = d.conversation_ref
				RETURNING d.announcement_id, d.recipient, d.conversation_ref, d.attempts, d.throttles,
				          c.conversation_id, c.service_url, d.variant, d.card_language, p.edited_at
				""")
			.param("limit", limit)
			.param("lease", lease.toMillis())
			.param("me", me)
			.query((rs, i) -> new Job(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getInt(4), rs.getInt(5),
					rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), editedAt(rs.getTimestamp(10)),
					System.nanoTime()))
			.list();
	}

	private static long editedAt(java.sql.Timestamp ts) {
		return (ts != null) ? ts.getTime() : 0;
	}

	/**
	 * Marks the calls of these jobs as started, in one statement, just before they leave;
	 * returns the jobs that may be sent. A job is left out when this instance no longer
	 * holds the send lease by the database clock, no longer owns the row, or its
	 * announcement stopped sending (paused, canceled): those must not be sent, and the
	 * caller {@link #release releases} them. This mark is what keeps the set of possibly
	 * duplicated rows after a crash down to the calls really in the air.
	 */
	Set<Key> markStarted(List<Job> jobs, UUID me) {
		if (jobs.isEmpty()) {
			return Set.of();
		}
		Set<Key> started = new HashSet<>();
		this.template.execute((Connection con) -> {
			try (PreparedStatement ps = con.prepareStatement("""
					UPDATE delivery d
					SET call_started_at = now(), attempts = d.attempts + 1, updated_at = now()
					FROM unnest(?::bigint[], ?::text[]) AS u(announcement_id, recipient), announcement a
					WHERE d.announcement_id = u.announcement_id AND d.recipient = u.recipient
					  AND d.state = 'in_flight' AND d.claimed_by = ?
					  AND a.id = d.announcement_id AND a.status = 'sending'
					  AND EXISTS (SELECT 1 FROM send_lease l
					              WHERE l.name = 'tenant' AND l.holder = ? AND l.lease_until > now())
					RETURNING d.announcement_id, d.recipient
					""")) {
				ps.setArray(1, array(con, "bigint", jobs.stream().map(Job::announcementId).toArray(Long[]::new)));
				ps.setArray(2, array(con, "text", jobs.stream().map(Job::recipient).toArray(String[]::new)));
				ps.setObject(3, me);
				ps.setObject(4, me);
				try (ResultSet rs = ps.executeQuery()) {
					while (rs.next()) {
						started.add(new Key(rs.getLong(1), rs.getString(2)));
					}
				}
			}
			return null;
		});
		return started;
	}

	/**
	 * Gives back claimed rows this instance knows it did not send (even if their start
	 * was marked, the request never left): pending again, or canceled (and counted) when
	 * their announcement was canceled meanwhile. Nothing is flagged, since Teams never
	 * saw them.
	 */
	void release(List<Job> jobs, UUID me) {
		if (jobs.isEmpty()) {
			return;
		}
		this.template.execute((Connection con) -> {
			try (PreparedStatement ps = con.prepareStatement("""
					WITH released AS (
					  UPDATE delivery d
					  SET state = CASE WHEN a.status = 'canceled' THEN 'canceled' ELSE 'pending' END,
					      attempts = d.attempts - CASE WHEN d.call_started_at IS NULL THEN 0 ELSE 1 END,
					      call_started_at = NULL, claimed_by = NULL, lease_until = NULL, updated_at = now()
					  FROM unnest(?::bigint[], ?::text[]) AS u(announcement_id, recipient), announcement a
					  WHERE d.announcement_id = u.announcement_id AND d.recipient = u.recipient
					    AND d.state = 'in_flight' AND d.claimed_by = ?
					    AND a.id = d.announcement_id
					  RETURNING d.announcement_id, d.state
					)
					UPDATE announcement a SET canceled = a.canceled + r.n, updated_at = now()
					FROM (SELECT announcement_id, count(*) AS n FROM released WHERE state = 'canceled'
					      GROUP BY announcement_id) r
					WHERE a.id = r.announcement_id
					""")) {
				ps.setArray(1, array(con, "bigint", jobs.stream().map(Job::announcementId).toArray(Long[]::new)));
				ps.setArray(2, array(con, "text", jobs.stream().map(Job::recipient).toArray(String[]::new)));
				ps.setObject(3, me);
				ps.executeUpdate();
			}
			return null;
		});
	}

	/**
	 * Records outcomes and moves the live counts in one statement, so counts and rows
	 * never disagree. Only rows this instance still owns in flight are touched: a row
	 * recovered by another instance meanwhile is neither overwritten nor counted twice.
	 * What a reply means (a throttle, a possible duplicate) comes decided by
	 * {@link RetryPolicy}; this statement only writes it.
	 */
	void record(List<Result> results, UUID me) {
		if (results.isEmpty()) {
			return;
		}
		int n = results.size();
		Long[] announcementIds = new Long[n];
		String[] recipients = new String[n];
		String[] states = new String[n];
		Integer[] statuses = new Integer[n];
		String[] reasons = new String[n];
		String[] activityIds = new String[n];
		Timestamp[] nextAttempts = new Timestamp[n];
		Boolean[] throttled = new Boolean[n];
		Boolean[] possiblyDuplicate = new Boolean[n];
		for (int i = 0; i < n; i++) {
			Result r = results.get(i);
			announcementIds[i] = r.job().announcementId();
			recipients[i] = r.job().recipient();
			states[i] = r.state().dbValue();
			statuses[i] = r.httpStatus();
			reasons[i] = r.reason();
			activityIds[i] = r.activityId();
			nextAttempts[i] = (r.nextAttemptAt() != null) ? Timestamp.from(r.nextAttemptAt()) : null;
			throttled[i] = r.kind() == ConnectorReply.Kind.THROTTLED;
			possiblyDuplicate[i] = r.possiblyDuplicate();
		}
		this.template.execute((Connection con) -> {
			try (PreparedStatement ps = con.prepareStatement("""
					WITH input AS (
					  SELECT * FROM unnest(?::bigint[], ?::text[], ?::text[], ?::int[], ?::text[], ?::text[],
					                       ?::timestamptz[], ?::boolean[], ?::boolean[])
					         AS u(announcement_id, recipient, state, status, reason, activity_id, next_at, throttled,
					              possibly_duplicate)
					), changed AS (
					  UPDATE delivery d
					  SET state = u.state, last_status = u.status, reason = u.reason,
					      activity_id = COALESCE(u.activity_id, d.activity_id),
					      throttles = d.throttles + CASE WHEN u.throttled THEN 1 ELSE 0 END,
					      possibly_duplicate = d.possibly_duplicate OR u.possibly_duplicate,
					      next_attempt_at = COALESCE(u.next_at, d.next_attempt_at),
					      claimed_by = CASE WHEN u.state = 'pending' THEN NULL ELSE d.claimed_by END,
					      call_started_at = CASE WHEN u.state = 'pending' THEN NULL ELSE d.call_started_at END,
					      lease_until = NULL, updated_at = now(),
					      alerted_chat_at = CASE WHEN u.state = 'delivered' THEN now() ELSE d.alerted_chat_at END
					  FROM input u
					  WHERE d.announcement_id = u.announcement_id AND d.recipient = u.recipient
					    AND d.state = 'in_flight' AND d.claimed_by = ?
					  RETURNING d.announcement_id, d.state
					)
					UPDATE announcement a
					SET delivered = a.delivered + c.delivered, failed = a.failed + c.failed,
					    blocked = a.blocked + c.blocked, updated_at = now()
					FROM (SELECT announcement_id,
					             count(*) FILTER (WHERE state = 'delivered') AS delivered,
					             count(*) FILTER (WHERE state = 'failed') AS failed,
					             count(*) FILTER (WHERE state = 'blocked') AS blocked
					      FROM changed GROUP BY announcement_id) c
					WHERE a.id = c.announcement_id
					""")) {
				ps.setArray(1, array(con, "bigint", announcementIds));
				ps.setArray(2, array(con, "text", recipients));
				ps.setArray(3, array(con, "text", states));
				ps.setArray(4, array(con, "integer", statuses));
				ps.setArray(5, array(con, "text", reasons));
				ps.setArray(6, array(con, "text", activityIds));
				ps.setArray(7, array(con, "timestamptz", nextAttempts));
				ps.setArray(8, array(con, "boolean", throttled));
				ps.setArray(9, array(con, "boolean", possiblyDuplicate));
				ps.setObject(10, me);
				ps.executeUpdate();
			}
			return null;
		});
	}

	/**
	 * Run by a new lease holder: rows another instance left in flight go back to pending.
	 * Only those whose call had started may have reached Teams; they alone are flagged
	 * possibly duplicated. The others were claimed but still queued and are retried as if
	 * nothing happened. ({@code lease_until IS NOT NULL} holds for every in-flight row,
	 * V62; it selects the recovery index.)
	 */
	Recovered recoverForeign(UUID me) {
		return this.jdbc
			.sql("""
					WITH recovered AS (
					  UPDATE delivery SET state = 'pending', possibly_duplicate = possibly_duplicate OR call_started_at IS NOT NULL,
					         claimed_by = NULL, lease_until = NULL, next_attempt_at = now(), updated_at = now()
					  WHERE state = 'in_flight' AND lease_until IS NOT NULL AND claimed_by IS DISTINCT FROM :me
					  RETURNING call_started_at IS NOT NULL AS started
					)
					SELECT count(*) FILTER (WHERE started), count(*) FILTER (WHERE NOT started) FROM recovered
					""")
			.param("me", me)
			.query((rs, i) -> new Recovered(rs.getInt(1), rs.getInt(2)))
			.single();
	}

	/**
	 * Rows recovered from a previous holder: whose call had started, and whose had not.
	 */
	record Recovered(int flagged, int unflagged) {
	}

	/**
	 * Pending rows (and rows still waiting for an install) of a canceled announcement
	 * become canceled, and are counted, in one statement that locks the ledger rows
	 * before the announcement's, in the outcome writer's order. (Run inside the cancel's
	 * transaction, after its status change had locked the announcement, it deadlocked
	 * with an outcome write of the same send: the cancel answered 500, bench/history.sh.)
	 * One update per state, so that each uses its partial index.
	 */
	int cancelPending(long announcementId) {
		return this.jdbc.sql("""
				WITH pending AS (
				  UPDATE delivery SET state = 'canceled', updated_at = now()
				  WHERE announcement_id = :id AND state = 'pending'
				  RETURNING 1
				), installing AS (
				  UPDATE delivery SET state = 'canceled', updated_at = now()
				  WHERE announcement_id = :id AND state = 'installing'
				  RETURNING 1
				), n AS (
				  SELECT (SELECT count(*) FROM pending) + (SELECT count(*) FROM installing) AS rows
				)
				UPDATE announcement a SET canceled = a.canceled + n.rows
				FROM n WHERE a.id = :id
				RETURNING n.rows
				""").param("id", announcementId).query(Integer.class).optional().orElse(0);
	}

	/** Recipients frozen for an announcement (0 when unknown). */
	int recipients(long announcementId) {
		return this.jdbc.sql("SELECT recipients FROM announcement WHERE id = :id")
			.param("id", announcementId)
			.query(Integer.class)
			.optional()
			.orElse(0);
	}

	/**
	 * Refreshes the planner's statistics of the ledger (a sample; about a second), in a
	 * transaction of its own: callers run after their own has committed.
	 */
	@Transactional(propagation = Propagation.REQUIRES_NEW)
	public void analyze() {
		this.jdbc.sql("ANALYZE delivery").update();
	}

	/** Announcements that are sending, for the completion check. */
	List<Long> sendingAnnouncements() {
		return this.jdbc.sql("SELECT id FROM announcement WHERE status = 'sending'").query(Long.class).list();
	}

	private static Array array(Connection con, String type, Object[] values) throws SQLException {
		return con.createArrayOf(type, values);
	}

	/**
	 * A claimed ledger row and where to send it; {@code attempts} and {@code throttles}
	 * count the calls made before this one; {@code variant} and {@code cardLanguage} say
	 * which rendition of the card its recipient gets (null: the default);
	 * {@code editedAt} when the content was last edited after the send (epoch millis, 0:
	 * never), so that an edit made on any instance reaches every instance's cache;
	 * {@code claimedAt} when this instance claimed it ({@link System#nanoTime()}), so the
	 * automatic pause can tell calls claimed before it tripped from calls after a resume.
	 */
	record Job(long announcementId, String recipient, long conversationRef, int attempts, int throttles,
			String conversationId, String serviceUrl, String variant, String cardLanguage, long editedAt,
			long claimedAt) implements CallLedger.Call {

		@Override
		public Key key() {
			return new Key(this.announcementId, this.recipient);
		}

		@Override
		public long group() {
			return this.announcementId;
		}

		/** The cache key of the activity this job sends. */
		RenditionKey rendition() {
			return new RenditionKey(this.announcementId, new VariantSelector.Rendition(this.variant, this.cardLanguage),
					this.editedAt);
		}

	}

	/**
	 * One rendition of one version of an announcement: what the dispatcher serializes
	 * once. An edit changes the version, so a cached card of the old content is never hit
	 * again, whichever instance the edit was made on.
	 */
	record RenditionKey(long announcementId, VariantSelector.Rendition rendition, long editedAt) {

		/** This rendition of the newer of its version and {@code editedAt}. */
		RenditionKey atLeast(long editedAt) {
			return (editedAt > this.editedAt) ? new RenditionKey(this.announcementId, this.rendition, editedAt) : this;
		}

	}

	/** The primary key of a ledger row. */
	record Key(long announcementId, String recipient) {
	}

	/**
	 * What a freeze wrote into the ledger.
	 *
	 * @param recipients rows created
	 * @param installing people waiting for an install
	 * @param optedOut people frozen as opted out
	 */
	record Frozen(int recipients, int installing, int optedOut) {
	}

	/**
	 * The outcome of one job, as {@link RetryPolicy} decided it and as it will be
	 * written.
	 *
	 * @param kind what the reply meant
	 * @param tally how it counts towards the automatic pause
	 * @param possiblyDuplicate whether the retry may repeat a call Teams took
	 */
	record Result(Job job, DeliveryState state, ConnectorReply.Kind kind, Integer httpStatus, String reason,
			String activityId, Instant nextAttemptAt, RetryPolicy.Tally tally, boolean possiblyDuplicate) {

		/** A ledger row's outcome from the policy's decision. */
		static Result of(Job job, RetryPolicy.Decision decision) {
			DeliveryState state = switch (decision.verdict()) {
				case DONE -> DeliveryState.DELIVERED;
				case RETRY -> DeliveryState.PENDING;
				case FAILED -> DeliveryState.FAILED;
				case BLOCKED -> DeliveryState.BLOCKED;
			};
			return new Result(job, state, decision.kind(), decision.httpStatus(), decision.reason(),
					decision.resultId(), decision.nextAttemptAt(), decision.tally(), decision.possiblyDuplicate());
		}

	}

}
