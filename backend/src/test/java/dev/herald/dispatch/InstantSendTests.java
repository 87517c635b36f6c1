package dev.herald.dispatch;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.herald.audience.Api;
import dev.herald.simulator.SimGroup;
import dev.herald.simulator.SimUser;
import dev.herald.simulator.SimulatorConfig;
import dev.herald.support.Await;
import dev.herald.support.BrowserSession;
import dev.herald.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A send answers at once and the audience is frozen in the background: the answer says
 * {@code preparing} while the group is still being read from Graph (every Graph page
 * takes 1.5 s here), cancel works meanwhile, and scheduled starts whose audience cannot
 * be read pause with their reason while the others start. What people received is read
 * from the simulator's inboxes.
 */
class InstantSendTests extends IntegrationTest {

	private static final SimulatorConfig.Latency SLOW_GRAPH = SimulatorConfig.Latency.fixed(1_500);

	@Test
	void sendAnswersWhileTheAudienceIsFrozenInTheBackground() {
		Api author = Api.author(baseUrl());
		List<SimUser> members = groupMembersWithTheApp();
		SimGroup group = this.group;
		String marker = "instant-" + UUID.randomUUID();
		long id = draft(author, marker, groupAudience(group));

		JsonNode sent;
		this.simulator.setLatency(SLOW_GRAPH);
		try {
			sent = author.json("POST", "/api/v1/announcements/" + id + "/send", null, 202);
			// Graph has not even answered the first page: the ledger cannot exist yet.
			assertThat(sent.path("status").asString()).isEqualTo("preparing");
			assertThat(sent.path("counts").path("recipients").asInt()).isZero();
			assertThat(sent.path("preparation").isObject()).isTrue();
			assertThat(author.json("GET", "/api/v1/announcements/" + id, null, 200).path("status").asString())
				.isEqualTo("preparing");
			String page = BrowserSession.signIn(baseUrl(), "megan@contoso.example", "Herald.Author")
				.get("/announcements/" + id)
				.body();
			assertThat(page).contains("id=\"preparing\"").contains("Preparing the audience").contains("id=\"cancel\"");
		}
		finally {
			this.simulator.setLatency(SimulatorConfig.Latency.none());
		}

		Await.until(Duration.ofSeconds(60), "announcement sent", () -> "sent"
			.equals(author.json("GET", "/api/v1/announcements/" + id, null, 200).path("status").asString()));
		JsonNode done = author.json("GET", "/api/v1/announcements/" + id, null, 200);
		assertThat(done.path("counts").path("recipients").asInt()).isEqualTo(members.size());
		assertThat(done.path("counts").path("delivered").asInt()).isEqualTo(members.size());
		assertThat(absent(done.path("preparation"))).isTrue();
		for (SimUser person : members) {
			assertThat(received(person, marker)).as("cards to " + person.userPrincipalName()).isEqualTo(1);
		}
		assertThat(this.jdbc.sql("SELECT count(*) FROM audience_snapshot WHERE announcement_id = :id")
			.param("id", id)
			.query(Long.class)
			.single()).as("snapshot rows left after the move").isZero();
	}

	@Test
	void cancelWorksWhileTheAudienceIsPrepared() {
		Api author = Api.author(baseUrl());
		List<SimUser> members = groupMembersWithTheApp();
		String marker = "canceled-" + UUID.randomUUID();
		long id = draft(author, marker, groupAudience(this.group));

		this.simulator.setLatency(SLOW_GRAPH);
		try {
			assertThat(
					author.json("POST", "/api/v1/announcements/" + id + "/send", null, 202).path("status").asString())
				.isEqualTo("preparing");
			assertThat(
					author.json("POST", "/api/v1/announcements/" + id + "/cancel", null, 200).path("status").asString())
				.isEqualTo("canceled");
			// The freezer notices at its next Graph page, drops its snapshot and lets go.
			Await.until(Duration.ofSeconds(30), "freeze abandoned",
					() -> count("SELECT count(*) FROM freeze_claim WHERE announcement_id = :id", id) == 0
							&& count("SELECT count(*) FROM audience_snapshot_member WHERE announcement_id = :id",
									id) == 0);
		}
		finally {
			this.simulator.setLatency(SimulatorConfig.Latency.none());
		}
		assertThat(count("SELECT count(*) FROM delivery WHERE announcement_id = :id", id)).isZero();
		assertThat(author.json("GET", "/api/v1/announcements/" + id, null, 200).path("status").asString())
			.isEqualTo("canceled");
		for (SimUser person : members) {
			assertThat(received(person, marker)).isZero();
		}
	}

