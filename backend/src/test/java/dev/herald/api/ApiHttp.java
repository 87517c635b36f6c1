package dev.herald.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real HTTP calls to the API, and the problem+json assertions every refusal must pass.
 */
public final class ApiHttp {

	public static final JsonMapper JSON = JsonMapper.shared();

	private static final HttpClient CLIENT = HttpClient.newHttpClient();

	private final String baseUrl;

	public ApiHttp(String baseUrl) {
		this.baseUrl = baseUrl;
	}

	public HttpResponse<String> call(String method, String path, String token, String json) {
		return call(method, path, token, json, Map.of());
	}

	public HttpResponse<String> call(String method, String path, String token, String json,
			Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.baseUrl + path))
			.header("Accept", "application/json");
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		headers.forEach(request::header);
		if (json != null) {
			request.header("Content-Type", "application/json");
		}
		request.method(method,
				(json != null) ? HttpRequest.BodyPublishers.ofString(json) : HttpRequest.BodyPublishers.noBody());
		return send(request.build());
	}

	public HttpResponse<String> send(HttpRequest request) {
		try {
			return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	public static JsonNode read(HttpResponse<String> response) {
		return JSON.readTree(response.body());
	}

	/** A 4xx with an RFC 9457 body whose status matches the response. */
	public static JsonNode assertProblem(HttpResponse<String> response, int status) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		JsonNode problem = read(response);
		assertThat(problem.path("status").asInt()).isEqualTo(status);
		assertThat(problem.path("title").asString()).isNotBlank();
		return problem;
	}

}
