package dev.herald.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.announcement.Announcement;
import dev.herald.announcement.AnnouncementCard;
import dev.herald.announcement.Announcements;
import dev.herald.conversation.ConversationStatus;
import dev.herald.conversation.Conversations;
import dev.herald.teams.ConnectorClient;
import dev.herald.teams.ConnectorReply;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The send engine, shaped like listmonk's manager: one claimer fills a bounded queue from
 * the ledger, N workers take jobs, wait for the pacer and call the Connector, and one
 * writer records outcomes in batches. The queue bound keeps memory flat whatever the
 * audience size.
 */
@Component
class DispatchEngine implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(DispatchEngine.class);

	private final DispatchProperties properties;

	private final Ledger ledger;

	private final Announcements announcements;

	private final AnnouncementCard cards;

	private final ConnectorClient connector;

	private final Conversations conversations;

	private final Pacer pacer;

	private final BlockingQueue<Ledger.Job> jobs;

	private final BlockingQueue<Ledger.Result> results = new LinkedBlockingQueue<>();

	private final Map<Long, byte[]> activities = new ConcurrentHashMap<>();

	private final IntervalFunction backoff;

	private final MeterRegistry meters;

	private final Timer callTimer;

	private final List<Thread> threads = new ArrayList<>();

	private volatile boolean running;

	DispatchEngine(DispatchProperties properties, Ledger ledger, Announcements announcements, AnnouncementCard cards,
			ConnectorClient connector, Conversations conversations, MeterRegistry meters) {
		this.properties = properties;
		this.ledger = ledger;
		this.announcements = announcements;
		this.cards = cards;
		this.connector = connector;
		this.conversations = conversations;
		this.meters = meters;
		// 1% under the budget: network jitter must not push a sliding window over Teams'
		// limit.
		this.pacer = new Pacer(properties.ratePerSecond() * 0.99);
		this.jobs = new ArrayBlockingQueue<>(Math.max(properties.batchSize(), properties.concurrency()) * 2);
		this.backoff = IntervalFunction.ofExponentialRandomBackoff(properties.initialBackoff(), 2.0, 0.5,
				Duration.ofMinutes(5));
		this.callTimer = Timer.builder("herald.dispatch.call")
			.description("Bot Connector send latency")
			.register(meters);
		meters.gauge("herald.dispatch.queue", this.jobs, BlockingQueue::size);
	}

	@Override
	public void start() {
		if (!this.properties.enabled()) {
			return;
		}
		this.running = true;
		startThread("herald-claimer", this::claimLoop);
		startThread("herald-writer", this::writeLoop);
		for (int i = 0; i < this.properties.concurrency(); i++) {
			startThread("herald-sender-" + i, this::sendLoop);
		}
	}

	private void startThread(String name, Runnable body) {
		Thread thread = new Thread(body, name);
		thread.setDaemon(true);
		thread.start();
		this.threads.add(thread);
	}

	@Override
	public void stop() {
		this.running = false;
		this.threads.forEach(Thread::interrupt);
		for (Thread thread : this.threads) {
			try {
				thread.join(5000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.threads.clear();
		// Whatever was claimed but not sent stays in flight; its lease expires and it is
		// retried.
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Forget the cached card when an announcement changes (only drafts change today). */
	void evict(long announcementId) {
		this.activities.remove(announcementId);
	}

	private void claimLoop() {
		while (this.running) {
			try {
				int room = this.jobs.remainingCapacity();
				List<Ledger.Job> claimed = (room >= Math.min(this.properties.batchSize(), this.jobs.size() + room) / 2)
						? this.ledger.claim(Math.min(room, this.properties.batchSize()), this.properties.lease())
						: List.of();
				for (Ledger.Job job : claimed) {
					this.jobs.put(job);
				}
				if (claimed.isEmpty()) {
					Thread.sleep(this.properties.pollInterval().toMillis());
				}
			}
			catch (InterruptedException ex) {
				return;
			}
			catch (RuntimeException ex) {
				// The database may be down for a while: wait and try again, nothing is
				// lost.
				log.warn("Claiming ledger rows failed: {}", ex.getMessage());
				sleepQuietly(Duration.ofSeconds(1));
			}
		}
	}

	private void sendLoop() {
		while (this.running) {
			Ledger.Job job;
			try {
				job = this.jobs.take();
				this.pacer.acquire();
			}
			catch (InterruptedException ex) {
				return;
			}
			this.results.add(send(job));
		}
	}

	private Ledger.Result send(Ledger.Job job) {
		byte[] activity;
		try {
			activity = this.activities.computeIfAbsent(job.announcementId(), this::renderActivity);
		}
		catch (RuntimeException ex) {
			return retry(job, null, "Card could not be rendered: " + ex.getMessage(), false);
		}
		long started = System.nanoTime();
		ConnectorReply reply = this.connector.sendActivity(job.serviceUrl(), job.conversationId(), activity);
		this.callTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
		ConnectorReply.Outcome outcome = reply.outcome();
		this.meters
			.counter("herald.dispatch.sends", "outcome", outcome.name().toLowerCase(), "status",
					String.valueOf(reply.status()))
			.increment();
		return switch (outcome) {
			case SUCCESS -> new Ledger.Result(job, DeliveryState.DELIVERED, reply.status(), null, reply.id(), null);
			case THROTTLED -> {
				// Retry-After applies to the whole tenant budget: every sender waits, not
				// only this one.
				Duration wait = (reply.retryAfter() != null) ? reply.retryAfter()
						: Duration.ofMillis(this.backoff.apply(job.attempts()));
				this.pacer.pause(wait);
				yield retry(job, reply, "Throttled (429)", true, wait);
			}
			case TRANSIENT -> retry(job, reply, describe(reply), false);
			case BLOCKED -> new Ledger.Result(job, DeliveryState.BLOCKED, reply.status(), describe(reply), null, null);
			case FINAL -> new Ledger.Result(job, DeliveryState.FAILED, reply.status(), describe(reply), null, null);
		};
	}

	private Ledger.Result retry(Ledger.Job job, ConnectorReply reply, String reason, boolean throttled) {
		return retry(job, reply, reason, throttled, Duration.ofMillis(this.backoff.apply(job.attempts())));
	}

	private Ledger.Result retry(Ledger.Job job, ConnectorReply reply, String reason, boolean throttled, Duration wait) {
		Integer status = (reply != null) ? reply.status() : null;
		int limit = throttled ? this.properties.maxThrottledAttempts() : this.properties.maxAttempts();
		if (job.attempts() >= limit) {
			return new Ledger.Result(job, DeliveryState.FAILED, status,
					reason + " (gave up after " + job.attempts() + " attempts)", null, null);
		}
		return new Ledger.Result(job, DeliveryState.PENDING, status, reason, null, Instant.now().plus(wait));
	}

	private static String describe(ConnectorReply reply) {
		StringBuilder text = new StringBuilder();
		text.append((reply.status() == 0) ? "No reply" : "HTTP " + reply.status());
		if (reply.errorCode() != null) {
			text.append(' ').append(reply.errorCode());
		}
		if (reply.detail() != null) {
			text.append(": ").append(reply.detail());
		}
		return (text.length() > 500) ? text.substring(0, 500) : text.toString();
	}

	private byte[] renderActivity(long announcementId) {
		Announcement announcement = this.announcements.require(announcementId);
		return this.cards.activity(announcementId, announcement.content(), announcement.createdBy());
	}

	private void writeLoop() {
		List<Ledger.Result> batch = new ArrayList<>();
		long lastHousekeeping = 0;
		while (this.running || !this.results.isEmpty()) {
			try {
				Ledger.Result first = this.results.poll(100, TimeUnit.MILLISECONDS);
				if (first != null) {
					batch.add(first);
					this.results.drainTo(batch, 2000);
				}
				if (!batch.isEmpty()) {
					write(batch);
					batch.clear();
				}
				if (System.currentTimeMillis() - lastHousekeeping > 2000) {
					housekeeping();
					lastHousekeeping = System.currentTimeMillis();
				}
			}
			catch (InterruptedException ex) {
				// Shutting down: one last try; rows not recorded stay in flight and are
				// retried later.
				batch.addAll(this.results);
				if (!batch.isEmpty()) {
					try {
						this.ledger.record(batch);
					}
					catch (RuntimeException failed) {
						log.warn("Could not record {} outcomes at shutdown: {}", batch.size(), failed.getMessage());
					}
				}
				return;
			}
		}
	}

	private void write(List<Ledger.Result> batch) throws InterruptedException {
		while (true) {
			try {
				this.ledger.record(batch);
				markBlocked(batch);
				Set<Long> touched = new HashSet<>();
				batch.forEach((r) -> touched.add(r.job().announcementId()));
				touched.forEach(this.announcements::markSentIfComplete);
				return;
			}
			catch (RuntimeException ex) {
				// Keep the outcomes until the database takes them: losing them would
				// resend.
				log.warn("Recording {} outcomes failed, retrying: {}", batch.size(), ex.getMessage());
				Thread.sleep(1000);
			}
		}
	}

	private void markBlocked(List<Ledger.Result> batch) {
		for (Ledger.Result result : batch) {
			if (result.state() == DeliveryState.BLOCKED) {
				this.conversations.markStatus(result.job().conversationRef(), ConversationStatus.BLOCKED);
			}
		}
	}

	private void housekeeping() {
		try {
			int recovered = this.ledger.recoverExpiredLeases();
			if (recovered > 0) {
				log.info("Recovered {} ledger rows whose lease expired; they are flagged as possibly duplicated",
						recovered);
			}
			this.ledger.sendingAnnouncements().forEach(this.announcements::markSentIfComplete);
		}
		catch (RuntimeException ex) {
			log.warn("Dispatcher housekeeping failed: {}", ex.getMessage());
		}
	}

	private static void sleepQuietly(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
