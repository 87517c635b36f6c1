package dev.herald.dispatch;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

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

	/** Throttles further apart than this start the no-Retry-After backoff afresh. */
	private static final long BACKOFF_RESET_NANOS = TimeUnit.MINUTES.toNanos(1);

	private static final double MIN_FACTOR = 0.85;

	private static final long RECOVER_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

	private volatile long intervalNanos;

	private double rate;

	private double factor = 1.0;

	private long lastAdjust = System.nanoTime();

	private long nextSlot = System.nanoTime();

	private long pausedUntil = System.nanoTime();

	private final IntervalFunction backoff;

	private int consecutiveThrottles;

	private long lastThrottle;

	private final MeterRegistry meters;

	@Autowired
	Pacer(DispatchProperties properties, MeterRegistry meters) {
		this(properties.pacedRate(), IntervalFunction.ofExponentialRandomBackoff(properties.initialBackoff(), 2.0, 0.2,
				properties.maxBackoff()), meters);
	}

	/**
	 * @param ratePerSecond calls per second; 0 for no limit
	 */
	Pacer(double ratePerSecond) {
		this(ratePerSecond,
				IntervalFunction.ofExponentialRandomBackoff(Duration.ofSeconds(1), 2.0, 0.2, Duration.ofMinutes(1)),
				null);
	}

	private Pacer(double ratePerSecond, IntervalFunction backoff, MeterRegistry meters) {
		setRate(ratePerSecond);
		this.backoff = backoff;
		this.meters = meters;
	}

	/** Changes the pace (0 for unlimited); callers already waiting keep their slot. */
	synchronized void setRate(double ratePerSecond) {
		this.rate = ratePerSecond;
		this.factor = 1.0;
		this.lastAdjust = System.nanoTime();
		applyRate();
	}

	private void applyRate() {
		double effective = this.rate * this.factor;
		this.intervalNanos = (effective <= 0) ? 0 : (long) (TimeUnit.SECONDS.toNanos(1) / effective);
	}

	/**
	 * Adapts the pace to how evenly calls arrive. Even spacing only helps as far as the
	 * calls reach Teams as evenly as they leave; on a busy host or network, jitter
	 * bunches them and a one-second window overflows. A 429 costs a whole second of
	 * budget (its Retry-After), so after one the pace drops by 2% (to at most 15% below
	 * the budget), and climbs back by 0.5% for every 10 s without one.
	 */
	private void adjustAfterThrottle() {
		this.factor = Math.max(MIN_FACTOR, this.factor - 0.02);
		this.lastAdjust = System.nanoTime();
		applyRate();
	}

	private void recoverPace(long now) {
		if (this.factor < 1.0 && now - this.lastAdjust > RECOVER_EVERY_NANOS) {
			this.factor = Math.min(1.0, this.factor + 0.005);
			this.lastAdjust = now;
			applyRate();
		}
	}

	/** The pace now, in calls per second (0 = unlimited). */
	synchronized double currentRate() {
		return this.rate * this.factor;
	}

	/**
	 * A slot granted ahead by {@link #acquireAhead()}: the thread's next
	 * {@link #acquire()} (inside the Connector client) uses it without waiting again.
	 */
	private final ThreadLocal<Boolean> grantedAhead = new ThreadLocal<>();

	/**
	 * Waits for a slot now and keeps it for this thread's next call. The dispatcher takes
	 * its slot before the request is built, so nothing slow (no database) stands between
	 * the slot and the request leaving: the calls reach Teams as evenly spaced as the
	 * slots.
	 */
	void acquireAhead() throws InterruptedException {
		waitForSlot();
		this.grantedAhead.set(Boolean.TRUE);
	}

	/** Drops a slot taken ahead and not used. */
	void forgetAhead() {
		this.grantedAhead.remove();
	}

	/** Blocks until this caller may make one call. */
	@Override
	public void acquire() throws InterruptedException {
		if (this.grantedAhead.get() != null) {
			this.grantedAhead.remove();
			return;
		}
		waitForSlot();
	}

	private void waitForSlot() throws InterruptedException {
		while (true) {
			long wait;
			synchronized (this) {
				long now = System.nanoTime();
				recoverPace(now);
				long slot = Math.max(now, Math.max(this.nextSlot, this.pausedUntil));
				this.nextSlot = slot + this.intervalNanos;
				wait = slot - now;
			}
			if (wait > 0) {
				LockSupport.parkNanos(wait);
				if (Thread.interrupted()) {
					throw new InterruptedException();
				}
			}
			else if (Thread.interrupted()) {
				throw new InterruptedException();
			}
			synchronized (this) {
				// A 429 may have arrived while we waited for our slot: then wait again.
				if (System.nanoTime() - this.pausedUntil >= 0) {
					return;
				}
			}
		}
	}

	@Override
	public void throttled(Duration retryAfter, String operation) {
		Duration wait;
		synchronized (this) {
			long now = System.nanoTime();
			this.consecutiveThrottles = (now - this.lastThrottle > BACKOFF_RESET_NANOS) ? 1
					: this.consecutiveThrottles + 1;
			this.lastThrottle = now;
			wait = (retryAfter != null) ? retryAfter : Duration.ofMillis(this.backoff.apply(this.consecutiveThrottles));
			adjustAfterThrottle();
		}
		pause(wait);
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
	synchronized void pause(Duration duration) {
		long until = System.nanoTime() + duration.toNanos();
		if (until - this.pausedUntil > 0) {
			this.pausedUntil = until;
		}
	}

	synchronized boolean isPaused() {
		return System.nanoTime() - this.pausedUntil < 0;
	}

}
