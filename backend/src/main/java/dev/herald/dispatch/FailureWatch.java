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

	FailureWatch(int window, double threshold) {
		this.window = window;
		this.threshold = threshold;
	}

	/**
	 * Records one outcome; returns a reason to pause when the window is full and more
	 * than the threshold of it failed, else null. The window starts afresh after a trip,
	 * so a resumed send gets a whole new window before it can be paused again.
	 */
	String record(long announcementId, boolean failed, String lastReason) {
		if (this.threshold >= 1.0) {
			return null;
		}
		Ring ring = this.rings.computeIfAbsent(announcementId, (id) -> new Ring(this.window));
		ring.add(failed);
		if (ring.size == this.window && ring.failures > this.threshold * this.window) {
			String reason = "Paused automatically: " + ring.failures + " of the last " + this.window
					+ " deliveries failed" + ((lastReason != null) ? " (last: " + lastReason + ")" : "");
			this.rings.remove(announcementId);
			return reason;
		}
		return null;
	}

	/** Forgets an announcement (finished, paused or canceled). */
	void forget(long announcementId) {
		this.rings.remove(announcementId);
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
