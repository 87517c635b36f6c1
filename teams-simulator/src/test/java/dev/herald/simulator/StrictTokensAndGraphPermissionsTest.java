package dev.herald.simulator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The token endpoint is strict by default (secrets, exact scopes, certificate assertions,
 * tenants), Graph tokens carry the app's granted permissions as {@code roles}, and each
 * Graph path needs the permission Microsoft documents for it.
 */
class StrictTokensAndGraphPermissionsTest {

	static TeamsSimulator sim;

	static SimHttp http;

	@TempDir
	static Path dir;

	static X509Certificate certificate;

	static PrivateKey key;

	static X509Certificate otherCertificate;

	static PrivateKey otherKey;

	@BeforeAll
	static void start() throws Exception {
		sim = TeamsSimulator.start(SimulatorConfig.defaults().withUsers(50));
		http = new SimHttp(sim);
		KeyStore registered = keyStore("registered");
		certificate = (X509Certificate) registered.getCertificate("bot");
		key = (PrivateKey) registered.getKey("bot", "changeit".toCharArray());
		KeyStore other = keyStore("other");
		otherCertificate = (X509Certificate) other.getCertificate("bot");
		otherKey = (PrivateKey) other.getKey("bot", "changeit".toCharArray());
		sim.registerClientCertificate(sim.botAppId(), certificate);
	}

	@AfterAll
	static void stop() {
		sim.close();
	}

	@BeforeEach
	void defaults() {
		sim.setGraphPermissions(sim.botAppId(), SimulatorConfig.DEFAULT_GRAPH_PERMISSIONS);
	}

	@Test
	void strictIsTheDefault() {
		assertThat(SimulatorConfig.defaults().strictAuth()).isTrue();
		assertThat(SimulatorMain.parse(new String[0]).config.strictAuth()).isTrue();
		assertThat(SimulatorMain.parse(new String[] { "--lenient-auth" }).config.strictAuth()).isFalse();
		SimulatorMain.Options o = SimulatorMain
			.parse(new String[] { "--graph-permissions", "User.Read.All, AppCatalog.Read.All" });
		assertThat(o.graphPermissions).containsExactly("User.Read.All", "AppCatalog.Read.All");
	}

	@Test
	void wrongSecretAndInexactScopesAreRefused() {
		SimHttp.Response wrong = token("client_secret=wrong", "https://graph.microsoft.com/.default");
		assertThat(wrong.status()).isEqualTo(401);
		assertThat(wrong.json()).containsEntry("error_codes", List.of(7000215));
		for (String scope : List.of("https://graph.microsoft.com/User.Read.All",
				"https://graph.microsoft.com/.defaultx", "https://graph.microsoft.com",
				"https://api.botframework.com/.default/extra")) {
			SimHttp.Response r = token("client_secret=" + sim.clientSecret(), scope);
			assertThat(r.status()).as(scope).isEqualTo(400);
			assertThat(r.json()).as(scope).containsEntry("error", "invalid_scope");
		}
		assertThat(token("client_secret=" + sim.clientSecret(), "https://graph.microsoft.com/.default").status())
			.isEqualTo(200);
		assertThat(
				token("client_secret=" + sim.clientSecret(), "00000003-0000-0000-c000-000000000000/.default").status())
			.isEqualTo(200);
	}

	@Test
	void aCertificateAssertionIsCheckedForAudienceLifetimeThumbprintAndSignature() throws Exception {
		assertThat(assertion(UnaryOperator.identity(), key, certificate).status()).isEqualTo(200);

		assertRefused(assertion((c) -> c.audience("https://login.microsoftonline.com/other/oauth2/v2.0/token"), key,
				certificate), 700023);
		assertRefused(assertion((c) -> c.expirationTime(Date.from(Instant.now().minusSeconds(600))), key, certificate),
				700023);
		assertRefused(assertion((c) -> c.notBeforeTime(Date.from(Instant.now().plusSeconds(900))), key, certificate),
				700023);
		// Another issuer than the app makes it a federated assertion (workload
		// identity), which needs a matching federated credential: there is none.
		SimHttp.Response otherIssuer = assertion((c) -> c.issuer("someone-else"), key, certificate);
		assertThat(otherIssuer.status()).isEqualTo(400);
		assertThat(otherIssuer.json()).containsEntry("error_codes", List.of(70021));
		assertRefused(assertion((c) -> c.subject("someone-else"), key, certificate), 700023);
		// signed with another key but naming the registered certificate
		assertRefused(assertion(UnaryOperator.identity(), otherKey, certificate), 700027);
		// another certificate altogether
		assertRefused(assertion(UnaryOperator.identity(), otherKey, otherCertificate), 700027);
		// the registered key, but x5t names another certificate
		assertRefused(assertion(UnaryOperator.identity(), key, otherCertificate), 700027);
		// no thumbprint at all
		assertRefused(assertion(UnaryOperator.identity(), key, null), 700027);
		// no audience, no expiry
		assertRefused(assertion((c) -> c.audience((String) null), key, certificate), 700023);
		assertRefused(assertion((c) -> c.expirationTime(null), key, certificate), 700023);
		// lenient mode checks secrets no more, certificates still
		sim.setStrictAuth(false);
		try {
			assertRefused(assertion(UnaryOperator.identity(), otherKey, certificate), 700027);
		}
		finally {
			sim.setStrictAuth(true);
		}
	}

