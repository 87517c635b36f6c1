package dev.herald.local;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.HeraldApplication;
import dev.herald.simulator.SimulatorConfig;
import dev.herald.simulator.TeamsSimulator;
import dev.herald.support.HeraldTestProperties;
import dev.herald.support.TestDatabase;

import org.springframework.boot.SpringApplication;

/**
 * Local mode: Herald with an embedded PostgreSQL (data kept in {@code .herald/}), the
 * Teams simulator with a seeded demo tenant, and a local OpenID provider for sign-in.
 * Lives in test scope, so none of it reaches the production artifact. Run with
 * {@code ./mvnw -pl backend -am spring-boot:test-run}.
 */
public final class LocalHerald {

	private static final Logger log = LoggerFactory.getLogger(LocalHerald.class);

	private LocalHerald() {
	}

	public static void main(String[] args) throws Exception {
		int heraldPort = intEnv("PORT", 8080);
		int simulatorPort = intEnv("HERALD_SIM_PORT", 8081);
		int oidcPort = intEnv("HERALD_OIDC_PORT", 8082);
		Path home = Path.of(System.getenv().getOrDefault("HERALD_HOME", ".herald")).toAbsolutePath();
		Files.createDirectories(home);

		TestDatabase.Connection db = TestDatabase.startEmbedded(home.resolve("postgres"));
		// Most demo users already have the app; the rest are for proactive installs.
		TeamsSimulator simulator = TeamsSimulator.start(SimulatorConfig.defaults()
			.withPort(simulatorPort)
			.withUsers(2000)
			.withInstalledShare(0.9)
			// Teams answers in 50-300 ms and leaves Retry-After out of some 429s: local
			// mode shows the same, a little milder (tests keep the simulator instant).
			.withLatency(new SimulatorConfig.Latency(30, 200))
			.withBotEndpoint("http://localhost:" + heraldPort + "/api/messages"));
		simulator.setRetryAfterAbsentShare(0.2);
		// API tokens of the local provider carry the tenant, as Entra's do; their
		// audience is the requested scope ("api" in the README's token command).
		MockOAuth2Server oidc = new MockOAuth2Server(
				new OAuth2Config(true, null, null, false, new no.nav.security.mock.oauth2.token.OAuth2TokenProvider(),
						java.util.Set.of(new DefaultOAuth2TokenCallback(IDP_ISSUER, "local", "JWT", null,
								Map.of("tid", simulator.tenantId()), 3600))));
		oidc.start(InetAddress.getByName("localhost"), oidcPort);
		String issuer = oidc.issuerUrl(IDP_ISSUER).toString();

		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("server.port", heraldPort);
		properties.put("spring.datasource.url", db.jdbcUrl());
		properties.put("spring.datasource.username", db.username());
		properties.put("spring.datasource.password", db.password());
		HeraldTestProperties.apply((key, value) -> properties.put(key, value.get()), simulator, issuer);
		properties.put("spring.security.oauth2.resourceserver.jwt.audiences", "api");
		// Local sign-ins have no Entra object id: their sub (the name typed) stands in.
		properties.put("herald.security.authors", "author,herald-cli");
		properties.put("herald.security.approvers", "approver,herald-approver-cli");
		properties.put("herald.security.admins", "admin,herald-admin-cli");
		properties.forEach((key, value) -> System.setProperty(key, String.valueOf(value)));

		// run() returns once Herald accepts requests, so the simulator's callbacks find
		// it up.
		SpringApplication.from(HeraldApplication::main).run(args);

		log.info(
				"""

						  Herald is running at http://localhost:{}
						    Sign in as "author" (Author), "approver" (Approver) or "admin" (Admin) on the local sign-in page: type the name, press Sign-in.
						    Employees' Teams chats (simulator): http://localhost:{}/_sim/
						    API token: curl -s -d grant_type=client_credentials -d client_id=herald-cli -d client_secret=x -d scope=api {}/token
						      (client_id herald-cli is an Author, herald-approver-cli an Approver, herald-admin-cli an Admin)
						""",
				heraldPort, simulatorPort, issuer);
		// Most demo users already have the app: Teams tells Herald through signed
		// callbacks.
		int installs = simulator.installForExisting();
		log.info("Simulator: the app is installed for {} demo users; their conversations are in Herald's store",
				installs);
		publishAppPackage(oidc, heraldPort, simulator);
	}

	/**
	 * Uploads Herald's app package to the simulated catalog, the way an admin automates
	 * it, so Teams grants what its manifest requests (read receipts).
	 */
	private static void publishAppPackage(MockOAuth2Server oidc, int heraldPort, TeamsSimulator simulator) {
		try {
			String token = oidc
				.issueToken(IDP_ISSUER, "local-admin", "api", Map.of("roles", java.util.List.of("Herald.Admin")))
				.serialize();
			java.net.http.HttpResponse<byte[]> zip = java.net.http.HttpClient.newHttpClient()
				.send(java.net.http.HttpRequest
					.newBuilder(java.net.URI.create("http://localhost:" + heraldPort + "/api/v1/admin/teams-app.zip"))
					.header("Authorization", "Bearer " + token)
					.build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
			if (zip.statusCode() == 200) {
				simulator.publishApp(zip.body());
				log.info("Simulator: Herald's Teams app package is in the catalog");
			}
			else {
				log.warn("Teams app package not fetched: HTTP {}", zip.statusCode());
			}
		}
		catch (Exception ex) {
			log.warn("Teams app package not uploaded to the simulator: {}", ex.toString());
		}
	}

	static final String IDP_ISSUER = "herald";

	private static int intEnv(String name, int fallback) {
		String value = System.getenv(name);
		return (value == null || value.isBlank()) ? fallback : Integer.parseInt(value.trim());
	}

}
