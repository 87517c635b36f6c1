/**
 * The dispatcher: starts scheduled sends, freezes audiences into the per-recipient ledger
 * in the background, claims ledger rows with {@code FOR UPDATE SKIP LOCKED}, paces Bot
 * Connector calls under the tenant budget, retries what Teams says may be retried, and
 * keeps the live counts.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Dispatcher")
package dev.herald.dispatch;
