package dev.herald.teams;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The bot registration and the Microsoft endpoints it talks to. In production only the
 * credentials change; tests and local mode point the URLs at the simulator.
 *
 * @param botAppId the Entra application (client) id of the bot
 * @param botAppPassword its client secret
 * @param tenantId the tenant Herald serves
 * @param tokenUrl Entra token endpoint for the Connector scope
 * @param tokenScope scope of the Connector token
 * @param allowedServiceHosts hosts a Connector bearer token may be sent to (SSRF guard)
 * @param openIdMetadataUrl Bot Framework channel OpenID metadata, for inbound tokens
 * @param channelIssuer issuer of inbound channel tokens
 * @param connectTimeout connect timeout of Connector calls
 * @param readTimeout read timeout of Connector calls
 */
@Validated
@ConfigurationProperties("herald.teams")
public record TeamsProperties(@NotBlank String botAppId, String botAppPassword, @NotBlank String tenantId,
		@NotNull @DefaultValue("https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token") URI tokenUrl,
		@NotBlank @DefaultValue("https://api.botframework.com/.default") String tokenScope, @NotEmpty @DefaultValue( {
				"smba.trafficmanager.net", "smba.infra.gcc.teams.microsoft.com", "smba.infra.gov.teams.microsoft.us",
				"smba.infra.dod.teams.microsoft.us" }) List<String> allowedServiceHosts,
		@NotNull @DefaultValue("https://login.botframework.com/v1/.well-known/openidconfiguration") URI openIdMetadataUrl,
		@NotBlank @DefaultValue("https://api.botframework.com") String channelIssuer,
		@NotNull @DefaultValue("5s") Duration connectTimeout, @NotNull @DefaultValue("30s") Duration readTimeout){

	/**
	 * Whether a bearer token may be sent to this serviceUrl: an allowed host, over https
	 * (plain http only to this machine, for local mode and tests).
	 */
	public boolean isTrustedServiceUrl(String serviceUrl) {
		return isTrustedServiceUrl(serviceUrl, false);
	}

	/**
	 * As {@link #isTrustedServiceUrl(String)}; {@code plainHttp} also allows http to any
	 * allowed host (local mode: the simulator in a container).
	 */
	public boolean isTrustedServiceUrl(String serviceUrl, boolean plainHttp) {
		try {
			URI uri = URI.create(serviceUrl);
			String host = uri.getHost();
			boolean secure = "https".equalsIgnoreCase(uri.getScheme())
					|| ("http".equalsIgnoreCase(uri.getScheme()) && (plainHttp || isLoopback(host)));
			return secure && host != null && this.allowedServiceHosts.stream().anyMatch(host::equalsIgnoreCase);
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	static boolean isLoopback(String host) {
		return host != null && (host.equalsIgnoreCase("localhost") || host.equals("127.0.0.1") || host.equals("[::1]"));
	}

}
