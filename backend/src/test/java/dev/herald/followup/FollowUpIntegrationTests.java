package dev.herald.followup;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.simulator.SimUser;
import dev.herald.simulator.SimulatorConfig;
import dev.herald.support.Await;
import dev.herald.support.BrowserSession;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Edit, recall, expiry, preview text and reminders against the simulator over HTTP: what
 * each person's Teams chat holds afterwards is the ground truth.
 */
class FollowUpIntegrationTests extends IntegrationTest {

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final String AUTHOR = TestIdentityProvider.accessToken("follow-up-test", "Herald.Author");

	@AfterEach
	void restore() {
		this.simulator.setLimits(SimulatorConfig.Limits.teams());
		this.simulator.setRequireInstall(true);
		this.jdbc.sql("UPDATE conversation SET status = 'uninstalled' WHERE display_name = 'follow-up-test'").update();
	}

	/**
	 * After an edit of a sent announcement, every recipient's one copy shows the new
	 * content, keeps its id, is marked edited, and carries the new preview text as its
	 * summary; the operation reports "updated N of N".
	 */
	@Test
	void anEditUpdatesEveryDeliveredCopyInPlace() {
		List<SimUser> people = seed(30);
		long id = create("{\"title\":\"Canteen closed on Friday\",\"summary\":\"v1\"}");
		send(id);
		Await.until(Duration.ofSeconds(30), "sent", () -> "sent".equals(status(id)));
		Map<String, String> idsBefore = copyIds(people, id);

		JsonNode edited = ok(api("PUT", "/api/v1/announcements/" + id, AUTHOR,
				"{\"title\":\"Canteen closed on Thursday\",\"summary\":\"v2\",\"previewText\":\"Closed Thursday, not Friday\"}"));
		assertThat(edited.path("status").asString()).isEqualTo("sent");
		JsonNode op = awaitDone(id, "update");

		assertThat(op.path("targets").asInt()).isEqualTo(people.size());
		assertThat(op.path("done").asInt()).isEqualTo(people.size());
		assertThat(op.path("failed").asInt()).isZero();
		for (SimUser person : people) {
			List<Map<String, Object>> copies = copies(person, id);
			assertThat(copies).as(person.id()).hasSize(1);
			Map<String, Object> copy = copies.get(0);
			assertThat(copy).containsEntry("edited", true)
				.containsEntry("id", idsBefore.get(person.id()))
				.containsEntry("summary", "Closed Thursday, not Friday");
			assertThat(JSON.writeValueAsString(copy)).contains("Canteen closed on Thursday")
				.doesNotContain("Canteen closed on Friday");
		}
		assertThat(deliveries(id).path("updatedMoreThanOnce").asLong()).isZero();
		// The JSON report says "updated N of M" too.
		JsonNode reported = ok(api("GET", "/api/v1/announcements/" + id + "/report", AUTHOR, null)).path("followUps")
			.path(0);
		assertThat(reported.path("kind").asString()).isEqualTo("update");
		assertThat(reported.path("done").asInt()).isEqualTo(people.size());
		assertThat(reported.path("targets").asInt()).isEqualTo(people.size());
	}

	/**
	 * Edited while sending (Teams at 10/s): copies sent before the edit are updated,
	 * copies sent after it carry the new content; nobody is left with the old one.
	 */
	@Test
	void anEditDuringTheSendLeavesNobodyWithTheOldContent() {
		List<SimUser> people = seed(60);
		this.simulator.setLimits(new SimulatorConfig.Limits(false, 10, 0));
		long id = create("{\"title\":\"Old title\",\"summary\":\"x\"}");
		send(id);
		Await.until(Duration.ofSeconds(20), "a few delivered",
				() -> deliveries(id).path("conversations").asLong() >= 8);
		ok(api("PUT", "/api/v1/announcements/" + id, AUTHOR, "{\"title\":\"New title\",\"summary\":\"x\"}"));
		Await.until(Duration.ofSeconds(60), "sent", () -> "sent".equals(status(id)));
		JsonNode op = awaitDone(id, "update");

		for (SimUser person : people) {
			List<Map<String, Object>> copies = copies(person, id);
			assertThat(copies).as(person.id()).hasSize(1);
			assertThat(JSON.writeValueAsString(copies.get(0))).contains("New title").doesNotContain("Old title");
		}
		assertThat(op.path("targets").asInt()).isBetween(8, people.size());
		assertThat(op.path("done").asInt()).isEqualTo(op.path("targets").asInt());
	}

