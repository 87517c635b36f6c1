/**
 * Machine-to-machine notifications ({@code POST /api/v1/notifications}): a registered API
 * client names its recipients and a card or message; Herald sends it as an announcement
 * through the same ledger and dispatcher as any broadcast, with Idempotency-Keys and
 * per-client quotas.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Notifications")
package dev.herald.notification;
