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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.simulator.TeamsSimulator;

/**
 * The Bot Framework's OpenID metadata and JWKS as Herald sees them in tests: the
 * simulator's own signing keys (so its install callbacks stay valid) plus the keys of
 * {@link TestChannelKeys} (so tests can sign tokens that break one rule at a time). The
 * simulator's JWKS is read on every request, so a key it rotates is never stale here.
 */
public final class TestChannel {

	private static TestChannel shared;

	private final HttpServer server;

	private final String simulatorMetadataUrl;

	private final HttpClient http = HttpClient.newHttpClient();

	private TestChannel(String simulatorMetadataUrl) throws IOException {
		this.simulatorMetadataUrl = simulatorMetadataUrl;
		this.server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
		this.server.createContext("/v1/.well-known/openidconfiguration", this::metadata);
		this.server.createContext("/v1/.well-known/keys", this::keys);
		this.server.start();
	}

	/** The shared channel, merging the keys of the shared simulator. */
	public static synchronized TestChannel get() {
		if (shared == null) {
			try {
				shared = new TestChannel(TestSimulator.get().openIdMetadataUrl());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			Runtime.getRuntime().addShutdownHook(new Thread(() -> shared.server.stop(0), "test-channel-stop"));
		}
		return shared;
	}

	/** Where Herald reads the channel's OpenID metadata. */
	public String openIdMetadataUrl() {
		return "http://localhost:" + this.server.getAddress().getPort() + "/v1/.well-known/openidconfiguration";
	}

	/** Tokens as the simulator would mint them, for activities it cannot send itself. */
	public static String bearer(TeamsSimulator simulator) {
		return "Bearer " + TestChannelKeys.sign(TestChannelKeys.endorsed(),
				TestChannelKeys.claims(simulator.botAppId(), simulator.serviceUrl()).build());
	}

	private void metadata(HttpExchange exchange) throws IOException {
		String jwksUri = "http://localhost:" + this.server.getAddress().getPort() + "/v1/.well-known/keys";
		write(exchange, Map.of("issuer", TestChannelKeys.BOT_FRAMEWORK_ISSUER, "jwks_uri", jwksUri,
				"id_token_signing_alg_values_supported", List.of("RS256")));
	}

	private void keys(HttpExchange exchange) throws IOException {
		List<Object> keys = new ArrayList<>(TestChannelKeys.jwksEntries());
		JsonNode simulatorMetadata = JsonMapper.shared().readTree(fetch(this.simulatorMetadataUrl));
		JsonNode simulatorKeys = JsonMapper.shared()
			.readTree(fetch(simulatorMetadata.path("jwks_uri").asString()))
			.path("keys");
		simulatorKeys.forEach(keys::add);
		write(exchange, Map.of("keys", keys));
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

	private static void write(HttpExchange exchange, Object body) throws IOException {
		byte[] bytes = JsonMapper.shared().writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(200, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

}
