package dev.herald.admin;

import java.util.List;

/**
 * Published, inside the purge's transaction, for announcements whose per-recipient ledger
 * is past retention. The dispatcher owns the ledger ({@code delivery}) and deletes it;
 * the event keeps that write in its module without a dependency cycle (the dispatcher
 * reads admin settings).
 *
 * @param announcementIds the announcements whose ledger goes
 */
public record LedgerExpired(List<Long> announcementIds) {
}
