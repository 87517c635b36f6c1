package dev.herald.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Topics an admin keeps (#24), made through the admin API as an admin would: tests that
 * give announcements a topic add it to the list first.
 */
public final class TestTopics {

	private static final HttpClient CLIENT = HttpClient.newHttpClient();

	private static final String ADMIN = TestIdentityProvider.accessToken("topics-admin", "Herald.Admin");

	private TestTopics() {
	}

	/** The id of the active topic of this name, added (or restored) when needed. */
	public static long ensure(String baseUrl, String name) {
		JsonNode created = JsonMapper.shared()
			.readTree(call(baseUrl, "POST", "/api/v1/admin/topics",
					"{\"name\":" + JsonMapper.shared().writeValueAsString(name) + "}")
				.body());
		if (created.path("id").isNumber()) {
			return created.path("id").asLong();
		}
		for (JsonNode topic : JsonMapper.shared().readTree(call(baseUrl, "GET", "/api/v1/admin/topics", null).body())) {
			if (topic.path("name").asString().equalsIgnoreCase(name)) {
				if (topic.path("archived").asBoolean()) {
					call(baseUrl, "PUT", "/api/v1/admin/topics/" + topic.path("id").asLong(), "{\"archived\":false}");
				}
				return topic.path("id").asLong();
			}
		}
		throw new IllegalStateException("Topic " + name + " could not be added: " + created);
	}

	private static HttpResponse<String> call(String baseUrl, String method, String path, String json) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
			.header("Accept", "application/json")
			.header("Authorization", "Bearer " + ADMIN);
		if (json != null) {
			request.header("Content-Type", "application/json");
		}
		request.method(method,
				(json != null) ? HttpRequest.BodyPublishers.ofString(json) : HttpRequest.BodyPublishers.noBody());
		try {
			return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
