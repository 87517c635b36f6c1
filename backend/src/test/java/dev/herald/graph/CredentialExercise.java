package dev.herald.graph;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.microsoft.graph.serviceclient.GraphServiceClient;

import dev.herald.teams.CallBudget;
import dev.herald.teams.ConnectorClient;
import dev.herald.teams.ConnectorReply;
import dev.herald.teams.TeamsProperties;

import org.springframework.web.client.RestClient;

/**
 * Herald's real Connector and Graph clients, built as the application builds them for a
 * kind of credential, making many calls against a simulator. Also the main class of the
 * child JVM that runs managed identity: azure-identity finds the managed identity
 * endpoint only in the process environment (IDENTITY_ENDPOINT/IDENTITY_HEADER,
 * AZURE_POD_IDENTITY_AUTHORITY_HOST), which a running JVM cannot change.
 */
final class CredentialExercise {

	private CredentialExercise() {
	}

	/** Simulator coordinates, as the child JVM receives them. */
	record Target(String baseUrl, String tenantId, String botAppId, String teamsAppExternalId, String conversationId,
			String graphUserId) {

		String tokenUrl() {
			return this.baseUrl + "/" + this.tenantId + "/oauth2/v2.0/token";
		}

	}

	static TeamsProperties teams(Target target, TeamsProperties.Credential credential, String secret, Path certificate,
			Path federatedTokenFile) {
		return new TeamsProperties(target.botAppId(), secret, target.tenantId(), URI.create(target.tokenUrl()),
				"https://api.botframework.com/.default", List.of("localhost"),
				URI.create(target.baseUrl() + "/v1/.well-known/openidconfiguration"), "https://api.botframework.com",
				Duration.ofSeconds(5), Duration.ofSeconds(10), credential, certificate, "changeit", null,
				federatedTokenFile);
	}

	static GraphProperties graph(Target target) {
		return new GraphProperties(URI.create(target.baseUrl() + "/v1.0"), URI.create(target.tokenUrl()), null, null,
				null, "https://graph.microsoft.com/.default", List.of("localhost"), target.teamsAppExternalId(), null);
	}

	/**
	 * {@code calls} Connector sends and as many Graph reads with the clients Herald
	 * builds; throws when one fails.
	 */
	static void run(Target target, TeamsProperties teams, int calls) throws Exception {
		try (ConnectorClient connector = new ConnectorClient(RestClient.builder(), teams)) {
			for (int i = 0; i < calls; i++) {
				ConnectorReply reply = connector.sendActivity(target.baseUrl() + "/amer/", target.conversationId(),
						("{\"type\":\"message\",\"text\":\"credential check " + i + "\"}")
							.getBytes(StandardCharsets.UTF_8),
						CallBudget.Kind.SEND);
				if (!reply.isSuccess()) {
					throw new IllegalStateException("Connector call " + i + " failed: " + reply);
				}
			}
		}
		GraphConfig config = new GraphConfig();
		GraphServiceClient graph = config.graphServiceClient(graph(target), config.graphToken(graph(target), teams));
		for (int i = 0; i < calls; i++) {
			if (graph.users().byUserId(target.graphUserId()).get() == null) {
				throw new IllegalStateException("Graph call " + i + " returned nothing");
			}
		}
	}

	/**
	 * Child JVM: managed identity, configured by the environment only; prints OK or the
	 * failure.
	 */
	public static void main(String[] args) throws Exception {
		Target target = new Target(args[0], args[1], args[2], args[3], args[4], args[5]);
		int calls = Integer.parseInt(args[6]);
		try {
			run(target, teams(target, TeamsProperties.Credential.MANAGED_IDENTITY, null, null, null), calls);
			System.out.println("CREDENTIAL-EXERCISE OK");
		}
		catch (Exception ex) {
			System.out.println("CREDENTIAL-EXERCISE FAILED " + ex);
			ex.printStackTrace(System.out);
			System.exit(2);
		}
		System.exit(0);
	}

}
