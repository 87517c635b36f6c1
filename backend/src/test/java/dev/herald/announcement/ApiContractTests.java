package dev.herald.announcement;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.support.BrowserSession;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input and missing rights get clear 4xx answers, never a 5xx, and change nothing.
 */
class ApiContractTests extends IntegrationTest {

	private static final JsonMapper JSON = JsonMapper.shared();

	@Test
	void noTokenIs401ProblemJson() {
		HttpResponse<String> response = call("GET", "/api/v1/announcements", null, null);
		assertThat(response.statusCode()).isEqualTo(401);
		assertProblem(response);
	}

	@Test
	void tokenWithoutHeraldRoleIs403() {
		String token = TestIdentityProvider.accessToken("random-app");
		HttpResponse<String> response = call("GET", "/api/v1/announcements", token, null);
		assertThat(response.statusCode()).isEqualTo(403);
		assertProblem(response);
	}

	@Test
	void forgedTokenIs401() {
		String token = TestIdentityProvider.accessToken("hr-system", "Herald.Author");
		String[] parts = token.split("\\.");
		String forged = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
		assertThat(call("GET", "/api/v1/announcements", forged, null).statusCode()).isEqualTo(401);
	}

	@Test
	void invalidFieldsAre400WithFieldMessages() {
		String token = TestIdentityProvider.accessToken("hr-system", "Herald.Author");
		long before = count();
		HttpResponse<String> response = call("POST", "/api/v1/announcements", token,
				"{\"title\":\"\",\"imageUrl\":\"javascript:alert(1)\",\"buttons\":[{\"title\":\"Open\"}]}");
		assertThat(response.statusCode()).isEqualTo(400);
		JsonNode problem = assertProblem(response);
		assertThat(problem.path("errors").has("title")).isTrue();
		assertThat(problem.path("errors").has("imageUrl")).isTrue();
		assertThat(problem.path("errors").has("buttons[0].complete")).isTrue();
		assertThat(count()).isEqualTo(before);
	}

	@Test
	void malformedJsonAndWrongTypesAre400() {
		String token = TestIdentityProvider.accessToken("hr-system", "Herald.Author");
		assertThat(call("POST", "/api/v1/announcements", token, "{\"title\": ").statusCode()).isEqualTo(400);
		assertThat(call("POST", "/api/v1/announcements", token, "{\"title\": {\"a\":1}}").statusCode()).isEqualTo(400);
		assertThat(call("GET", "/api/v1/announcements?limit=abc", token, null).statusCode()).isEqualTo(400);
		assertThat(call("GET", "/api/v1/announcements?limit=100000", token, null).statusCode()).isEqualTo(400);
	}

	@Test
	void unknownIdIs404() {
		String token = TestIdentityProvider.accessToken("hr-system", "Herald.Author");
		HttpResponse<String> response = call("GET", "/api/v1/announcements/987654321", token, null);
		assertThat(response.statusCode()).isEqualTo(404);
		assertProblem(response);
		assertThat(call("POST", "/api/v1/announcements/987654321/send", token, null).statusCode()).isEqualTo(404);
	}

	@Test
	void formsRejectRequestsWithoutCsrfToken() {
		BrowserSession author = BrowserSession.signIn(baseUrl(), "megan@contoso.example", "Herald.Author");
		long before = count();
		HttpResponse<String> response = author.post("/announcements/new", Map.of("title", "No token"));
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(count()).isEqualTo(before);
	}

	@Test
	void scriptInATitleIsShownAsText() {
		BrowserSession author = BrowserSession.signIn(baseUrl(), "megan@contoso.example", "Herald.Author");
		HttpResponse<String> created = author.submit("/announcements/new", "/announcements/new",
				Map.of("title", "<script>alert('x')</script>", "summary", "<img src=x onerror=alert(1)>"));
		assertThat(created.statusCode()).isEqualTo(200);
		assertThat(created.body()).doesNotContain("<script>alert('x')</script>")
			.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
			.doesNotContain("<img src=x onerror");
	}

	@Test
	void peopleWithoutARoleCannotUseTheUi() {
		TestIdentityProvider.nextSignIn("visitor@contoso.example");
		BrowserSession visitor = new BrowserSession(baseUrl());
		assertThat(visitor.get("/announcements").statusCode()).isEqualTo(403);
	}

	private long count() {
		return this.jdbc.sql("SELECT count(*) FROM announcement").query(Long.class).single();
	}

	private static JsonNode assertProblem(HttpResponse<String> response) {
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		JsonNode problem = JSON.readTree(response.body());
		assertThat(problem.path("status").asInt()).isEqualTo(response.statusCode());
		assertThat(problem.path("title").asString()).isNotBlank();
		return problem;
	}

	private HttpResponse<String> call(String method, String path, String token, String json) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path))
			.header("Accept", "application/json");
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		request.method(method,
				(json != null) ? HttpRequest.BodyPublishers.ofString(json) : HttpRequest.BodyPublishers.noBody());
		if (json != null) {
			request.header("Content-Type", "application/json");
		}
		try {
			return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
