package dev.herald.admin;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Published inside the retention purge's transaction, for owners of personal rows that
 * the admin module may not call directly (the bot's card responses and read receipts: the
 * bot depends on the approval module, which reads admin settings). Each listener deletes
 * its rows and adds how many to {@code deleted}.
 *
 * @param announcementIds the announcements whose per-recipient details go
 * @param days the retention in days
 * @param deleted rows deleted by the listeners
 */
public record PersonalDataExpired(List<Long> announcementIds, int days, AtomicInteger deleted) {
}
