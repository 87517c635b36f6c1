package dev.herald.dispatch;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Spaces calls evenly under a per-second budget, so that no sliding window Teams applies
 * sees a burst, and stops every caller at once when Teams answers 429 until its
 * Retry-After has passed. Shared by all Connector calls of this instance.
 */
final class Pacer {

	private final long intervalNanos;

	private long nextSlot = System.nanoTime();

	private long pausedUntil = System.nanoTime();

	/**
	 * @param ratePerSecond calls per second; 0 for no limit
	 */
	Pacer(double ratePerSecond) {
		this.intervalNanos = (ratePerSecond <= 0) ? 0 : (long) (TimeUnit.SECONDS.toNanos(1) / ratePerSecond);
	}

	/** Blocks until this caller may make one call. */
	void acquire() throws InterruptedException {
		while (true) {
			long wait;
			synchronized (this) {
				long now = System.nanoTime();
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
			synchronized (this) {
				// A 429 may have arrived while we waited for our slot: then wait again.
				if (System.nanoTime() >= this.pausedUntil) {
					return;
				}
			}
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
		return System.nanoTime() < this.pausedUntil;
	}

}
