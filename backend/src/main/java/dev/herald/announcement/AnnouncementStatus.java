package dev.herald.announcement;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The lifecycle of an announcement, with the transitions it allows. */
public enum AnnouncementStatus {

	DRAFT, SCHEDULED, SENDING, PAUSED, SENT, CANCELED;

	/** States a transition into {@code this} may start from. */
	Set<AnnouncementStatus> allowedFrom() {
		return switch (this) {
			case DRAFT -> EnumSet.of(SCHEDULED);
			case SCHEDULED -> EnumSet.of(DRAFT);
			case SENDING -> EnumSet.of(DRAFT, SCHEDULED, PAUSED);
			case PAUSED -> EnumSet.of(SENDING);
			case SENT -> EnumSet.of(SENDING);
			case CANCELED -> EnumSet.of(SCHEDULED, SENDING, PAUSED);
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
