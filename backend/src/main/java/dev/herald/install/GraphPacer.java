package dev.herald.install;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Spaces Graph calls evenly under a per-second budget, and holds every caller back when
 * Graph answers 429 until its Retry-After has passed: the limit is per tenant, so one
 * throttled call means all of them would be.
 */
final class GraphPacer {

	private final long intervalNanos;

	private long nextSlot = System.nanoTime();

	private long pausedUntil = System.nanoTime();

	GraphPacer(double ratePerSecond) {
		this.intervalNanos = (long) (TimeUnit.SECONDS.toNanos(1) / ratePerSecond);
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
				if (System.nanoTime() - this.pausedUntil >= 0) {
					return;
				}
			}
		}
	}

	/** Holds every caller back for this long. */
	synchronized void pause(Duration duration) {
		long until = System.nanoTime() + duration.toNanos();
		if (until - this.pausedUntil > 0) {
			this.pausedUntil = until;
			// Spread the callers out again after the pause instead of releasing a burst.
			this.nextSlot = until;
		}
	}

}
