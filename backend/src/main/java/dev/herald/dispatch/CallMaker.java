package dev.herald.dispatch;

import java.util.List;

import dev.herald.teams.CallBudget;
import dev.herald.teams.ConnectorReply;

/**
 * What one kind of paced call does, the only part of the engine a ledger brings besides
 * its {@link CallLedger}: builds a row's request ahead (outside any lock, from caches, so
 * nothing slow stands between the pacer slot and the call), makes the call with the slot,
 * and hears what was written.
 *
 * @param <J> a claimed row
 */
public interface CallMaker<J extends CallLedger.Call> {

	/**
	 * What the request of this row will carry (a rendered activity, or null); an
	 * exception here fails the row without a call.
	 */
	Object prepare(J call);

	/** Which call this row is, for the {@link RetryPolicy} (a deletion's 404 is done). */
	RetryPolicy.Call kind(J call);

	/**
	 * What the call is for in the tenant budget (its priority and share); the slot is
	 * taken for this kind.
	 */
	CallBudget.Kind purpose(J call);

	/**
	 * Makes the call with the slot taken for it; the slot is confirmed (replaced when
	 * stale) by the Connector client.
	 */
	ConnectorReply call(J call, Object prepared, CallBudget.Slot slot);

	/**
	 * After a batch of outcomes was written (blocked chats, automatic pause, completion).
	 */
	default void written(List<CallLedger.Outcome<J>> outcomes) {
	}

}
