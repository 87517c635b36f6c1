package dev.herald.announcement;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The lifecycle of an announcement, with the transitions it allows. */
public enum AnnouncementStatus {

	DRAFT, SCHEDULED, PREPARING, SENDING, PAUSED, SENT, CANCELED, RECALLED;

	/** States a transition into {@code this} may start from. */
	Set<AnnouncementStatus> allowedFrom() {
		return switch (this) {
			case DRAFT -> EnumSet.of(SCHEDULED);
			case SCHEDULED -> EnumSet.of(DRAFT);
			// A send freezes its audience while preparing; a paused one whose
			// freeze failed prepares again when resumed.
			case PREPARING -> EnumSet.of(DRAFT, SCHEDULED, PAUSED);
			// From a draft only for named recipients, frozen by the caller (API
			// notifications).
			case SENDING -> EnumSet.of(DRAFT, PREPARING, PAUSED);
			case PAUSED -> EnumSet.of(PREPARING, SENDING);
			case SENT -> EnumSet.of(SENDING);
			case CANCELED -> EnumSet.of(SCHEDULED, PREPARING, SENDING, PAUSED);
			// A canceled send may have delivered copies: they can still be taken back.
			case RECALLED -> EnumSet.of(PREPARING, SENDING, PAUSED, SENT, CANCELED);
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