	@Test
	void graphTokensCarryTheGrantedPermissions() throws Exception {
		SignedJWT jwt = SignedJWT.parse(http.graphToken());
		assertThat(jwt.getJWTClaimsSet().getStringListClaim("roles"))
			.containsExactlyInAnyOrderElementsOf(SimulatorConfig.DEFAULT_GRAPH_PERMISSIONS);
		assertThat(SignedJWT.parse(http.botToken()).getJWTClaimsSet().getClaim("roles")).isNull();
	}

	@Test
	void eachGraphPathNeedsItsPermission() {
		String token = http.graphToken();
		String team = sim.tenant().teams().get(0).id();
		assertThat(http.get(sim.graphBaseUrl() + "/users?$top=1", token).status()).isEqualTo(200);
		assertThat(http.get(sim.graphBaseUrl() + "/teams/" + team + "/channels", token).status()).isEqualTo(200);

		sim.revokeGraphPermission(sim.botAppId(), "User.Read.All");
		SimHttp.Response users = http.get(sim.graphBaseUrl() + "/users?$top=1", token);
		assertThat(users.status()).isEqualTo(403);
		Map<String, Object> error = (Map<String, Object>) users.json().get("error");
		assertThat(error).containsEntry("code", "Authorization_RequestDenied")
			.containsEntry("message", "Insufficient privileges to complete the operation.")
			.containsKey("innerError");
		assertThat(sim.graphPermissionDenials()).anyMatch((d) -> d.startsWith("GET /v1.0/users"));
		// a higher permission that includes it is accepted
		sim.setGraphPermissions(sim.botAppId(), List.of("Directory.Read.All"));
		assertThat(http.get(sim.graphBaseUrl() + "/users?$top=1", http.graphToken()).status()).isEqualTo(200);

		sim.setGraphPermissions(sim.botAppId(), List.of("User.Read.All"));
		SimHttp.Response channels = http.get(sim.graphBaseUrl() + "/teams/" + team + "/channels", http.graphToken());
		assertThat(channels.status()).isEqualTo(403);
		Map<String, Object> teamsError = (Map<String, Object>) channels.json().get("error");
		assertThat(teamsError).containsEntry("code", "Forbidden");
		assertThat((String) teamsError.get("message")).startsWith("Missing role permissions on the request.")
			.contains("'Channel.ReadBasic.All, ")
			.contains("Roles on the request 'User.Read.All'");
		assertThat(http.get(sim.graphBaseUrl() + "/teams?$top=1", http.graphToken()).status()).isEqualTo(403);
		assertThat(http.get(sim.graphBaseUrl() + "/appCatalogs/teamsApps", http.graphToken()).status()).isEqualTo(403);
	}

	@Test
	void batchItemsAreCheckedOneByOne() {
		sim.revokeGraphPermission(sim.botAppId(), "GroupMember.Read.All");
		SimHttp.Response r = http.post(sim.graphBaseUrl() + "/$batch", http.graphToken(),
				Map.of("requests", List.of(Map.of("id", "1", "method", "GET", "url", "/users?$top=1"),
						Map.of("id", "2", "method", "GET", "url", "/groups?$top=1"))));
		assertThat(r.status()).isEqualTo(200);
		List<Object> responses = (List<Object>) r.json().get("responses");
		assertThat(responses).extracting((o) -> ((Map<String, Object>) o).get("status")).containsExactly(200, 403);
	}

