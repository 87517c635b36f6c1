package dev.herald.followup;

import java.util.Locale;

import dev.herald.dispatch.RetryPolicy;

/** What an operation does to each copy. */
enum FollowUpKind {

	/** PUT the current content over the delivered copy. */
	UPDATE,
	/** DELETE the delivered copy. */
	DELETE,
	/** Post a short reminder as a reply to the delivered copy. */
	REMIND;

	/** The Connector call each copy gets. */
	RetryPolicy.Call call() {
		return switch (this) {
			case UPDATE -> RetryPolicy.Call.UPDATE;
			case DELETE -> RetryPolicy.Call.DELETE;
			case REMIND -> RetryPolicy.Call.REPLY;
		};
	}

	String dbValue() {
		return name().toLowerCase(Locale.ROOT);
	}

	static FollowUpKind fromDb(String value) {
		return valueOf(value.toUpperCase(Locale.ROOT));
	}

}
