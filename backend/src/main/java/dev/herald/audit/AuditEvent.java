package dev.herald.audit;

import java.time.Instant;

/**
 * One row of the audit log.
 *
 * @param id increasing id (the order of the log)
 * @param at when
 * @param actorId immutable id of the person or client, or {@code herald}
 * @param actorName display name at the time
 * @param actorKind person, client or system
 * @param action what kind of act
 * @param announcementId the announcement it concerns, if any
 * @param summary what changed, briefly
 */
public record AuditEvent(long id, Instant at, String actorId, String actorName, String actorKind, String action,
		Long announcementId, String summary) {
}
