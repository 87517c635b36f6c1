package dev.herald.dispatch;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.announcement.Announcement;
import dev.herald.announcement.AnnouncementContent;
import dev.herald.announcement.Announcements;
import dev.herald.announcement.TabLink;
import dev.herald.graph.ActivityFeed;
import dev.herald.pacing.SharedPacer;
import dev.herald.worker.BackgroundWorker;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The urgent lane (#25): everyone an urgent announcement's freeze finds with an app
 * record (an active personal chat, which Teams' install events gave Herald) is announced
 * through Teams' activity feed, 100 people per Graph call, at Graph's 2 calls a second
 * per app and tenant. That budget is a {@link SharedPacer} of its own
 * ({@code rate_budget} {@value #BUDGET}), shared by every instance; each instance runs
 * the lane and claims its batches with {@code FOR UPDATE SKIP LOCKED}. The chat card
 * still goes through the dispatcher (the record: acknowledge, poll, edit, recall); people
 * the feed does not reach (skipped for Teams' per-person limit, refused) are moved to the
 * front of the chat queue.
 * <p>
 * Never twice through the feed: a batch whose call may have reached Graph (in flight when
 * its instance died, no answer) is not repeated but failed and left to the chat.
 */
@Component
class UrgentAlerts extends BackgroundWorker {

	private static final Logger log = LoggerFactory.getLogger(UrgentAlerts.class);

	static final String BUDGET = "graph-activity-feed";

	/** The activity type declared in the app manifest (bot.TeamsAppPackage). */
	static final String ACTIVITY_TYPE = "urgentAnnouncement";

	/** Teams throttles more than 10 notifications a minute to one person. */
	static final int PER_PERSON_PER_MINUTE = 10;

	private static final int WORKERS = 4;

	private static final int MAX_THROTTLES = 20;

	private static final int MAX_ATTEMPTS = 5;

	private static final Duration LEASE = Duration.ofMinutes(2);

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	private final ActivityFeed feed;

	private final Announcements announcements;

	private final SharedPacer pacer;

	private final String teamsAppId;

	private final boolean enabled;

	private final UUID me = UUID.randomUUID();

	/** Announcement content by id, re-read every few seconds (an edit changes it). */
	private final Map<Long, Cached> contents = new ConcurrentHashMap<>();

	UrgentAlerts(JdbcClient jdbc, PlatformTransactionManager transactionManager, ActivityFeed feed,
			Announcements announcements, DispatchProperties properties,
			@Value("${herald.urgent.feed-rate-per-second:1.97}") double ratePerSecond,
			@Value("${herald.bot.app.id:}") String appId, @Value("${herald.teams.bot-app-id:}") String botAppId) {
		this.jdbc = jdbc;
		this.transactions = new TransactionTemplate(transactionManager);
		this.feed = feed;
		this.announcements = announcements;
		this.enabled = properties.enabled();
		// Graph's 2 a second less 1.5 %: calls spaced 508 ms apart keep two in any
		// second even when one arrives 15 ms late (a 429 costs a whole second of the
		// budget); a 429 still eases the pace off a little. At 1.96 the lane could not
		// reach 98 % of the limit even without a refusal (#25).
		this.pacer = new SharedPacer(jdbc, BUDGET, ratePerSecond);
		this.teamsAppId = (appId != null && !appId.isBlank()) ? appId.strip()
				: (botAppId != null) ? botAppId.strip() : "";
	}

	/**
	 * Queues the feed alerts of a just-frozen urgent announcement, in the freeze's
	 * transaction: its people with an app record; nothing for other announcements.
	 * @return people queued
	 */
	int enqueue(long announcementId) {
		// Asked first, not left to the join: the ledger's statistics lag a fresh
		// freeze, so the planner walks every new row to test the announcement's
		// importance (1.2 s of a 1M freeze that queues nothing).
		boolean urgent = this.jdbc.sql("SELECT importance = 'urgent' FROM announcement WHERE id = :id")
			.param("id", announcementId)
			.query(Boolean.class)
			.optional()
			.orElse(false);
		if (!urgent) {
			return 0;
		}
		return this.jdbc.sql("""
				INSERT INTO urgent_alert (announcement_id, recipient, variant)
				SELECT d.announcement_id, d.recipient, d.variant
				FROM delivery d JOIN announcement a ON a.id = d.announcement_id
				JOIN conversation c ON c.id = d.conversation_ref
				WHERE d.announcement_id = :id AND a.importance = 'urgent' AND d.recipient_kind = 'person'
				  AND d.state = 'pending' AND c.kind = 'personal' AND c.status = 'active'
				ORDER BY d.recipient
				ON CONFLICT DO NOTHING
				""").param("id", announcementId).update();
	}

	@Override
	protected boolean enabled() {
		return this.enabled;
	}

	@Override
	protected void startThreads() {
		this.threads.start("herald-urgent-feed-", WORKERS, this::work);
		this.threads.start("herald-urgent-housekeeper", this::housekeeping);
	}

	private void work() {
		while (this.threads.isRunning()) {
			try {
				Batch batch = claim();
				if (batch == null) {
					Thread.sleep(200);
					continue;
				}
				call(batch);
			}
			catch (InterruptedException ex) {
				return;
			}
			catch (RuntimeException ex) {
				log.warn("Urgent feed lane: {}", ex.getMessage());
				sleep(1000);
			}
		}
	}

	/** One Graph call's people: one announcement, one language variant. */
	record Batch(long announcementId, String variant, List<String> recipients) {
	}

	/**
	 * Claims up to 100 due people of the oldest due (announcement, variant) whose
	 * announcement is out (sending or sent; a paused one waits). People Teams would
	 * throttle (10 alerts from Herald in the last minute) are skipped and go to the front
	 * of the chat queue.
	 */
	Batch claim() {
		return this.transactions.execute((status) -> {
			List<Object[]> head = this.jdbc
				.sql("""
						SELECT u.announcement_id, u.variant FROM urgent_alert u JOIN announcement a ON a.id = u.announcement_id
						WHERE u.state = 'pending' AND u.next_attempt_at <= now() AND a.status IN ('sending', 'sent')
						ORDER BY u.next_attempt_at LIMIT 1
						""")
				.query((rs, i) -> new Object[] { rs.getLong(1), rs.getString(2) })
				.list();
			if (head.isEmpty()) {
				return null;
			}
			long id = (Long) head.get(0)[0];
			String variant = (String) head.get(0)[1];
			List<String[]> picked = this.jdbc.sql("""
					WITH picked AS (
					  SELECT u.recipient,
					         (SELECT count(*) FROM urgent_alert o
					          WHERE lower(o.recipient) = lower(u.recipient) AND o.state = 'alerted'
					            AND o.alerted_at > now() - interval '1 minute') >= :perMinute AS throttled
					  FROM urgent_alert u
					  WHERE u.announcement_id = :id AND u.variant IS NOT DISTINCT FROM :variant
					    AND u.state = 'pending' AND u.next_attempt_at <= now()
					  ORDER BY u.next_attempt_at, u.recipient
					  LIMIT :limit
					  FOR UPDATE OF u SKIP LOCKED
					)
					UPDATE urgent_alert u
					SET state = CASE WHEN p.throttled THEN 'skipped' ELSE 'in_flight' END,
					    reason = CASE WHEN p.throttled THEN :throttledReason ELSE u.reason END,
					    claimed_by = :me, lease_until = now() + :lease * interval '1 millisecond',
					    attempts = u.attempts + CASE WHEN p.throttled THEN 0 ELSE 1 END
					FROM picked p
					WHERE u.announcement_id = :id AND u.recipient = p.recipient
					RETURNING u.recipient, u.state
					""")
				.param("id", id)
				.param("variant", variant)
				.param("perMinute", PER_PERSON_PER_MINUTE)
				.param("limit", ActivityFeed.MAX_RECIPIENTS)
				.param("throttledReason",
						"Not sent to the activity feed: Teams allows " + PER_PERSON_PER_MINUTE
								+ " notifications a minute per person, and Herald sent that many in the last minute")
				.param("me", this.me)
				.param("lease", LEASE.toMillis())
				.query((rs, i) -> new String[] { rs.getString(1), rs.getString(2) })
				.list();
			List<String> skipped = picked.stream().filter((r) -> "skipped".equals(r[1])).map((r) -> r[0]).toList();
			chatFirst(id, skipped);
			List<String> sending = picked.stream().filter((r) -> "in_flight".equals(r[1])).map((r) -> r[0]).toList();
			return new Batch(id, variant, sending);
		});
	}

	private void call(Batch batch) throws InterruptedException {
		if (batch.recipients().isEmpty()) {
			return;
		}
		AnnouncementContent content = content(batch.announcementId()).forVariant(batch.variant());
		// Everything but the call itself before the slot (token, body): work between the
		// slot and the wire would make this call late and bunch it with the next one.
		ActivityFeed.Prepared notification = this.feed.prepare(ACTIVITY_TYPE, content.title(),
				TabLink.of(this.teamsAppId, batch.announcementId()), content.notificationText(),
				Map.of("title", content.title()), batch.recipients());
		this.pacer.acquire();
		ActivityFeed.Answer answer = this.feed.send(notification);
		if (answer.accepted()) {
			record(batch, "alerted", null, answer.status(), null, false);
			return;
		}
		if (answer.throttled()) {
			Duration wait = (answer.retryAfter() != null) ? answer.retryAfter() : Duration.ofSeconds(1);
			this.pacer.throttled(wait);
			record(batch, "pending", "Graph throttled the activity feed (429); retried", answer.status(), wait, true);
			return;
		}
		if (answer.status() == 0) {
			// No answer: Graph may have taken it. Never twice through the feed.
			record(batch, "failed", "No answer from Graph; maybe alerted, not repeated: " + answer.text(), 0, null,
					false);
			return;
		}
		if (answer.transientFailure()) {
			record(batch, "pending", "Graph HTTP " + answer.status() + ": " + answer.text(), answer.status(),
					Duration.ofSeconds(2), false);
			return;
		}
		log.warn("Announcement {}: activity feed refused {} people: HTTP {} {}", batch.announcementId(),
				batch.recipients().size(), answer.status(), answer.text());
		record(batch, "failed", "Graph HTTP " + answer.status() + ": " + answer.text(), answer.status(), null, false);
	}

	/**
	 * Writes a batch's outcome (only rows this instance still owns in flight). A retry
	 * that has used up its attempts fails; failed people go to the front of the chat
	 * queue.
	 */
	private void record(Batch batch, String state, String reason, int status, Duration retryIn, boolean throttled) {
		this.transactions.executeWithoutResult((tx) -> {
			List<String[]> rows = this.jdbc.sql("""
					UPDATE urgent_alert u
					SET state = CASE WHEN :state = 'pending' AND (u.throttles + CASE WHEN :throttled THEN 1 ELSE 0 END
					                    >= :maxThrottles OR (NOT :throttled AND u.attempts >= :maxAttempts))
					                 THEN 'failed' ELSE :state END,
					    alerted_at = CASE WHEN :state = 'alerted' THEN now() ELSE u.alerted_at END,
					    throttles = u.throttles + CASE WHEN :throttled THEN 1 ELSE 0 END,
					    attempts = u.attempts - CASE WHEN :throttled THEN 1 ELSE 0 END,
					    next_attempt_at = now() + :retryMs * interval '1 millisecond',
					    last_status = :status, reason = :reason, claimed_by = NULL, lease_until = NULL
					WHERE u.announcement_id = :id AND u.recipient IN (:recipients)
					  AND u.state = 'in_flight' AND u.claimed_by = :me
					RETURNING u.recipient, u.state
					""")
				.param("state", state)
				.param("throttled", throttled)
				.param("maxThrottles", MAX_THROTTLES)
				.param("maxAttempts", MAX_ATTEMPTS)
				.param("retryMs", (retryIn != null) ? retryIn.toMillis() : 0)
				.param("status", status)
				.param("reason", reason)
				.param("id", batch.announcementId())
				.param("recipients", batch.recipients())
				.param("me", this.me)
				.query((rs, i) -> new String[] { rs.getString(1), rs.getString(2) })
				.list();
			chatFirst(batch.announcementId(),
					rows.stream().filter((r) -> "failed".equals(r[1])).map((r) -> r[0]).toList());
		});
	}

	/**
	 * Moves people the feed does not reach to the front of the chat queue: the claim
	 * takes an announcement's due rows by {@code next_attempt_at}.
	 */
	private void chatFirst(long announcementId, List<String> recipients) {
		if (recipients.isEmpty()) {
			return;
		}
		this.jdbc.sql("""
				UPDATE delivery SET next_attempt_at = now() - interval '1 hour'
				WHERE announcement_id = :id AND recipient IN (:recipients) AND state = 'pending'
				""").param("id", announcementId).param("recipients", recipients).update();
	}

	/**
	 * Every second: rows left in flight by a dead instance fail (their call may have
	 * reached Graph: not repeated, the chat card reaches them), and pending rows of
	 * canceled or recalled announcements are canceled.
	 */
	private void housekeeping() {
		while (this.threads.isRunning()) {
			try {
				this.transactions.executeWithoutResult((tx) -> {
					List<Object[]> lost = this.jdbc.sql("""
							UPDATE urgent_alert SET state = 'failed', claimed_by = NULL, lease_until = NULL,
							  reason = 'The instance calling Graph stopped during the call; maybe alerted, not repeated'
							WHERE state = 'in_flight' AND lease_until < now()
							RETURNING announcement_id, recipient
							""").query((rs, i) -> new Object[] { rs.getLong(1), rs.getString(2) }).list();
					for (Object[] row : lost) {
						chatFirst((Long) row[0], List.of((String) row[1]));
					}
					this.jdbc
						.sql("""
								UPDATE urgent_alert u SET state = 'canceled'
								FROM announcement a
								WHERE a.id = u.announcement_id AND u.state = 'pending' AND a.status IN ('canceled', 'recalled')
								""")
						.update();
				});
				Thread.sleep(1000);
			}
			catch (InterruptedException ex) {
				return;
			}
			catch (RuntimeException ex) {
				log.warn("Urgent feed housekeeping: {}", ex.getMessage());
				sleep(1000);
			}
		}
	}

	/** The feed budget as this instance sees it, for the admin's call-budget view. */
	SharedPacer.Use budget() {
		return this.pacer.use();
	}

	private AnnouncementContent content(long id) {
		long now = System.nanoTime();
		Cached cached = this.contents.get(id);
		if (cached == null || now - cached.readAt() > TimeUnit.SECONDS.toNanos(2)) {
			Announcement a = this.announcements.require(id);
			cached = new Cached(a.content(), now);
			this.contents.put(id, cached);
			if (this.contents.size() > 100) {
				this.contents.keySet().removeIf((k) -> !k.equals(id));
			}
		}
		return cached.content();
	}

	private record Cached(AnnouncementContent content, long readAt) {
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