	/**
	 * An edit committed by another instance: this instance hears no event of it, yet the
	 * copies it sends afterwards carry the new content, because every claimed row brings
	 * the content's version and the rendered card is cached per version.
	 */
	@Test
	void copiesSentAfterAnEditMadeOnAnotherInstanceCarryTheNewContent() {
		List<SimUser> people = seed(80);
		this.simulator.setLimits(new SimulatorConfig.Limits(false, 5, 0));
		long id = create("{\"title\":\"Old title\",\"summary\":\"x\"}");
		send(id);
		Await.until(Duration.ofSeconds(20), "a few delivered",
				() -> deliveries(id).path("conversations").asLong() >= 5);
		// What another instance's edit writes; its event stays on that instance.
		this.jdbc.sql("UPDATE announcement SET title = 'New title', edited_at = clock_timestamp() WHERE id = :id")
			.param("id", id)
			.update();
		long sentBefore = deliveries(id).path("conversations").asLong();
		Await.until(Duration.ofSeconds(90), "sent", () -> "sent".equals(status(id)));

		long old = people.stream()
			.filter((p) -> copies(p, id).stream().anyMatch((c) -> JSON.writeValueAsString(c).contains("Old title")))
			.count();
		long fresh = people.stream()
			.filter((p) -> copies(p, id).stream().anyMatch((c) -> JSON.writeValueAsString(c).contains("New title")))
			.count();
		// Claimed before the edit, or rendered before a sender re-read the version (at
		// most a second, at Teams' 5/s here), a few more may leave with the old title,
		// inside the edit margin an update operation covers; everyone after gets the new.
		assertThat(old).isLessThanOrEqualTo(sentBefore + 15);
		assertThat(fresh).isGreaterThanOrEqualTo(people.size() - sentBefore - 15);
	}

	/**
	 * A recall during the send stops it (what was pending is canceled) and deletes every
	 * copy that went out, including those still in the air at the recall.
	 */
	@Test
	void aRecallStopsTheSendAndDeletesEveryCopy() {
		List<SimUser> people = seed(60);
		this.simulator.setLimits(new SimulatorConfig.Limits(false, 10, 0));
		long id = create("{\"title\":\"Wrong audience\",\"summary\":\"oops\"}");
		send(id);
		Await.until(Duration.ofSeconds(20), "a few delivered",
				() -> deliveries(id).path("conversations").asLong() >= 8);

		HttpResponse<String> recalled = api("POST", "/api/v1/announcements/" + id + "/recall", AUTHOR, null);
		assertThat(recalled.statusCode()).isEqualTo(202);
		assertThat(JSON.readTree(recalled.body()).path("status").asString()).isEqualTo("recalled");
		JsonNode op = awaitDone(id, "delete");

		JsonNode seen = deliveries(id);
		assertThat(seen.path("activities").asLong()).as("copies left in chats").isZero();
		long delivered = count(id, "state = 'delivered'");
		assertThat(seen.path("deleted").asLong()).isEqualTo(delivered);
		assertThat(op.path("targets").asLong()).isEqualTo(delivered);
		assertThat(op.path("done").asLong()).isEqualTo(delivered);
		assertThat(count(id, "state IN ('pending', 'in_flight')")).isZero();
		JsonNode counts = ok(api("GET", "/api/v1/announcements/" + id, AUTHOR, null)).path("counts");
		assertThat(counts.path("delivered").asLong() + counts.path("canceled").asLong()).isEqualTo(people.size());
		assertThat(counts.path("canceled").asLong()).isGreaterThan(0);
		for (SimUser person : people) {
			assertThat(copies(person, id)).as(person.id()).isEmpty();
		}
		// Recalled is final: no second recall, no edit.
		assertThat(api("POST", "/api/v1/announcements/" + id + "/recall", AUTHOR, null).statusCode()).isEqualTo(409);
		assertThat(api("PUT", "/api/v1/announcements/" + id, AUTHOR, "{\"title\":\"x\"}").statusCode()).isEqualTo(409);
	}

