package dev.herald.dispatch;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import dev.herald.optout.OptOuts;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

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
	 * {@code opted_out} row instead of a pending one, so reports can count them.
	 */
	int freezeInstalledAudience(long announcementId) {
		return this.jdbc.sql("""
				WITH frozen AS (
				  INSERT INTO delivery (announcement_id, recipient, recipient_kind, conversation_ref, state)
				  SELECT :id, c.aad_object_id, 'person', c.id, %s
				  FROM conversation c WHERE c.kind = 'personal' AND c.status = 'active'
				  ON CONFLICT DO NOTHING
				  RETURNING state
				)
				UPDATE announcement
				SET recipients = recipients + (SELECT count(*) FROM frozen),
				    opted_out = opted_out + (SELECT count(*) FROM frozen WHERE state = 'opted_out')
				WHERE id = :id
				RETURNING recipients
				""".formatted(OptOuts.DELIVERY_STATE)).param("id", announcementId).query(Integer.class).single();
	}

	/**
	 * Freezes exactly the given people (Entra object ids, any case) who have an active
	 * personal chat, for a send addressed to named recipients rather than an audience.
	 * Returns the ids frozen, lower-case; the others cannot be reached.
	 */
	List<String> freezePeople(long announcementId, Collection<String> aadObjectIds) {
		if (aadObjectIds.isEmpty()) {
			return List.of();
		}
		// People who opted out of everything get an audit row counted as opted_out, and
		// are never messaged.
		List<String[]> frozen = this.jdbc.sql("""
				WITH inserted AS (
				  INSERT INTO delivery (announcement_id, recipient, recipient_kind, conversation_ref, state)
				  SELECT DISTINCT ON (lower(c.aad_object_id)) :id, c.aad_object_id, 'person', c.id, %s
				  FROM conversation c
				  WHERE c.kind = 'personal' AND c.status = 'active' AND lower(c.aad_object_id) IN (:ids)
				  ORDER BY lower(c.aad_object_id), c.id
				  ON CONFLICT DO NOTHING
				  RETURNING recipient, state
				)
				SELECT lower(recipient), state FROM inserted
				""".formatted(OptOuts.DELIVERY_STATE))
			.param("id", announcementId)
			.param("ids", aadObjectIds.stream().map((id) -> id.toLowerCase(Locale.ROOT)).distinct().toList())
			.query((rs, i) -> new String[] { rs.getString(1), rs.getString(2) })
			.list();
		this.jdbc.sql("""
				UPDATE announcement SET recipients = recipients + :n, opted_out = opted_out + :optedOut WHERE id = :id
				""")
			.param("n", frozen.size())
			.param("optedOut", frozen.stream().filter((row) -> "opted_out".equals(row[1])).count())
			.param("id", announcementId)
			.update();
		return frozen.stream().map((row) -> row[0]).toList();
	}

	/** Claims up to {@code limit} due rows of announcements that are sending. */
	List<Job> claim(int limit, Duration lease) {
		return this.jdbc
			.sql("""
					WITH picked AS (
					  SELECT d.announcement_id, d.recipient
					  FROM delivery d JOIN announcement a ON a.id = d.announcement_id
					  WHERE d.state = 'pending' AND d.next_attempt_at <= now() AND a.status = 'sending'
					  ORDER BY d.announcement_id, d.next_attempt_at
					  LIMIT :limit
					  FOR UPDATE OF d SKIP LOCKED
					)
					UPDATE delivery d
					SET state = 'in_flight', attempts = d.attempts + 1, lease_until = now() + :lease * interval '1 millisecond',
					    updated_at = now()
					FROM picked p, conversation c
					WHERE d.announcement_id = p.announcement_id AND d.recipient = p.recipient
					  AND c.id = d.conversation_ref
					RETURNING d.announcement_id, d.recipient, d.conversation_ref, d.attempts, c.conversation_id, c.service_url
					""")
			.param("limit", limit)
			.param("lease", lease.toMillis())
			.query((rs, i) -> new Job(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getInt(4), rs.getString(5),
					rs.getString(6)))
			.list();
	}

	/**
	 * Records outcomes and moves the live counts in one statement, so counts and rows
	 * never disagree. Only rows still in flight are touched: a row recovered by another
	 * instance after a lease expiry is not counted twice.
	 */
	void record(List<Result> results) {
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
		for (int i = 0; i < n; i++) {
			Result r = results.get(i);
			announcementIds[i] = r.job().announcementId();
			recipients[i] = r.job().recipient();
			states[i] = r.state().dbValue();
			statuses[i] = r.httpStatus();
			reasons[i] = r.reason();
			activityIds[i] = r.activityId();
			nextAttempts[i] = (r.nextAttemptAt() != null) ? Timestamp.from(r.nextAttemptAt()) : null;
		}
		this.template.execute((Connection con) -> {
			try (PreparedStatement ps = con.prepareStatement(
					"""
							WITH input AS (
							  SELECT * FROM unnest(?::bigint[], ?::text[], ?::text[], ?::int[], ?::text[], ?::text[],
							                       ?::timestamptz[])
							         AS u(announcement_id, recipient, state, status, reason, activity_id, next_at)
							), changed AS (
							  UPDATE delivery d
							  SET state = u.state, last_status = u.status, reason = u.reason,
							      activity_id = COALESCE(u.activity_id, d.activity_id),
							      next_attempt_at = COALESCE(u.next_at, d.next_attempt_at), lease_until = NULL, updated_at = now()
							  FROM input u
							  WHERE d.announcement_id = u.announcement_id AND d.recipient = u.recipient
							    AND d.state = 'in_flight'
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
				ps.executeUpdate();
			}
			return null;
		});
	}

	/**
	 * Rows whose lease expired (their instance died mid-call) go back to pending,
	 * flagged.
	 */
	int recoverExpiredLeases() {
		return this.jdbc.sql("""
				UPDATE delivery SET state = 'pending', possibly_duplicate = true, lease_until = NULL,
				       next_attempt_at = now(), updated_at = now()
				WHERE state = 'in_flight' AND lease_until < now()
				""").update();
	}

	/**
	 * Pending rows (and rows still waiting for an install) of a canceled announcement
	 * become canceled, and are counted.
	 */
	int cancelPending(long announcementId) {
		int rows = this.jdbc.sql("""
				UPDATE delivery SET state = 'canceled', updated_at = now()
				WHERE announcement_id = :id AND state IN ('pending', 'installing')
				""").param("id", announcementId).update();
		this.jdbc.sql("UPDATE announcement SET canceled = canceled + :n WHERE id = :id")
			.param("n", rows)
			.param("id", announcementId)
			.update();
		return rows;
	}

	/** Announcements that are sending, for the completion check. */
	List<Long> sendingAnnouncements() {
		return this.jdbc.sql("SELECT id FROM announcement WHERE status = 'sending'").query(Long.class).list();
	}

	private static Array array(Connection con, String type, Object[] values) throws SQLException {
		return con.createArrayOf(type, values);
	}

	/** A claimed ledger row and where to send it. */
	record Job(long announcementId, String recipient, long conversationRef, int attempts, String conversationId,
			String serviceUrl) {
	}

	/** The outcome of one job, as it will be written. */
	record Result(Job job, DeliveryState state, Integer httpStatus, String reason, String activityId,
			Instant nextAttemptAt) {
	}

}
