package dev.herald.audience;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.herald.simulator.SimChannel;
import dev.herald.simulator.SimGroup;
import dev.herald.simulator.SimTeam;
import dev.herald.simulator.SimTenant.AccountKind;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator's seeded tenant is as untidy as a real one (#27): leavers with disabled
 * accounts, room, equipment and shared mailboxes, people who blocked the bot, people
 * without a Teams licence, a moderated channel, and an admin who can block the app.
 * Herald counts and installs only people, marks the blocked once, fails the unlicensed
 * and the moderated channel with a reason, and pauses a send the admin blocked.
 */
class RealisticTenantTests extends IntegrationTest {

	@Test
	void theSeededTenantHoldsEveryKindOfAccount() throws Exception {
		JsonNode tenant = tools.jackson.databind.json.JsonMapper.shared()
			.readTree(simGet("/_sim/tenant"))
			.path("realisticTenant");
		for (AccountKind kind : List.of(AccountKind.DISABLED, AccountKind.ROOM, AccountKind.EQUIPMENT,
				AccountKind.SHARED_MAILBOX, AccountKind.BLOCKED, AccountKind.UNLICENSED)) {
			assertThat(tenant.path(kind.name())).as(kind.name()).isNotEmpty();
		}
		assertThat(tenant.path("moderatedChannels")).hasSize(1);
		// Graph shows what Herald can tell them apart by.
		SimUser room = this.simulator.tenant().accounts(AccountKind.ROOM).get(0);
		SimUser unlicensed = this.simulator.tenant().accounts(AccountKind.UNLICENSED).get(0);
		assertThat(this.simulator.tenant().accountEnabled(room)).isFalse();
		assertThat(this.simulator.tenant().teamsLicence(unlicensed)).isFalse();
	}

	@Test
	void peopleWhoAreNotPeopleAreNeverCountedNorInstalledAndBlockedAndUnlicensedHaveTheirReason() {
		Api author = Api.author(baseUrl());
		Api.admin(baseUrl()).syncDirectory();
		SimGroup building = this.simulator.tenant().groupNamed("Building Services");
		List<SimUser> members = building.memberUserIds().stream().map(this.simulator.tenant()::user).toList();
		List<SimUser> notPeople = members.stream().filter((u) -> !this.simulator.tenant().isPerson(u)).toList();
		List<SimUser> blocked = this.simulator.tenant().accounts(AccountKind.BLOCKED);
		List<SimUser> unlicensed = this.simulator.tenant().accounts(AccountKind.UNLICENSED);
		assertThat(notPeople).hasSizeGreaterThanOrEqualTo(5);
		// Nobody who is not a person is in the directory Herald counts from.
		Set<String> active = Set.copyOf(
				this.jdbc.sql("SELECT aad_object_id FROM directory_user WHERE NOT deleted").query(String.class).list());
		notPeople.forEach((u) -> assertThat(active).as(u.displayName()).doesNotContain(u.id()));
		// People who blocked the bot had it: Teams told Herald when they installed.
		blocked.forEach((u) -> this.simulator.installForUser(u.id()));

		Map<String, Object> audience = Map.of("entries",
				List.of(Map.of("kind", "GROUP", "ref", building.id(), "label", building.displayName())));
		JsonNode preview = author.json("POST", "/api/v1/audiences/preview", audience, 200);
		long people = members.stream().filter((u) -> this.simulator.tenant().isPerson(u) && !u.guest()).count();
		assertThat(preview.path("people").asLong()).isEqualTo(people);

		String marker = "realistic-" + UUID.randomUUID();
		long id = author.json("POST", "/api/v1/announcements", Map.of("title", marker, "summary", "Fire drill"), 201)
			.path("id")
			.asLong();
		author.json("PUT", "/api/v1/announcements/" + id + "/audience", audience, 200);
		author.json("POST", "/api/v1/announcements/" + id + "/send", null, 202);
		Await.until(Duration.ofSeconds(90), "announcement sent", () -> "sent"
			.equals(author.json("GET", "/api/v1/announcements/" + id, null, 200).path("status").asString()));

		JsonNode counts = author.json("GET", "/api/v1/announcements/" + id, null, 200).path("counts");
		assertThat(counts.path("recipients").asLong()).isEqualTo(people);
		assertThat(counts.path("blocked").asInt()).isEqualTo(blocked.size());
		Map<String, JsonNode> rows = deliveries(author, id);
		assertThat(rows).hasSize((int) people);
		for (SimUser u : notPeople) {
			assertThat(rows).as("ledger row of %s", u.displayName()).doesNotContainKey(u.id());
			assertThat(this.simulator.installRequests(u.id())).as("installs of %s", u.displayName()).isZero();
			// Only this announcement: earlier classes' broadcasts went out before the
			// directory sync had told Herald who is not a person.
			assertThat(this.simulator.inbox(u.id())).as("cards of %s", u.displayName())
				.noneMatch((activity) -> String.valueOf(activity).contains(marker));
		}
		for (SimUser u : blocked) {
			JsonNode row = rows.get(u.id());
			assertThat(row.path("state").asString()).isEqualTo("blocked");
			assertThat(row.path("attempts").asInt()).as("never retried").isEqualTo(1);
			assertThat(row.path("reason").asString()).containsAnyOf("ConversationBlockedByUser", "209",
					"MessageWritesBlocked");
			assertThat(cardsReceived(u.id(), id)).isZero();
		}
		for (SimUser u : unlicensed) {
			JsonNode row = rows.get(u.id());
			assertThat(row.path("state").asString()).isEqualTo("failed");
			assertThat(row.path("reason").asString()).startsWith("No Teams licence");
			assertThat(this.simulator.installRequests(u.id())).as("asked Graph once").isEqualTo(1);
		}
		assertThat(this.jdbc.sql("""
				SELECT count(*) FROM conversation WHERE status = 'blocked' AND lower(aad_object_id) IN (:ids)
				""").param("ids", blocked.stream().map(SimUser::id).toList()).query(Long.class).single())
			.isEqualTo(blocked.size());
		// Everyone else who is reachable got the card once (unless an earlier test opted
		// them out).
		Set<String> optedOut = Set.copyOf(
				this.jdbc.sql("SELECT lower(aad_object_id) FROM opt_out WHERE opted_out").query(String.class).list());
		for (SimUser u : members) {
			if (this.simulator.tenant().reachable(u) && !u.guest() && !optedOut.contains(u.id())) {
				assertThat(cardsReceived(u.id(), id)).as("cards to %s", u.displayName()).isEqualTo(1);
			}
		}
		// Nothing is retried later.
		// Judged per person: the simulator's 403 counter is shared with other classes'
		// sends.
		sleep(Duration.ofSeconds(2));
		Map<String, JsonNode> later = deliveries(author, id);
		assertThat(later.values()
			.stream()
			.filter((r) -> Set.of("pending", "installing", "in_flight").contains(r.path("state").asString())))
			.isEmpty();
		unlicensed.forEach((u) -> assertThat(this.simulator.installRequests(u.id())).isEqualTo(1));
		for (SimUser u : blocked) {
			assertThat(later.get(u.id()).path("attempts").asInt()).as("%s not retried", u.displayName()).isEqualTo(1);
			assertThat(cardsReceived(u.id(), id)).isZero();
		}
	}

