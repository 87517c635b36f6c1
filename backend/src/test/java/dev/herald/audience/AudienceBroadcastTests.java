package dev.herald.audience;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.herald.simulator.SimChannel;
import dev.herald.simulator.SimGroup;
import dev.herald.simulator.SimTeam;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestTenant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One announcement to a nested group, a team roster, a channel and a CSV reaches each
 * distinct person exactly once, guests excluded, through proactive installs into a tenant
 * where nobody has the app; the count the author saw equals the final outcomes.
 */
class AudienceBroadcastTests extends IntegrationTest {

	@BeforeEach
	void needsGraph() {
	}

	@Test
	void mixedAudienceReachesEachPersonOnceAndMatchesThePreview() {
		Api author = Api.author(baseUrl());
		Api.admin(baseUrl()).syncDirectory();

		SimGroup nested = TestTenant.smallestNestedGroup(this.simulator.tenant());
		SimTeam team = TestTenant.smallestTeam(this.simulator.tenant());
		SimChannel channel = team.channels().get(1);
		Set<String> groupMembers = this.simulator.tenant().transitiveUserIds(nested.id());
		// The CSV: people outside both, one already in the group, a guest, a stranger,
		// junk.
		List<SimUser> outside = this.simulator.tenant()
			.users()
			.stream()
			.filter((u) -> !u.guest() && !groupMembers.contains(u.id()) && !team.memberUserIds().contains(u.id()))
			.limit(4)
			.toList();
		SimUser inGroup = this.simulator.tenant().user(groupMembers.iterator().next());
		SimUser guest = this.simulator.tenant().users().stream().filter(SimUser::guest).findFirst().orElseThrow();
		String csv = "UserPrincipalName,Name\n" + outside.get(0).userPrincipalName() + ",a\n"
				+ outside.get(1).mail().toUpperCase() + ",b\n" + outside.get(2).userPrincipalName() + ",c\n"
				+ outside.get(3).mail() + ",d\n" + inGroup.userPrincipalName() + ",e\n" + guest.mail() + ",guest\n"
				+ "nobody-" + UUID.randomUUID() + "@example.org,f\n" + "not an address\n";

		JsonNode csvReport = csvReport(author, csv);
		assertThat(csvReport.path("rows").asInt()).isEqualTo(8);
		assertThat(csvReport.path("unmatched")).hasSize(2);
		assertThat(csvReport.path("unmatched").get(0).path("row").asInt()).isEqualTo(8);
		assertThat(csvReport.path("unmatched").get(1).path("row").asInt()).isEqualTo(9);
		assertThat(csvReport.path("matched").asInt()).isEqualTo(6);
		assertThat(csvReport.path("guests").asInt()).isEqualTo(1);

		Set<String> everyone = new LinkedHashSet<>(groupMembers);
		everyone.addAll(team.memberUserIds());
		outside.forEach((u) -> everyone.add(u.id()));
		everyone.add(inGroup.id());
		everyone.add(guest.id());
		Set<String> expected = new LinkedHashSet<>(everyone);
		expected.removeIf((id) -> this.simulator.tenant().user(id).guest());
		assertThat(expected).hasSizeLessThan(everyone.size());

		List<Object> entries = new java.util.ArrayList<>();
		entries.add(Map.of("kind", "GROUP", "ref", nested.id(), "label", nested.displayName()));
		entries.add(Map.of("kind", "TEAM", "ref", team.id(), "label", team.displayName()));
		entries
			.add(Map.of("kind", "CHANNEL", "ref", channel.id(), "teamId", team.id(), "label", channel.displayName()));
		csvReport.path("entries").forEach(entries::add);
		Map<String, Object> audience = Map.of("entries", entries);

		JsonNode preview = author.json("POST", "/api/v1/audiences/preview", audience, 200);
		assertThat(preview.path("people").asInt()).isEqualTo(expected.size());
		assertThat(preview.path("channels").asInt()).isEqualTo(1);
		assertThat(preview.path("recipients").asInt()).isEqualTo(expected.size() + 1);
		assertThat(preview.path("guestsExcluded").asInt()).isEqualTo(everyone.size() - expected.size());

		String marker = "aud-" + UUID.randomUUID();
		long id = author
			.json("POST", "/api/v1/announcements", Map.of("title", marker, "summary", "Mixed audience"), 201)
			.path("id")
			.asLong();
		author.json("PUT", "/api/v1/announcements/" + id + "/audience", audience, 200);
		author.json("POST", "/api/v1/announcements/" + id + "/send", null, 202);
		// The audience is frozen now: it can no longer change.
		Api.assertProblem(author.call("PUT", "/api/v1/announcements/" + id + "/audience", "application/json",
				"{\"entries\":[{\"kind\":\"EVERYONE\"}]}"), 409);

		Await.until(Duration.ofSeconds(90), "announcement sent", () -> "sent"
			.equals(author.json("GET", "/api/v1/announcements/" + id, null, 200).path("status").asString()));
		JsonNode counts = author.json("GET", "/api/v1/announcements/" + id, null, 200).path("counts");
		assertThat(counts.path("recipients").asInt()).isEqualTo(preview.path("recipients").asInt());
		assertThat(counts.path("delivered").asInt() + counts.path("failed").asInt() + counts.path("optedOut").asInt()
				+ counts.path("blocked").asInt())
			.isEqualTo(preview.path("recipients").asInt());
		assertThat(counts.path("delivered").asInt()).isEqualTo(expected.size() + 1);

		for (String person : everyone) {
			long received = this.simulator.inbox(person)
				.stream()
				.filter((activity) -> String.valueOf(activity).contains(marker))
				.count();
			assertThat(received).as("messages to %s", person).isEqualTo(expected.contains(person) ? 1 : 0);
		}
		assertThat(this.simulator.channelInbox(channel.id())
			.stream()
			.filter((activity) -> String.valueOf(activity).contains(marker))
			.count()).isEqualTo(1);
		Map<String, Object> deliveries = this.simulator.deliveries(marker);
		assertThat(deliveries.get("duplicated")).isEqualTo(0L);
		assertThat(deliveries.get("conversations")).isEqualTo((long) expected.size() + 1);
	}

	private static JsonNode csvReport(Api author, String csv) {
		var response = author.call("POST", "/api/v1/audiences/csv", "text/csv", csv);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return tools.jackson.databind.json.JsonMapper.shared().readTree(response.body());
	}

}
