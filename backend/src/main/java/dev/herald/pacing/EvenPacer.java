package dev.herald.pacing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Spaces calls evenly under a per-second budget (one slot every 1/rate seconds, never a
 * burst, so no sliding window the service applies sees more than the rate), and stops
 * every caller at once after a 429 until its Retry-After has passed.
 * <p>
 * Even spacing only helps as far as calls reach the service as evenly as they leave; on a
 * busy host or network, jitter bunches them and a one-second window overflows. A 429
 * costs a whole second of budget, so after one the pace drops by 2% (to at most 15% under
 * the budget), and climbs back by 0.5% for every quiet 10 s.
 */
public final class EvenPacer {

	private static final double MIN_FACTOR = 0.85;

	private static final long RECOVER_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

	private volatile long intervalNanos;

	private double rate;

	private double factor = 1.0;

	private long lastAdjust = System.nanoTime();

	private long nextSlot = System.nanoTime();

	private long pausedUntil = System.nanoTime();

	/**
	 * @param ratePerSecond calls per second; 0 for no limit
	 */
	public EvenPacer(double ratePerSecond) {
		setRate(ratePerSecond);
	}

	/** Changes the pace (0 for unlimited); callers already waiting keep their slot. */
	public synchronized void setRate(double ratePerSecond) {
		this.rate = ratePerSecond;
		this.factor = 1.0;
		this.lastAdjust = System.nanoTime();
		applyRate();
	}

	/** The pace now, in calls per second (0 = unlimited). */
	public synchronized double currentRate() {
		return this.rate * this.factor;
	}

	/** Blocks until this caller may make one call. */
	public void acquire() throws InterruptedException {
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

	/** A 429: every caller waits this long, and the pace eases off a little. */
	public synchronized void throttled(Duration wait) {
		this.factor = Math.max(MIN_FACTOR, this.factor - 0.02);
		this.lastAdjust = System.nanoTime();
		applyRate();
		pause(wait);
	}

	/** Holds every caller back for this long. */
	public synchronized void pause(Duration duration) {
		long until = System.nanoTime() + duration.toNanos();
		if (until - this.pausedUntil > 0) {
			this.pausedUntil = until;
		}
	}

	public synchronized boolean isPaused() {
		return System.nanoTime() - this.pausedUntil < 0;
	}

	private void applyRate() {
		double effective = this.rate * this.factor;
		this.intervalNanos = (effective <= 0) ? 0 : (long) (TimeUnit.SECONDS.toNanos(1) / effective);
	}

	private void recoverPace(long now) {
		if (this.factor < 1.0 && now - this.lastAdjust > RECOVER_EVERY_NANOS) {
			this.factor = Math.min(1.0, this.factor + 0.005);
			this.lastAdjust = now;
			applyRate();
		}
	}

}
