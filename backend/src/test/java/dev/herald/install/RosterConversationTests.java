package dev.herald.install;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.herald.audience.Api;
import dev.herald.simulator.SimTeam;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The roster route (#17): members of a team Herald is installed in, none with a personal
 * install, are reached through conversations Herald creates with
 * {@code POST /v3/conversations}, side by side with Graph installs, or alone when
 * proactive installation is off; someone outside every such team goes through Graph. What
 * people received is read from the simulator's inboxes.
 */
class RosterConversationTests extends IntegrationTest {

	private static final Duration WAIT = Duration.ofSeconds(60);

	@Test
	void teamMembersAreReachedPartlyThroughCreatedConversationsAndOutsidersThroughGraph() {
		Api author = Api.author(baseUrl());
		Api.admin(baseUrl()).syncDirectory();
		List<SimTeam> teams = List.of(this.simulator.tenant().teams().get(3), this.simulator.tenant().teams().get(4));
		teams.forEach(this::installInTeam);
		List<SimUser> members = uninstalledMembers(teams);
		SimUser outsider = this.simulator.tenant()
			.users()
			.stream()
			.filter((u) -> !u.guest() && !this.simulator.isInstalled(u.id()) && !knownFromRoster(u))
			.filter((u) -> teams.stream().noneMatch((t) -> t.memberUserIds().contains(u.id())))
			.skip(40)
			.findFirst()
			.orElseThrow();
		assertThat(members).hasSizeGreaterThan(20);
		long createdBefore = stat("conversationsCreated");

		List<SimUser> audience = new ArrayList<>(members);
		audience.add(outsider);
		long id = send(author, audience, "roster-");

		audience.forEach((u) -> assertThat(cardsReceived(u.id(), id)).as(u.displayName()).isEqualTo(1));
		List<String> routes = routes(members);
		assertThat(routes).as("part of them through created conversations").contains("conversation");
		assertThat(routes).containsOnly("conversation", "graph");
		assertThat(stat("conversationsCreated") - createdBefore)
			.isEqualTo(routes.stream().filter("conversation"::equals).count());
		assertThat(routes(List.of(outsider))).containsExactly("graph");
		// Stored and reused: the chat Herald created is the one Teams gives for this
		// person.
		SimUser viaConversation = members.stream()
			.filter((u) -> "conversation".equals(routes(List.of(u)).get(0)))
			.findFirst()
			.orElseThrow();
		assertThat(this.jdbc.sql("""
				SELECT conversation_id FROM conversation WHERE kind = 'personal' AND lower(aad_object_id) = :aad
				""").param("aad", viaConversation.id()).query(String.class).single())
			.isEqualTo(this.simulator.conversationIdFor(viaConversation.id()));
	}

	@Test
	void withProactiveInstallOffTeamMembersAreStillReachedThroughCreatedConversationsOnly() {
		Api author = Api.author(baseUrl());
		Api admin = Api.admin(baseUrl());
		admin.syncDirectory();
		SimTeam team = this.simulator.tenant().teams().get(5);
		installInTeam(team);
		List<SimUser> members = uninstalledMembers(List.of(team));
		assertThat(members).hasSizeGreaterThan(5);
		long graphInstallsBefore = stat("graphInstalls");
		admin.json("PUT", "/api/v1/admin/settings", Map.of("proactiveInstall", false), 200);
		long id;
		try {
			id = send(author, members, "roster-only-");
		}
		finally {
			admin.json("PUT", "/api/v1/admin/settings", Map.of("proactiveInstall", true), 200);
		}
		members.forEach((u) -> assertThat(cardsReceived(u.id(), id)).as(u.displayName()).isEqualTo(1));
		assertThat(routes(members)).containsOnly("conversation");
		assertThat(stat("graphInstalls")).isEqualTo(graphInstallsBefore);
	}

	private void installInTeam(SimTeam team) {
		this.simulator.installInTeam(team.id());
		Await.until(WAIT, "roster of " + team.displayName() + " stored",
				() -> this.jdbc.sql("SELECT count(*) FROM team_member WHERE team_id = :team AND NOT removed")
					.param("team", team.threadId())
					.query(Long.class)
					.single() == team.memberUserIds().size());
	}

	private List<SimUser> uninstalledMembers(List<SimTeam> teams) {
		Set<String> ids = new java.util.LinkedHashSet<>();
		teams.forEach((t) -> ids.addAll(t.memberUserIds()));
		return ids.stream()
			.map((id) -> this.simulator.tenant().user(id))
			.filter((u) -> !u.guest() && !this.simulator.isInstalled(u.id()) && !hasActiveChat(u.id()))
			.toList();
	}

	private boolean knownFromRoster(SimUser u) {
		return this.jdbc.sql("SELECT count(*) FROM team_member WHERE lower(aad_object_id) = :aad")
			.param("aad", u.id())
			.query(Long.class)
			.single() > 0;
	}

	private long send(Api author, List<SimUser> people, String prefix) {
		String marker = prefix + UUID.randomUUID();
		long id = author.json("POST", "/api/v1/announcements", Map.of("title", marker), 201).path("id").asLong();
		author.json("PUT", "/api/v1/announcements/" + id + "/audience", Map.of("entries",
				people.stream().map((p) -> Map.of("kind", "PERSON", "ref", p.id(), "label", p.displayName())).toList()),
				200);
		author.json("POST", "/api/v1/announcements/" + id + "/send", null, 202);
		Await.until(WAIT, "announcement sent", () -> "sent"
			.equals(author.json("GET", "/api/v1/announcements/" + id, null, 200).path("status").asString()));
		var counts = author.json("GET", "/api/v1/announcements/" + id, null, 200).path("counts");
		assertThat(counts.path("delivered").asInt()).isEqualTo(people.size());
		return id;
	}

	private List<String> routes(List<SimUser> people) {
		return people.stream()
			.map((u) -> this.jdbc.sql("SELECT resolved_by FROM app_install WHERE aad_object_id = :aad")
				.param("aad", u.id())
				.query(String.class)
				.single())
			.toList();
	}

	private long stat(String name) {
		return ((Number) this.simulator.stats().get(name)).longValue();
	}

}
