package dev.herald.announcement;

/**
 * Events of the announcement lifecycle, published inside the transaction that changed it.
 */
public final class AnnouncementEvents {

	private AnnouncementEvents() {
	}

	/** A send started: the audience must be frozen into the ledger now. */
	public record SendStarted(long announcementId, String audience) {
	}

	/** A send was canceled: whatever is still pending must not go out. */
	public record SendCanceled(long announcementId) {
	}

}