	@Test
	void aModeratedChannelFailsWithAClearReason() {
		Api author = Api.author(baseUrl());
		String channelId = this.simulator.tenant().moderatedChannels().iterator().next();
		SimChannel channel = this.simulator.tenant().channel(channelId);
		SimTeam team = this.simulator.tenant().team(channel.teamId());
		String marker = "moderated-" + UUID.randomUUID();
		long id = author.json("POST", "/api/v1/announcements", Map.of("title", marker, "summary", "Board news"), 201)
			.path("id")
			.asLong();
		author.json("PUT", "/api/v1/announcements/" + id + "/audience", Map.of("entries", List
			.of(Map.of("kind", "CHANNEL", "ref", channel.id(), "teamId", team.id(), "label", channel.displayName()))),
				200);
		author.json("POST", "/api/v1/announcements/" + id + "/send", null, 202);
		Await.until(Duration.ofSeconds(60), "announcement finished", () -> Set.of("sent", "paused")
			.contains(author.json("GET", "/api/v1/announcements/" + id, null, 200).path("status").asString()));

		List<JsonNode> rows = new ArrayList<>(deliveries(author, id).values());
		assertThat(rows).hasSize(1);
		assertThat(rows.get(0).path("state").asString()).isEqualTo("failed");
		assertThat(rows.get(0).path("reason").asString()).contains("channel is moderated")
			.contains("Allow bots to submit messages");
		assertThat(this.simulator.channelInbox(channel.id())
			.stream()
			.filter((activity) -> String.valueOf(activity).contains(marker))).isEmpty();
		// The channel is not marked blocked: once an owner lets bots post, it works.
		assertThat(this.jdbc.sql("SELECT count(*) FROM conversation WHERE channel_id = :c AND status = 'blocked'")
			.param("c", channel.id())
			.query(Long.class)
			.single()).isZero();
	}

