package dev.herald.dispatch;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import dev.herald.pacing.EvenPacer;
import dev.herald.teams.CallBudget;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The tenant budget of this instance: spaces every Bot Connector call evenly (one slot
 * every 1/rate seconds, never a burst, so no sliding window Teams applies sees more than
 * the rate), and stops every caller at once when Teams answers 429, until its Retry-After
 * has passed, then resumes at the same even pace. Company Communicator instead parked
 * throttled messages for a fixed 11 minutes; here a 1 s Retry-After costs 1 s.
 */
@Component
final class Pacer implements CallBudget {

	/**
	 * Throttles without Retry-After further apart than this start the backoff afresh.
	 */
	private static final long BACKOFF_RESET_NANOS = TimeUnit.MINUTES.toNanos(1);

	/** Even, adaptive spacing and the shared pause (see {@link EvenPacer}). */
	private final EvenPacer pace;

	private final IntervalFunction backoff;

	private int consecutiveThrottles;

	private long lastThrottle;

	private final MeterRegistry meters;

	/**
	 * Share of the budget left unused (see {@link DispatchProperties#rateHeadroom()}).
	 */
	private final double headroom;

	/**
	 * The tenant budget the pace is derived from, in calls per second (0 = unlimited).
	 */
	private int budget;

	@Autowired
	Pacer(DispatchProperties properties, MeterRegistry meters) {
		this(properties.ratePerSecond(), properties.rateHeadroom(), IntervalFunction
			.ofExponentialRandomBackoff(properties.initialBackoff(), 2.0, 0.2, properties.maxBackoff()), meters);
	}

	/**
	 * @param ratePerSecond calls per second; 0 for no limit
	 */
	Pacer(int ratePerSecond) {
		this(ratePerSecond, 0,
				IntervalFunction.ofExponentialRandomBackoff(Duration.ofSeconds(1), 2.0, 0.2, Duration.ofMinutes(1)),
				null);
	}

	private Pacer(int ratePerSecond, double headroom, IntervalFunction backoff, MeterRegistry meters) {
		this.headroom = headroom;
		this.budget = ratePerSecond;
		this.pace = new EvenPacer(ratePerSecond * (1 - headroom));
		this.backoff = backoff;
		this.meters = meters;
	}

	/**
	 * Moves to another tenant budget (an admin changed the send rate); nothing happens
	 * when it is the current one, so the pace keeps what it learned from 429s.
	 */
	synchronized void setBudget(int ratePerSecond) {
		if (ratePerSecond != this.budget) {
			this.budget = ratePerSecond;
			this.pace.setRate(ratePerSecond * (1 - this.headroom));
		}
	}

	/** The tenant budget the pace follows, in calls per second (0 = unlimited). */
	synchronized int budget() {
		return this.budget;
	}

	/** The pace now, in calls per second (0 = unlimited). */
	double currentRate() {
		return this.pace.currentRate();
	}

	/**
	 * How long a slot taken ahead stays good at the least: a quarter of the interval
	 * between calls when that is longer. A call that leaves later than this (a GC pause,
	 * a cold HTTP client, a busy core) takes a fresh slot instead, so that calls held up
	 * together do not leave together as a burst; a call a few milliseconds late at 50/s
	 * (a busy core of two) keeps its slot, since a fresh one wastes a whole interval.
	 */
	private static final long AHEAD_VALID_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

	/**
	 * Blocks until this caller may make one call. The dispatcher takes its slot before
	 * the request is built and hands it to the Connector client, so nothing slow (no
	 * database) stands between the slot and the request leaving: the calls reach Teams as
	 * evenly spaced as the slots.
	 */
	@Override
	public Slot acquire() throws InterruptedException {
		long ticket = this.pace.acquire();
		return new Slot(this.pace, ticket, System.nanoTime());
	}

	/** A slot taken ahead is used at once while fresh; a stale one is replaced. */
	@Override
	public CallBudget.Slot confirm(CallBudget.Slot ahead) throws InterruptedException {
		if (ahead instanceof Slot slot && System.nanoTime() - slot.grantedAt() < aheadValidNanos()) {
			return slot;
		}
		return acquire();
	}

	private long aheadValidNanos() {
		double rate = this.pace.currentRate();
		return (rate <= 0) ? AHEAD_VALID_NANOS
				: Math.max(AHEAD_VALID_NANOS, (long) (TimeUnit.SECONDS.toNanos(1) / rate / 4));
	}

	/**
	 * One admitted call: the pacer's number for it and when it was granted.
	 */
	record Slot(EvenPacer pace, long ticket, long grantedAt) implements CallBudget.Slot {

		@Override
		public void departed() {
			this.pace.departed(this.ticket, System.nanoTime());
		}

	}

	@Override
	public void throttled(Duration retryAfter, String operation) {
		Duration wait = retryAfter;
		if (wait == null) {
			synchronized (this) {
				// Backoff steps count throttling episodes without Retry-After: the 429s
				// of
				// calls already in the air while paused are the same episode, and a 429
				// that
				// came with Retry-After was told its wait.
				long now = System.nanoTime();
				if (now - this.lastThrottle > BACKOFF_RESET_NANOS) {
					this.consecutiveThrottles = 0;
				}
				if (this.consecutiveThrottles == 0 || !this.pace.isPaused()) {
					this.consecutiveThrottles++;
				}
				this.lastThrottle = now;
				wait = Duration.ofMillis(this.backoff.apply(this.consecutiveThrottles));
			}
		}
		this.pace.throttled(wait);
		if (this.meters != null) {
			Counter.builder("herald.teams.throttled")
				.description("429 answers of the Bot Connector, by operation and whether Retry-After came with them")
				.tag("operation", operation)
				.tag("retry_after", (retryAfter != null) ? "given" : "absent")
				.register(this.meters)
				.increment();
		}
	}

	/** Holds every caller back for this long (a 429's Retry-After). */
	void pause(Duration duration) {
		this.pace.pause(duration);
	}

	boolean isPaused() {
		return this.pace.isPaused();
	}

}
