package dev.herald.dispatch;

import java.util.Locale;

/** States of a ledger row. Pending and in-flight are open; the others are final. */
enum DeliveryState {

	PENDING, IN_FLIGHT, DELIVERED, FAILED, BLOCKED, OPTED_OUT, CANCELED;

	String dbValue() {
		return name().toLowerCase(Locale.ROOT);
	}

}
