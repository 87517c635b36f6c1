package dev.herald.simulator;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator serves the managed identity endpoints as Azure does (IMDS, App Service)
 * and accepts workload identity federation only for a matching federated credential; it
 * counts the tokens it issues per client and kind of credential.
 */
class ManagedAndWorkloadIdentityTest {

	static final String EXCHANGE = "api://AzureADTokenExchange";

	static final String SUBJECT = "system:serviceaccount:herald:herald";

	static TeamsSimulator sim;

	static SimHttp http;

	@BeforeAll
	static void start() {
		sim = TeamsSimulator.start(SimulatorConfig.defaults().withUsers(5));
		http = new SimHttp(sim);
		sim.addFederatedCredential(sim.botAppId(), sim.clusterIssuer(), SUBJECT, EXCHANGE);
	}

	@AfterAll
	static void stop() {
		sim.close();
	}

	@Test
	void imdsNeedsTheMetadataHeaderAndAnAssignedIdentity() throws Exception {
		String url = sim.imdsAuthorityHost() + "/metadata/identity/oauth2/token?api-version=2018-02-01&resource="
				+ SimHttp.enc("https://api.botframework.com") + "&client_id=" + sim.botAppId();
		SimHttp.Response ok = get(url, Map.of("Metadata", "true"));
		assertThat(ok.status()).as(ok.body()).isEqualTo(200);
		assertThat(ok.json()).containsEntry("token_type", "Bearer")
			.containsEntry("resource", "https://api.botframework.com")
			.containsKey("expires_on");
		SignedJWT jwt = SignedJWT.parse((String) ok.json().get("access_token"));
		assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("https://api.botframework.com");
		assertThat(jwt.getJWTClaimsSet().getStringClaim("appid")).isEqualTo(sim.botAppId());
		// the token is good at the Connector
		assertThat(http.get(sim.serviceUrl() + "v3/conversations", (String) ok.json().get("access_token")).status())
			.isNotEqualTo(401);

		assertThat(get(url, Map.of()).status()).isEqualTo(400);
		assertThat(get(url, Map.of("Metadata", "true", "X-Forwarded-For", "10.0.0.1")).status()).isEqualTo(400);
		assertThat(get(url.replace("2018-02-01", "2017-09-01"), Map.of("Metadata", "true")).status()).isEqualTo(400);
		SimHttp.Response stranger = get(url.replace(sim.botAppId(), "0c1e9d7a-0000-4000-8000-000000000001"),
				Map.of("Metadata", "true"));
		assertThat(stranger.status()).isEqualTo(400);
		assertThat(stranger.json()).containsEntry("error_description", "Identity not found");
		// no system-assigned identity on this host
		assertThat(get(url.replace("&client_id=" + sim.botAppId(), ""), Map.of("Metadata", "true")).status())
			.isEqualTo(400);
		SimHttp.Response resource = get(
				url.replace(SimHttp.enc("https://api.botframework.com"), SimHttp.enc("https://management.azure.com")),
				Map.of("Metadata", "true"));
		assertThat(resource.status()).isEqualTo(400);
		assertThat(resource.json()).containsEntry("error", "invalid_resource");
	}

	@Test
	void appServiceNeedsItsIdentityHeader() throws Exception {
		String url = sim.appServiceIdentityEndpoint() + "?api-version=2019-08-01&resource="
				+ SimHttp.enc("https://graph.microsoft.com") + "&client_id=" + sim.botAppId();
		long before = sim.tokensIssued(sim.botAppId(), "appService", "https://graph.microsoft.com");
		SimHttp.Response ok = get(url, Map.of("X-IDENTITY-HEADER", sim.appServiceIdentityHeader()));
		assertThat(ok.status()).as(ok.body()).isEqualTo(200);
		SignedJWT jwt = SignedJWT.parse((String) ok.json().get("access_token"));
		assertThat(jwt.getJWTClaimsSet().getStringListClaim("roles"))
			.containsExactlyInAnyOrderElementsOf(sim.graphPermissions(sim.botAppId()));
		assertThat(sim.tokensIssued(sim.botAppId(), "appService", "https://graph.microsoft.com")).isEqualTo(before + 1);
		assertThat(get(url, Map.of()).status()).isEqualTo(401);
		assertThat(get(url, Map.of("X-IDENTITY-HEADER", "guess")).status()).isEqualTo(401);
		assertThat(get(url.replace("2019-08-01", "2017-09-01"),
				Map.of("X-IDENTITY-HEADER", sim.appServiceIdentityHeader()))
			.status()).isEqualTo(400);
		Map<String, Object> byClient = (Map<String, Object>) http.get(sim.baseUrl() + "/_sim/stats", null)
			.json()
			.get("tokensIssuedByClient");
		assertThat(byClient).containsKey(sim.botAppId());
	}

