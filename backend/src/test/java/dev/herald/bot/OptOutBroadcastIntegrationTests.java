package dev.herald.bot;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.optout.OptOuts;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;
import dev.herald.support.TestTopics;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Opt-out end to end: Unsubscribe pressed → the next broadcast skips the person and
 * reports them as opted out; "start" typed → the following broadcast reaches them again.
 */
class OptOutBroadcastIntegrationTests extends IntegrationTest {

	private static final JsonMapper JSON = JsonMapper.shared();

	@Autowired
	private OptOuts optOuts;

	@Test
	void optedOutPeopleAreSkippedAndCountedUntilTheyComeBack() {
		List<SimUser> people = this.simulator.tenant()
			.users()
			.stream()
			.filter((u) -> !u.guest())
			.skip(40)
			.limit(2)
			.toList();
		SimUser leaver = people.get(0);
		SimUser stayer = people.get(1);
		people.forEach((u) -> this.simulator.installForUser(u.id()));
		Await.until(Duration.ofSeconds(20), "conversations stored", () -> this.jdbc.sql(
				"SELECT count(*) FROM conversation WHERE kind = 'personal' AND status = 'active' AND aad_object_id IN (:ids)")
			.param("ids", people.stream().map(SimUser::id).toList())
			.query(Long.class)
			.single() == 2);
		Activities activities = new Activities(this.simulator, baseUrl());
		String token = TestIdentityProvider.accessToken("hr-system", "Herald.Author");

		Activities.Reply unsubscribed = activities
			.post(activities.execute(leaver, Map.of("action", "unsubscribe", "announcementId", 1)));
		assertThat(unsubscribed.status()).isEqualTo(200);

		long first = broadcast(token, "Office closed on Monday");
		JsonNode counts = counts(token, first);
		assertThat(counts.path("optedOut").asInt()).isGreaterThanOrEqualTo(1);
		assertThat(cardsReceived(leaver.id(), first)).isZero();
		assertThat(cardsReceived(stayer.id(), first)).isEqualTo(1);
		assertThat(this.jdbc.sql("SELECT state FROM delivery WHERE announcement_id = :id AND recipient = :aad")
			.param("id", first)
			.param("aad", leaver.id())
			.query(String.class)
			.single()).isEqualTo("opted_out");

		// Critical announcements reach everyone; the card says why it cannot be
		// unsubscribed.
		long critical = broadcast(token, "Fire drill at 11:00", ",\"importance\":\"CRITICAL\"");
		assertThat(cardsReceived(leaver.id(), critical)).isEqualTo(1);
		assertThat(counts(token, critical).path("optedOut").asInt()).isZero();

		assertThat(activities.post(activities.message(leaver, "start")).status()).isEqualTo(200);

		long second = broadcast(token, "Office open again");
		assertThat(cardsReceived(leaver.id(), second)).isEqualTo(1);
		assertThat(cardsReceived(stayer.id(), second)).isEqualTo(1);

		// Leaving one topic keeps the others.
		TestTopics.ensure(baseUrl(), "canteen");
		TestTopics.ensure(baseUrl(), "facilities");
		this.optOuts.optOut(this.simulator.tenantId(), leaver.id(), "canteen", OptOuts.Source.ADMIN, null);
		long canteen = broadcast(token, "New canteen menu", ",\"topic\":\"canteen\"");
		assertThat(cardsReceived(leaver.id(), canteen)).isZero();
		assertThat(cardsReceived(stayer.id(), canteen)).isEqualTo(1);
		long general = broadcast(token, "Parking closed on Friday", ",\"topic\":\"facilities\"");
		assertThat(cardsReceived(leaver.id(), general)).isEqualTo(1);
	}

	private long broadcast(String token, String title) {
		return broadcast(token, title, "");
	}

	private long broadcast(String token, String title, String extraJson) {
		JsonNode created = JSON
			.readTree(call("POST", "/api/v1/announcements", token, "{\"title\":\"" + title + "\"" + extraJson + "}"));
		long id = created.path("id").asLong();
		call("POST", "/api/v1/announcements/" + id + "/send", token, null);
		Await.until(Duration.ofSeconds(30), "announcement " + id + " sent", () -> "sent"
			.equals(JSON.readTree(call("GET", "/api/v1/announcements/" + id, token, null)).path("status").asString()));
		return id;
	}

	private String call(String method, String path, String token, String json) {
		HttpResponse<String> response = api(method, path, token, json);
		assertThat(response.statusCode()).as(method + " " + path).isLessThan(300);
		return response.body();
	}

	private JsonNode counts(String token, long id) {
		return JSON.readTree(call("GET", "/api/v1/announcements/" + id, token, null)).path("counts");
	}

}
