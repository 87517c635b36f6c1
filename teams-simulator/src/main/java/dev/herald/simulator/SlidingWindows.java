package dev.herald.simulator;

/**
 * Sliding-window limiter over several windows at once ("at most N accepted requests in
 * any trailing window of W ms"). Not thread-safe by itself; callers synchronize on it.
 */
final class SlidingWindows {

	/** Teams per bot per thread limits: 7/1 s, 8/2 s, 60/30 s, 1800/3600 s. */
	static final long[][] TEAMS_THREAD = { { 1_000, 7 }, { 2_000, 8 }, { 30_000, 60 }, { 3_600_000, 1_800 } };

	private final long[][] windows;

	private final long longestWindow;

	/** Ring buffer of accepted timestamps (ms), oldest first. */
	private long[] times;

	private int head;

	private int size;

	SlidingWindows(long[][] windows) {
		this.windows = windows;
		long longest = 0;
		for (long[] w : windows) {
			longest = Math.max(longest, w[0]);
		}
		this.longestWindow = longest;
		this.times = new long[8];
	}

	static SlidingWindows perSecond(int limit) {
		return new SlidingWindows(new long[][] { { 1_000, limit } });
	}

	private long at(int i) {
		return this.times[(this.head + i) % this.times.length];
	}

	private void prune(long now) {
		while (this.size > 0 && at(0) <= now - this.longestWindow) {
			this.head = (this.head + 1) % this.times.length;
			this.size--;
		}
	}

	/**
	 * Records an accepted request at {@code now} and answers 0, or answers how many
	 * milliseconds to wait before a request would be accepted (nothing recorded).
	 */
	long tryAcquire(long now) {
		prune(now);
		long wait = 0;
		for (long[] w : this.windows) {
			long window = w[0];
			int limit = (int) w[1];
			if (limit <= 0) {
				continue;
			}
			// count accepted requests in (now - window, now]
			int count = 0;
			for (int i = this.size - 1; i >= 0 && at(i) > now - window; i--) {
				count++;
				if (count >= limit) {
					break;
				}
			}
			if (count >= limit) {
				// the limit-th most recent request leaves the window at t + window
				long t = at(this.size - limit);
				wait = Math.max(wait, t + window - now);
			}
		}
		if (wait > 0) {
			return wait;
		}
		if (this.size == this.times.length) {
			long[] bigger = new long[this.times.length * 2];
			for (int i = 0; i < this.size; i++) {
				bigger[i] = at(i);
			}
			this.times = bigger;
			this.head = 0;
		}
		this.times[(this.head + this.size) % this.times.length] = now;
		this.size++;
		return 0;
	}

	/**
	 * How far, in ms, the first window was from refusing a request at {@code now}: the
	 * time since the {@code limit}-th most recent accepted request, minus the window
	 * (negative: refused). {@link Long#MAX_VALUE} while fewer than {@code limit} requests
	 * are on record. Call before {@link #tryAcquire(long)}.
	 */
	long margin(long now) {
		int limit = (int) this.windows[0][1];
		if (limit <= 0 || this.size < limit) {
			return Long.MAX_VALUE;
		}
		return now - at(this.size - limit) - this.windows[0][0];
	}

	/** Accepted requests in the trailing window of the given length. */
	int count(long now, long window) {
		int count = 0;
		for (int i = this.size - 1; i >= 0 && at(i) > now - window; i--) {
			count++;
		}
		return count;
	}

	static int retryAfterSeconds(long waitMillis) {
		return (int) Math.max(1, (waitMillis + 999) / 1000);
	}

}
