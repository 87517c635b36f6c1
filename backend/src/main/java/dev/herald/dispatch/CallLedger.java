package dev.herald.dispatch;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The port of the paced-call engine: a ledger of Bot Connector calls to make, one row per
 * call, that the same rooms ({@link Claimer}, {@link StartMarker}, {@link Sender},
 * {@link OutcomeWriter}, {@link RetryPolicy}) work through. The delivery ledger (sends)
 * and the follow-up item ledger (updates, deletions, reminders) implement it. Every
 * method takes whole batches: one statement per batch, never one per row.
 *
 * @param <J> a claimed row
 */
public interface CallLedger<J extends CallLedger.Call> {

	/**
	 * Claims due rows for this instance ({@code FOR UPDATE SKIP LOCKED}), at most
	 * {@code limit}.
	 */
	List<J> claim(int limit, UUID me);

	/**
	 * Marks these calls as started, just before they leave, in one statement; returns the
	 * {@link Call#key() keys} of those that may go. One is left out when this instance no
	 * longer holds the send lease by the database clock, no longer owns the row, or its
	 * group (announcement, operation) stopped; the caller releases those.
	 */
	Set<?> markStarted(List<J> calls, UUID me);

	/** Gives back claimed rows whose request never left. */
	void release(List<J> calls, UUID me);

	/** Writes outcomes (and the group's counts) for rows this instance still owns. */
	void record(List<Outcome<J>> outcomes, UUID me);

	/**
	 * Rows another instance left in flight go back to pending, flagged possibly
	 * duplicated when their call had started.
	 */
	Recovered recoverForeign(UUID me);

	/** The groups whose rows may still be called now (others' queued rows go back). */
	Collection<Long> running();

	/** A claimed row. */
	interface Call {

		/** Identifies the row within its ledger (as {@link #markStarted} returns it). */
		Object key();

		/**
		 * The announcement or operation the row belongs to: paused and resumed as one.
		 */
		long group();

		/** Calls made before this one. */
		int attempts();

		/** 429s among them. */
		int throttles();

	}

	/** What the policy made of one call, to be written. */
	record Outcome<J>(J call, RetryPolicy.Decision decision) {
	}

	/**
	 * Rows recovered from a previous holder: whose call had started, and whose had not.
	 */
	record Recovered(int flagged, int unflagged) {
	}

}
