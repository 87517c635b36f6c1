package dev.herald.followup;

import java.time.Instant;

/**
 * An operation on copies already sent, as the API and the page show it: "updated
 * {@code done} of {@code targets}".
 *
 * @param id the operation
 * @param announcementId its announcement
 * @param kind update, delete or remind
 * @param who for a reminder, whom it reaches
 * @param status running, paused, canceled or done
 * @param requestedBy who started it ({@code expiry} for an automatic recall,
 * {@code auto-reminder} for an automatic reminder)
 * @param planning whether copies delivered late may still be added
 * @param targets copies (or people) it acts on so far
 * @param done copies updated, deleted (or already gone), reminders sent
 * @param failed items that failed for good
 * @param canceled items not done because it was canceled
 * @param createdAt when it started
 * @param finishedAt when it ended
 * @param pauseReason why it was paused automatically (the approval check, or the admin
 * blocked the app), if it was
 */
public record FollowUpView(long id, long announcementId, String kind, String who, String status, String requestedBy,
		boolean planning, int targets, int done, int failed, int canceled, Instant createdAt, Instant finishedAt,
		String pauseReason) {

	/** Items still to do. */
	public int pending() {
		return Math.max(0, this.targets - this.done - this.failed - this.canceled);
	}

	public int percentDone() {
		return (this.targets == 0) ? (this.planning ? 0 : 100)
				: (int) (100L * (this.targets - pending()) / this.targets);
	}

	/** A failure reason and how many items failed with it. */
	public record Reason(String reason, int count) {
	}

}
