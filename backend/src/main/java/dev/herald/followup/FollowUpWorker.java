package dev.herald.followup;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.announcement.Announcement;
import dev.herald.announcement.AnnouncementCard;
import dev.herald.announcement.Announcements;
import dev.herald.dispatch.RecalledSends;
import dev.herald.dispatch.RetryPolicy;
import dev.herald.dispatch.SendLease;
import dev.herald.teams.ConnectorClient;
import dev.herald.teams.ConnectorReply;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Runs operations on copies already sent while this instance holds the tenant send lease:
 * a claimer fills a bounded queue with items, senders mark each call's start, call Teams
 * (every Connector call waits for the tenant pacer, so updates, deletions and reminders
 * share the budget with sends) and record the outcome; a housekeeping loop recovers items
 * a dead holder left, plans copies delivered late, recalls expired announcements, starts
 * automatic reminders and completes operations.
 */
@Component
class FollowUpWorker implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(FollowUpWorker.class);

	/** Rendered activities are re-read this often, so an edit is picked up. */
	private static final long RENDERED_FOR = TimeUnit.SECONDS.toNanos(1);

	private final FollowUpLedger ledger;

	private final FollowUps followUps;

	private final FollowUpProperties properties;

	private final SendLease lease;

	private final RecalledSends recalledSends;

	private final Announcements announcements;

	private final AnnouncementCard cards;

	private final ConnectorClient connector;

	private final MeterRegistry meters;

	private final RetryPolicy policy;

	private final BlockingQueue<FollowUpLedger.Item> queue;

	private final Map<String, Rendered> rendered = new ConcurrentHashMap<>();

	private final List<Thread> threads = new ArrayList<>();

	private volatile boolean running;

	FollowUpWorker(FollowUpLedger ledger, FollowUps followUps, FollowUpProperties properties, SendLease lease,
			RecalledSends recalledSends, Announcements announcements, AnnouncementCard cards, ConnectorClient connector,
			MeterRegistry meters) {
		this.recalledSends = recalledSends;
		this.ledger = ledger;
		this.followUps = followUps;
		this.properties = properties;
		this.lease = lease;
		this.announcements = announcements;
		this.cards = cards;
		this.connector = connector;
		this.meters = meters;
		this.policy = RetryPolicy.jittered(properties.maxAttempts(), properties.maxThrottledAttempts(),
				Duration.ofSeconds(1), Duration.ofSeconds(60));
		this.queue = new ArrayBlockingQueue<>(Math.max(properties.batchSize(), properties.concurrency()) * 2);
	}

	@Override
	public void start() {
		this.running = true;
		start("herald-follow-up-housekeeping", this::housekeepingLoop);
		start("herald-follow-up-claimer", this::claimLoop);
		for (int i = 0; i < this.properties.concurrency(); i++) {
			start("herald-follow-up-" + i, this::sendLoop);
		}
	}

	private void start(String name, Runnable body) {
		Thread thread = new Thread(body, name);
		thread.setDaemon(true);
		thread.start();
		this.threads.add(thread);
	}

	/**
	 * Stops before the dispatcher hands the send lease back; queued items go back to
	 * pending, calls in the air finish and are recorded.
	 */
	@Override
	public void stop() {
		this.running = false;
		for (Thread thread : this.threads) {
			try {
				thread.join(20_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		this.threads.clear();
		List<FollowUpLedger.Item> left = new ArrayList<>();
		this.queue.drainTo(left);
		for (FollowUpLedger.Item item : left) {
			try {
				this.ledger.release(item, this.lease.instanceId());
			}
			catch (RuntimeException ex) {
				// The next lease holder recovers it, unflagged: its call never started.
				log.debug("Could not hand back a follow-up item: {}", ex.getMessage());
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	// ---- housekeeping ----

	private void housekeepingLoop() {
		while (this.running) {
			if (this.lease.isHeld()) {
				try {
					housekeeping();
				}
				catch (RuntimeException ex) {
					log.warn("Follow-up housekeeping failed: {}", ex.getMessage());
				}
			}
			if (!sleep(this.properties.tick())) {
				return;
			}
		}
	}

	void housekeeping() {
		int[] recovered = this.ledger.recoverForeign(this.lease.instanceId());
		if (recovered[0] + recovered[1] > 0) {
			log.info("Recovered {} follow-up items left in flight ({} flagged as possibly done twice)",
					recovered[0] + recovered[1], recovered[0]);
		}
		for (long id : this.announcements.recallDueExpired()) {
			log.info("Announcement {}: expired, recalled", id);
		}
		for (Map.Entry<Long, String> due : this.announcements.takeDueAutoReminders()) {
			try {
				this.followUps.remind(due.getKey(), due.getValue(), "auto-reminder");
			}
			catch (RuntimeException ex) {
				log.warn("Announcement {}: automatic reminder not sent: {}", due.getKey(), ex.getMessage());
			}
		}
		this.recalledSends.cancelLeftovers();
		for (long op : this.ledger.planning()) {
			int added = this.ledger.planCopies(op);
			if (added > 0) {
				log.info("Operation {}: {} copies delivered meanwhile added", op, added);
			}
			this.ledger.endPlanningIfSettled(op);
		}
		for (long op : this.ledger.completeFinished()) {
			log.info("Operation {} done", op);
		}
	}

	// ---- claim and send ----

	private void claimLoop() {
		while (this.running) {
			try {
				List<FollowUpLedger.Item> claimed = List.of();
				int room = this.queue.remainingCapacity();
				if (this.lease.isHeld() && room >= this.properties.batchSize() / 2) {
					claimed = this.ledger.claim(Math.min(room, this.properties.batchSize()), this.lease.instanceId());
					for (FollowUpLedger.Item item : claimed) {
						this.queue.put(item);
					}
				}
				if (claimed.isEmpty() && !sleep(Duration.ofMillis(250))) {
					return;
				}
			}
			catch (InterruptedException ex) {
				return;
			}
			catch (RuntimeException ex) {
				log.warn("Claiming follow-up items failed: {}", ex.getMessage());
				if (!sleep(Duration.ofSeconds(1))) {
					return;
				}
			}
		}
	}

	private void sendLoop() {
		while (this.running) {
			FollowUpLedger.Item item;
			try {
				item = this.queue.poll(100, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				return;
			}
			if (item == null) {
				continue;
			}
			try {
				call(item);
			}
			catch (RuntimeException ex) {
				// The database is away or something unexpected: the item stays ours in
				// flight; try it again shortly (its start mark decides whether it goes).
				log.warn("Follow-up item of operation {} failed unexpectedly: {}", item.followUpId(), ex.toString());
				sleep(Duration.ofSeconds(1));
				this.queue.offer(item);
			}
		}
	}

	private void call(FollowUpLedger.Item item) {
		byte[] activity = null;
		if (item.kind() != FollowUpKind.DELETE) {
			try {
				activity = render(item);
			}
			catch (RuntimeException ex) {
				record(FollowUpLedger.Outcome.of(item, this.policy.unrenderable(ex.getMessage())));
				return;
			}
		}
		if (!this.running || !this.ledger.markStarted(item, this.lease.instanceId())) {
			// Paused, canceled, stopping, or no longer ours: the call never left.
			this.ledger.release(item, this.lease.instanceId());
			return;
		}
		ConnectorReply reply = switch (item.kind()) {
			case UPDATE -> this.connector.updateActivity(item.serviceUrl(), item.conversationId(),
					item.targetActivityId(), activity);
			case DELETE ->
				this.connector.deleteActivity(item.serviceUrl(), item.conversationId(), item.targetActivityId());
			case REMIND -> this.connector.replyToActivity(item.serviceUrl(), item.conversationId(),
					item.targetActivityId(), activity);
		};
		if (reply.kind() == ConnectorReply.Kind.NOT_SENT) {
			this.ledger.release(item, this.lease.instanceId());
			return;
		}
		record(classify(item, reply));
	}

	/**
	 * Writes an outcome, retrying while the database is away: losing it would redo the
	 * call.
	 */
	private void record(FollowUpLedger.Outcome outcome) {
		while (true) {
			try {
				this.ledger.record(outcome, this.lease.instanceId());
				return;
			}
			catch (RuntimeException ex) {
				log.warn("Recording a follow-up outcome failed, retrying: {}", ex.getMessage());
				if (!sleep(Duration.ofSeconds(1))) {
					return;
				}
			}
		}
	}

	FollowUpLedger.Outcome classify(FollowUpLedger.Item item, ConnectorReply reply) {
		this.meters
			.counter("herald.follow.up.calls", "kind", item.kind().dbValue(), "outcome",
					reply.kind().name().toLowerCase(Locale.ROOT))
			.increment();
		return FollowUpLedger.Outcome.of(item,
				this.policy.decide(item.kind().call(), item.attempts(), item.throttles(), reply, Instant.now()));
	}

	/**
	 * The activity of an update (the announcement's current content, as a send would
	 * carry it) or a reminder; re-read every second so an edit is picked up.
	 */
	private byte[] render(FollowUpLedger.Item item) {
		String key = item.announcementId() + "/" + item.kind() + "/" + item.who() + "/" + item.variant() + "/"
				+ item.cardLanguage();
		if (this.rendered.size() > 100) {
			this.rendered.clear();
		}
		return this.rendered.compute(key, (k, cached) -> {
			if (cached != null && System.nanoTime() - cached.at() < RENDERED_FOR) {
				return cached;
			}
			Announcement a = this.announcements.require(item.announcementId());
			byte[] bytes = (item.kind() == FollowUpKind.UPDATE)
					? this.cards.activity(a.id(), a.content(), a.createdBy(), item.rendition())
					: this.cards.reminderActivity(a.id(), a.content(), item.who(), item.rendition());
			return new Rendered(bytes, System.nanoTime());
		}).bytes();
	}

	private record Rendered(byte[] bytes, long at) {
	}

	private static boolean sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
