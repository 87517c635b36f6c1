package dev.herald.announcement;

import java.time.Instant;

/**
 * An announcement and its live delivery counts.
 *
 * @param id the id
 * @param content what employees see
 * @param status where it is in its lifecycle
 * @param createdBy who wrote it
 * @param createdAt when it was created
 * @param startedAt when the send started, if it did
 * @param finishedAt when the send finished or was canceled
 * @param scheduledAt when a scheduled send is due
 * @param counts the delivery counts
 * @param scheduledZone the author's time zone the start was given in (e.g. Europe/Paris)
 * @param pauseReason why the dispatcher paused the send by itself, if it did
 */
public record Announcement(long id, AnnouncementContent content, AnnouncementStatus status, String createdBy,
		Instant createdAt, Instant startedAt, Instant finishedAt, Instant scheduledAt, DeliveryCounts counts,
		String scheduledZone, String pauseReason) {

	/**
	 * Delivery counts, maintained incrementally by the dispatcher.
	 *
	 * @param recipients the frozen audience size
	 * @param delivered accepted by Teams
	 * @param failed failed for good
	 * @param blocked the person blocked or removed the app
	 * @param optedOut skipped because the person opted out
	 * @param canceled not sent because the send was canceled
	 */
	public record DeliveryCounts(int recipients, int delivered, int failed, int blocked, int optedOut, int canceled) {

		/**
		 * Recipients without a final state yet. The one place that says which counts are
		 * final: recipients = delivered + failed + blocked + opted out + canceled once a
		 * send is complete.
		 */
		public int pending() {
			return Math.max(0,
					this.recipients - this.delivered - this.failed - this.blocked - this.optedOut - this.canceled);
		}

		/** Every recipient has a final state. */
		public boolean isComplete() {
			return pending() == 0;
		}

		public int percentDone() {
			return (this.recipients == 0) ? 0 : (int) (100L * (this.recipients - pending()) / this.recipients);
		}

	}

}
