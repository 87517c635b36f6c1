package dev.herald.bot;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.simulator.SimUser;
import dev.herald.simulator.TeamsSimulator;
import dev.herald.support.TestChannel;

/**
 * Activities as Teams sends them (protocol reference §4), for what the simulator cannot
 * post itself yet (messages, invokes, team installs), and the HTTP post to Herald.
 */
public final class Activities {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private final TeamsSimulator simulator;

	private final String endpoint;

	public Activities(TeamsSimulator simulator, String baseUrl) {
		this.simulator = simulator;
		this.endpoint = baseUrl + "/api/messages";
	}

	Map<String, Object> personal(String type, SimUser user) {
		Map<String, Object> a = new LinkedHashMap<>();
		a.put("type", type);
		a.put("id", "f:" + UUID.randomUUID());
		a.put("channelId", "msteams");
		a.put("serviceUrl", this.simulator.serviceUrl());
		a.put("from", Map.of("id", user.teamsUserId(), "name", user.displayName(), "aadObjectId", user.id()));
		a.put("conversation", Map.of("conversationType", "personal", "tenantId", this.simulator.tenantId(), "id",
				this.simulator.conversationIdFor(user.id())));
		a.put("recipient", Map.of("id", "28:" + this.simulator.botAppId(), "name", "Herald"));
		a.put("locale", user.preferredLanguage());
		a.put("channelData", Map.of("tenant", Map.of("id", this.simulator.tenantId())));
		return a;
	}

	public Map<String, Object> message(SimUser user, String text) {
		Map<String, Object> a = personal("message", user);
		a.put("text", text);
		return a;
	}

	/** Action.Execute on a broadcast card. */
	public Map<String, Object> execute(SimUser user, Map<String, Object> data) {
		Map<String, Object> a = personal("invoke", user);
		a.put("name", "adaptiveCard/action");
		a.put("value", Map.of("action", Map.of("type", "Action.Execute", "verb", data.get("action"), "data", data),
				"trigger", "manual"));
		return a;
	}

	/** Action.Submit: a message whose value is the action's data. */
	Map<String, Object> submit(SimUser user, Map<String, Object> data) {
		Map<String, Object> a = personal("message", user);
		a.put("value", data);
		return a;
	}

	/** A personal install for someone the simulator does not know. */
	Map<String, Object> installOfStranger(String aad) {
		Map<String, Object> a = new LinkedHashMap<>();
		a.put("type", "conversationUpdate");
		a.put("channelId", "msteams");
		a.put("serviceUrl", this.simulator.serviceUrl());
		a.put("from", Map.of("id", "29:" + aad, "aadObjectId", aad));
		a.put("membersAdded", List.of(Map.of("id", "28:" + this.simulator.botAppId()),
				Map.of("id", "29:" + aad, "aadObjectId", aad)));
		a.put("conversation",
				Map.of("conversationType", "personal", "tenantId", this.simulator.tenantId(), "id", "a:" + aad));
		a.put("recipient", Map.of("id", "28:" + this.simulator.botAppId()));
		a.put("channelData", Map.of("tenant", Map.of("id", this.simulator.tenantId())));
		return a;
	}

	public Reply post(Map<String, Object> activity) {
		return post(TestChannel.bearer(this.simulator), JsonMapper.shared().writeValueAsBytes(activity));
	}

	Reply post(String authorization, byte[] body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.endpoint))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofByteArray(body));
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		try {
			HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
			return new Reply(response.statusCode(), response.body());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	public record Reply(int status, String body) {

		JsonNode json() {
			return JsonMapper.shared().readTree(this.body);
		}

	}

}
