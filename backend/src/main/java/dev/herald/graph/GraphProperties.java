package dev.herald.graph;

import java.net.URI;
import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How Herald reaches Microsoft Graph. Credentials default to the bot registration (one
 * Entra app is enough); tests and local mode only change the URLs.
 *
 * @param baseUrl Graph base URL including the version segment; must end in {@code /v1.0}
 * (the SDK's {@code $batch} cuts 5 characters off item paths)
 * @param tokenUrl client-credentials token endpoint; empty means the Entra endpoint of
 * the tenant
 * @param clientId Entra app id; empty means {@code herald.teams.bot-app-id}
 * @param clientSecret its secret; with client id and secret both empty, Graph uses the
 * bot's credential ({@code herald.teams.credential}: secret, certificate or identity)
 * @param tenantId tenant; empty means {@code herald.teams.tenant-id}
 * @param scope token scope
 * @param allowedHosts hosts a Graph token may be sent to; the host of {@code baseUrl} is
 * always added (the SDK silently sends no token to other hosts)
 * @param teamsAppExternalId the Herald app manifest id, used to find it in the org
 * catalog
 * @param teamsAppCatalogId the catalog id, when known (store apps: equal to the manifest
 * id); skips the lookup
 */
@Validated
@ConfigurationProperties("herald.graph")
public record GraphProperties(@NotNull @DefaultValue("https://graph.microsoft.com/v1.0") URI baseUrl, URI tokenUrl,
		String clientId, String clientSecret, String tenantId,
		@NotBlank @DefaultValue("https://graph.microsoft.com/.default") String scope, @DefaultValue( {
				"graph.microsoft.com", "graph.microsoft.us", "dod-graph.microsoft.us",
				"microsoftgraph.chinacloudapi.cn" }) List<String> allowedHosts,
		String teamsAppExternalId, String teamsAppCatalogId){

	static boolean blank(String value) {
		return value == null || value.isBlank();
	}

}