	@Test
	void anAdminBlockPausesTheSendWithTheReasonAndAResumeAfterItIsLiftedSendsTheRest() {
		Api author = Api.author(baseUrl());
		List<SimUser> people = seedChats("admin-block", 4, (u) -> true);
		String marker = "admin-block-" + UUID.randomUUID();
		long id = author.json("POST", "/api/v1/announcements", Map.of("title", marker, "summary", "Payday"), 201)
			.path("id")
			.asLong();
		// The admin blocks the app through the simulator's control API, as in Teams'
		// admin center.
		assertThat(simPost("/_sim/config", "{\"appBlockedByAdmin\":true}")).contains("\"appBlockedByAdmin\":true");
		try {
			author.json("POST", "/api/v1/announcements/" + id + "/send", null, 202);
			Await.until(Duration.ofSeconds(60), "announcement paused", () -> "paused"
				.equals(author.json("GET", "/api/v1/announcements/" + id, null, 200).path("status").asString()));
			JsonNode paused = author.json("GET", "/api/v1/announcements/" + id, null, 200);
			assertThat(paused.path("pauseReason").asString()).contains("tenant admin blocked Herald's app");
			assertThat(paused.path("counts").path("failed").asInt()).isZero();
			assertThat(paused.path("counts").path("blocked").asInt()).isZero();
			people.forEach((u) -> assertThat(cardsReceived(u.id(), id)).isZero());
		}
		finally {
			simPost("/_sim/config", "{\"appBlockedByAdmin\":false}");
		}
		HttpResponse<String> resumed = author.call("POST", "/api/v1/announcements/" + id + "/resume",
				"application/json", "");
		assertThat(resumed.statusCode()).as(resumed.body()).isBetween(200, 299);
		Await.until(Duration.ofSeconds(60), "announcement sent", () -> "sent"
			.equals(author.json("GET", "/api/v1/announcements/" + id, null, 200).path("status").asString()));
		JsonNode counts = author.json("GET", "/api/v1/announcements/" + id, null, 200).path("counts");
		assertThat(counts.path("delivered").asInt()).isEqualTo(people.size());
		people.forEach((u) -> assertThat(cardsReceived(u.id(), id)).as(u.displayName()).isEqualTo(1));
	}

	/**
	 * A recall while the admin blocks the app: each deletion would be refused alike, so
	 * the operation pauses with the reason (as a send does) instead of failing every copy
	 * or retrying each one forever; resumed after the block is lifted, it deletes them.
	 */
	@Test
	void anAdminBlockPausesARecallWithTheReasonAndAResumeAfterItIsLiftedDeletesEveryCopy() {
		Api author = Api.author(baseUrl());
		List<SimUser> people = seedChats("admin-block-recall", 3, (u) -> true);
		long id = author
			.json("POST", "/api/v1/announcements", Map.of("title", "recall-" + UUID.randomUUID(), "summary", "Oops"),
					201)
			.path("id")
			.asLong();
		author.json("POST", "/api/v1/announcements/" + id + "/send", null, 202);
		Await.until(Duration.ofSeconds(60), "announcement sent", () -> "sent"
			.equals(author.json("GET", "/api/v1/announcements/" + id, null, 200).path("status").asString()));
		people.forEach((u) -> assertThat(cardsReceived(u.id(), id)).isEqualTo(1));
		JsonNode op;
		simPost("/_sim/config", "{\"appBlockedByAdmin\":true}");
		try {
			author.json("POST", "/api/v1/announcements/" + id + "/recall", null, 202);
			Await.until(Duration.ofSeconds(60), "recall paused",
					() -> "paused".equals(author.json("GET", "/api/v1/announcements/" + id + "/follow-ups", null, 200)
						.path(0)
						.path("status")
						.asString()));
			op = author.json("GET", "/api/v1/announcements/" + id + "/follow-ups", null, 200).path(0);
			assertThat(op.path("pauseReason").asString()).contains("tenant admin blocked Herald's app");
			assertThat(op.path("failed").asInt()).isZero();
			sleep(Duration.ofSeconds(12));
			// Paused, not retried: one refused call at most per copy in the air.
			assertThat(author.json("GET", "/api/v1/announcements/" + id + "/follow-ups", null, 200)
				.path(0)
				.path("status")
				.asString()).isEqualTo("paused");
			people.forEach((u) -> assertThat(cardsReceived(u.id(), id)).isEqualTo(1));
		}
		finally {
			simPost("/_sim/config", "{\"appBlockedByAdmin\":false}");
		}
		HttpResponse<String> resumed = author.call("POST",
				"/api/v1/announcements/" + id + "/follow-ups/" + op.path("id").asLong() + "/resume", "application/json",
				"");
		assertThat(resumed.statusCode()).as(resumed.body()).isBetween(200, 299);
		Await.until(Duration.ofSeconds(60), "recall done",
				() -> "done".equals(author.json("GET", "/api/v1/announcements/" + id + "/follow-ups", null, 200)
					.path(0)
					.path("status")
					.asString()));
		people.forEach((u) -> assertThat(cardsReceived(u.id(), id)).as(u.displayName()).isZero());
	}

	private Map<String, JsonNode> deliveries(Api author, long id) {
		Map<String, JsonNode> rows = new HashMap<>();
		author.json("GET", "/api/v1/announcements/" + id + "/deliveries?limit=1000", null, 200)
			.path("items")
			.forEach((r) -> rows.put(r.path("recipient").asString().toLowerCase(java.util.Locale.ROOT), r));
		return rows;
	}

	private String simGet(String path) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(this.simulator.baseUrl() + path)).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
	}

	private String simPost(String path, String json) {
		try {
			return HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create(this.simulator.baseUrl() + path))
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString(json))
					.build(), HttpResponse.BodyHandlers.ofString())
				.body();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
