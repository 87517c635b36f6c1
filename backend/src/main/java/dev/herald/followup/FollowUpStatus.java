package dev.herald.followup;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The lifecycle of an operation, with the transitions it allows. */
enum FollowUpStatus {

	RUNNING, PAUSED, CANCELED, DONE;

	/** States a transition into {@code this} may start from. */
	Set<FollowUpStatus> allowedFrom() {
		return switch (this) {
			case RUNNING -> EnumSet.of(PAUSED);
			case PAUSED -> EnumSet.of(RUNNING);
			case CANCELED -> EnumSet.of(RUNNING, PAUSED);
			case DONE -> EnumSet.of(RUNNING);
		};
	}

	String dbValue() {
		return name().toLowerCase(Locale.ROOT);
	}

	static FollowUpStatus fromDb(String value) {
		return valueOf(value.toUpperCase(Locale.ROOT));
	}

}
