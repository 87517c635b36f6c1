/**
 * The dispatcher: freezes an audience into the per-recipient ledger, claims ledger rows
 * with {@code FOR UPDATE SKIP LOCKED}, paces Bot Connector calls under the tenant budget,
 * retries what Teams says may be retried, and keeps the live counts.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Dispatcher")
package dev.herald.dispatch;
