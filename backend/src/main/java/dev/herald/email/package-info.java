/**
 * The e-mail fallback (#26): after a send, people Teams could not reach (blocked, failed,
 * unlicensed, without a chat) get the announcement by e-mail, in their language variant,
 * through the organisation's SMTP relay. Its own ledger ({@code email_plan},
 * {@code email_delivery}) is worked by a paced background worker; the unsubscribe link is
 * a Herald opt-out with RFC 8058 one-click.
 */
@org.springframework.modulith.ApplicationModule(displayName = "E-mail fallback")
package dev.herald.email;
