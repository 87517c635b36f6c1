/**
 * Reports for authors: per-announcement delivery report (counts by state, delivery rate
 * over time, acknowledgements, poll results, read receipts, failure reasons), the
 * streamed per-recipient CSV export, and the opt-out overview; the same report in the
 * public API ({@code /api/v1/announcements/{id}/report}, deliveries, acknowledgements,
 * CSV).
 */
@org.springframework.modulith.ApplicationModule(displayName = "Reports")
package dev.herald.report;
