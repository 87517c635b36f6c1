package dev.herald.pacing;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Spaces calls evenly under a per-second budget (one slot every 1/rate seconds, never a
 * burst, so no sliding window the service applies sees more than the rate), and stops
 * every caller at once after a 429 until its Retry-After has passed.
 * <p>
 * Callers take their slots one at a time, and each slot is recorded when its caller
 * actually goes, not when it was planned: a caller that went late (a GC pause, a busy
 * core, a cold HTTP client) pushes the call one window later back by as much, because the
 * span of any {@code ceil(rate) + 1} consecutive calls is kept at least
 * {@code ceil(rate)} intervals. Without that, a late call shares a one-second window with
 * the calls a second after it and the service answers 429.
 * <p>
 * Jitter after the slot (network, the service's own queues) can still bunch calls. A 429
 * costs a whole second, so after one the pace drops by 0.5% (once per throttling episode,
 * to at most 15% under the budget), holds for a quiet minute, then climbs back by 0.1%
 * for every quiet 10 s. Climbing back faster returns to the edge of the jitter before
 * long: at 1% down and 0.5% up per 10 s, a machine whose jitter exceeds the margin
 * settles at one 429 every 20 s, 5% of the time paused (measured: 17 429s in a 20k send,
 * 94% of the limit). Now it settles at about one 429 every two minutes, and a single 429
 * costs about 1.5 s.
 */
public final class EvenPacer {

	private static final double MIN_FACTOR = 0.85;

	/** The pace eases off this much per throttling episode. */
	private static final double EASE_STEP = 0.005;

	/** No climbing back until this long after the last 429. */
	private static final long HOLD_NANOS = TimeUnit.SECONDS.toNanos(60);

	/** Then this much for every quiet {@link #RECOVER_EVERY_NANOS}. */
	private static final double RECOVER_STEP = 0.001;

	private static final long RECOVER_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

	/** Longer ago than any window: a departure this old constrains no call. */
	private static final long FORGOTTEN_NANOS = TimeUnit.SECONDS.toNanos(10);

	/** {@link System#nanoTime()}, or a test's clock. */
	private final LongSupplier clock;

	/** One caller at a time decides its slot, from what the callers before it did. */
	private final ReentrantLock turnstile = new ReentrantLock(true);

	private volatile long intervalNanos;

	private double rate;

	private double factor = 1.0;

	private long lastAdjust;

	/** When the pace last eased off after a 429. */
	private long lastEase;

	private long nextSlot;

	private long pausedUntil;

	/** When the last {@code recent.length} calls went; call n at {@code n % length}. */
	private long[] recent = new long[0];

	/** Calls admitted so far. */
	private long admitted;

	/**
	 * @param ratePerSecond calls per second; 0 for no limit
	 */
	public EvenPacer(double ratePerSecond) {
		this(ratePerSecond, System::nanoTime);
	}

	/** With a clock of its own (nanoseconds, as {@link System#nanoTime()}): for tests. */
	EvenPacer(double ratePerSecond, LongSupplier clock) {
		this.clock = clock;
		long now = clock.getAsLong();
		this.nextSlot = now;
		this.pausedUntil = now;
		this.lastEase = now - HOLD_NANOS;
		setRate(ratePerSecond);
	}

	/**
	 * Changes the pace (0 for unlimited); callers already waiting keep their slot, and
	 * the calls that went keep holding back the calls a window after them: a send whose
	 * share grows mid-second would otherwise lose the guard for a whole window, just as
	 * its pace quickens.
	 */
	public synchronized void setRate(double ratePerSecond) {
		long now = this.clock.getAsLong();
		this.rate = ratePerSecond;
		this.factor = 1.0;
		this.lastAdjust = now;
		keepDepartures((ratePerSecond <= 0) ? 0 : (int) Math.ceil(ratePerSecond), now);
		applyRate();
	}

	/** A ring of the new size with the last departures the old one knew. */
	private void keepDepartures(int window, long now) {
		long[] kept = new long[window];
		// Calls older than the old ring: long gone, no constraint on anyone.
		Arrays.fill(kept, now - FORGOTTEN_NANOS);
		int known = Math.min(this.recent.length, window);
		for (long call = Math.max(0, this.admitted - known); call < this.admitted; call++) {
			kept[(int) (call % window)] = this.recent[(int) (call % this.recent.length)];
		}
		this.recent = kept;
	}

	/**
	 * Changes the pace like {@link #setRate} but keeps what 429s taught it (the share of
	 * the budget changed, not the budget).
	 */
	public synchronized void changeRate(double ratePerSecond) {
		double learned = this.factor;
		setRate(ratePerSecond);
		this.factor = learned;
		applyRate();
	}

	/** The pace now, in calls per second (0 = unlimited). */
	public synchronized double currentRate() {
		recoverPace(this.clock.getAsLong());
		return this.rate * this.factor;
	}

	/**
	 * Blocks until this caller may make one call.
	 * @return the call's number, for {@link #departed(long, long)}
	 */
	public long acquire() throws InterruptedException {
		if (this.intervalNanos == 0) {
			awaitPause();
			return -1;
		}
		this.turnstile.lockInterruptibly();
		try {
			while (true) {
				long now = this.clock.getAsLong();
				long wait;
				synchronized (this) {
					recoverPace(now);
					wait = earliest() - now;
					if (wait <= 0) {
						return record(now);
					}
				}
				// Parked again and again until the slot: a 429 meanwhile moves it.
				LockSupport.parkNanos(wait);
				if (Thread.interrupted()) {
					throw new InterruptedException();
				}
			}
		}
		finally {
			this.turnstile.unlock();
		}
	}

	/** Unlimited: only a 429's pause holds callers back. */
	private void awaitPause() throws InterruptedException {
		while (true) {
			long wait;
			synchronized (this) {
				wait = this.pausedUntil - this.clock.getAsLong();
			}
			if (wait <= 0) {
				return;
			}
			LockSupport.parkNanos(wait);
			if (Thread.interrupted()) {
				throw new InterruptedException();
			}
		}
	}

	/** The earliest instant the next call may go. */
	private long earliest() {
		long slot = Math.max(this.nextSlot, this.pausedUntil);
		int window = this.recent.length;
		if (window > 0 && this.admitted >= window) {
			// the call `window` places back, which this one must keep its distance from
			slot = Math.max(slot, this.recent[(int) (this.admitted % window)] + window * this.intervalNanos);
		}
		return slot;
	}

	private long record(long now) {
		// Keep to the planned grid after a slightly late wake-up (no loss of rate), but
		// never plan a slot in the past: after a long stall the pace restarts from now.
		this.nextSlot = Math.max(this.nextSlot + this.intervalNanos, now);
		long call = this.admitted++;
		if (this.recent.length > 0) {
			this.recent[(int) (call % this.recent.length)] = now;
		}
		return call;
	}

	/**
	 * Call {@code call} actually left at {@code at}: if that is later than its slot, the
	 * calls a window later are held back by as much.
	 */
	public synchronized void departed(long call, long at) {
		int window = this.recent.length;
		if (call < 0 || window == 0 || call < this.admitted - window) {
			return;
		}
		int i = (int) (call % window);
		if (at - this.recent[i] > 0) {
			this.recent[i] = at;
		}
	}

	/**
	 * A 429: every caller waits this long, and the pace eases off a little, once for all
	 * the 429s of calls that were already in the air when the first one came back.
	 */
	public synchronized void throttled(Duration wait) {
		long now = this.clock.getAsLong();
		if (now - this.pausedUntil >= 0) {
			this.factor = Math.max(MIN_FACTOR, this.factor - EASE_STEP);
			this.lastAdjust = now;
			this.lastEase = now;
			applyRate();
		}
		pause(wait);
	}

	/** Holds every caller back for this long. */
	public synchronized void pause(Duration duration) {
		long until = this.clock.getAsLong() + duration.toNanos();
		if (until - this.pausedUntil > 0) {
			this.pausedUntil = until;
		}
	}

	public synchronized boolean isPaused() {
		return this.clock.getAsLong() - this.pausedUntil < 0;
	}

	private void applyRate() {
		double effective = this.rate * this.factor;
		this.intervalNanos = (effective <= 0) ? 0 : (long) (TimeUnit.SECONDS.toNanos(1) / effective);
	}

	private void recoverPace(long now) {
		if (this.factor < 1.0 && now - this.lastEase >= HOLD_NANOS && now - this.lastAdjust >= RECOVER_EVERY_NANOS) {
			this.factor = Math.min(1.0, this.factor + RECOVER_STEP);
			this.lastAdjust = now;
			applyRate();
		}
	}

}
