package dev.herald.followup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import dev.herald.announcement.VariantSelector;
import dev.herald.dispatch.CallLedger;
import dev.herald.dispatch.RetryPolicy;
import dev.herald.teams.ConnectorReply;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Operations on copies already sent, and their items: one per copy (or per person to
 * remind), claimed with {@code FOR UPDATE SKIP LOCKED}, marked as started just before
 * their call, and given an outcome only by the instance that owns them, like the delivery
 * ledger. After a crash, items whose call had started are retried flagged possibly
 * duplicated; the others as if nothing happened.
 */
@Component
class FollowUpLedger implements CallLedger<FollowUpLedger.Item> {

	private static final Logger log = LoggerFactory.getLogger(FollowUpLedger.class);

	private static final String VIEW_COLUMNS = """
			f.id, f.announcement_id, f.kind, f.who, f.status, f.requested_by, f.planning, f.targets, f.done, f.failed,
			f.canceled, f.created_at, f.finished_at, f.pause_reason
			""";

	private final JdbcClient jdbc;

	private final JdbcTemplate template;

	FollowUpLedger(JdbcClient jdbc, JdbcTemplate template) {
		this.jdbc = jdbc;
		this.template = template;
	}

	long create(long announcementId, FollowUpKind kind, ReminderTarget who, String by, Duration cutoffAfterNow) {
		return this.jdbc.sql("""
				INSERT INTO follow_up (announcement_id, kind, who, requested_by, cutoff, planning)
				VALUES (:a, :kind, :who, :by, now() + :ms * interval '1 millisecond', :planning)
				RETURNING id
				""")
			.param("a", announcementId)
			.param("kind", kind.dbValue())
			.param("who", (who != null) ? who.value() : null)
			.param("by", (by != null) ? by : "system")
			.param("ms", cutoffAfterNow.toMillis())
			// Reminders are planned once, at once; copies to update or delete keep coming
			// while calls of the send are in the air.
			.param("planning", kind != FollowUpKind.REMIND)
			.query(Long.class)
			.single();
	}

	/**
	 * Stops open operations of these kinds on an announcement (a newer edit replaces an
	 * older update; a recall ends updates and reminders): their pending items are
	 * canceled and counted.
	 */
	int cancelOpen(long announcementId, List<FollowUpKind> kinds) {
		List<Long> ids = this.jdbc.sql("""
				UPDATE follow_up SET status = 'canceled', planning = false, finished_at = now()
				WHERE announcement_id = :a AND kind IN (:kinds) AND status IN ('running', 'paused')
				RETURNING id
				""")
			.param("a", announcementId)
			.param("kinds", kinds.stream().map(FollowUpKind::dbValue).toList())
			.query(Long.class)
			.list();
		ids.forEach(this::cancelPendingItems);
		return ids.size();
	}

	void cancelPendingItems(long followUpId) {
		this.jdbc.sql("""
				WITH canceled AS (
				  UPDATE follow_up_item SET state = 'canceled', updated_at = now()
				  WHERE follow_up_id = :id AND state = 'pending'
				  RETURNING 1
				)
				UPDATE follow_up SET canceled = canceled + (SELECT count(*) FROM canceled) WHERE id = :id
				""").param("id", followUpId).update();
	}

	/**
	 * Adds the delivered copies an update or delete operation does not have yet: for a
	 * delete every one, for an update those whose call started before the cutoff (later
	 * calls carried the new content). Returns how many were added.
	 */
	int planCopies(long followUpId) {
		return this.jdbc
			.sql("""
					WITH added AS (
					  INSERT INTO follow_up_item (follow_up_id, recipient, announcement_id, conversation_ref, target_activity_id)
					  SELECT f.id, d.recipient, d.announcement_id, d.conversation_ref, d.activity_id
					  FROM follow_up f JOIN delivery d ON d.announcement_id = f.announcement_id
					  WHERE f.id = :id AND d.state = 'delivered' AND d.activity_id IS NOT NULL AND d.conversation_ref IS NOT NULL
					    AND (f.kind = 'delete' OR d.call_started_at IS NULL OR d.call_started_at < f.cutoff)
					  ORDER BY d.recipient
					  ON CONFLICT DO NOTHING
					  RETURNING 1
					)
					UPDATE follow_up SET targets = targets + (SELECT count(*) FROM added) WHERE id = :id
					RETURNING (SELECT count(*) FROM added)
					""")
			.param("id", followUpId)
			.query(Integer.class)
			.single();
	}

