package dev.herald.api;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;

import static dev.herald.api.ApiHttp.assertProblem;
import static dev.herald.api.ApiHttp.read;
import static org.assertj.core.api.Assertions.assertThat;

/** The API describes itself without a token, and refuses oversize JSON with 413. */
class OpenApiAndLimitsIntegrationTests extends IntegrationTest {

	@Test
	void openApiDescriptionAndSwaggerUiAreServedWithoutAToken() {
		ApiHttp http = new ApiHttp(baseUrl());
		HttpResponse<String> docs = http.call("GET", "/v3/api-docs", null, null);
		assertThat(docs.statusCode()).as(docs.body()).isEqualTo(200);
		JsonNode api = read(docs);
		assertThat(api.path("openapi").asString()).startsWith("3.");
		JsonNode paths = api.path("paths");
		assertThat(paths.has("/api/v1/announcements")).isTrue();
		assertThat(paths.has("/api/v1/announcements/{id}/deliveries")).isTrue();
		assertThat(paths.has("/api/v1/notifications")).isTrue();
		assertThat(paths.has("/api/v1/admin/clients")).isTrue();
		assertThat(paths.has("/api/messages")).as("the bot endpoint is not public API").isFalse();
		assertThat(paths.toString()).doesNotContain("\"/announcements/new\"");
		assertThat(api.path("components").path("securitySchemes").path("bearer").path("scheme").asString())
			.isEqualTo("bearer");
		JsonNode notify = paths.path("/api/v1/notifications").path("post");
		assertThat(notify.path("requestBody").path("content").has("application/json")).isTrue();
		assertThat(notify.path("parameters").toString()).contains("\"Idempotency-Key\"").doesNotContain("\"caller\"");
		assertThat(notify.path("responses").has("202")).isTrue();

		HttpResponse<String> ui = http
			.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/swagger-ui/index.html")).GET().build());
		assertThat(ui.statusCode()).isEqualTo(200);
		assertThat(ui.body()).contains("swagger-ui");
	}

	@Test
	void oversizeJsonIs413ProblemJsonWithOrWithoutContentLength() {
		ApiHttp http = new ApiHttp(baseUrl());
		String token = TestIdentityProvider.accessToken("hr-system", "Herald.Author");
		String huge = "{\"title\":\"Big\",\"summary\":\"" + "x".repeat(300 * 1024) + "\"}";
		long before = count();
		HttpResponse<String> declared = http.call("POST", "/api/v1/announcements", token, huge);
		assertThat(assertProblem(declared, 413).path("maxBytes").asLong()).isEqualTo(256 * 1024);

		// Chunked: no Content-Length, the limit is enforced while reading.
		byte[] bytes = huge.getBytes(StandardCharsets.UTF_8);
		HttpRequest chunked = HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/announcements"))
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofByteArray(bytes)))
			.build();
		assertProblem(http.send(chunked), 413);
		assertThat(count()).isEqualTo(before);

		// Just under the limit is parsed (and refused by validation, not by size).
		String large = "{\"title\":\"Big\",\"summary\":\"" + "x".repeat(200 * 1024) + "\"}";
		assertProblem(http.call("POST", "/api/v1/announcements", token, large), 400);
	}

	@Test
	void wrongMediaTypeAndMethodAreProblemJson() {
		ApiHttp http = new ApiHttp(baseUrl());
		String token = TestIdentityProvider.accessToken("hr-system", "Herald.Author");
		HttpResponse<String> xml = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/announcements"))
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "application/xml")
			.POST(HttpRequest.BodyPublishers.ofString("<title>x</title>"))
			.build());
		assertProblem(xml, 415);
		assertProblem(http.call("DELETE", "/api/v1/announcements", token, null), 405);
	}

	private long count() {
		return this.jdbc.sql("SELECT count(*) FROM announcement").query(Long.class).single();
	}

}