	@Test
	void aFederatedTokenIsAcceptedOnlyForTheConfiguredIssuerSubjectAndAudience() {
		long before = sim.tokensIssued(sim.botAppId(), "federated", "https://api.botframework.com");
		assertThat(exchange(sim.serviceAccountToken(SUBJECT, EXCHANGE, Duration.ofHours(1))).status()).isEqualTo(200);
		assertThat(sim.tokensIssued(sim.botAppId(), "federated", "https://api.botframework.com")).isEqualTo(before + 1);

		assertCode(
				exchange(sim.serviceAccountToken("system:serviceaccount:other:herald", EXCHANGE, Duration.ofHours(1))),
				70021);
		assertCode(exchange(sim.serviceAccountToken(SUBJECT, "api://something-else", Duration.ofHours(1))), 70021);
		Instant now = Instant.now();
		assertCode(exchange(sim.serviceAccountToken(SUBJECT, EXCHANGE, now.minusSeconds(7200), now.minusSeconds(3600))),
				700024);
		assertCode(exchange(sim.serviceAccountToken(SUBJECT, EXCHANGE, now.plusSeconds(3600), now.plusSeconds(7200))),
				700024);
		// signed by another cluster that claims the same issuer
		TeamsSimulator other = TeamsSimulator.start(SimulatorConfig.defaults().withUsers(1).withPort(0));
		try {
			String forged = other.serviceAccountToken(SUBJECT, EXCHANGE, Duration.ofHours(1));
			sim.addFederatedCredential(sim.botAppId(), other.clusterIssuer(), SUBJECT, EXCHANGE);
			// an issuer Entra cannot fetch keys from
			assertCode(exchange(forged), 50166);
		}
		finally {
			other.close();
		}
		// another app has no such federated credential
		SimHttp.Response stranger = http.postForm(sim.tokenUrl(),
				"grant_type=client_credentials&client_id=5d7a3e10-0000-4000-8000-000000000002"
						+ "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
						+ "&client_assertion=" + sim.serviceAccountToken(SUBJECT, EXCHANGE, Duration.ofHours(1))
						+ "&scope=" + SimHttp.enc("https://api.botframework.com/.default"));
		assertCode(stranger, 70021);
	}

	@Test
	void aTamperedFederatedTokenFailsItsSignature() {
		String token = sim.serviceAccountToken(SUBJECT, EXCHANGE, Duration.ofHours(1));
		String[] parts = token.split("\\.");
		String otherPayload = sim.serviceAccountToken(SUBJECT, EXCHANGE, Duration.ofHours(2)).split("\\.")[1];
		assertCode(exchange(parts[0] + "." + otherPayload + "." + parts[2]), 700027);
	}

	private static SimHttp.Response exchange(String assertion) {
		return http.postForm(sim.tokenUrl(), "grant_type=client_credentials&client_id=" + sim.botAppId()
				+ "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
				+ "&client_assertion=" + assertion + "&scope=" + SimHttp.enc("https://api.botframework.com/.default"));
	}

	private static void assertCode(SimHttp.Response r, int code) {
		assertThat(r.status()).as(r.body()).isBetween(400, 401);
		assertThat(r.json()).as(r.body()).containsEntry("error_codes", List.of(code));
	}

	private static SimHttp.Response get(String url, Map<String, String> headers) {
		HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
		headers.forEach(b::header);
		return SimHttp.send(b.build());
	}

}
