/**
 * After the send: updating every delivered copy in place after an edit, deleting them on
 * a recall or expiry, and reminders to people who have not responded. Each is a tracked
 * operation with its own ledger of items, claimed, paced under the tenant budget and
 * retried like deliveries.
 */
@org.springframework.modulith.ApplicationModule(displayName = "After the send")
package dev.herald.followup;
