package dev.herald.approval;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

import dev.herald.api.ApiHttp;
import dev.herald.support.TestIdentityProvider;

import static org.assertj.core.api.Assertions.assertThat;

/** The governance API calls the tests make, over real HTTP with real tokens. */
public final class GovernanceApi {

	public static final String ADMIN = TestIdentityProvider.accessToken("gov-admin", "Herald.Admin");

	private final ApiHttp http;

	public GovernanceApi(String baseUrl) {
		this.http = new ApiHttp(baseUrl);
	}

	public static String token(String subject, String... roles) {
		return TestIdentityProvider.accessToken(subject, roles);
	}

	public HttpResponse<String> call(String method, String path, String token, String json) {
		return this.http.call(method, path, token, json);
	}

	public JsonNode ok(String method, String path, String token, String json) {
		HttpResponse<String> response = call(method, path, token, json);
		assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 299);
		return (response.body() == null || response.body().isBlank()) ? null : ApiHttp.read(response);
	}

	public void approval(String mode) {
		ok("PUT", "/api/v1/admin/settings", ADMIN, "{\"approval\":\"" + mode + "\"}");
	}

	public long create(String token, String title) {
		return create(token, title, "NORMAL");
	}

	public long create(String token, String title, String importance) {
		return ok("POST", "/api/v1/announcements", token,
				"{\"title\":\"" + title + "\",\"summary\":\"Governed.\",\"importance\":\"" + importance + "\"}")
			.path("id")
			.asLong();
	}

	public HttpResponse<String> setPeople(String token, long id, List<String> aadObjectIds) {
		String entries = String.join(",",
				aadObjectIds.stream().map((aad) -> "{\"kind\":\"PERSON\",\"ref\":\"" + aad + "\"}").toList());
		return call("PUT", "/api/v1/announcements/" + id + "/audience", token, "{\"entries\":[" + entries + "]}");
	}

	public HttpResponse<String> setGroup(String token, long id, String groupId) {
		return call("PUT", "/api/v1/announcements/" + id + "/audience", token,
				"{\"entries\":[{\"kind\":\"GROUP\",\"ref\":\"" + groupId + "\"}]}");
	}

	public HttpResponse<String> act(String token, long id, String action) {
		return call("POST", "/api/v1/announcements/" + id + "/" + action, token, null);
	}

	public HttpResponse<String> act(String token, long id, String action, String json) {
		return call("POST", "/api/v1/announcements/" + id + "/" + action, token, json);
	}

	public String status(long id) {
		return ok("GET", "/api/v1/announcements/" + id, ADMIN, null).path("status").asString();
	}

	public String approvalState(long id) {
		return ok("GET", "/api/v1/announcements/" + id + "/approval", ADMIN, null).path("state").asString();
	}

	/** The audit rows of one announcement, oldest first. */
	public List<JsonNode> audit(long id) {
		JsonNode page = ok("GET", "/api/v1/admin/audit?limit=500&announcement=" + id, ADMIN, null);
		List<JsonNode> rows = new java.util.ArrayList<>();
		page.path("items").forEach(rows::add);
		java.util.Collections.reverse(rows);
		return rows;
	}

	/** Rows of one action and actor since a given audit id. */
	public List<JsonNode> audit(String action, String actor, long afterId) {
		JsonNode page = ok("GET", "/api/v1/admin/audit?limit=500&action=" + action + "&actor=" + actor, ADMIN, null);
		List<JsonNode> rows = new java.util.ArrayList<>();
		page.path("items").forEach((r) -> {
			if (r.path("id").asLong() > afterId) {
				rows.add(r);
			}
		});
		return rows;
	}

	/** The newest audit id now (0 when the log is empty). */
	public long lastAuditId() {
		JsonNode items = ok("GET", "/api/v1/admin/audit?limit=1", ADMIN, null).path("items");
		return items.isEmpty() ? 0 : items.get(0).path("id").asLong();
	}

	public static Map<String, Long> countByAction(List<JsonNode> rows) {
		Map<String, Long> counts = new java.util.TreeMap<>();
		rows.forEach((r) -> counts.merge(r.path("action").asString(), 1L, Long::sum));
		return counts;
	}

}