	/**
	 * A reminder to those who have not acknowledged reaches exactly them, once each, as a
	 * reply to their copy; the reach shown beforehand is the number reached.
	 */
	@Test
	void aReminderReachesExactlyThoseWhoHaveNotAcknowledged() {
		List<SimUser> people = seed(20);
		long id = create("{\"title\":\"New travel policy\",\"summary\":\"Please confirm\",\"acknowledge\":true}");
		send(id);
		Await.until(Duration.ofSeconds(30), "sent", () -> "sent".equals(status(id)));
		List<SimUser> acknowledged = people.subList(0, 7);
		for (SimUser person : acknowledged) {
			HttpResponse<String> pressed = api("POST", "/_sim/users/" + person.id() + "/actions", null,
					"{\"actionTitle\":\"Got it\"}", this.simulator.baseUrl());
			assertThat(pressed.statusCode()).as(pressed.body()).isEqualTo(200);
		}
		Await.until(Duration.ofSeconds(10), "acknowledgements stored", () -> this.jdbc
			.sql("SELECT count(*) FROM card_response WHERE announcement_id = :id AND acknowledged_at IS NOT NULL")
			.param("id", id)
			.query(Long.class)
			.single() == 7);
		JsonNode reach = ok(api("GET", "/api/v1/announcements/" + id + "/reminders/reach", AUTHOR, null));
		assertThat(reach.path("reminders").path("not-acknowledged").asInt()).isEqualTo(13);

		assertThat(api("POST", "/api/v1/announcements/" + id + "/reminders", AUTHOR, "{\"who\":\"everyone\"}")
			.statusCode()).isEqualTo(400);
		HttpResponse<String> started = api("POST", "/api/v1/announcements/" + id + "/reminders", AUTHOR,
				"{\"who\":\"not-acknowledged\"}");
		assertThat(started.statusCode()).isEqualTo(202);
		JsonNode op = awaitDone(id, "remind");
		assertThat(op.path("targets").asInt()).isEqualTo(13);
		assertThat(op.path("done").asInt()).isEqualTo(13);

		Set<String> acked = acknowledged.stream().map(SimUser::id).collect(Collectors.toSet());
		for (SimUser person : people) {
			String original = copies(person, id).get(0).get("id").toString();
			long reminders = this.simulator.inbox(person.id())
				.stream()
				.filter((a) -> original.equals(a.get("replyToId")))
				.filter((a) -> String.valueOf(a.get("summary")).startsWith("Reminder"))
				.count();
			assertThat(reminders).as(person.id()).isEqualTo(acked.contains(person.id()) ? 0 : 1);
		}
	}

