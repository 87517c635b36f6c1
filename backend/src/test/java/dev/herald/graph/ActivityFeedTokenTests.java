package dev.herald.graph;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.herald.audience.Api;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Graph's activity feed refuses a token with less than 45 minutes of life (412): Herald
 * holds one (fetched while Entra issued 44-minute tokens, as a token cached for a quarter
 * of an hour would be) and sends an urgent announcement. The token is refreshed before
 * the feed call: the simulator never answers 412, and the report counts the person
 * alerted through the feed.
 */
class ActivityFeedTokenTests extends IntegrationTest {

	@Autowired
	private GraphToken graphToken;

	@AfterEach
	void restoreLifetime() {
		this.simulator.setTokenLifetimeSeconds(3599);
	}

	@SuppressWarnings("unchecked")
	private long preconditionFailures() {
		return ((Number) ((Map<String, Object>) this.simulator.stats().get("activityFeed"))
			.get("preconditionFailed412")).longValue();
	}

	@Test
	void aTokenWithLessThan45MinutesLeftIsRefreshedBeforeTheFeedCall() throws Exception {
		Api admin = Api.admin(baseUrl());
		HttpResponse<byte[]> zip = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/admin/teams-app.zip"))
				.header("Authorization", "Bearer " + TestIdentityProvider.accessToken("it-admin", "Herald.Admin"))
				.build(), HttpResponse.BodyHandlers.ofByteArray());
		this.simulator.publishApp(zip.body());
		SimUser person = installApp(152, 1).get(0);
		// Herald's cached Graph token now has 44 minutes left: good for any other Graph
		// call (it is refreshed 5 minutes before it expires), not for the feed.
		this.simulator.setTokenLifetimeSeconds(44 * 60);
		this.graphToken.source().invalidate();
		this.graphToken.source().token();
		this.simulator.setTokenLifetimeSeconds(3599);
		long refusedBefore = preconditionFailures();

		long id = admin
			.json("POST", "/api/v1/announcements", Map.of("title", "Gas leak in the basement", "importance", "URGENT"),
					201)
			.path("id")
			.asLong();
		admin.json("PUT", "/api/v1/announcements/" + id + "/audience",
				Map.of("entries", List.of(Map.of("kind", "PERSON", "ref", person.id()))), 200);
		admin.json("POST", "/api/v1/announcements/" + id + "/send", null, 202);
		Await.until(Duration.ofSeconds(60), "alerted through the feed",
				() -> admin.json("GET", "/api/v1/announcements/" + id + "/report", null, 200)
					.path("alerted")
					.path("feed")
					.path("total")
					.asLong() == 1);

		assertThat(preconditionFailures()).isEqualTo(refusedBefore);
		JsonNode alerted = admin.json("GET", "/api/v1/announcements/" + id + "/report", null, 200).path("alerted");
		assertThat(alerted.path("feedNotReached").asLong()).isZero();
		assertThat(this.simulator.activityFeed(person.id()).get(0).get("text").toString())
			.endsWith("Gas leak in the basement");
	}

}