	/**
	 * Ends the planning of an update or delete once no copy can be added any more: the
	 * cutoff has passed and no call of the send that started before it is still in the
	 * air (for a recall, no call of the send at all). Returns whether it ended.
	 */
	boolean endPlanningIfSettled(long followUpId) {
		return this.jdbc.sql("""
				UPDATE follow_up f SET planning = false
				WHERE f.id = :id AND f.planning AND f.cutoff <= now()
				  AND NOT EXISTS (SELECT 1 FROM delivery d
				                  WHERE d.announcement_id = f.announcement_id AND d.state = 'in_flight'
				                    AND (f.kind = 'delete' OR d.call_started_at < f.cutoff))
				""").param("id", followUpId).update() == 1;
	}

	/** Operations still adding copies. */
	List<Long> planning() {
		return this.jdbc.sql("SELECT id FROM follow_up WHERE planning AND status IN ('running', 'paused') ORDER BY id")
			.query(Long.class)
			.list();
	}

	/**
	 * Reminder items: every person {@code who} names among those with a delivered copy.
	 */
	int planReminder(long followUpId, long announcementId, ReminderTarget who) {
		return this.jdbc
			.sql("""
					WITH added AS (
					  INSERT INTO follow_up_item (follow_up_id, recipient, announcement_id, conversation_ref, target_activity_id)
					  SELECT :f, d.recipient, d.announcement_id, d.conversation_ref, d.activity_id
					  FROM delivery d JOIN conversation c ON c.id = d.conversation_ref
					  WHERE d.announcement_id = :a AND d.state = 'delivered' AND d.recipient_kind = 'person'
					    AND d.activity_id IS NOT NULL AND c.status = 'active' AND %s
					  ORDER BY d.recipient
					  ON CONFLICT DO NOTHING
					  RETURNING 1
					)
					UPDATE follow_up SET targets = (SELECT count(*) FROM added) WHERE id = :f
					RETURNING targets
					"""
				.formatted(who.condition()))
			.param("f", followUpId)
			.param("a", announcementId)
			.query(Integer.class)
			.single();
	}

	/** How many people a reminder to {@code who} would reach now. */
	int countReminder(long announcementId, ReminderTarget who) {
		return this.jdbc.sql("""
				SELECT count(*) FROM delivery d JOIN conversation c ON c.id = d.conversation_ref
				WHERE d.announcement_id = :a AND d.state = 'delivered' AND d.recipient_kind = 'person'
				  AND d.activity_id IS NOT NULL AND c.status = 'active' AND %s
				""".formatted(who.condition())).param("a", announcementId).query(Integer.class).single();
	}

	/** Delivered copies of an announcement that a recall would delete. */
	int countCopies(long announcementId) {
		return this.jdbc.sql("""
				SELECT count(*) FROM delivery
				WHERE announcement_id = :a AND state = 'delivered' AND activity_id IS NOT NULL
				""").param("a", announcementId).query(Integer.class).single();
	}

	/** Claims due items of running operations (see the delivery ledger's claim). */
	@Override
	public List<Item> claim(int limit, UUID me) {
		return this.jdbc.sql("""
				WITH picked AS (
				  SELECT i.follow_up_id, i.recipient
				  FROM follow_up_item i JOIN follow_up f ON f.id = i.follow_up_id
				  WHERE i.state = 'pending' AND i.next_attempt_at <= now() AND f.status = 'running'
				  ORDER BY i.follow_up_id, i.next_attempt_at
				  LIMIT :limit
				  FOR UPDATE OF i SKIP LOCKED
				)
				UPDATE follow_up_item i
				SET state = 'in_flight', claimed_by = :me, call_started_at = NULL, updated_at = now()
				FROM picked p, follow_up f, conversation c
				WHERE i.follow_up_id = p.follow_up_id AND i.recipient = p.recipient
				  AND f.id = i.follow_up_id AND c.id = i.conversation_ref
				RETURNING i.follow_up_id, i.recipient, i.announcement_id, f.kind, f.who, i.target_activity_id,
				          i.attempts, i.throttles, c.conversation_id, c.service_url,
				          (SELECT d.variant FROM delivery d
				           WHERE d.announcement_id = i.announcement_id AND d.recipient = i.recipient),
				          (SELECT d.card_language FROM delivery d
				           WHERE d.announcement_id = i.announcement_id AND d.recipient = i.recipient)
				""")
			.param("limit", limit)
			.param("me", me)
			.query((rs, n) -> new Item(rs.getLong(1), rs.getString(2), rs.getLong(3),
					FollowUpKind.fromDb(rs.getString(4)), rs.getString(5), rs.getString(6), rs.getInt(7), rs.getInt(8),
					rs.getString(9), rs.getString(10), rs.getString(11), rs.getString(12)))
			.list();
	}

