package dev.herald.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.teams.CallBudget;
import dev.herald.teams.ConnectorReply;

/**
 * The senders of one ledger (N threads run {@link #run}): take a job, have the
 * {@link CallMaker} prepare its request, have its start marked, take the pacer slot, and
 * only then make the call with that slot, so nothing slow stands between the slot and the
 * request leaving. The reply goes through {@link RetryPolicy} to the
 * {@link OutcomeWriter}.
 */
final class Sender<J extends CallLedger.Call> {

	private static final Logger log = LoggerFactory.getLogger(Sender.class);

	private final JobQueue<J> queue;

	private final StartMarker<J> marker;

	private final Pacer pacer;

	private final CallMaker<J> maker;

	private final RetryPolicy policy;

	private final OutcomeWriter<J> writer;

	private final StoppedSends stopped;

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

	private final String meterPrefix;

	Sender(PacedCalls.Lane lane, JobQueue<J> queue, StartMarker<J> marker, Pacer pacer, CallMaker<J> maker,
			RetryPolicy policy, OutcomeWriter<J> writer, StoppedSends stopped, MeterRegistry meters) {
		this.queue = queue;
		this.marker = marker;
		this.pacer = pacer;
		this.maker = maker;
		this.policy = policy;
		this.writer = writer;
		this.stopped = stopped;
		this.meters = meters;
		this.meterPrefix = lane.meterPrefix();
		this.concurrency = lane.concurrency();
		this.callTimer = Timer.builder(this.meterPrefix + ".call")
			.description("Bot Connector call latency")
			.publishPercentiles(0.5, 0.99)
			.register(meters);
		meters.gauge(this.meterPrefix + ".in.flight", this.callsInFlight);
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
		Ready<J> ready;
		J job = null;
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
	private Handling failedUnexpectedly(J job, RuntimeException ex) {
		log.warn("Call of {} failed unexpectedly: {}", job.key(), ex.toString());
		this.queue.defer(job);
		return Handling.DEFERRED;
	}

	/**
	 * Prepares the request, has the start marked, and takes the pacer slot. Returns
	 * {@code CALLED} with a slot when the call may go now; when interrupted, the caller
	 * hands the job back.
	 */
	private Ready<J> prepare(J job) throws InterruptedException {
		Object prepared;
		try {
			prepared = this.maker.prepare(job);
		}
		catch (RuntimeException ex) {
			this.writer.record(job, this.policy.unrenderable(ex.getMessage()));
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
				return new Ready<>(Handling.CALLED, job, prepared, this.pacer.acquire(this.maker.purpose(job)));
			}
		}
		throw new IllegalStateException("Unknown start mark");
	}

	private Handling call(Shift shift, Ready<J> ready) {
		J job = ready.job();
		// A pause or cancel that came while this job waited for its slot wins: the call
		// has not left, so the row simply goes back.
		if (!shift.isOpen() || this.stopped.contains(job.group())) {
			this.writer.giveBack(job);
			return Handling.GIVEN_BACK;
		}
		long started = System.nanoTime();
		ConnectorReply reply;
		this.callsInFlight.incrementAndGet();
		try {
			reply = this.maker.call(job, ready.prepared(), ready.slot());
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
			.counter(this.meterPrefix + ".sends", "outcome", kind.name().toLowerCase(Locale.ROOT), "status",
					String.valueOf(reply.status()))
			.increment();
		this.writer.record(job,
				this.policy.decide(this.maker.kind(job), job.attempts(), job.throttles(), reply, Instant.now()));
		return Handling.CALLED;
	}

	/** A job on its way: with its slot when it may be called now. */
	private record Ready<J>(Handling handling, J job, Object prepared, CallBudget.Slot slot) {

		static <J> Ready<J> not(Handling handling) {
			return new Ready<>(handling, null, null, null);
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
