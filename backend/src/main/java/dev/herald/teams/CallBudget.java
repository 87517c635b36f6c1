package dev.herald.teams;

import java.time.Duration;

/**
 * Admission of Bot Connector calls under Teams' per-bot, per-tenant limit. Every call the
 * {@link ConnectorClient} makes (sends, conversation creation, updates, reads) takes one
 * slot, because Teams counts them all against the same budget. The dispatcher provides
 * the implementation (its pacer); without one, calls are not paced.
 */
public interface CallBudget {

	/**
	 * Blocks until one call of this kind may leave; the slot goes with that call. Waiting
	 * callers of a kind with a higher priority get the next slot first, within each
	 * kind's share (see {@link Kind}).
	 */
	Slot acquire(Kind kind) throws InterruptedException;

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
			public Slot acquire(Kind kind) {
				return Slot.NONE;
			}

			@Override
			public void throttled(Duration retryAfter, String operation) {
			}

		};
	}

	/**
	 * What a Connector call is for, in priority order: a waiting caller of an earlier
	 * kind gets the next slot before a later one, except that every kind is guaranteed
	 * its share of the budget while it has calls waiting (so welcomes still go out during
	 * a broadcast, and a flood of replies cannot stop a broadcast).
	 */
	enum Kind {

		/** A reply to a person's command or card press (they are looking at the chat). */
		INTERACTIVE,
		/** The card telling an approver that an announcement waits for them. */
		APPROVAL,
		/** An author's test copy to their own chat. */
		TEST,
		/** Edits, recalls and reminders of delivered copies. */
		FOLLOW_UP,
		/** A broadcast's card to a person. */
		SEND,
		/** A broadcast's post to a channel. */
		CHANNEL,
		/** Creating a 1:1 conversation, reading a team's channels and roster. */
		CONVERSATION,
		/** The welcome after an install. */
		WELCOME

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
