/**
 * The audit log: one append-only row for every state-changing act (who, when, what),
 * recorded in the transaction of the act by {@link dev.herald.audit.AuditLog}; the admin
 * page with filters and CSV export; {@code GET /api/v1/admin/audit}. Nothing deletes it
 * but its own retention job.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Audit log")
package dev.herald.audit;