	/**
	 * An expiry given in the author's zone recalls the announcement when it comes: the
	 * status is recalled and no chat holds it any more.
	 */
	@Test
	void anExpiryRecallsTheAnnouncementOnTime() {
		List<SimUser> people = seed(10);
		long id = create("{\"title\":\"Fire drill today\",\"summary\":\"at 3 pm\"}");
		send(id);
		Await.until(Duration.ofSeconds(30), "sent", () -> "sent".equals(status(id)));
		ZoneId zone = ZoneId.of("Asia/Tokyo");
		Instant at = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
		LocalDateTime local = LocalDateTime.ofInstant(at, zone);
		assertThat(api("PUT", "/api/v1/announcements/" + id + "/after-send", AUTHOR,
				"{\"expiry\":{\"at\":\"" + local.minusHours(1) + "\",\"zone\":\"Asia/Tokyo\"}}")
			.statusCode()).as("an expiry in the past").isEqualTo(400);
		JsonNode set = ok(api("PUT", "/api/v1/announcements/" + id + "/after-send", AUTHOR,
				"{\"expiry\":{\"at\":\"" + local + "\",\"zone\":\"Asia/Tokyo\"}}"));
		assertThat(Instant.parse(set.path("expiresAt").asString())).isEqualTo(at);
		assertThat(status(id)).isEqualTo("sent");

		Await.until(Duration.ofSeconds(15), "recalled", () -> "recalled".equals(status(id)));
		Instant recalledAt = this.jdbc.sql("SELECT recalled_at FROM announcement WHERE id = :id")
			.param("id", id)
			.query(java.sql.Timestamp.class)
			.single()
			.toInstant();
		assertThat(recalledAt).isAfterOrEqualTo(at).isBefore(at.plusSeconds(5));
		JsonNode op = awaitDone(id, "delete");
		assertThat(op.path("requestedBy").asString()).isEqualTo("expiry");
		for (SimUser person : people) {
			assertThat(copies(person, id)).isEmpty();
		}
	}

	/**
	 * The preview text reaches the activity as its summary; without one, the title does.
	 */
	@Test
	void thePreviewTextReachesTheActivity() {
		List<SimUser> people = seed(3);
		long with = create("{\"title\":\"Quarterly results\",\"previewText\":\"Record quarter: read the numbers\"}");
		long without = create("{\"title\":\"Office move\"}");
		send(with);
		send(without);
		Await.until(Duration.ofSeconds(30), "sent",
				() -> "sent".equals(status(with)) && "sent".equals(status(without)));
		for (SimUser person : people) {
			assertThat(copies(person, with)).singleElement()
				.satisfies((a) -> assertThat(a).containsEntry("summary", "Record quarter: read the numbers"));
			assertThat(copies(person, without)).singleElement()
				.satisfies((a) -> assertThat(a).containsEntry("summary", "Office move"));
		}
		String tooLong = "x".repeat(301);
		assertThat(api("POST", "/api/v1/announcements", AUTHOR, "{\"title\":\"t\",\"previewText\":\"" + tooLong + "\"}")
			.statusCode()).isEqualTo(400);
	}

	/**
	 * Only Authors act on announcements after the send; a reader's token is refused, and
	 * nothing changes.
	 */
	@Test
	void withoutTheAuthorRoleNothingCanBeEditedRecalledOrReminded() {
		seed(3);
		long id = create("{\"title\":\"Protected\"}");
		send(id);
		Await.until(Duration.ofSeconds(30), "sent", () -> "sent".equals(status(id)));
		String reader = TestIdentityProvider.accessToken("follow-up-reader");
		assertThat(api("POST", "/api/v1/announcements/" + id + "/recall", reader, null).statusCode()).isEqualTo(403);
		assertThat(api("PUT", "/api/v1/announcements/" + id, reader, "{\"title\":\"Hacked\"}").statusCode())
			.isEqualTo(403);
		assertThat(api("POST", "/api/v1/announcements/" + id + "/reminders", reader, "{\"who\":\"not-read\"}")
			.statusCode()).isEqualTo(403);
		assertThat(api("POST", "/api/v1/announcements/" + id + "/recall", null, null).statusCode()).isEqualTo(401);
		assertThat(status(id)).isEqualTo("sent");
		assertThat(this.jdbc.sql("SELECT count(*) FROM follow_up WHERE announcement_id = :id")
			.param("id", id)
			.query(Long.class)
			.single()).isZero();
		// A draft has nothing to recall.
		long draft = create("{\"title\":\"Draft\"}");
		assertThat(api("POST", "/api/v1/announcements/" + draft + "/recall", AUTHOR, null).statusCode()).isEqualTo(409);
	}