	/**
	 * Marks the items' calls as started, in one statement, right before they leave;
	 * returns the keys of those that may go. One is left out when its operation was
	 * paused or canceled, the item is no longer this instance's, or this instance no
	 * longer holds the send lease (by the database clock).
	 */
	@Override
	public Set<Key> markStarted(List<Item> items, UUID me) {
		if (items.isEmpty()) {
			return Set.of();
		}
		Set<Key> started = new HashSet<>();
		this.template.execute((Connection con) -> {
			try (PreparedStatement ps = con.prepareStatement(
					"""
							UPDATE follow_up_item i SET call_started_at = now(), attempts = i.attempts + 1, updated_at = now()
							FROM unnest(?::bigint[], ?::text[]) AS u(follow_up_id, recipient), follow_up f
							WHERE i.follow_up_id = u.follow_up_id AND i.recipient = u.recipient
							  AND i.state = 'in_flight' AND i.claimed_by = ?
							  AND f.id = i.follow_up_id AND f.status = 'running'
							  AND EXISTS (SELECT 1 FROM send_lease l WHERE l.name = 'tenant' AND l.holder = ? AND l.lease_until > now())
							RETURNING i.follow_up_id, i.recipient
							""")) {
				keys(con, ps, items);
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
	 * Gives back items this instance did not call: pending again, or canceled (and
	 * counted) when their operation was canceled meanwhile.
	 */
	@Override
	public void release(List<Item> items, UUID me) {
		if (items.isEmpty()) {
			return;
		}
		this.template.execute((Connection con) -> {
			try (PreparedStatement ps = con.prepareStatement("""
					WITH released AS (
					  UPDATE follow_up_item i
					  SET state = CASE WHEN f.status = 'canceled' THEN 'canceled' ELSE 'pending' END,
					      attempts = i.attempts - CASE WHEN i.call_started_at IS NULL THEN 0 ELSE 1 END,
					      call_started_at = NULL, claimed_by = NULL, updated_at = now()
					  FROM unnest(?::bigint[], ?::text[]) AS u(follow_up_id, recipient), follow_up f
					  WHERE i.follow_up_id = u.follow_up_id AND i.recipient = u.recipient
					    AND i.state = 'in_flight' AND i.claimed_by = ? AND f.id = i.follow_up_id
					  RETURNING i.follow_up_id, i.state
					)
					UPDATE follow_up f SET canceled = f.canceled + r.n
					FROM (SELECT follow_up_id, count(*) AS n FROM released WHERE state = 'canceled'
					      GROUP BY follow_up_id) r
					WHERE f.id = r.follow_up_id
					""")) {
				keys(con, ps, items);
				ps.setObject(3, me);
				ps.executeUpdate();
			}
			return null;
		});
	}

	/**
	 * Records items' outcomes and moves their operations' counts in one statement; only
	 * while this instance still owns the items. What a reply means comes decided by the
	 * {@link RetryPolicy}.
	 */
	@Override
	public void record(List<CallLedger.Outcome<Item>> outcomes, UUID me) {
		if (outcomes.isEmpty()) {
			return;
		}
		int n = outcomes.size();
		Long[] ids = new Long[n];
		String[] recipients = new String[n];
		String[] states = new String[n];
		Integer[] statuses = new Integer[n];
		String[] reasons = new String[n];
		String[] results = new String[n];
		Timestamp[] nextAttempts = new Timestamp[n];
		Boolean[] throttled = new Boolean[n];
		Boolean[] possiblyDuplicate = new Boolean[n];
		for (int i = 0; i < n; i++) {
			Item item = outcomes.get(i).call();
			RetryPolicy.Decision d = outcomes.get(i).decision();
			ids[i] = item.followUpId();
			recipients[i] = item.recipient();
			states[i] = switch (d.verdict()) {
				case DONE -> "done";
				case RETRY -> "pending";
				// A blocked chat: the copy cannot be changed any more.
				case FAILED, BLOCKED -> "failed";
			};
			statuses[i] = d.httpStatus();
			reasons[i] = d.reason();
			results[i] = d.resultId();
			nextAttempts[i] = (d.nextAttemptAt() != null) ? Timestamp.from(d.nextAttemptAt()) : null;
			throttled[i] = d.kind() == ConnectorReply.Kind.THROTTLED;
			possiblyDuplicate[i] = d.possiblyDuplicate();
		}
		this.template.execute((Connection con) -> {
			try (PreparedStatement ps = con.prepareStatement("""
					WITH input AS (
					  SELECT * FROM unnest(?::bigint[], ?::text[], ?::text[], ?::int[], ?::text[], ?::text[],
					                       ?::timestamptz[], ?::boolean[], ?::boolean[])
					         AS u(follow_up_id, recipient, state, status, reason, result, next_at, throttled,
					              possibly_duplicate)
					), changed AS (
					  UPDATE follow_up_item i
					  SET state = u.state, last_status = u.status, reason = u.reason,
					      result_activity_id = COALESCE(u.result, i.result_activity_id),
					      throttles = i.throttles + CASE WHEN u.throttled THEN 1 ELSE 0 END,
					      possibly_duplicate = i.possibly_duplicate OR u.possibly_duplicate,
					      next_attempt_at = COALESCE(u.next_at, i.next_attempt_at),
					      claimed_by = CASE WHEN u.state = 'pending' THEN NULL ELSE i.claimed_by END,
					      call_started_at = CASE WHEN u.state = 'pending' THEN NULL ELSE i.call_started_at END,
					      updated_at = now()
					  FROM input u
					  WHERE i.follow_up_id = u.follow_up_id AND i.recipient = u.recipient
					    AND i.state = 'in_flight' AND i.claimed_by = ?
					  RETURNING i.follow_up_id, i.state
					)
					UPDATE follow_up f SET done = f.done + c.done, failed = f.failed + c.failed
					FROM (SELECT follow_up_id, count(*) FILTER (WHERE state = 'done') AS done,
					             count(*) FILTER (WHERE state = 'failed') AS failed
					      FROM changed GROUP BY follow_up_id) c
					WHERE f.id = c.follow_up_id
					""")) {
				ps.setArray(1, con.createArrayOf("bigint", ids));
				ps.setArray(2, con.createArrayOf("text", recipients));
				ps.setArray(3, con.createArrayOf("text", states));
				ps.setArray(4, con.createArrayOf("integer", statuses));
				ps.setArray(5, con.createArrayOf("text", reasons));
				ps.setArray(6, con.createArrayOf("text", results));
				ps.setArray(7, con.createArrayOf("timestamptz", nextAttempts));
				ps.setArray(8, con.createArrayOf("boolean", throttled));
				ps.setArray(9, con.createArrayOf("boolean", possiblyDuplicate));
				ps.setObject(10, me);
				ps.executeUpdate();
			}
			return null;
		});
		// Every other copy would be refused alike while the admin's block lasts: the
		// operation pauses with the reason, as a send does, instead of retrying each item
		// forever; a resume after the block is lifted continues it.
		outcomes.stream()
			.filter((o) -> o.decision().kind() == ConnectorReply.Kind.APP_DISABLED)
			.map((o) -> o.call().followUpId())
			.distinct()
			.filter((id) -> pause(id, RetryPolicy.APP_DISABLED_REASON))
			.forEach((id) -> log.warn("Operation {}: paused, the tenant admin blocked the app", id));
	}

	private static void keys(Connection con, PreparedStatement ps, List<Item> items) throws SQLException {
		ps.setArray(1, con.createArrayOf("bigint", items.stream().map(Item::followUpId).toArray(Long[]::new)));
		ps.setArray(2, con.createArrayOf("text", items.stream().map(Item::recipient).toArray(String[]::new)));
	}

	/**
	 * Run by the lease holder: items another instance left in flight go back to pending;
	 * those whose call had started are flagged possibly duplicated.
	 */
	@Override
	public CallLedger.Recovered recoverForeign(UUID me) {
		return this.jdbc.sql("""
				WITH recovered AS (
				  UPDATE follow_up_item
				  SET state = 'pending', possibly_duplicate = possibly_duplicate OR call_started_at IS NOT NULL,
				      claimed_by = NULL, call_started_at = NULL, next_attempt_at = now(), updated_at = now()
				  WHERE state = 'in_flight' AND claimed_by IS DISTINCT FROM :me
				  RETURNING possibly_duplicate
				)
				SELECT count(*) FILTER (WHERE possibly_duplicate), count(*) FILTER (WHERE NOT possibly_duplicate)
				FROM recovered
				""").param("me", me).query((rs, i) -> new CallLedger.Recovered(rs.getInt(1), rs.getInt(2))).single();
	}

	/** Operations whose items may be called now. */
	@Override
	public List<Long> running() {
		return this.jdbc.sql("SELECT id FROM follow_up WHERE status = 'running'").query(Long.class).list();
	}

	/** Running operations with nothing left to plan or call are done. */
	List<Long> completeFinished() {
		return this.jdbc.sql("""
				UPDATE follow_up f SET status = 'done', finished_at = now()
				WHERE f.status = 'running' AND NOT f.planning
				  AND NOT EXISTS (SELECT 1 FROM follow_up_item i
				                  WHERE i.follow_up_id = f.id AND i.state IN ('pending', 'in_flight'))
				RETURNING f.id
				""").query(Long.class).list();
	}

	/** Moves an operation of this announcement to {@code target}, if allowed. */
	boolean transition(long announcementId, long followUpId, FollowUpStatus target) {
		return this.jdbc.sql("""
				UPDATE follow_up SET status = :target, pause_reason = NULL,
				  finished_at = CASE WHEN :target IN ('canceled', 'done') THEN now() ELSE finished_at END
				WHERE id = :id AND announcement_id = :a AND status IN (:from)
				""")
			.param("target", target.dbValue())
			.param("id", followUpId)
			.param("a", announcementId)
			.param("from", target.allowedFrom().stream().map(FollowUpStatus::dbValue).toList())
			.update() == 1;
	}

	List<FollowUpView> list(long announcementId) {
		return this.jdbc
			.sql("SELECT " + VIEW_COLUMNS + " FROM follow_up f WHERE f.announcement_id = :a ORDER BY f.id DESC")
			.param("a", announcementId)
			.query((rs, i) -> new FollowUpView(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
					rs.getString(5), rs.getString(6), rs.getBoolean(7), rs.getInt(8), rs.getInt(9), rs.getInt(10),
					rs.getInt(11), instant(rs.getTimestamp(12)), instant(rs.getTimestamp(13)), rs.getString(14)))
			.list();
	}

	/**
	 * Pauses a running operation with the reason: the gate refused it (its content is not
	 * what was approved), or Teams refuses every call (the admin blocked the app). It
	 * stays paused until someone resumes it.
	 */
	boolean pause(long followUpId, String reason) {
		return this.jdbc.sql("""
				UPDATE follow_up SET status = 'paused', pause_reason = :reason WHERE id = :id AND status = 'running'
				""").param("id", followUpId).param("reason", reason).update() == 1;
	}

	/** Failure reasons of an operation's items, most frequent first. */
	List<FollowUpView.Reason> failures(long followUpId) {
		return this.jdbc.sql("""
				SELECT reason, count(*) FROM follow_up_item WHERE follow_up_id = :f AND state = 'failed'
				GROUP BY reason ORDER BY count(*) DESC LIMIT 10
				""")
			.param("f", followUpId)
			.query((rs, i) -> new FollowUpView.Reason(rs.getString(1), rs.getInt(2)))
			.list();
	}

	private static Instant instant(Timestamp ts) {
		return (ts != null) ? ts.toInstant() : null;
	}

	/**
	 * A claimed item and where to call; {@code attempts} and {@code throttles} count the
	 * calls made before this one; {@code variant} and {@code cardLanguage} are the
	 * rendition the recipient's copy was sent in (null: the default), kept by an update
	 * or a reminder.
	 */
	record Item(long followUpId, String recipient, long announcementId, FollowUpKind kind, String who,
			String targetActivityId, int attempts, int throttles, String conversationId, String serviceUrl,
			String variant, String cardLanguage) implements CallLedger.Call {

		@Override
		public Key key() {
			return new Key(this.followUpId, this.recipient);
		}

		@Override
		public long group() {
			return this.followUpId;
		}

		VariantSelector.Rendition rendition() {
			return new VariantSelector.Rendition(this.variant, this.cardLanguage);
		}

	}

	/** The primary key of an item. */
	record Key(long followUpId, String recipient) {
	}

}
