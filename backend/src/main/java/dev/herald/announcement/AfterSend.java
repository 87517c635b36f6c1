package dev.herald.announcement;

import java.time.Instant;

/**
 * What happens to an announcement after its send: expiry, recall, last edit, automatic
 * reminder.
 *
 * @param expiresAt when Herald recalls it by itself, if set
 * @param expiresZone the author's time zone the expiry was given in
 * @param recalledAt when it was recalled
 * @param editedAt when its content was last changed after the send started
 * @param autoRemindHours hours after the start of the send for an automatic reminder
 * @param autoRemindWho whom it reminds: {@code not-acknowledged}, {@code not-voted} or
 * {@code not-read}
 * @param autoRemindedAt when the automatic reminder was started
 */
public record AfterSend(Instant expiresAt, String expiresZone, Instant recalledAt, Instant editedAt,
		Integer autoRemindHours, String autoRemindWho, Instant autoRemindedAt) {
}