	@Test
	void scheduledStartWhoseGroupCannotBeReadPausesWithItsReasonWhileOthersStart() {
		Api author = Api.author(baseUrl());
		SimUser person = groupMembersWithTheApp().get(0);
		String vanished = UUID.randomUUID().toString();
		String broken = "unreadable-" + UUID.randomUUID();
		String fine = "scheduled-" + UUID.randomUUID();
		long brokenId = draft(author, broken,
				Map.of("entries", List.of(Map.of("kind", "GROUP", "ref", vanished, "label", "Vanished group"))));
		long fineId = draft(author, fine, personAudience(person));
		for (long id : List.of(brokenId, fineId)) {
			author.json("POST", "/api/v1/announcements/" + id + "/schedule", Map.of("at",
					java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).plusHours(1).toString(), "zone", "UTC"), 200);
		}
		// Both fall due at the same moment.
		this.jdbc.sql("UPDATE announcement SET scheduled_at = now() - interval '1 second' WHERE id IN (:a, :b)")
			.param("a", brokenId)
			.param("b", fineId)
			.update();

		Await.until(Duration.ofSeconds(60), "the readable one sent", () -> "sent"
			.equals(author.json("GET", "/api/v1/announcements/" + fineId, null, 200).path("status").asString()));
		Await.until(Duration.ofSeconds(30), "the unreadable one paused", () -> "paused"
			.equals(author.json("GET", "/api/v1/announcements/" + brokenId, null, 200).path("status").asString()));
		JsonNode paused = author.json("GET", "/api/v1/announcements/" + brokenId, null, 200);
		assertThat(paused.path("pauseReason").asString()).contains("Vanished group").contains(vanished);
		assertThat(count("SELECT count(*) FROM delivery WHERE announcement_id = :id", brokenId)).isZero();
		String page = BrowserSession.signIn(baseUrl(), "megan@contoso.example", "Herald.Author")
			.get("/announcements/" + brokenId)
			.body();
		assertThat(page).contains("id=\"prepare-failed\"")
			.contains("The audience could not be prepared")
			.contains("Vanished group")
			.contains("id=\"resume\"");
		assertThat(received(person, fine)).isEqualTo(1);
		assertThat(received(person, broken)).isZero();

		// The author corrects the audience and resumes: it is prepared again and sent.
		author.json("PUT", "/api/v1/announcements/" + brokenId + "/audience", personAudience(person), 200);
		author.json("POST", "/api/v1/announcements/" + brokenId + "/resume", null, 200);
		Await.until(Duration.ofSeconds(60), "the corrected one sent", () -> "sent"
			.equals(author.json("GET", "/api/v1/announcements/" + brokenId, null, 200).path("status").asString()));
		assertThat(absent(author.json("GET", "/api/v1/announcements/" + brokenId, null, 200).path("pauseReason")))
			.isTrue();
		assertThat(received(person, broken)).isEqualTo(1);
	}

	private SimGroup group;

	/**
	 * A small group (no nested groups) where nobody opted out (other tests opt people
	 * out); its members who are not guests get the app, so every one of them can be
	 * messaged at once.
	 */
	private List<SimUser> groupMembersWithTheApp() {
		java.util.Set<String> optedOut = new java.util.HashSet<>(
				this.jdbc.sql("SELECT lower(aad_object_id) FROM opt_out WHERE opted_out").query(String.class).list());
		this.group = this.simulator.tenant()
			.groups()
			.stream()
			.filter((g) -> g.memberGroupIds().isEmpty())
			.filter((g) -> g.memberUserIds().size() >= 5)
			.filter((g) -> g.memberUserIds().stream().noneMatch((u) -> optedOut.contains(u.toLowerCase())))
			.min(Comparator.comparingInt((SimGroup g) -> g.memberUserIds().size()))
			.orElseThrow();
		List<SimUser> members = this.simulator.tenant()
			.transitiveUserIds(this.group.id())
			.stream()
			.map((userId) -> this.simulator.tenant().user(userId))
			.filter((u) -> !u.guest())
			.toList();
		members.forEach((u) -> this.simulator.installForUser(u.id()));
		Await.until(Duration.ofSeconds(20), "chats stored",
				() -> members.stream().allMatch((u) -> hasActiveChat(u.id())));
		return members;
	}

	private static boolean absent(JsonNode node) {
		return node.isNull() || node.isMissingNode();
	}

	private static Map<String, Object> groupAudience(SimGroup group) {
		return Map.of("entries", List.of(Map.of("kind", "GROUP", "ref", group.id(), "label", group.displayName())));
	}

	private static Map<String, Object> personAudience(SimUser person) {
		return Map.of("entries", List.of(Map.of("kind", "PERSON", "ref", person.id())));
	}

	private static long draft(Api author, String title, Map<String, Object> audience) {
		long id = author.json("POST", "/api/v1/announcements", Map.of("title", title), 201).path("id").asLong();
		author.json("PUT", "/api/v1/announcements/" + id + "/audience", audience, 200);
		return id;
	}

	private long received(SimUser person, String marker) {
		return this.simulator.inbox(person.id()).stream().filter((a) -> String.valueOf(a).contains(marker)).count();
	}

	private long count(String sql, long id) {
		return this.jdbc.sql(sql).param("id", id).query(Long.class).single();
	}

}
