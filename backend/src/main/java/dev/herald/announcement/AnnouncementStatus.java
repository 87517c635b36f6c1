package dev.herald.announcement;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The lifecycle of an announcement, with the transitions it allows. */
public enum AnnouncementStatus {

	DRAFT, SCHEDULED, SENDING, PAUSED, SENT, CANCELED, RECALLED;

	/** States a transition into {@code this} may start from. */
	Set<AnnouncementStatus> allowedFrom() {
		return switch (this) {
			case DRAFT -> EnumSet.of(SCHEDULED);
			case SCHEDULED -> EnumSet.of(DRAFT);
			case SENDING -> EnumSet.of(DRAFT, SCHEDULED, PAUSED);
			case PAUSED -> EnumSet.of(SENDING);
			case SENT -> EnumSet.of(SENDING);
			case CANCELED -> EnumSet.of(SCHEDULED, SENDING, PAUSED);
			// A canceled send may have delivered copies: they can still be taken back.
			case RECALLED -> EnumSet.of(SENDING, PAUSED, SENT, CANCELED);
		};
	}

	public boolean isEditable() {
		return this == DRAFT;
	}

	public boolean isFinished() {
		return this == SENT || this == CANCELED || this == RECALLED;
	}

	/**
	 * Whether copies may already be out, so that an edit updates them in place rather
	 * than changing a draft.
	 */
	public boolean isEditableAfterSend() {
		return this == SENDING || this == PAUSED || this == SENT;
	}

	public String dbValue() {
		return name().toLowerCase(Locale.ROOT);
	}

	static AnnouncementStatus fromDb(String value) {
		return valueOf(value.toUpperCase(Locale.ROOT));
	}

}
