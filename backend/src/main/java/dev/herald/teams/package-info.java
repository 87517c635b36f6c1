/**
 * Outbound Bot Connector REST client: client-credentials token, trusted service hosts,
 * and the classification of Connector replies. No Bot Framework SDK exists for Java, so
 * this is plain HTTP.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Teams Bot Connector client")
package dev.herald.teams;
