package dev.herald.bot;

import java.net.URI;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The optional second token issuer of {@code /api/messages}. Bound next to the other
 * {@code herald.teams.*} settings, but kept out of {@code TeamsProperties} so the shared
 * record's constructor stays as it is.
 *
 * @param entraOpenIdMetadataUrl Entra ID OpenID metadata of the tenant (e.g.
 * {@code https://login.microsoftonline.com/{tenant}/v2.0/.well-known/openid-configuration}),
 * to also accept Entra-issued channel tokens of a single-tenant bot; unset means only Bot
 * Framework tokens are accepted
 */
@ConfigurationProperties("herald.teams")
public record EntraChannelProperties(URI entraOpenIdMetadataUrl) {
}
