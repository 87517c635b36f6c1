package dev.herald.simulator;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Accepted and refused calls of one rate limit by how far its one-second window was from
 * refusing them when they arrived (see {@link SlidingWindows#margin(long)}): negative
 * ones were refused. An evenly paced client at rate r shows {@code limit / r - 1} s for
 * every call; the spread around it is the jitter between the client's pacing and the
 * arrivals.
 */
final class WindowMargins {

	/** Upper bounds (ms, exclusive) of the buckets; the last bucket takes the rest. */
	static final long[] BOUNDS = { -20, -5, -2, 0, 2, 5, 10, 20, 50 };

	private final AtomicLongArray counts = new AtomicLongArray(BOUNDS.length + 1);

	void record(long ms) {
		if (ms == Long.MAX_VALUE) {
			return;
		}
		int i = 0;
		while (i < BOUNDS.length && ms >= BOUNDS[i]) {
			i++;
		}
		this.counts.incrementAndGet(i);
	}

	void reset() {
		for (int i = 0; i < this.counts.length(); i++) {
			this.counts.set(i, 0);
		}
	}

	Map<String, Object> toMap() {
		Map<String, Object> m = new LinkedHashMap<>();
		for (int i = 0; i <= BOUNDS.length; i++) {
			String key = (i == 0) ? "<" + BOUNDS[0]
					: (i == BOUNDS.length) ? ">=" + BOUNDS[i - 1] : BOUNDS[i - 1] + ".." + BOUNDS[i];
			m.put(key, this.counts.get(i));
		}
		return m;
	}

}
