package dev.herald.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.announcement.Announcement;
import dev.herald.announcement.AnnouncementCard;
import dev.herald.announcement.AnnouncementEvents;
import dev.herald.announcement.Announcements;
import dev.herald.teams.CallBudget;
import dev.herald.teams.ConnectorClient;
import dev.herald.teams.ConnectorReply;

import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * The senders (N threads run {@link #run}): take a job, have its start marked, take the
 * pacer slot, and only then build and send the request with that slot, so nothing slow
 * stands between the slot and the request leaving. The reply goes through
 * {@link RetryPolicy} to the {@link OutcomeWriter}.
 */
@Component
class Sender {

	private static final Logger log = LoggerFactory.getLogger(Sender.class);

	private final JobQueue queue;

	private final StartMarker marker;

	private final Pacer pacer;

	private final ConnectorClient connector;

	private final RetryPolicy policy;

	private final OutcomeWriter writer;

	private final StoppedSends stopped;

	private final Announcements announcements;

	private final AnnouncementCard cards;

	/**
	 * Rendered activities by announcement, rendition (language variant) and content
	 * version: an edit after the send, on any instance, changes the version each claimed
	 * job carries, and the edit's own instance also forgets them ({@link #on}); no timed
	 * re-render: rendering reads the database, and a periodic re-render inside
	 * {@code compute} held every sender of the announcement behind it, which bunched
	 * calls into bursts.
	 */
	private final Map<Ledger.RenditionKey, byte[]> activities = new ConcurrentHashMap<>();

	/**
	 * The content version of each announcement being sent, as last read. Jobs claimed
	 * before an edit made on another instance still carry the old version; one sender
	 * re-reads it at most every {@link #VERSION_CHECK}, without holding the others (well
	 * inside the edit margin within which the update operation covers copies that left
	 * with the old content).
	 */
	private final Map<Long, Version> versions = new ConcurrentHashMap<>();

	private final Set<Long> checking = ConcurrentHashMap.newKeySet();

	private static final long VERSION_CHECK = TimeUnit.SECONDS.toNanos(1);

	/**
	 * Senders allowed to hold a job until their pacer slot comes. Paced, half a second of
	 * calls at the current budget (an admin may change it while sending): their start
	 * marks are committed ahead, so the pace carries on through a commit that stalls for
	 * a few hundred milliseconds (a WAL flush on an ordinary disk does, every minute or
	 * two; with a tenth of a second marked ahead each stall cost a third of a second of
	 * sends at 50/s), while a paused send leaves at most half a second of claimed rows in
	 * idle hands, and a crash flags at most as many rows marked but not yet sent.
	 * Unpaced, nobody waits for a slot and every sender may be marking.
	 */
	private final WaitingRoom slotWaiters = new WaitingRoom();

	private final int concurrency;

	private final AtomicInteger callsInFlight = new AtomicInteger();

	private final Timer callTimer;

	private final MeterRegistry meters;

	Sender(DispatchProperties properties, JobQueue queue, StartMarker marker, Pacer pacer, ConnectorClient connector,
			OutcomeWriter writer, StoppedSends stopped, Announcements announcements, AnnouncementCard cards,
			MeterRegistry meters) {
		this.queue = queue;
		this.marker = marker;
		this.pacer = pacer;
		this.connector = connector;
		this.policy = RetryPolicy.of(properties);
		this.writer = writer;
		this.stopped = stopped;
		this.announcements = announcements;
		this.cards = cards;
		this.meters = meters;
		this.concurrency = properties.concurrency();
		this.callTimer = Timer.builder("herald.dispatch.call")
			.description("Bot Connector send latency")
			.publishPercentiles(0.5, 0.99)
			.register(meters);
		meters.gauge("herald.dispatch.in.flight", this.callsInFlight);
	}

	/** What became of one job a sender took. */
	enum Handling {

		/** No job came within the wait. */
		IDLE,
		/** Called; the outcome goes to the writer. */
		CALLED,
		/** Not sent and handed back (stopped, paused, canceled, lease lost). */
		GIVEN_BACK,
		/** Failed without a call (the card could not be rendered). */
		FAILED,
		/**
		 * Its start could not be recorded (database away): queued again, nothing sent.
		 */
		DEFERRED,
		/** The sender was interrupted: the job was handed back, the sender ends. */
		INTERRUPTED

	}

	void run(Shift shift) {
		while (shift.isOpen()) {
			Handling handling = next(shift);
			if (handling == Handling.INTERRUPTED) {
				return;
			}
			if (handling == Handling.DEFERRED && !Shift.sleep(Duration.ofSeconds(1))) {
				return;
			}
		}
	}

	/**
	 * One job, if one comes. The sender holds a {@link #slotWaiters} permit from taking
	 * the job until its slot comes (or the job is handed on), and gives it back in one
	 * place; the call itself is made without it.
	 */
	private Handling next(Shift shift) {
		Ready ready;
		Ledger.Job job = null;
		try {
			int budget = this.pacer.budget();
			this.slotWaiters
				.resize((budget == 0) ? this.concurrency : Math.max(4, Math.min(this.concurrency, budget / 2)));
			this.slotWaiters.acquire();
		}
		catch (InterruptedException ex) {
			return Handling.INTERRUPTED;
		}
		try {
			job = this.queue.poll(100, TimeUnit.MILLISECONDS);
			if (job == null) {
				return Handling.IDLE;
			}
			ready = prepare(job);
		}
		catch (InterruptedException ex) {
			if (job != null) {
				this.writer.giveBack(job);
			}
			return Handling.INTERRUPTED;
		}
		catch (RuntimeException ex) {
			return failedUnexpectedly(job, ex);
		}
		finally {
			this.slotWaiters.release();
		}
		if (ready.handling() != Handling.CALLED) {
			return ready.handling();
		}
		try {
			return call(shift, ready);
		}
		catch (RuntimeException ex) {
			return failedUnexpectedly(job, ex);
		}
	}

	/** Never lose a job: it goes back and is tried again. */
	private Handling failedUnexpectedly(Ledger.Job job, RuntimeException ex) {
		log.warn("Sending to {} failed unexpectedly: {}", job.recipient(), ex.toString());
		this.queue.defer(job);
		return Handling.DEFERRED;
	}

	/**
	 * Renders the card, has the start marked, and takes the pacer slot. Returns
	 * {@code CALLED} with a slot when the call may go now; when interrupted, the caller
	 * hands the job back.
	 */
	private Ready prepare(Ledger.Job job) throws InterruptedException {
		Ledger.RenditionKey key;
		byte[] activity;
		try {
			if (this.activities.size() > 500 || this.versions.size() > 500) {
				this.activities.clear();
				this.versions.clear();
			}
			key = job.rendition().atLeast(version(job.announcementId()));
			activity = activity(key);
		}
		catch (RuntimeException ex) {
			this.writer.record(Ledger.Result.of(job, this.policy.unrenderable(ex.getMessage())));
			return Ready.not(Handling.FAILED);
		}
		switch (this.marker.mark(job)) {
			case UNKNOWN -> {
				// The start could not be recorded (database away): nothing was sent.
				this.queue.defer(job);
				return Ready.not(Handling.DEFERRED);
			}
			case REFUSED -> {
				this.writer.giveBack(job);
				return Ready.not(Handling.GIVEN_BACK);
			}
			case SEND -> {
				return new Ready(Handling.CALLED, job, key, activity, this.pacer.acquire());
			}
		}
		throw new IllegalStateException("Unknown start mark");
	}

	private Handling call(Shift shift, Ready ready) {
		Ledger.Job job = ready.job();
		// A pause or cancel that came while this job waited for its slot wins: the call
		// has not left, so the row simply goes back.
		if (!shift.isOpen() || this.stopped.contains(job.announcementId())) {
			this.writer.giveBack(job);
			return Handling.GIVEN_BACK;
		}
		// Marked ahead, a job may have waited half a second for its slot: an edit whose
		// version another sender read meanwhile goes out now (rendered once, then from
		// the cache; nothing is read from the database here, between slot and call).
		Version known = this.versions.get(job.announcementId());
		Ledger.RenditionKey key = job.rendition().atLeast((known != null) ? known.editedAt() : 0);
		byte[] newer = key.equals(ready.key()) ? null : this.activities.get(key);
		byte[] activity = (newer != null) ? newer : ready.activity();
		long started = System.nanoTime();
		ConnectorReply reply;
		this.callsInFlight.incrementAndGet();
		try {
			reply = this.connector.sendActivity(job.serviceUrl(), job.conversationId(), activity, ready.slot());
		}
		finally {
			this.callsInFlight.decrementAndGet();
		}
		ConnectorReply.Kind kind = reply.kind();
		if (kind == ConnectorReply.Kind.NOT_SENT) {
			// Interrupted while waiting for a fresh slot: the request never left.
			this.writer.giveBack(job);
			return Handling.INTERRUPTED;
		}
		this.callTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
		this.meters
			.counter("herald.dispatch.sends", "outcome", kind.name().toLowerCase(Locale.ROOT), "status",
					String.valueOf(reply.status()))
			.increment();
		this.writer.record(Ledger.Result.of(job,
				this.policy.decide(RetryPolicy.Call.SEND, job.attempts(), job.throttles(), reply, Instant.now())));
		return Handling.CALLED;
	}

	/** Forgets the rendered card of an announcement whose content was edited. */
	@TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
	void on(AnnouncementEvents.ContentEdited event) {
		this.activities.keySet().removeIf((key) -> key.announcementId() == event.announcementId());
		// The next job re-reads the version at once, and jobs marked ahead go with it.
		this.versions.remove(event.announcementId());
	}

	/** The rendered activity of a rendition, from the cache or rendered now. */
	private byte[] activity(Ledger.RenditionKey key) {
		byte[] activity = this.activities.get(key);
		if (activity == null) {
			// Rendered outside the map's lock; two senders may render once each.
			activity = renderActivity(key);
			this.activities.put(key, activity);
		}
		return activity;
	}

	/** The content version last read for an announcement, re-read when stale. */
	private long version(long announcementId) {
		Version known = this.versions.get(announcementId);
		long now = System.nanoTime();
		if ((known == null || now - known.checkedAt() > VERSION_CHECK) && this.checking.add(announcementId)) {
			try {
				known = new Version(this.announcements.editedAtMillis(announcementId), now);
				this.versions.put(announcementId, known);
			}
			catch (RuntimeException ex) {
				// The database is away: the start mark will say so; keep the last known.
			}
			finally {
				this.checking.remove(announcementId);
			}
		}
		return (known != null) ? known.editedAt() : 0;
	}

	private record Version(long editedAt, long checkedAt) {
	}

	private byte[] renderActivity(Ledger.RenditionKey key) {
		Announcement announcement = this.announcements.require(key.announcementId());
		return this.cards.activity(key.announcementId(), announcement.content(), announcement.createdBy(),
				key.rendition());
	}

	/** A job on its way: with its slot when it may be called now. */
	private record Ready(Handling handling, Ledger.Job job, Ledger.RenditionKey key, byte[] activity,
			CallBudget.Slot slot) {

		static Ready not(Handling handling) {
			return new Ready(handling, null, null, null, null);
		}

	}

	/**
	 * A semaphore whose number of permits follows a target: fewer permits take effect as
	 * holders leave.
	 */
	private static final class WaitingRoom extends Semaphore {

		private int size;

		WaitingRoom() {
			super(0);
		}

		synchronized void resize(int target) {
			if (target > this.size) {
				release(target - this.size);
			}
			else if (target < this.size) {
				reducePermits(this.size - target);
			}
			this.size = target;
		}

	}

}
