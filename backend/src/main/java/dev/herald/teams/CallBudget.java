package dev.herald.teams;

import java.time.Duration;

/**
 * Admission of Bot Connector calls under Teams' per-bot, per-tenant limit. Every call the
 * {@link ConnectorClient} makes (sends, conversation creation, updates, reads) takes one
 * slot, because Teams counts them all against the same budget. The dispatcher provides
 * the implementation (its pacer); without one, calls are not paced.
 */
public interface CallBudget {

	/** Blocks until one call may leave; the slot goes with that call. */
	Slot acquire() throws InterruptedException;

	/**
	 * A slot the caller took before building its request: used as it is while still good,
	 * else replaced by a fresh one (blocks), so that calls held up together do not leave
	 * together as a burst.
	 */
	default Slot confirm(Slot ahead) throws InterruptedException {
		return ahead;
	}

	/**
	 * Teams answered 429: the whole tenant budget is exhausted, so every caller waits,
	 * for {@code retryAfter} when Teams said how long, else for a jittered exponential
	 * backoff.
	 * @param retryAfter the Retry-After of the reply, or null when absent
	 * @param operation what was called (send, create, update, read), for metrics
	 */
	void throttled(Duration retryAfter, String operation);

	/** No pacing at all (slices without a dispatcher). */
	static CallBudget unlimited() {
		return new CallBudget() {

			@Override
			public Slot acquire() {
				return Slot.NONE;
			}

			@Override
			public void throttled(Duration retryAfter, String operation) {
			}

		};
	}

	/** The admission of one call, handed along with it (never kept per thread). */
	interface Slot {

		/** A slot that nothing needs to hear about. */
		Slot NONE = () -> {
		};

		/**
		 * The call is being written to the socket now. A call that leaves well after its
		 * slot (a cold client, a new connection, a GC pause) tells the budget, so that
		 * the calls a window later keep their distance from it.
		 */
		void departed();

	}

}
