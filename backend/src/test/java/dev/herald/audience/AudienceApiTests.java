package dev.herald.audience;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.herald.simulator.SimGroup;
import dev.herald.simulator.SimTeam;
import dev.herald.simulator.SimUser;
import dev.herald.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/** Pickers, settings, directory sync and the errors authors get, over real HTTP. */
class AudienceApiTests extends IntegrationTest {

	@BeforeEach
	void needsGraph() {
	}

	@Test
	void pickersFindGroupsTeamsChannelsAndPeopleByName() {
		Api author = Api.author(baseUrl());
		Api.admin(baseUrl()).syncDirectory();

		JsonNode groups = author.json("GET", "/api/v1/audiences/groups?q=Dept", null, 200);
		assertThat(groups).isNotEmpty();
		groups.forEach((g) -> assertThat(g.path("displayName").asString()).startsWith("Dept"));

		SimTeam team = this.simulator.tenant().teams().get(0);
		String prefix = team.displayName().substring(0, 6);
		JsonNode teams = author.json("GET", "/api/v1/audiences/teams?q=" + enc(prefix), null, 200);
		assertThat(teams.findValuesAsString("id")).contains(team.id());
		JsonNode channels = author.json("GET", "/api/v1/audiences/teams/" + team.id() + "/channels", null, 200);
		assertThat(channels.findValuesAsString("id"))
			.containsExactlyInAnyOrderElementsOf(team.channels().stream().map((c) -> c.id()).toList());

		SimUser someone = this.simulator.tenant().users().get(7);
		JsonNode people = author.json("GET", "/api/v1/audiences/people?q=" + enc(someone.userPrincipalName()), null,
				200);
		assertThat(people.findValuesAsString("id")).containsExactly(someone.id());
	}

	@Test
	void invalidAudiencesAreProblems() {
		Api author = Api.author(baseUrl());
		JsonNode missingRef = Api.assertProblem(author.call("POST", "/api/v1/audiences/preview", "application/json",
				"{\"entries\":[{\"kind\":\"GROUP\"}]}"), 400);
		assertThat(missingRef.path("errors").toString()).contains("ref");
		Api.assertProblem(author.call("POST", "/api/v1/audiences/preview", "application/json",
				"{\"entries\":[{\"kind\":\"PLANET\",\"ref\":\"x\"}]}"), 400);
		JsonNode unknownGroup = Api.assertProblem(author.call("POST", "/api/v1/audiences/preview", "application/json",
				"{\"entries\":[{\"kind\":\"GROUP\",\"ref\":\"00000000-0000-4000-8000-000000000000\"}]}"), 422);
		assertThat(unknownGroup.path("detail").asString()).contains("00000000-0000-4000-8000-000000000000");
		// Authors cannot change settings.
		Api.assertProblem(author.call("PUT", "/api/v1/admin/settings", "application/json", "{\"allowGuests\":true}"),
				403);
	}

	@Test
	void guestsCountOnlyWhenAnAdminAllowsThem() {
		Api author = Api.author(baseUrl());
		Api admin = Api.admin(baseUrl());
		admin.syncDirectory();
		SimGroup group = this.simulator.tenant()
			.groups()
			.stream()
			.filter((g) -> this.simulator.tenant()
				.transitiveUserIds(g.id())
				.stream()
				.anyMatch((id) -> this.simulator.tenant().user(id).guest()))
			.findFirst()
			.orElseThrow();
		long guests = this.simulator.tenant()
			.transitiveUserIds(group.id())
			.stream()
			.filter((id) -> this.simulator.tenant().user(id).guest())
			.count();
		int members = this.simulator.tenant().transitiveUserIds(group.id()).size();
		Map<String, Object> audience = Map.of("entries", List.of(Map.of("kind", "GROUP", "ref", group.id())));
		try {
			JsonNode without = author.json("POST", "/api/v1/audiences/preview", audience, 200);
			assertThat(without.path("people").asInt()).isEqualTo(members - guests);
			assertThat(without.path("guestsExcluded").asInt()).isEqualTo(guests);
			assertThat(admin.json("PUT", "/api/v1/admin/settings", Map.of("allowGuests", true), 200)
				.path("allowGuests")
				.asBoolean()).isTrue();
			JsonNode with = author.json("POST", "/api/v1/audiences/preview", audience, 200);
			assertThat(with.path("people").asInt()).isEqualTo(members);
			assertThat(with.path("guestsExcluded").asInt()).isZero();
		}
		finally {
			admin.json("PUT", "/api/v1/admin/settings", Map.of("allowGuests", false), 200);
		}
	}

	@Test
	void deltaSyncPicksUpNewAndRemovedPeople() {
		Api admin = Api.admin(baseUrl());
		admin.syncDirectory();
		SimUser added = this.simulator.tenant().addUser("Delta", "Newcomer", "Member");
		SimUser leaving = this.simulator.tenant().addUser("Delta", "Leaver", "Member");
		assertThat(admin.syncDirectory().path("full").asBoolean()).isFalse();
		assertThat(activeIds()).contains(leaving.id());
		this.simulator.tenant().removeUser(leaving.id());

		JsonNode round = admin.syncDirectory();
		assertThat(round.path("full").asBoolean()).isFalse();
		assertThat(this.jdbc.sql("SELECT upn FROM directory_user WHERE aad_object_id = :id AND NOT deleted")
			.param("id", added.id())
			.query(String.class)
			.optional()).contains(added.userPrincipalName());
		assertThat(this.jdbc.sql("SELECT deleted FROM directory_user WHERE aad_object_id = :id")
			.param("id", leaving.id())
			.query(Boolean.class)
			.single()).isTrue();

		// A lost deltaLink means a full round, which finds the same people.
		int before = activeUsers();
		this.jdbc.sql("UPDATE directory_sync SET delta_link = NULL").update();
		assertThat(admin.syncDirectory().path("full").asBoolean()).isTrue();
		// Disabled accounts and resource mailboxes are not people: never active.
		assertThat(activeUsers()).isEqualTo(before)
			.isEqualTo(this.simulator.tenant().users().stream().filter(this.simulator.tenant()::isPerson).count());
	}

	private List<String> activeIds() {
		return this.jdbc.sql("SELECT aad_object_id FROM directory_user WHERE NOT deleted").query(String.class).list();
	}

	private int activeUsers() {
		return this.jdbc.sql("SELECT count(*) FROM directory_user WHERE NOT deleted").query(Integer.class).single();
	}

	private static String enc(String value) {
		return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
	}

}
