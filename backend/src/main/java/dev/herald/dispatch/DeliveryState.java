package dev.herald.dispatch;

import java.util.Locale;

/**
 * States of a ledger row, every one the database allows ({@code delivery.state}'s check
 * constraint, V2). Installing, pending and in-flight are open; the others are final.
 * Other modules that read the ledger pass these as SQL parameters ({@link #dbValue()}),
 * never as literals.
 */
public enum DeliveryState {

	/** Waiting for Herald to be installed for the person (no chat yet). */
	INSTALLING,
	/** Due for a call (now, or at {@code next_attempt_at} after a retryable reply). */
	PENDING,
	/** Claimed by a sender instance. */
	IN_FLIGHT,
	/** Teams accepted the message. */
	DELIVERED,
	/** Failed for good, with a reason. */
	FAILED,
	/** The person blocked or removed the bot. */
	BLOCKED,
	/** The person opted out: never messaged, counted. */
	OPTED_OUT,
	/** The send was canceled before this row was sent. */
	CANCELED;

	public String dbValue() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** The state stored as {@code value}. */
	public static DeliveryState fromDb(String value) {
		return valueOf(value.toUpperCase(Locale.ROOT));
	}

	/** Whether a row in this state has its outcome (reports count these as done). */
	public boolean isFinal() {
		return this != INSTALLING && this != PENDING && this != IN_FLIGHT;
	}

}