	/**
	 * The page's recall button says how many copies go, and the reminder buttons how many
	 * people each reaches; the recall form works through the UI with its CSRF token.
	 */
	@Test
	void theFollowUpPageShowsWhatEachButtonReachesAndRecalls() {
		List<SimUser> people = seed(5);
		long id = create("{\"title\":\"Page test\",\"acknowledge\":true}");
		send(id);
		Await.until(Duration.ofSeconds(30), "sent", () -> "sent".equals(status(id)));
		// Only owners act on an announcement (#15): the author adds Megan as co-author.
		assertThat(api("POST", "/api/v1/announcements/" + id + "/owners", AUTHOR,
				"{\"id\":\"megan@contoso.example\",\"name\":\"Megan\"}")
			.statusCode()).isEqualTo(200);
		BrowserSession browser = BrowserSession.signIn(baseUrl(), "megan@contoso.example", "Herald.Author");
		// Edit through the form: the page warns that delivered copies change, and they
		// do.
		assertThat(browser.get("/announcements/" + id + "/edit").body()).contains("id=\"edit-after-send\"");
		HttpResponse<String> edited = browser.submit("/announcements/" + id + "/edit", "/announcements/" + id + "/edit",
				Map.of("title", "Page test v2", "acknowledge", "true"));
		assertThat(edited.statusCode()).isLessThan(400);
		awaitDone(id, "update");
		for (SimUser person : people) {
			assertThat(JSON.writeValueAsString(copies(person, id))).contains("Page test v2");
		}
		String page = browser.get("/announcements/" + id + "/follow-ups").body();
		assertThat(page).contains("id=\"recall-count\"").contains("data-copies=\"5\"");
		assertThat(page).contains("data-reach-not-acknowledged=\"5\"");
		// A forged form (no CSRF token) recalls nothing.
		assertThat(browser.post("/announcements/" + id + "/recall", Map.of()).statusCode()).isEqualTo(403);
		assertThat(status(id)).isEqualTo("sent");
		HttpResponse<String> recalled = browser.submit("/announcements/" + id + "/follow-ups",
				"/announcements/" + id + "/recall", Map.of());
		assertThat(recalled.statusCode()).isLessThan(400);
		awaitDone(id, "delete");
		assertThat(status(id)).isEqualTo("recalled");
		for (SimUser person : people) {
			assertThat(copies(person, id)).isEmpty();
		}
		assertThat(browser.get("/announcements/" + id + "/follow-ups").body()).contains("5 / 5");
		assertThat(browser.get("/announcements/" + id + "/report").body()).contains("id=\"report-follow-ups\"")
			.contains("deleted 5 of 5");
	}

