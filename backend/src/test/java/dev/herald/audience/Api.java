package dev.herald.audience;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.support.TestIdentityProvider;

import static org.assertj.core.api.Assertions.assertThat;

/** A JSON API client with a bearer token, for the audience and install tests. */
public final class Api {

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final String baseUrl;

	private final String token;

	private Api(String baseUrl, String token) {
		this.baseUrl = baseUrl;
		this.token = token;
	}

	public static Api author(String baseUrl) {
		return new Api(baseUrl, TestIdentityProvider.accessToken("hr-system", "Herald.Author"));
	}

	public static Api admin(String baseUrl) {
		return new Api(baseUrl, TestIdentityProvider.accessToken("it-admin", "Herald.Admin"));
	}

	public HttpResponse<String> call(String method, String path, String contentType, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.baseUrl + path))
			.timeout(Duration.ofMinutes(2))
			.header("Accept", "application/json")
			.header("Authorization", "Bearer " + this.token);
		request.method(method,
				(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		if (contentType != null) {
			request.header("Content-Type", contentType);
		}
		try {
			return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Calls and expects the status; returns the JSON body. */
	public JsonNode json(String method, String path, Object body, int expected) {
		String text = (body == null) ? null : (body instanceof String s) ? s : JSON.writeValueAsString(body);
		HttpResponse<String> response = call(method, path, (text != null) ? "application/json" : null, text);
		assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isEqualTo(expected);
		return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
	}

	/** Runs a directory sync, waiting out one started by the schedule. */
	public JsonNode syncDirectory() {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (true) {
			HttpResponse<String> response = call("POST", "/api/v1/admin/directory/sync", null, null);
			if (response.statusCode() != 409 || System.nanoTime() > deadline) {
				assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
				return JSON.readTree(response.body());
			}
			try {
				Thread.sleep(200);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
	}

	public static JsonNode assertProblem(HttpResponse<String> response, int status) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		JsonNode problem = JSON.readTree(response.body());
		assertThat(problem.path("status").asInt()).isEqualTo(status);
		assertThat(problem.path("title").asString()).isNotBlank();
		return problem;
	}

}
