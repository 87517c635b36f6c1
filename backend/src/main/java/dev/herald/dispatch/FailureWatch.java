package dev.herald.dispatch;

import java.util.HashMap;
import java.util.Map;

/**
 * Watches the last N call outcomes of each announcement and says when the share of
 * failures crosses the threshold (listmonk's {@code MaxSendErrors}, as a share so it
 * means the same for 200 or 200,000 recipients). Only the writer thread uses it.
 */
final class FailureWatch {

	private final int window;

	private final double threshold;

	private final Map<Long, Ring> rings = new HashMap<>();

	/** When each announcement last tripped ({@link System#nanoTime()}). */
	private final Map<Long, Long> trippedAt = new HashMap<>();

	FailureWatch(int window, double threshold) {
		this.window = window;
		this.threshold = threshold;
	}

	/**
	 * Records one outcome; returns a reason to pause when the window is full and more
	 * than the threshold of it failed, else null. The window starts afresh after a trip,
	 * and outcomes of calls claimed before the trip (in the air or waiting for the writer
	 * when it tripped) are left out of the new one: a send resumed at once must not be
	 * paused again by the failures that paused it.
	 * @param claimedAt when the call's row was claimed ({@link System#nanoTime()})
	 */
	String record(long announcementId, long claimedAt, boolean failed, String lastReason) {
		if (this.threshold >= 1.0) {
			return null;
		}
		Long trip = this.trippedAt.get(announcementId);
		if (trip != null && claimedAt - trip < 0) {
			return null;
		}
		Ring ring = this.rings.computeIfAbsent(announcementId, (id) -> new Ring(this.window));
		ring.add(failed);
		if (ring.size == this.window && ring.failures > this.threshold * this.window) {
			String reason = "Paused automatically: " + ring.failures + " of the last " + this.window
					+ " deliveries failed" + ((lastReason != null) ? " (last: " + lastReason + ")" : "");
			this.rings.remove(announcementId);
			this.trippedAt.put(announcementId, System.nanoTime());
			return reason;
		}
		return null;
	}

	/** Forgets an announcement (finished, paused or canceled). */
	void forget(long announcementId) {
		this.rings.remove(announcementId);
		this.trippedAt.remove(announcementId);
	}

	private static final class Ring {

		private final boolean[] outcomes;

		private int next;

		private int size;

		private int failures;

		Ring(int window) {
			this.outcomes = new boolean[window];
		}

		void add(boolean failed) {
			if (this.size == this.outcomes.length && this.outcomes[this.next]) {
				this.failures--;
			}
			this.outcomes[this.next] = failed;
			if (failed) {
				this.failures++;
			}
			this.next = (this.next + 1) % this.outcomes.length;
			this.size = Math.min(this.size + 1, this.outcomes.length);
		}

	}

}
