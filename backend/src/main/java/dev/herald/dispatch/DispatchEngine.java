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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.admin.AdminSettings;
import dev.herald.announcement.Announcement;
import dev.herald.announcement.AnnouncementCard;
import dev.herald.announcement.AnnouncementEvents;
import dev.herald.announcement.Announcements;
import dev.herald.conversation.ConversationStatus;
import dev.herald.conversation.Conversations;
import dev.herald.teams.ConnectorClient;
import dev.herald.teams.ConnectorReply;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * The send engine, shaped like listmonk's manager. While this instance holds the tenant
 * {@link SendLease}: one claimer fills a bounded queue from the ledger; N senders take a
 * job each, wait for the {@link Pacer} (inside the Connector client), have the start of
 * their call marked in the ledger by the marker thread (one statement for all calls
 * starting at about the same moment), and call Teams; one writer records outcomes in
 * batches, moves the live counts, and pauses a send whose failures pile up. The queue
 * bound keeps memory flat whatever the audience size.
 */
@Component
class DispatchEngine implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(DispatchEngine.class);

	/** Outcomes the writer takes in one statement. */
	private static final int WRITE_BATCH = 2000;

	/**
	 * How long a pause is remembered for jobs senders already hold: far longer than a job
	 * waits for its slot, even at a few calls a second.
	 */
	private static final Duration STOPPED_MEMORY = Duration.ofSeconds(30);

	private final DispatchProperties properties;

	private final Ledger ledger;

	private final SendLease lease;

	private final Pacer pacer;

	private final AdminSettings settings;

	/** The send rate last applied to the pacer (the admin's, else the configured one). */
	private int appliedRate = -1;

	private final Announcements announcements;

	private final AnnouncementCard cards;

	private final ConnectorClient connector;

	private final Conversations conversations;

	private final BlockingQueue<Ledger.Job> jobs;

	/** Jobs whose start could not be marked (database away): tried again first. */
	private final ConcurrentLinkedQueue<Ledger.Job> deferred = new ConcurrentLinkedQueue<>();

	private final BlockingQueue<StartRequest> starts = new LinkedBlockingQueue<>();

	private final BlockingQueue<Ledger.Result> results = new LinkedBlockingQueue<>();

	/** Claimed jobs that were not sent and go back to pending. */
	private final BlockingQueue<Ledger.Job> releases = new LinkedBlockingQueue<>();

	/** Serialized activities, one per announcement and rendition (language variant). */
	private final Map<Ledger.RenditionKey, byte[]> activities = new ConcurrentHashMap<>();

	/**
	 * Announcements paused or canceled since their jobs were claimed: a sender that gets
	 * its slot for one of them gives the job back instead of calling. Filled at once by
	 * this instance's events, and from the database for changes made on other instances;
	 * an entry lives while a held job could still need it (value: when it was added).
	 */
	private final Map<Long, Long> stopped = new ConcurrentHashMap<>();

	private final IntervalFunction backoff;

	private final FailureWatch failures;

	private final MeterRegistry meters;

	private final Timer callTimer;

	private final AtomicInteger callsInFlight = new AtomicInteger();

	/**
	 * Senders allowed to hold a job while waiting for their pacer slot: two keep the
	 * pacer busy at any rate.
	 */
	private final java.util.concurrent.Semaphore slotWaiters;

	private final List<Thread> senders = new ArrayList<>();

	private final List<Thread> services = new ArrayList<>();

	private volatile boolean running;

	/** Until the writer and marker have finished, after the senders stopped. */
	private volatile boolean draining;

	DispatchEngine(DispatchProperties properties, Ledger ledger, SendLease lease, Pacer pacer,
			Announcements announcements, AnnouncementCard cards, ConnectorClient connector, Conversations conversations,
			AdminSettings settings, MeterRegistry meters) {
		this.properties = properties;
		this.settings = settings;
		this.pacer = pacer;
		this.ledger = ledger;
		this.lease = lease;
		this.announcements = announcements;
		this.cards = cards;
		this.connector = connector;
		this.conversations = conversations;
		this.meters = meters;
		this.jobs = new ArrayBlockingQueue<>(properties.queueCapacity());
		// Resilience4j's jittered exponential backoff: initial, ×2, ±50%, capped.
		this.backoff = IntervalFunction.ofExponentialRandomBackoff(properties.initialBackoff(), 2.0, 0.5,
				properties.maxBackoff());
		this.failures = new FailureWatch(properties.failureWindow(), properties.failureThreshold());
		// Paced, a few senders with marked jobs keep the pacer busy: enough that one
		// waiting for its start mark (a commit, some milliseconds) never leaves a slot
		// unused; unpaced, nobody waits for a slot and every sender may be marking.
		this.slotWaiters = new java.util.concurrent.Semaphore((properties.ratePerSecond() == 0)
				? properties.concurrency() : Math.max(4, properties.ratePerSecond() / 10));
		this.callTimer = Timer.builder("herald.dispatch.call")
			.description("Bot Connector send latency")
			.publishPercentiles(0.5, 0.99)
			.register(meters);
		meters.gauge("herald.dispatch.queue", this.jobs, BlockingQueue::size);
		meters.gauge("herald.dispatch.in.flight", this.callsInFlight);
		meters.gauge("herald.dispatch.lease.held", this.lease, (l) -> l.isHeld() ? 1 : 0);
		meters.gauge("herald.dispatch.pace", this.pacer, Pacer::currentRate);
	}

	@Override
	public void start() {
		if (!this.properties.enabled()) {
			return;
		}
		this.running = true;
		this.draining = true;
		startThread(this.services, "herald-lease", this::leaseLoop);
		startThread(this.services, "herald-claimer", this::claimLoop);
		startThread(this.services, "herald-marker", this::markLoop);
		startThread(this.services, "herald-writer", this::writeLoop);
		for (int i = 0; i < this.properties.concurrency(); i++) {
			startThread(this.senders, "herald-sender-" + i, this::sendLoop);
		}
	}

	private static void startThread(List<Thread> group, String name, Runnable body) {
		Thread thread = new Thread(body, name);
		thread.setDaemon(true);
		thread.start();
		group.add(thread);
	}

	/**
	 * A clean stop: no new call starts, calls in the air finish and are recorded, claimed
	 * rows that were not sent go back to pending, and the lease is handed over at once.
	 */
	@Override
	public void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		// Senders notice within their poll; one waiting for the pacer gets its slot, sees
		// the stop and sends nothing.
		joinAll(this.senders, Duration.ofSeconds(20));
		this.draining = false;
		this.services.forEach(Thread::interrupt);
		joinAll(this.services, Duration.ofSeconds(10));
		try {
			List<Ledger.Job> unsent = new ArrayList<>(this.jobs);
			unsent.addAll(this.deferred);
			unsent.addAll(this.releases);
			this.ledger.release(unsent, this.lease.instanceId());
			this.lease.release();
		}
		catch (RuntimeException ex) {
			log.warn("Could not hand back claimed rows at shutdown; the next lease holder recovers them: {}",
					ex.getMessage());
		}
	}

	private static void joinAll(List<Thread> threads, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		for (Thread thread : threads) {
			try {
				thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			if (thread.isAlive()) {
				thread.interrupt();
			}
		}
		threads.clear();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Forget the cached card when an announcement changes (only drafts change today). */
	void evict(long announcementId) {
		this.activities.keySet().removeIf((key) -> key.announcementId() == announcementId);
	}

	// ---- lease and housekeeping ----

	private void leaseLoop() {
		long renewEvery = Math.max(200, this.properties.sendLease().toMillis() / 5);
		while (this.draining) {
			try {
				followRateSetting();
				SendLease.Renewal renewal = this.lease.renew();
				if (renewal == SendLease.Renewal.ACQUIRED) {
					// The previous holder's last second of calls still counts in Teams'
					// one-second window: start after it has passed.
					this.pacer.pause(Duration.ofSeconds(1));
					// Whatever a previous holder left in flight is ours to finish now.
					int[] recovered = this.ledger.recoverForeign(this.lease.instanceId());
					Counter.builder("herald.dispatch.recovered")
						.tag("flagged", "true")
						.register(this.meters)
						.increment(recovered[0]);
					Counter.builder("herald.dispatch.recovered")
						.tag("flagged", "false")
						.register(this.meters)
						.increment(recovered[1]);
					log.info(
							"Holding the send lease as {}; recovered {} rows left in flight ({} flagged as possibly "
									+ "duplicated, {} never started)",
							this.lease.instanceId(), recovered[0] + recovered[1], recovered[0], recovered[1]);
				}
				if (renewal != SendLease.Renewal.OTHER) {
					this.announcements.startDueScheduled()
						.forEach((id) -> log.info("Announcement {}: scheduled send started", id));
					for (long id : this.ledger.sendingAnnouncements()) {
						this.announcements.markSentIfComplete(id);
					}
				}
			}
			catch (RuntimeException ex) {
				// The database may be down for a while: the lease lapses by our own
				// clock,
				// so nothing is sent meanwhile, and nothing is lost.
				log.warn("Send lease renewal or housekeeping failed: {}", ex.getMessage());
			}
			if (!sleep(Duration.ofMillis(renewEvery))) {
				return;
			}
		}
	}

	/**
	 * The send rate an admin saved, else the configured one, applied when it changes.
	 * Read from the database, so whichever instance holds the lease follows a change made
	 * through any other.
	 */
	private void followRateSetting() {
		int rate = this.settings.getInt(AdminSettings.RATE_PER_SECOND)
			.filter((r) -> r > 0)
			.orElse(this.properties.ratePerSecond());
		if (rate != this.appliedRate) {
			if (this.appliedRate >= 0) {
				log.info("Send rate is now {} calls per second", rate);
			}
			this.appliedRate = rate;
			this.pacer.setBudget(rate);
		}
	}

	// ---- claim ----

	private void claimLoop() {
		long lastPurge = System.nanoTime();
		while (this.running) {
			try {
				if (System.nanoTime() - lastPurge > TimeUnit.MILLISECONDS.toNanos(500)) {
					purgeStopped();
					lastPurge = System.nanoTime();
				}
				List<Ledger.Job> claimed = List.of();
				int room = this.jobs.remainingCapacity();
				// Claim in batches, but only once half a batch of room is free, so the
				// claim query runs seldom and the queue never overflows.
				if (this.lease.isHeld() && room >= Math.min(this.properties.batchSize(), this.jobs.size() + room) / 2) {
					claimed = this.ledger.claim(Math.min(room, this.properties.batchSize()), this.properties.lease(),
							this.lease.instanceId());
					for (Ledger.Job job : claimed) {
						this.jobs.put(job);
					}
				}
				if (claimed.isEmpty() && !sleep(this.properties.pollInterval())) {
					return;
				}
			}
			catch (InterruptedException ex) {
				return;
			}
			catch (RuntimeException ex) {
				log.warn("Claiming ledger rows failed: {}", ex.getMessage());
				if (!sleep(Duration.ofSeconds(1))) {
					return;
				}
			}
		}
	}

	/**
	 * Hands back queued jobs of announcements that were paused or canceled meanwhile, so
	 * their rows do not sit in flight while nothing sends them. (Were one left, its start
	 * mark would refuse it anyway.)
	 */
	private void purgeStopped() {
		if (this.jobs.isEmpty() && this.stopped.isEmpty()) {
			return;
		}
		long asked = System.nanoTime();
		Set<Long> sending = new HashSet<>(this.ledger.sendingAnnouncements());
		long forgetBefore = System.nanoTime() - STOPPED_MEMORY.toNanos();
		// A pause that arrived while the database was being asked is newer than its
		// answer.
		this.stopped.entrySet()
			.removeIf((e) -> (sending.contains(e.getKey()) && e.getValue() < asked) || e.getValue() < forgetBefore);
		List<Ledger.Job> stopped = new ArrayList<>();
		this.jobs.removeIf((job) -> {
			if (sending.contains(job.announcementId())) {
				return false;
			}
			stopped.add(job);
			this.stopped.putIfAbsent(job.announcementId(), System.nanoTime());
			return true;
		});
		this.releases.addAll(stopped);
	}

	@TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
	void on(AnnouncementEvents.SendPaused event) {
		this.stopped.put(event.announcementId(), System.nanoTime());
	}

	@TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
	void on(AnnouncementEvents.SendCanceled event) {
		this.stopped.put(event.announcementId(), System.nanoTime());
	}

	@TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
	void on(AnnouncementEvents.SendResumed event) {
		this.stopped.remove(event.announcementId());
	}

	// ---- send ----

	private void sendLoop() {
		while (this.running) {
			Ledger.Job job = null;
			try {
				// Only a few senders hold a job while waiting for the pacer; the others
				// wait here empty-handed, so a paused send does not leave dozens of
				// claimed
				// rows stuck in idle hands.
				this.slotWaiters.acquire();
				job = this.deferred.poll();
				if (job == null) {
					job = this.jobs.poll(100, TimeUnit.MILLISECONDS);
				}
				if (job == null) {
					this.slotWaiters.release();
					continue;
				}
				// send() gives the permit back once the job has its pacer slot.
				send(job);
			}
			catch (InterruptedException ex) {
				if (job != null) {
					this.releases.add(job);
				}
				return;
			}
			catch (RuntimeException ex) {
				// Never lose a job: it goes back and is tried again.
				log.warn("Sending to {} failed unexpectedly: {}", job.recipient(), ex.toString());
				this.deferred.add(job);
				sleep(Duration.ofSeconds(1));
			}
		}
	}

	/**
	 * One call: mark its start (batched with other senders), take the pacer slot, and
	 * only then build and send the request, so nothing slow stands between the slot and
	 * the request leaving. A sender holds a {@link #slotWaiters} permit from taking the
	 * job until its slot comes, which bounds both the rows claimed in idle hands and the
	 * rows marked started but not yet sent.
	 */
	private void send(Ledger.Job job) throws InterruptedException {
		boolean waiting = true;
		try {
			byte[] activity;
			try {
				if (this.activities.size() > 500) {
					// Bounded: never cleared from inside computeIfAbsent.
					this.activities.clear();
				}
				activity = this.activities.computeIfAbsent(job.rendition(), this::renderActivity);
			}
			catch (RuntimeException ex) {
				this.results.add(new Ledger.Result(job, DeliveryState.FAILED, null,
						"Card could not be rendered: " + ex.getMessage(), null, null));
				return;
			}
			Boolean marked = markStarted(job);
			if (marked == null) {
				// The start could not be recorded (database away): nothing was sent.
				this.deferred.add(job);
				this.slotWaiters.release();
				waiting = false;
				sleep(Duration.ofSeconds(1));
				return;
			}
			if (!marked) {
				// Not ours to send any more: paused, canceled, or the lease was lost.
				this.releases.add(job);
				return;
			}
			try {
				this.pacer.acquireAhead();
			}
			catch (InterruptedException ex) {
				this.releases.add(job);
				throw ex;
			}
			this.slotWaiters.release();
			waiting = false;
			// A pause or cancel that came while this job waited for its slot wins: the
			// call has not left, so the row simply goes back.
			if (!this.running || this.stopped.containsKey(job.announcementId())) {
				this.pacer.forgetAhead();
				this.releases.add(job);
				return;
			}
			long started = System.nanoTime();
			ConnectorReply reply;
			this.callsInFlight.incrementAndGet();
			try {
				reply = this.connector.sendActivity(job.serviceUrl(), job.conversationId(), activity);
			}
			finally {
				this.pacer.forgetAhead();
				this.callsInFlight.decrementAndGet();
			}
			if (!reply.wasSent()) {
				this.releases.add(job);
				throw new InterruptedException();
			}
			this.callTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
			this.results.add(classify(job, reply));
		}
		finally {
			if (waiting) {
				this.slotWaiters.release();
			}
		}
	}

	/**
	 * Has the marker thread record this call's start; true when it may be sent, false
	 * when it must not, null when the database could not be asked.
	 */
	private Boolean markStarted(Ledger.Job job) throws InterruptedException {
		StartRequest request = new StartRequest(job, new CompletableFuture<>());
		this.starts.add(request);
		try {
			return request.marked().get();
		}
		catch (ExecutionException ex) {
			log.debug("Could not mark the start of a call: {}", ex.getCause().getMessage());
			return null;
		}
	}

	private record StartRequest(Ledger.Job job, CompletableFuture<Boolean> marked) {
	}

	/**
	 * Group commit of call starts: whoever is about to call waits for one short statement
	 * that marks all of them, instead of one transaction per call.
	 */
	private void markLoop() {
		List<StartRequest> batch = new ArrayList<>();
		while (this.draining) {
			try {
				StartRequest first = this.starts.poll(100, TimeUnit.MILLISECONDS);
				if (first == null) {
					continue;
				}
				batch.add(first);
				this.starts.drainTo(batch, 255);
				try {
					Set<Ledger.Key> marked = this.ledger.markStarted(batch.stream().map(StartRequest::job).toList(),
							this.lease.instanceId());
					batch.forEach((r) -> r.marked().complete(marked.contains(r.job().key())));
				}
				catch (RuntimeException ex) {
					batch.forEach((r) -> r.marked().completeExceptionally(ex));
				}
				batch.clear();
			}
			catch (InterruptedException ex) {
				break;
			}
		}
		List<StartRequest> left = new ArrayList<>();
		this.starts.drainTo(left);
		left.forEach((r) -> r.marked().complete(false));
	}

	private Ledger.Result classify(Ledger.Job job, ConnectorReply reply) {
		ConnectorReply.Outcome outcome = reply.outcome();
		this.meters
			.counter("herald.dispatch.sends", "outcome", outcome.name().toLowerCase(java.util.Locale.ROOT), "status",
					String.valueOf(reply.status()))
			.increment();
		int attempts = job.attempts() + 1;
		return switch (outcome) {
			case SUCCESS -> new Ledger.Result(job, DeliveryState.DELIVERED, reply.status(), null, reply.id(), null);
			case THROTTLED -> {
				// The pacer already holds every sender back for the Retry-After; this row
				// is due again when that has passed.
				int throttles = job.throttles() + 1;
				if (throttles >= this.properties.maxThrottledAttempts()) {
					yield new Ledger.Result(job, DeliveryState.FAILED, reply.status(),
							"Throttled (429) " + throttles + " times, gave up", null, null);
				}
				Duration wait = (reply.retryAfter() != null) ? reply.retryAfter()
						: Duration.ofMillis(this.backoff.apply(throttles));
				yield new Ledger.Result(job, DeliveryState.PENDING, reply.status(), "Throttled (429)", null,
						Instant.now().plus(wait));
			}
			case TRANSIENT -> {
				int tries = attempts - job.throttles();
				if (tries >= this.properties.maxAttempts()) {
					yield new Ledger.Result(job, DeliveryState.FAILED, reply.status(),
							describe(reply) + " (gave up after " + tries + " attempts)", null, null);
				}
				yield new Ledger.Result(job, DeliveryState.PENDING, reply.status(), describe(reply), null,
						Instant.now().plusMillis(this.backoff.apply(tries)));
			}
			case BLOCKED -> new Ledger.Result(job, DeliveryState.BLOCKED, reply.status(), describe(reply), null, null);
			case FINAL -> new Ledger.Result(job, DeliveryState.FAILED, reply.status(), describe(reply), null, null);
		};
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

	private byte[] renderActivity(Ledger.RenditionKey key) {
		Announcement announcement = this.announcements.require(key.announcementId());
		return this.cards.activity(key.announcementId(), announcement.content(), announcement.createdBy(),
				key.rendition());
	}

	// ---- write ----

	private void writeLoop() {
		List<Ledger.Result> batch = new ArrayList<>();
		List<Ledger.Job> unsent = new ArrayList<>();
		while (this.draining || !this.results.isEmpty()) {
			try {
				Ledger.Result first = this.results.poll(50, TimeUnit.MILLISECONDS);
				if (first != null) {
					batch.add(first);
					this.results.drainTo(batch, WRITE_BATCH - 1);
				}
				this.releases.drainTo(unsent);
				if (!batch.isEmpty() || !unsent.isEmpty()) {
					write(batch, unsent);
					batch.clear();
					unsent.clear();
				}
			}
			catch (InterruptedException ex) {
				// Stopping: one last try; outcomes not recorded leave their rows in
				// flight
				// and the next lease holder retries them (flagged).
				this.results.drainTo(batch);
				this.releases.drainTo(unsent);
				try {
					this.ledger.record(batch, this.lease.instanceId());
					this.ledger.release(unsent, this.lease.instanceId());
				}
				catch (RuntimeException failed) {
					log.warn("Could not record {} outcomes at shutdown: {}", batch.size(), failed.getMessage());
				}
				return;
			}
		}
	}

	private void write(List<Ledger.Result> batch, List<Ledger.Job> unsent) throws InterruptedException {
		while (true) {
			try {
				this.ledger.record(batch, this.lease.instanceId());
				this.ledger.release(unsent, this.lease.instanceId());
				break;
			}
			catch (RuntimeException ex) {
				// Keep the outcomes until the database takes them: losing them would
				// resend.
				log.warn("Recording {} outcomes failed, retrying: {}", batch.size(), ex.getMessage());
				Thread.sleep(1000);
			}
		}
		Set<Long> touched = new HashSet<>();
		for (Ledger.Result result : batch) {
			long id = result.job().announcementId();
			touched.add(id);
			try {
				if (result.state() == DeliveryState.BLOCKED) {
					this.conversations.markStatus(result.job().conversationRef(), ConversationStatus.BLOCKED);
				}
				boolean failed = result.state() == DeliveryState.FAILED || (result.state() == DeliveryState.PENDING
						&& !Integer.valueOf(429).equals(result.httpStatus()));
				boolean counted = !Integer.valueOf(429).equals(result.httpStatus());
				String reason = counted ? this.failures.record(id, failed, result.reason()) : null;
				if (reason != null && this.announcements.pauseAutomatically(id, reason)) {
					log.warn("Announcement {}: {}", id, reason);
					this.meters.counter("herald.dispatch.auto.paused").increment();
				}
			}
			catch (RuntimeException ex) {
				log.warn("Follow-up of an outcome failed (recorded anyway): {}", ex.getMessage());
			}
		}
		for (long id : touched) {
			try {
				if (this.announcements.markSentIfComplete(id)) {
					this.failures.forget(id);
				}
			}
			catch (RuntimeException ex) {
				log.warn("Completion check failed: {}", ex.getMessage());
			}
		}
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
