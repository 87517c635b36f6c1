package dev.herald.announcement;

/**
 * Events of the announcement lifecycle, published inside the transaction that changed it.
 */
public final class AnnouncementEvents {

	private AnnouncementEvents() {
	}

	/** A send started: the audience must be frozen into the ledger now. */
	public record SendStarted(long announcementId, String audience) {

		/**
		 * The ledger was filled with named recipients before the start (API
		 * notifications): the dispatcher must not add an audience.
		 */
		public static final String GIVEN_RECIPIENTS = "given";

	}

	/**
	 * A send was paused, by its author or by the dispatcher: no new call may start, even
	 * one already waiting for its turn.
	 */
	public record SendPaused(long announcementId) {
	}

	/** A paused send goes on. */
	public record SendResumed(long announcementId) {
	}

	/** A send was canceled: whatever is still pending must not go out. */
	public record SendCanceled(long announcementId) {
	}

	/**
	 * The content of an announcement that was (being) sent changed: copies already
	 * delivered must be updated in place; copies not yet sent go out with the new
	 * content.
	 */
	public record ContentEdited(long announcementId, String by) {
	}

	/**
	 * An announcement was recalled (by its author, or by its expiry): nothing more goes
	 * out and every delivered copy must be deleted.
	 */
	public record Recalled(long announcementId, String by) {
	}

	/**
	 * The content of a draft changed: an approval given for the earlier content no longer
	 * holds (#15).
	 */
	public record ContentChanged(long announcementId) {
	}

}
