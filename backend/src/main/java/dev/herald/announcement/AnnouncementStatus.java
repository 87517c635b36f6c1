package dev.herald.announcement;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The lifecycle of an announcement, with the transitions it allows. */
public enum AnnouncementStatus {

	DRAFT, SCHEDULED, PREPARING, SENDING, PAUSED, SENT, CANCELED;

	/** States a transition into {@code this} may start from. */
	Set<AnnouncementStatus> allowedFrom() {
		return switch (this) {
			case DRAFT -> EnumSet.of(SCHEDULED);
			case SCHEDULED -> EnumSet.of(DRAFT);
			// A send freezes its audience while preparing; a paused one whose freeze
			// failed
			// prepares again when resumed.
			case PREPARING -> EnumSet.of(DRAFT, SCHEDULED, PAUSED);
			// From a draft only for named recipients, frozen by the caller (API
			// notifications).
			case SENDING -> EnumSet.of(DRAFT, PREPARING, PAUSED);
			case PAUSED -> EnumSet.of(PREPARING, SENDING);
			case SENT -> EnumSet.of(SENDING);
			case CANCELED -> EnumSet.of(SCHEDULED, PREPARING, SENDING, PAUSED);
		};
	}

	public boolean isEditable() {
		return this == DRAFT;
	}

	public boolean isFinished() {
		return this == SENT || this == CANCELED;
	}

	public String dbValue() {
		return name().toLowerCase(Locale.ROOT);
	}

	static AnnouncementStatus fromDb(String value) {
		return valueOf(value.toUpperCase(Locale.ROOT));
	}

}
