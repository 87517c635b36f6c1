package dev.herald.simulator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.herald.simulator.SimulatorConfig.Faults;
import dev.herald.simulator.SimulatorConfig.Limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EntraAndFaultsTest {

	static TeamsSimulator sim;

	static SimHttp http;

	@BeforeAll
	static void start() {
		sim = TeamsSimulator
			.start(SimulatorConfig.defaults().withUsers(100).withInstalledShare(1.0).withLimits(Limits.off()));
		http = new SimHttp(sim);
	}

	@AfterAll
	static void stop() {
		sim.close();
	}

	@BeforeEach
	void reset() {
		sim.setFaults(Faults.none());
		sim.setStrictAuth(true);
		sim.setTimeoutHoldMillis(35_000);
		sim.setPreconditionFailedShare(0);
	}

	@Test
	void tokenAudienceFollowsScopeAndCarriesAppId() throws Exception {
		// A bot registered as multi-tenant before July 2025 still gets tokens at the
		// botframework.com authority; a single-tenant one (the default) does not.
		String form = "grant_type=client_credentials&client_id=" + sim.botAppId() + "&client_secret="
				+ sim.clientSecret() + "&scope=https%3A%2F%2Fapi.botframework.com%2F.default";
		SimHttp.Response single = http.postForm(sim.botFrameworkTokenUrl(), form);
		assertThat(single.status()).isEqualTo(400);
		assertThat(single.json()).containsEntry("error", "unauthorized_client")
			.containsEntry("error_codes", List.of(700016));
		sim.setMultiTenant(sim.botAppId(), true);
		SimHttp.Response r;
		try {
			r = http.postForm(sim.botFrameworkTokenUrl(), form);
		}
		finally {
			sim.setMultiTenant(sim.botAppId(), false);
		}
		assertThat(r.status()).isEqualTo(200);
		assertThat(r.json()).containsEntry("token_type", "Bearer").containsKeys("expires_in", "ext_expires_in");
		SignedJWT jwt = SignedJWT.parse((String) r.json().get("access_token"));
		assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("https://api.botframework.com");
		assertThat(jwt.getJWTClaimsSet().getStringClaim("appid")).isEqualTo(sim.botAppId());
		assertThat(jwt.getJWTClaimsSet().getStringClaim("azp")).isEqualTo(sim.botAppId());
		SignedJWT graph = SignedJWT.parse(http.graphToken());
		assertThat(graph.getJWTClaimsSet().getAudience()).containsExactly("https://graph.microsoft.com");
		assertThat(graph.getHeader().getKeyID()).isNotBlank();
	}

	@Test
	void strictModeRejectsBadSecretWithEntraShape() {
		sim.setStrictAuth(true);
		SimHttp.Response bad = http.postForm(sim.tokenUrl(), "grant_type=client_credentials&client_id=" + sim.botAppId()
				+ "&client_secret=wrong&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default");
		assertThat(bad.status()).isEqualTo(401);
		assertThat(bad.json()).containsEntry("error", "invalid_client").containsEntry("error_codes", List.of(7000215));
		assertThat((String) bad.json().get("error_description")).startsWith("AADSTS7000215");
		SimHttp.Response unknown = http.postForm(sim.tokenUrl(), "grant_type=client_credentials&client_id="
				+ "11111111-1111-4111-8111-111111111111&client_secret=x&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default");
		assertThat(unknown.status()).isEqualTo(400);
		assertThat(unknown.json()).containsEntry("error", "unauthorized_client");
		assertThat(http.graphToken()).isNotBlank();
	}

	@Test
	void openIdMetadataPointsAtTheKeys() {
		Map<String, Object> bf = http.get(sim.openIdMetadataUrl(), null).json();
		assertThat(bf).containsEntry("issuer", "https://api.botframework.com")
			.containsEntry("jwks_uri", sim.baseUrl() + "/v1/.well-known/keys");
		Map<String, Object> entra = http
			.get(sim.baseUrl() + "/" + sim.tenantId() + "/v2.0/.well-known/openid-configuration", null)
			.json();
		assertThat(http.get((String) entra.get("jwks_uri"), null).json()).containsKey("keys");
	}

	private String sendUrl() {
		return sim.serviceUrl() + "v3/conversations/" + sim.conversationIdFor(sim.tenant().users().get(0).id())
				+ "/activities";
	}

	@Test
	void serverErrorsAreInjectedByShare() {
		sim.setFaults(Faults.none().withServerErrorShare(1.0));
		String token = http.botToken();
		for (int i = 0; i < 6; i++) {
			assertThat(http.post(sendUrl(), token, SimHttp.message("x")).status()).isIn(502, 503, 504);
		}
		sim.setFaults(Faults.none());
		assertThat(http.post(sendUrl(), token, SimHttp.message("x")).status()).isEqualTo(201);
		assertThat((Map<String, Object>) sim.stats().get("injectedFaults")).containsEntry("serverError", 6L);
	}

	@Test
	void preconditionFailedByShare() {
		sim.setPreconditionFailedShare(1.0);
		SimHttp.Response r = http.post(sendUrl(), http.botToken(), SimHttp.message("x"));
		assertThat(r.status()).isEqualTo(412);
		assertThat(r.json()).extracting("error").extracting("code").isEqualTo("PreconditionFailed");
	}

	@Test
	void resetClosesTheConnectionWithoutAnswer() {
		sim.setFaults(Faults.none().withResetShare(1.0));
		String token = http.botToken();
		assertThatThrownBy(() -> http.post(sendUrl(), token, SimHttp.message("x")))
			.hasCauseInstanceOf(IOException.class);
	}

	@Test
	void timeoutHoldsTheRequest() throws Exception {
		sim.setFaults(Faults.none().withTimeoutShare(1.0));
		String token = http.botToken();
		HttpRequest request = HttpRequest.newBuilder(URI.create(sendUrl()))
			.timeout(Duration.ofMillis(700))
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"message\",\"text\":\"x\"}"))
			.build();
		long t0 = System.nanoTime();
		assertThatThrownBy(() -> HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()))
			.isInstanceOf(HttpTimeoutException.class);
		assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(650);
	}

	@Test
	void configCanBeChangedOverHttp() {
		SimHttp.Response r = http.post(sim.baseUrl() + "/_sim/config", null,
				Map.of("limits", Map.of("perThread", true, "tenantPerSecond", 5), "latency",
						Map.of("minMs", 1, "maxMs", 3), "maxMessageBytes", 2048));
		assertThat(r.status()).isEqualTo(200);
		assertThat(sim.config().limits()).isEqualTo(new Limits(true, 5, 0));
		assertThat(sim.config().latency()).isEqualTo(new SimulatorConfig.Latency(1, 3));
		assertThat(http.post(sendUrl(), http.botToken(), SimHttp.message("x".repeat(1100))).status()).isEqualTo(413);
		SimHttp.Response tail = http.post(sim.baseUrl() + "/_sim/config", null,
				Map.of("latency", Map.of("distribution", "tail"), "retryAfterAbsentShare", 0.25));
		assertThat(tail.status()).isEqualTo(200);
		assertThat(sim.config().latency())
			.isEqualTo(new SimulatorConfig.Latency(1, 3, SimulatorConfig.Latency.Distribution.TAIL));
		assertThat(sim.runtimeOptions()).containsEntry("retryAfterAbsentShare", 0.25);
		assertThat(http.post(sim.baseUrl() + "/_sim/config", null, Map.of("retryAfterAbsentShare", 2)).status())
			.as("a share above 1")
			.isEqualTo(400);
		assertThat(sim.runtimeOptions()).containsEntry("retryAfterAbsentShare", 0.25);
		sim.setRetryAfterAbsentShare(0);
		sim.setLimits(Limits.off());
		sim.setLatency(SimulatorConfig.Latency.none());
		sim.setMaxMessageBytes(100 * 1024);
	}

	@Test
	void tenantIsDeterministicAndRealistic() {
		SimTenant a = new SimTenant(sim.tenantId(), 7, 5_000);
		SimTenant b = new SimTenant(sim.tenantId(), 7, 5_000);
		SimTenant c = new SimTenant(sim.tenantId(), 8, 5_000);
		assertThat(a.users()).isEqualTo(b.users());
		assertThat(a.users().get(0).id()).isNotEqualTo(c.users().get(0).id());
		assertThat(a.users()).extracting(SimUser::id).doesNotHaveDuplicates();
		assertThat(a.users()).extracting(SimUser::userPrincipalName).doesNotHaveDuplicates();
		assertThat(a.users()).extracting(SimUser::teamsUserId).allMatch((id) -> id.startsWith("29:"));
		long guests = a.users().stream().filter(SimUser::guest).count();
		assertThat(guests).isBetween(100L, 220L);
		assertThat(a.users()).extracting(SimUser::preferredLanguage)
			.containsOnly("en-US", "fr-FR", "de-DE", "es-ES", "zh-CN");
		for (SimTeam t : a.teams()) {
			assertThat(t.general().id()).isEqualTo(t.threadId());
			assertThat(a.group(t.groupId())).isNotNull();
		}
		SimGroup all = a.groups()
			.stream()
			.filter((g) -> g.displayName().equals("All Company"))
			.findFirst()
			.orElseThrow();
		assertThat(a.transitiveUserIds(all.id())).hasSize(5_000);
	}

	@Test
	void commandLineIsParsed() {
		SimulatorMain.Options o = SimulatorMain.parse(new String[] { "--port", "0", "--users", "10", "--limit", "0",
				"--latency-ms", "5-10", "--faults", "5xx=0.2,timeout=0.01,reset=0.01,blocked=0.01,unlicensed=0.05",
				"--installed-share=0.5", "--strict", "--bot-endpoint", "http://localhost:1/api/messages" });
		assertThat(o.config.limits()).isEqualTo(Limits.off());
		assertThat(o.config.latency()).isEqualTo(new SimulatorConfig.Latency(5, 10));
		assertThat(o.config.faults()).isEqualTo(new Faults(0.2, 0.01, 0.01, 0.01, 0.05));
		assertThat(o.config.strictAuth()).isTrue();
		assertThat(o.config.installedShare()).isEqualTo(0.5);
		SimulatorMain.Options p = SimulatorMain
			.parse(new String[] { "--no-thread-limits", "--graph-install-limit", "0" });
		assertThat(p.config.limits()).isEqualTo(new Limits(false, 50, 0));
		assertThatThrownBy(() -> SimulatorMain.parse(new String[] { "--bogus" }))
			.isInstanceOf(IllegalArgumentException.class);
		SimulatorMain.Options q = SimulatorMain
			.parse(new String[] { "--latency-dist", "tail", "--latency-ms", "50-300", "--retry-after-absent=0.3" });
		assertThat(q.config.latency())
			.isEqualTo(new SimulatorConfig.Latency(50, 300, SimulatorConfig.Latency.Distribution.TAIL));
		assertThat(q.retryAfterAbsentShare).isEqualTo(0.3);
		assertThatThrownBy(() -> SimulatorMain.parse(new String[] { "--latency-dist", "gaussian" }))
			.isInstanceOf(IllegalArgumentException.class);
	}

}