	/**
	 * An automatic reminder N hours after the send goes once, by itself, to the people it
	 * names. (The send's start is moved back in the database instead of waiting an hour.)
	 */
	@Test
	void anAutomaticReminderGoesOnceWhenItsTimeHasCome() {
		List<SimUser> people = seed(4);
		long id = create("{\"title\":\"Benefits enrolment closes soon\"}");
		ok(api("PUT", "/api/v1/announcements/" + id + "/after-send", AUTHOR,
				"{\"autoReminder\":{\"hours\":1,\"who\":\"not-read\"}}"));
		assertThat(api("PUT", "/api/v1/announcements/" + id + "/after-send", AUTHOR,
				"{\"autoReminder\":{\"hours\":0,\"who\":\"not-read\"}}")
			.statusCode()).isEqualTo(400);
		send(id);
		Await.until(Duration.ofSeconds(30), "sent", () -> "sent".equals(status(id)));
		assertThat(this.jdbc.sql("SELECT count(*) FROM follow_up WHERE announcement_id = :id")
			.param("id", id)
			.query(Long.class)
			.single()).as("not before its time").isZero();

		this.jdbc.sql("UPDATE announcement SET started_at = now() - interval '61 minutes' WHERE id = :id")
			.param("id", id)
			.update();
		JsonNode op = awaitDone(id, "remind");
		assertThat(op.path("requestedBy").asString()).isEqualTo("auto-reminder");
		assertThat(op.path("who").asString()).isEqualTo("not-read");
		assertThat(op.path("done").asInt()).isEqualTo(people.size());
		for (SimUser person : people) {
			String original = copies(person, id).get(0).get("id").toString();
			assertThat(this.simulator.inbox(person.id()).stream().filter((a) -> original.equals(a.get("replyToId"))))
				.as(person.id())
				.hasSize(1);
		}
		assertThat(this.jdbc.sql("SELECT count(*) FROM follow_up WHERE announcement_id = :id")
			.param("id", id)
			.query(Long.class)
			.single()).as("only once").isEqualTo(1);
	}

	// ---- helpers ----

	private List<SimUser> seed(int n) {
		// English speakers: cards are in each person's language (#16), the test presses
		// "Got it".
		return seedChats("follow-up-test", n, (u) -> u.preferredLanguage().startsWith("en"));
	}

	private long create(String json) {
		return ok(api("POST", "/api/v1/announcements", AUTHOR, json)).path("id").asLong();
	}

	private void send(long id) {
		ok(api("POST", "/api/v1/announcements/" + id + "/send", AUTHOR, null));
	}

	private JsonNode awaitDone(long id, String kind) {
		JsonNode[] op = new JsonNode[1];
		Await.until(Duration.ofSeconds(60), kind + " done", () -> {
			for (JsonNode o : ok(api("GET", "/api/v1/announcements/" + id + "/follow-ups", AUTHOR, null))) {
				if (kind.equals(o.path("kind").asString()) && "done".equals(o.path("status").asString())) {
					op[0] = o;
					return true;
				}
			}
			return false;
		});
		return op[0];
	}

	private String status(long id) {
		return this.jdbc.sql("SELECT status FROM announcement WHERE id = :id")
			.param("id", id)
			.query(String.class)
			.single();
	}

	private long count(long id, String condition) {
		return this.jdbc.sql("SELECT count(*) FROM delivery WHERE announcement_id = :id AND (" + condition + ")")
			.param("id", id)
			.query(Long.class)
			.single();
	}

	private List<Map<String, Object>> copies(SimUser person, long id) {
		String marker = "\"herald-announcement-" + id + "\"";
		return this.simulator.inbox(person.id())
			.stream()
			.filter((a) -> JSON.writeValueAsString(a).contains(marker))
			.toList();
	}

	private Map<String, String> copyIds(List<SimUser> people, long id) {
		return people.stream().collect(Collectors.toMap(SimUser::id, (p) -> copies(p, id).get(0).get("id").toString()));
	}

	private JsonNode deliveries(long id) {
		return JSON.valueToTree(this.simulator.deliveries("\"herald-announcement-" + id + "\""));
	}

	private HttpResponse<String> api(String method, String path, String token, String json, String base) {
		String saved = path;
		return apiAt(base + saved, method, token, json);
	}

	private HttpResponse<String> apiAt(String url, String method, String token, String json) {
		java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
			.header("Accept", "application/json")
			.method(method, (json != null) ? java.net.http.HttpRequest.BodyPublishers.ofString(json)
					: java.net.http.HttpRequest.BodyPublishers.noBody());
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		if (json != null) {
			request.header("Content-Type", "application/json");
		}
		try {
			return java.net.http.HttpClient.newHttpClient()
				.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static JsonNode ok(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.uri() + ": " + response.body()).isLessThan(300);
		return JSON.readTree(response.body());
	}

}
