package dev.herald.simulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

/** Small HTTP client for tests: real HTTP against a started simulator. */
final class SimHttp {

	static final JsonMapper JSON = JsonMapper.builder().build();

	static final HttpClient CLIENT = HttpClient.newBuilder()
		.connectTimeout(Duration.ofSeconds(5))
		.version(HttpClient.Version.HTTP_1_1)
		.build();

	private final TeamsSimulator sim;

	SimHttp(TeamsSimulator sim) {
		this.sim = sim;
	}

	record Response(int status, String body, HttpResponse<String> raw) {

		Map<String, Object> json() {
			return JSON.readValue(this.body, Map.class);
		}

		List<Object> jsonList() {
			return JSON.readValue(this.body, List.class);
		}

		String header(String name) {
			return this.raw.headers().firstValue(name).orElse(null);
		}

	}

	String token(String scope) {
		Response r = postForm(this.sim.tokenUrl(), "grant_type=client_credentials&client_id=" + this.sim.botAppId()
				+ "&client_secret=" + this.sim.clientSecret() + "&scope=" + enc(scope));
		if (r.status() != 200) {
			throw new IllegalStateException(r.body());
		}
		return (String) r.json().get("access_token");
	}

	String botToken() {
		return token("https://api.botframework.com/.default");
	}

	String graphToken() {
		return token("https://graph.microsoft.com/.default");
	}

	static String enc(String s) {
		return URLEncoder.encode(s, StandardCharsets.UTF_8);
	}

	Response postForm(String url, String form) {
		return send(HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form))
			.build());
	}

	Response post(String url, String token, Object body) {
		HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString((body instanceof String s) ? s : JSON.writeValueAsString(body)));
		if (token != null) {
			b.header("Authorization", "Bearer " + token);
		}
		return send(b.build());
	}

	Response put(String url, String token, Object body) {
		HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
		if (token != null) {
			b.header("Authorization", "Bearer " + token);
		}
		return send(b.build());
	}

	Response delete(String url, String token) {
		return send(
				HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).DELETE().build());
	}

	Response get(String url, String token) {
		HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
		if (token != null) {
			b.header("Authorization", "Bearer " + token);
		}
		return send(b.build());
	}

	static Response send(HttpRequest request) {
		try {
			HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
			return new Response(r.statusCode(), r.body(), r);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static Map<String, Object> message(String text) {
		return Map.of("type", "message", "text", text);
	}

}