	@Test
	void grantsCanBeChangedOverHttp() {
		String url = sim.baseUrl() + "/_sim/apps/" + sim.botAppId() + "/graph-permissions";
		assertThat(http.put(url, null, Map.of("permissions", List.of("User.Read.All"))).status()).isEqualTo(200);
		assertThat(sim.graphPermissions(sim.botAppId())).containsExactly("User.Read.All");
		assertThat((List<Object>) http.get(url, null).json().get("permissions")).containsExactly("User.Read.All");
	}

	@Test
	void graphReadsAreThrottledPerFamilyWithRetryAfter() {
		String token = http.graphToken();
		SimTeam team = sim.tenant().teams().get(2);
		try {
			// Graph's per-team limit is 4 per second; a fifth read of one team in the
			// same second is refused, another team's is not.
			int ok = 0;
			SimHttp.Response refused = null;
			for (int i = 0; i < 5; i++) {
				SimHttp.Response r = http.get(sim.graphBaseUrl() + "/teams/" + team.id() + "/channels", token);
				if (r.status() == 200) {
					ok++;
				}
				else {
					refused = r;
				}
			}
			assertThat(ok).isLessThanOrEqualTo(4);
			assertThat(refused).isNotNull();
			assertThat(refused.status()).isEqualTo(429);
			assertThat(refused.header("Retry-After")).matches("[1-9][0-9]*");
			assertThat((Map<String, Object>) refused.json().get("error")).containsEntry("code", "TooManyRequests");
			assertThat(http.get(sim.graphBaseUrl() + "/teams/" + sim.tenant().teams().get(3).id() + "/channels", token)
				.status()).isEqualTo(200);
			// installed apps and the catalog share 30 per second
			sim.setGraphReadLimits(2, 60, 4);
			int catalog = 0;
			for (int i = 0; i < 3; i++) {
				catalog += (http.get(sim.graphBaseUrl() + "/appCatalogs/teamsApps", token).status() == 429) ? 1 : 0;
			}
			assertThat(catalog).isPositive();
			assertThat(SimulatorMain.parse(new String[] { "--graph-read-limits", "0,0,0" }).graphReadLimits)
				.containsExactly(0, 0, 0);
		}
		finally {
			sim.setGraphReadLimits(30, 60, 4);
		}
	}

	private static SimHttp.Response token(String credential, String scope) {
		return http.postForm(sim.tokenUrl(), "grant_type=client_credentials&client_id=" + sim.botAppId() + "&"
				+ credential + "&scope=" + SimHttp.enc(scope));
	}

	private static void assertRefused(SimHttp.Response r, int code) {
		assertThat(r.status()).as(r.body()).isEqualTo(401);
		assertThat(r.json()).containsEntry("error", "invalid_client").containsEntry("error_codes", List.of(code));
	}

	@SuppressWarnings("deprecation")
	private static SimHttp.Response assertion(UnaryOperator<JWTClaimsSet.Builder> change, PrivateKey signer,
			X509Certificate named) throws Exception {
		Instant now = Instant.now();
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().audience(sim.tokenUrl())
			.issuer(sim.botAppId())
			.subject(sim.botAppId())
			.jwtID(UUID.randomUUID().toString())
			.notBeforeTime(Date.from(now))
			.expirationTime(Date.from(now.plusSeconds(600)));
		JWSHeader.Builder builder = new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT);
		if (named != null) {
			builder.x509CertThumbprint(Base64URL.encode(MessageDigest.getInstance("SHA-1").digest(named.getEncoded())));
		}
		JWSHeader header = builder.build();
		SignedJWT jwt = new SignedJWT(header, change.apply(claims).build());
		jwt.sign(new RSASSASigner(signer));
		return token("client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
				+ "&client_assertion=" + jwt.serialize(), "https://api.botframework.com/.default");
	}

	/** A self-signed RSA certificate made with the JDK's keytool. */
	private static KeyStore keyStore(String name) throws Exception {
		Path file = dir.resolve(name + ".p12");
		Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
		Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "bot", "-keyalg", "RSA",
				"-keysize", "2048", "-dname", "CN=sim-" + name, "-validity", "2", "-storetype", "PKCS12", "-keystore",
				file.toString(), "-storepass", "changeit", "-keypass", "changeit")
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor()).as(output).isZero();
		KeyStore store = KeyStore.getInstance("PKCS12");
		try (var in = Files.newInputStream(file)) {
			store.load(in, "changeit".toCharArray());
		}
		return store;
	}

}
