package dev.herald.graph;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import com.microsoft.graph.core.requests.BaseGraphRequestAdapter;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.authentication.AccessTokenProvider;
import com.microsoft.kiota.authentication.AllowedHostsValidator;
import com.microsoft.kiota.authentication.BaseBearerTokenAuthenticationProvider;

import dev.herald.teams.AccessTokenSource;
import dev.herald.teams.ConnectorClient;
import dev.herald.teams.TeamsProperties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * Builds the one {@link GraphServiceClient}. The token comes from our own cached
 * client-credentials source rather than azure-identity: it works against any token URL
 * (the simulator, sovereign clouds) and never runs MSAL instance discovery.
 */
@Configuration(proxyBeanMethods = false)
class GraphConfig {

	@Bean
	GraphToken graphToken(GraphProperties graph, TeamsProperties teams) {
		String tenant = GraphProperties.blank(graph.tenantId()) ? teams.tenantId() : graph.tenantId();
		URI tokenUrl = (graph.tokenUrl() != null) ? graph.tokenUrl()
				: URI.create("https://login.microsoftonline.com/" + tenant + "/oauth2/v2.0/token");
		String clientId = GraphProperties.blank(graph.clientId()) ? teams.botAppId() : graph.clientId();
		String secret = GraphProperties.blank(graph.clientSecret()) ? teams.botAppPassword() : graph.clientSecret();
		HttpClient jdk = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(jdk);
		factory.setReadTimeout(Duration.ofSeconds(30));
		RestClient http = RestClient.builder().requestFactory(factory).build();
		if (GraphProperties.blank(graph.clientId()) && GraphProperties.blank(graph.clientSecret())) {
			// The bot's app registration, with the bot's kind of credential (a
			// certificate or an identity has no secret to send).
			return new GraphToken(ConnectorClient.tokens(http, teams, tokenUrl, graph.scope()));
		}
		return new GraphToken(
				new AccessTokenSource(http, tokenUrl, clientId, secret, graph.scope(), Clock.systemUTC()));
	}

	@Bean
	GraphServiceClient graphServiceClient(GraphProperties graph, GraphToken token) {
		AccessTokenSource tokens = token.source();
		Set<String> hosts = new LinkedHashSet<>(graph.allowedHosts());
		hosts.add(graph.baseUrl().getHost());
		AllowedHostsValidator validator = new AllowedHostsValidator(hosts.toArray(String[]::new));
		AccessTokenProvider provider = new AccessTokenProvider() {
			@Override
			public String getAuthorizationToken(URI uri, Map<String, Object> context) {
				// Same rule as the SDK's own providers: no token to a host we do not
				// trust.
				return validator.isUrlHostValid(uri) ? tokens.token() : "";
			}

			@Override
			public AllowedHostsValidator getAllowedHostsValidator() {
				return validator;
			}
		};
		String baseUrl = graph.baseUrl().toString().replaceAll("/+$", "");
		return new GraphServiceClient(
				new BaseGraphRequestAdapter(new BaseBearerTokenAuthenticationProvider(provider), baseUrl));
	}

}
