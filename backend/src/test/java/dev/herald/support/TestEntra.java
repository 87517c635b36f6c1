package dev.herald.support;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.simulator.TeamsSimulator;

/**
 * Entra ID's signing keys for the tenant as Herald's tab sees them in tests: the
 * simulator's own (so the tokens its Teams host page signs stay valid) plus a key of this
 * class, so tests can sign Teams single sign-on tokens that break one rule at a time. The
 * simulator's JWKS is read on every request, as {@link TestChannel} does.
 */
public final class TestEntra {

	/** Teams web's client id: the {@code azp} of a token Teams asks for the tab. */
	public static final String TEAMS_WEB_CLIENT = "5e3ce6c0-2b1f-4285-8d4b-75ee78787346";

	private static final RSAKey KEY = generate("test-entra");

	/** A key in no JWKS Herald trusts for the tab. */
	private static final RSAKey STRANGER = generate("test-entra-stranger");

	private static TestEntra shared;

	private final HttpServer server;

	private final String simulatorKeysUrl;

	private final HttpClient http = HttpClient.newHttpClient();

	private TestEntra(String simulatorKeysUrl) throws IOException {
		this.simulatorKeysUrl = simulatorKeysUrl;
		this.server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
		this.server.createContext("/discovery/v2.0/keys", this::keys);
		this.server.start();
	}

	/** The shared stand-in, merging the keys of the shared simulator. */
	public static synchronized TestEntra get() {
		if (shared == null) {
			TeamsSimulator simulator = TestSimulator.get();
			try {
				shared = new TestEntra(simulatorKeysUrl(simulator));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			Runtime.getRuntime().addShutdownHook(new Thread(() -> shared.server.stop(0), "test-entra-stop"));
		}
		return shared;
	}

	/** Where the simulator publishes its Entra keys for its tenant. */
	public static String simulatorKeysUrl(TeamsSimulator simulator) {
		return simulator.baseUrl() + "/" + simulator.tenantId() + "/discovery/v2.0/keys";
	}

	/** Where Herald's tab reads the signing keys. */
	public String jwksUrl() {
		return "http://localhost:" + this.server.getAddress().getPort() + "/discovery/v2.0/keys";
	}

	public static RSAKey key() {
		return KEY;
	}

	public static RSAKey stranger() {
		return STRANGER;
	}

	/** The v2 issuer of a tenant. */
	public static String v2Issuer(String tenantId) {
		return "https://login.microsoftonline.com/" + tenantId + "/v2.0";
	}

	/** The v1 issuer of a tenant. */
	public static String v1Issuer(String tenantId) {
		return "https://sts.windows.net/" + tenantId + "/";
	}

	/**
	 * The claims of a good v2 Teams sign-on token for a person (as in Microsoft's
	 * example); tests change one thing at a time.
	 */
	public static JWTClaimsSet.Builder claims(String tenantId, String audience, String oid) {
		Instant now = Instant.now();
		return new JWTClaimsSet.Builder().issuer(v2Issuer(tenantId))
			.audience(audience)
			.issueTime(Date.from(now))
			.notBeforeTime(Date.from(now.minusSeconds(60)))
			.expirationTime(Date.from(now.plusSeconds(3600)))
			.claim("scp", "access_as_user")
			.claim("azp", TEAMS_WEB_CLIENT)
			.claim("azpacr", "0")
			.claim("tid", tenantId)
			.claim("oid", oid)
			.claim("name", "Test person")
			.claim("preferred_username", oid + "@contoso.example")
			.claim("ver", "2.0")
			.jwtID(UUID.randomUUID().toString());
	}

	/** Signs claims with RS256 and this stand-in's key. */
	public static String sign(JWTClaimsSet claims) {
		return TestChannelKeys.sign(KEY, claims);
	}

	private void keys(HttpExchange exchange) throws IOException {
		List<Object> keys = new ArrayList<>();
		keys.add(KEY.toPublicJWK().toJSONObject());
		JsonNode simulatorKeys = JsonMapper.shared().readTree(fetch(this.simulatorKeysUrl)).path("keys");
		simulatorKeys.forEach(keys::add);
		byte[] bytes = JsonMapper.shared().writeValueAsString(Map.of("keys", keys)).getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(200, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	private String fetch(String url) throws IOException {
		try {
			return this.http
				.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString())
				.body();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

	private static RSAKey generate(String kid) {
		try {
			return new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
