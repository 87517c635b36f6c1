package dev.herald.tab;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.audience.Api;
import dev.herald.bot.Activities;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.BrowserSession;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestEntra;
import dev.herald.support.TestIdentityProvider;
import dev.herald.support.TestTopics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Topics people choose (#24), end to end over HTTP: an admin keeps the list, a person
 * turns a topic off in the tab, and the simulator's inboxes show that the next
 * announcement on that topic does not reach them while one on another topic, and a
 * CRITICAL one on that topic, do; the card's "this topic" works the same way; a topic
 * turned off after the freeze is honoured when the row is claimed; and the abuses are
 * refused (someone else's choices, unknown topics, guardrails, non-admins).
 */
class TopicsIntegrationTests extends IntegrationTest {

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static final String ADMIN = TestIdentityProvider.accessToken("topics-it-admin", "Herald.Admin");

	@AfterEach
	void noGuardrailsLeft() {
		for (JsonNode rule : ok(api("GET", "/api/v1/admin/guardrails", ADMIN, null))) {
			api("DELETE", "/api/v1/admin/guardrails/" + rule.path("id").asLong(), ADMIN, null);
		}
	}

	@Test
	void aTopicTurnedOffInTheTabStopsThatTopicOnlyAndCriticalStillArrives() {
		String marker = UUID.randomUUID().toString().substring(0, 8);
		long canteen = TestTopics.ensure(baseUrl(), "Canteen " + marker);
		long parking = TestTopics.ensure(baseUrl(), "Parking " + marker);
		List<SimUser> people = people(2, 40);
		SimUser alice = people.get(0);
		SimUser bob = people.get(1);
		Api author = Api.author(baseUrl());

		// Both topics start on; display names follow the person's language.
		api("PUT", "/api/v1/admin/topics/" + canteen, ADMIN, "{\"names\":{\"fr\":\"Cantine " + marker + "\"}}");
		JsonNode choices = ok(api("GET", "/api/tab/topics?lang=fr", token(alice), null));
		assertThat(choice(choices, canteen).path("on").asBoolean()).isTrue();
		assertThat(choice(choices, canteen).path("displayName").asString()).isEqualTo("Cantine " + marker);
		assertThat(choice(choices, parking).path("on").asBoolean()).isTrue();

		// Alice turns the canteen off; Bob turns parking off, naming Alice in the body to
		// no effect: the token says who is choosing.
		JsonNode after = ok(api("PUT", "/api/tab/topics/" + canteen, token(alice), "{\"on\":false}"));
		assertThat(choice(after, canteen).path("on").asBoolean()).isFalse();
		ok(api("PUT", "/api/tab/topics/" + parking, token(bob),
				"{\"on\":false,\"aadObjectId\":\"" + alice.id() + "\",\"tenantId\":\"" + tenant() + "\"}"));
		assertThat(choice(ok(api("GET", "/api/tab/topics", token(alice), null)), parking).path("on").asBoolean())
			.isTrue();
		assertThat(choice(ok(api("GET", "/api/tab/topics", token(bob), null)), canteen).path("on").asBoolean())
			.isTrue();

		// The preview of a draft on the canteen counts Alice as having turned it off.
		long draft = create(author, "Menu draft " + marker, "Canteen " + marker, false);
		audience(author, draft, people);
		JsonNode preview = author.json("POST", "/api/v1/audiences/preview?announcement=" + draft,
				Map.of("entries", entries(people)), 200);
		assertThat(preview.path("optedOut").asInt()).isEqualTo(1);
		assertThat(preview.path("topicOptedOut").asInt()).isEqualTo(1);
		assertThat(author.json("POST", "/api/v1/audiences/preview", Map.of("entries", entries(people)), 200)
			.path("optedOut")
			.asInt()).isZero();

		// The canteen does not reach Alice, parking does; Bob is the other way round.
		long menu = send(author, draft);
		assertThat(cardsReceived(alice.id(), menu)).isZero();
		assertThat(cardsReceived(bob.id(), menu)).isEqualTo(1);
		assertThat(state(menu, alice)).isEqualTo("opted_out");
		long closed = send(author,
				audience(author, create(author, "Car park closed " + marker, "parking " + marker, false), people));
		assertThat(cardsReceived(alice.id(), closed)).isEqualTo(1);
		assertThat(cardsReceived(bob.id(), closed)).isZero();
		// A CRITICAL one on the canteen reaches her anyway.
		long critical = send(author,
				audience(author, create(author, "Canteen fire drill " + marker, "Canteen " + marker, true), people));
		assertThat(cardsReceived(alice.id(), critical)).isEqualTo(1);
		assertThat(cardsReceived(bob.id(), critical)).isEqualTo(1);

		// Turned back on, it reaches her again.
		ok(api("PUT", "/api/tab/topics/" + canteen, token(alice), "{\"on\":true}"));
		long dessert = send(author,
				audience(author, create(author, "Dessert day " + marker, "Canteen " + marker, false), people));
		assertThat(cardsReceived(alice.id(), dessert)).isEqualTo(1);
	}

	@Test
	void theCardsUnsubscribeOffersThisTopicOrEverything() {
		String marker = UUID.randomUUID().toString().substring(0, 8);
		long id = TestTopics.ensure(baseUrl(), "Newsletter " + marker);
		List<SimUser> people = people(2, 44);
		SimUser carol = people.get(0);
		SimUser dan = people.get(1);
		Api author = Api.author(baseUrl());
		long first = send(author,
				audience(author, create(author, "Issue 1 " + marker, "Newsletter " + marker, false), people));
		assertThat(cardsReceived(carol.id(), first)).isEqualTo(1);

		// The card Carol received asks which; she presses "this topic".
		String card = JSON.writeValueAsString(lastCard(carol, first));
		assertThat(card).contains("Action.ShowCard", "\"scope\":\"topic\"", "\"scope\":\"all\"",
				"Newsletter " + marker);
		Activities activities = new Activities(this.simulator, baseUrl());
		Activities.Reply reply = activities.post(
				activities.execute(carol, Map.of("action", "unsubscribe", "announcementId", first, "scope", "topic")));
		assertThat(reply.status()).isEqualTo(200);
		assertThat(reply.body()).contains("Newsletter " + marker).contains("resubscribe");
		assertThat(choice(ok(api("GET", "/api/tab/topics", token(carol), null)), id).path("on").asBoolean()).isFalse();

		long second = send(author,
				audience(author, create(author, "Issue 2 " + marker, "Newsletter " + marker, false), people));
		assertThat(cardsReceived(carol.id(), second)).isZero();
		assertThat(cardsReceived(dan.id(), second)).isEqualTo(1);
		// Only that topic: an announcement without one still reaches her.
		long plain = send(author, audience(author, create(author, "No topic " + marker, null, false), people));
		assertThat(cardsReceived(carol.id(), plain)).isEqualTo(1);

		// The card's "turn it back on" works too.
		assertThat(activities
			.post(activities.execute(carol, Map.of("action", "resubscribe", "announcementId", first, "scope", "topic")))
			.status()).isEqualTo(200);
		long third = send(author,
				audience(author, create(author, "Issue 3 " + marker, "Newsletter " + marker, false), people));
		assertThat(cardsReceived(carol.id(), third)).isEqualTo(1);

		// "Everything" from the same card is the old opt-out; "start" undoes it.
		assertThat(activities
			.post(activities.execute(dan, Map.of("action", "unsubscribe", "announcementId", first, "scope", "all")))
			.status()).isEqualTo(200);
		long fourth = send(author, audience(author, create(author, "Issue 4 " + marker, null, false), people));
		assertThat(cardsReceived(dan.id(), fourth)).isZero();
		assertThat(ok(api("GET", "/api/tab/topics", token(dan), null)).path("unsubscribedFromAll").asBoolean())
			.isTrue();
		assertThat(activities.post(activities.message(dan, "start")).status()).isEqualTo(200);
		assertThat(ok(api("GET", "/api/tab/topics", token(dan), null)).path("unsubscribedFromAll").asBoolean())
			.isFalse();
	}

	@Test
	void aTopicTurnedOffAfterTheFreezeIsHonouredWhenTheRowIsClaimed() {
		String marker = UUID.randomUUID().toString().substring(0, 8);
		long topic = TestTopics.ensure(baseUrl(), "Payroll " + marker);
		List<SimUser> people = people(2, 48);
		SimUser erin = people.get(0);
		SimUser frank = people.get(1);
		Api author = Api.author(baseUrl());
		long id = audience(author, create(author, "Pay slips " + marker, "Payroll " + marker, false), people);
		// The tenant admin blocks the app: the send freezes its audience, then pauses
		// with every row still pending.
		simConfig("{\"appBlockedByAdmin\":true}");
		try {
			author.json("POST", "/api/v1/announcements/" + id + "/send", null, 202);
			Await.until(WAIT, "send paused", () -> "paused"
				.equals(author.json("GET", "/api/v1/announcements/" + id, null, 200).path("status").asString()));
			assertThat(state(id, erin)).isEqualTo("pending");
			ok(api("PUT", "/api/tab/topics/" + topic, token(erin), "{\"on\":false}"));
		}
		finally {
			simConfig("{\"appBlockedByAdmin\":false}");
		}
		HttpResponse<String> resumed = author.call("POST", "/api/v1/announcements/" + id + "/resume",
				"application/json", "");
		assertThat(resumed.statusCode()).as(resumed.body()).isBetween(200, 299);
		Await.until(WAIT, "announcement sent", () -> "sent"
			.equals(author.json("GET", "/api/v1/announcements/" + id, null, 200).path("status").asString()));
		assertThat(cardsReceived(erin.id(), id)).isZero();
		assertThat(cardsReceived(frank.id(), id)).isEqualTo(1);
		assertThat(state(id, erin)).isEqualTo("opted_out");
		assertThat(author.json("GET", "/api/v1/announcements/" + id, null, 200).path("counts").path("optedOut").asInt())
			.isEqualTo(1);
	}

	@Test
	void abusesAreRefused() {
		String marker = UUID.randomUUID().toString().substring(0, 8);
		long allowed = TestTopics.ensure(baseUrl(), "Allowed " + marker);
		long forbidden = TestTopics.ensure(baseUrl(), "Forbidden " + marker);
		long archived = TestTopics.ensure(baseUrl(), "Old " + marker);
		SimUser person = people(1, 52).get(0);

		// Only admins keep the list.
		String author = TestIdentityProvider.accessToken("topics-author", "Herald.Author");
		String approver = TestIdentityProvider.accessToken("topics-approver", "Herald.Approver");
		for (String token : List.of(author, approver)) {
			assertThat(api("POST", "/api/v1/admin/topics", token, "{\"name\":\"Mine " + marker + "\"}").statusCode())
				.isEqualTo(403);
			assertThat(api("PUT", "/api/v1/admin/topics/" + allowed, token, "{\"archived\":true}").statusCode())
				.isEqualTo(403);
			assertThat(api("DELETE", "/api/v1/admin/topics/" + allowed, token, null).statusCode()).isEqualTo(403);
		}
		assertThat(api("POST", "/api/v1/admin/topics", token(person), "{\"name\":\"Tab " + marker + "\"}").statusCode())
			.isEqualTo(401);
		// Bounded and checked input.
		problem(api("POST", "/api/v1/admin/topics", ADMIN, "{\"name\":\"" + "x".repeat(61) + "\"}"), 400);
		problem(api("POST", "/api/v1/admin/topics", ADMIN, "{\"name\":\"ALL\"}"), 400);
		problem(api("POST", "/api/v1/admin/topics", ADMIN, "{\"name\":\"allowed " + marker + "\"}"), 409);
		problem(api("POST", "/api/v1/admin/topics", ADMIN,
				"{\"name\":\"Named " + marker + "\",\"names\":{\"xx\":\"Klingon\"}}"), 400);
		// A change is audited as a settings change.
		assertThat(api("DELETE", "/api/v1/admin/topics/" + archived, ADMIN, null).statusCode()).isEqualTo(204);
		assertThat(ok(api("GET", "/api/v1/admin/audit?limit=20&action=SETTINGS_CHANGE", ADMIN, null)).toString())
			.contains("topic 'Old " + marker + "': archived");

		// An announcement's topic must be an active one of the list.
		Api api = Api.author(baseUrl());
		JsonNode unknown = Api.assertProblem(api.call("POST", "/api/v1/announcements", "application/json",
				"{\"title\":\"T\",\"topic\":\"Nope " + marker + "\"}"), 422);
		assertThat(unknown.path("title").asString()).isEqualTo("Unknown topic");
		Api.assertProblem(api.call("POST", "/api/v1/announcements", "application/json",
				"{\"title\":\"T\",\"topic\":\"Old " + marker + "\"}"), 422);
		long id = create(api, "Case " + marker, "allowed " + marker, false);
		assertThat(api.json("GET", "/api/v1/announcements/" + id, null, 200).path("content").path("topic").asString())
			.isEqualTo("Allowed " + marker);
		Api.assertProblem(api.call("PUT", "/api/v1/announcements/" + id, "application/json",
				"{\"title\":\"T\",\"topic\":\"Nope " + marker + "\"}"), 422);

		// The tab: unknown and archived topics, a bad body, no token or someone else's
		// tenant.
		problem(api("PUT", "/api/tab/topics/987654321", token(person), "{\"on\":false}"), 404);
		problem(api("PUT", "/api/tab/topics/" + archived, token(person), "{\"on\":false}"), 404);
		problem(api("PUT", "/api/tab/topics/" + allowed, token(person), "{\"on\":\"no\"}"), 422);
		assertThat(api("PUT", "/api/tab/topics/" + allowed, null, "{\"on\":false}").statusCode()).isEqualTo(401);
		String otherTenant = TestEntra
			.sign(TestEntra.claims(UUID.randomUUID().toString(), this.simulator.botAppId(), person.id()).build());
		assertThat(api("PUT", "/api/tab/topics/" + allowed, otherTenant, "{\"on\":false}").statusCode()).isEqualTo(401);
		assertThat(api("GET", "/api/tab/topics", otherTenant, null).statusCode()).isEqualTo(401);
		assertThat(ok(api("GET", "/api/tab/topics", token(person), null)).toString()).doesNotContain("Old " + marker);

		// A guardrail limits an author's topics: saving and sending another is 403.
		ok(api("PUT", "/api/v1/admin/guardrails", ADMIN, "{\"subjectKind\":\"author\",\"subjectId\":\"*\","
				+ "\"allowedAudiences\":[\"person:*\"],\"allowedTopics\":[\"Allowed " + marker + "\"]}"));
		String limited = TestIdentityProvider.accessToken("topics-limited", "Herald.Author");
		JsonNode refused = problem(api("POST", "/api/v1/announcements", limited,
				"{\"title\":\"T\",\"topic\":\"Forbidden " + marker + "\"}"), 403);
		assertThat(refused.path("refused").toString()).contains("topic:Forbidden " + marker);
		assertThat(
				api("POST", "/api/v1/announcements", limited, "{\"title\":\"T\",\"topic\":\"Allowed " + marker + "\"}")
					.statusCode())
			.isEqualTo(201);
		long mine = JSON.readTree(api("POST", "/api/v1/announcements", limited, "{\"title\":\"Mine\"}").body())
			.path("id")
			.asLong();
		problem(api("PUT", "/api/v1/announcements/" + mine, limited,
				"{\"title\":\"Mine\",\"topic\":\"Forbidden " + marker + "\"}"), 403);
		// A draft an admin moved to a forbidden topic cannot be sent by the author.
		ok(api("PUT", "/api/v1/announcements/" + mine, ADMIN,
				"{\"title\":\"Mine\",\"topic\":\"Forbidden " + marker + "\"}"));
		ok(api("PUT", "/api/v1/announcements/" + mine + "/audience", limited,
				"{\"entries\":[{\"kind\":\"PERSON\",\"ref\":\"" + person.id() + "\"}]}"));
		assertThat(problem(api("POST", "/api/v1/announcements/" + mine + "/send", limited, null), 403).path("refused")
			.toString()).contains("topic:Forbidden " + marker);
		assertThat(forbidden).isPositive();

		// After the send, a topic change is an edit like any other: the same gate.
		long out = JSON
			.readTree(api("POST", "/api/v1/announcements", limited,
					"{\"title\":\"Out\",\"topic\":\"Allowed " + marker + "\"}")
				.body())
			.path("id")
			.asLong();
		ok(api("PUT", "/api/v1/announcements/" + out + "/audience", limited,
				"{\"entries\":[{\"kind\":\"PERSON\",\"ref\":\"" + person.id() + "\"}]}"));
		ok(api("POST", "/api/v1/announcements/" + out + "/send", limited, null));
		Await.until(WAIT, "sent", () -> "sent"
			.equals(ok(api("GET", "/api/v1/announcements/" + out, ADMIN, null)).path("status").asString()));
		problem(api("PUT", "/api/v1/announcements/" + out, limited,
				"{\"title\":\"Out\",\"topic\":\"Forbidden " + marker + "\"}"), 403);
		problem(api("PUT", "/api/v1/announcements/" + out, limited,
				"{\"title\":\"Out\",\"topic\":\"Nope " + marker + "\"}"), 422);
		assertThat(ok(api("GET", "/api/v1/announcements/" + out, ADMIN, null)).path("content").path("topic").asString())
			.isEqualTo("Allowed " + marker);
	}

	@Test
	void anAdminKeepsTheListOnItsPageAndAuthorsPickFromIt() {
		String marker = UUID.randomUUID().toString().substring(0, 8);
		BrowserSession admin = BrowserSession.signIn(baseUrl(), "topics-page-admin", "Herald.Admin");
		assertThat(admin.get("/admin/settings").body()).contains("/admin/topics");
		HttpResponse<String> added = admin.submit("/admin/topics", "/admin/topics",
				Map.of("name", "Events " + marker, "name_fr", "Événements " + marker, "name_zh-CN", "活动 " + marker));
		assertThat(added.statusCode()).isEqualTo(200);
		assertThat(added.body()).contains("Events " + marker, "Événements " + marker, "活动 " + marker);
		long id = JSON.readTree(api("GET", "/api/v1/admin/topics", ADMIN, null).body())
			.valueStream()
			.filter((t) -> t.path("name").asString().equals("Events " + marker))
			.findFirst()
			.orElseThrow()
			.path("id")
			.asLong();
		// A name taken (whatever its case) or hostile is refused with a message.
		assertThat(admin.submit("/admin/topics", "/admin/topics", Map.of("name", "EVENTS " + marker)).body())
			.contains("exists already");
		assertThat(admin.submit("/admin/topics", "/admin/topics", Map.of("name", "all")).body())
			.contains("Check the topic");
		// Without the page's CSRF token nothing changes.
		assertThat(admin.post("/admin/topics/" + id, Map.of("archived", "true")).statusCode()).isEqualTo(403);

		// Authors see it offered on the compose form, escaped; they may not open the
		// page.
		BrowserSession author = BrowserSession.signIn(baseUrl(), "topics-page-author", "Herald.Author");
		assertThat(author.get("/announcements/new").body()).contains("<option value=\"Events " + marker + "\">");
		assertThat(author.get("/admin/topics").statusCode()).isEqualTo(403);
		HttpResponse<String> refused = author.submit("/announcements/new", "/announcements/new",
				Map.of("title", "Party " + marker, "topic", "Nope " + marker, "importance", "NORMAL"));
		assertThat(refused.body()).contains("Choose one of the topics an admin keeps");

		// Archived: offered to nobody, and the page says so.
		HttpResponse<String> archived = admin.submit("/admin/topics", "/admin/topics/" + id,
				Map.of("archived", "true", "name_fr", "Événements " + marker));
		assertThat(archived.body()).contains("(archived)");
		assertThat(author.get("/announcements/new").body()).doesNotContain("Events " + marker);
		assertThat(ok(api("GET", "/api/v1/admin/audit?limit=20&action=SETTINGS_CHANGE", ADMIN, null)).toString())
			.contains("added topic 'Events " + marker + "'", "topic 'Events " + marker + "': archived");
	}

	@Test
	void aTopicChangedAfterApprovalNeedsANewApproval() {
		String marker = UUID.randomUUID().toString().substring(0, 8);
		TestTopics.ensure(baseUrl(), "Approved " + marker);
		TestTopics.ensure(baseUrl(), "Other " + marker);
		SimUser person = people(1, 56).get(0);
		String author = TestIdentityProvider.accessToken("topics-approval-author", "Herald.Author");
		String approver = TestIdentityProvider.accessToken("topics-approval-approver", "Herald.Approver");
		ok(api("PUT", "/api/v1/admin/settings", ADMIN, "{\"approval\":\"always\"}"));
		try {
			long id = JSON
				.readTree(api("POST", "/api/v1/announcements", author,
						"{\"title\":\"Bonus\",\"topic\":\"Approved " + marker + "\"}")
					.body())
				.path("id")
				.asLong();
			ok(api("PUT", "/api/v1/announcements/" + id + "/audience", author,
					"{\"entries\":[{\"kind\":\"PERSON\",\"ref\":\"" + person.id() + "\"}]}"));
			ok(api("POST", "/api/v1/announcements/" + id + "/submit", author, null));
			ok(api("POST", "/api/v1/announcements/" + id + "/approve", approver, null));
			// Approving sends it; a topic changed afterwards is new content.
			Await.until(WAIT, "sent", () -> "sent"
				.equals(ok(api("GET", "/api/v1/announcements/" + id, ADMIN, null)).path("status").asString()));
			problem(api("PUT", "/api/v1/announcements/" + id, author,
					"{\"title\":\"Bonus\",\"topic\":\"Other " + marker + "\"}"), 409);
			assertThat(
					ok(api("GET", "/api/v1/announcements/" + id, ADMIN, null)).path("content").path("topic").asString())
				.isEqualTo("Approved " + marker);
		}
		finally {
			ok(api("PUT", "/api/v1/admin/settings", ADMIN, "{\"approval\":\"off\"}"));
		}
	}

	// ---- helpers ----

	/**
	 * People with an active chat and no opt-out, taken from the end of the tenant at an
	 * offset of this test's own (the tab's tests take from the end too).
	 */
	private List<SimUser> people(int count, int skip) {
		List<SimUser> users = new ArrayList<>(this.simulator.tenant().users());
		Collections.reverse(users);
		Set<String> optedOut = new HashSet<>(
				this.jdbc.sql("SELECT lower(aad_object_id) FROM opt_out WHERE opted_out").query(String.class).list());
		List<SimUser> chosen = users.stream()
			.filter((u) -> !u.guest() && this.simulator.tenant().reachable(u)
					&& !optedOut.contains(u.id().toLowerCase(Locale.ROOT)))
			.skip(skip)
			.limit(count)
			.toList();
		chosen.stream().filter((u) -> !hasActiveChat(u.id())).forEach((u) -> this.simulator.installForUser(u.id()));
		Await.until(Duration.ofSeconds(20), "chats stored",
				() -> chosen.stream().allMatch((u) -> hasActiveChat(u.id())));
		return chosen;
	}

	private long create(Api author, String title, String topic, boolean critical) {
		Map<String, Object> content = new LinkedHashMap<>();
		content.put("title", title);
		content.put("summary", "About " + title);
		if (topic != null) {
			content.put("topic", topic);
		}
		if (critical) {
			content.put("importance", "CRITICAL");
		}
		return author.json("POST", "/api/v1/announcements", content, 201).path("id").asLong();
	}

	private static List<Object> entries(List<SimUser> people) {
		List<Object> entries = new ArrayList<>();
		people.forEach((u) -> entries.add(Map.of("kind", "PERSON", "ref", u.id())));
		return entries;
	}

	private long audience(Api author, long id, List<SimUser> people) {
		author.json("PUT", "/api/v1/announcements/" + id + "/audience", Map.of("entries", entries(people)), 200);
		return id;
	}

	private long send(Api author, long id) {
		author.json("POST", "/api/v1/announcements/" + id + "/send", null, 202);
		Await.until(WAIT, "announcement " + id + " sent", () -> "sent"
			.equals(author.json("GET", "/api/v1/announcements/" + id, null, 200).path("status").asString()));
		return id;
	}

	private String state(long announcementId, SimUser person) {
		return this.jdbc
			.sql("SELECT state FROM delivery WHERE announcement_id = :id AND lower(recipient) = lower(:aad)")
			.param("id", announcementId)
			.param("aad", person.id())
			.query(String.class)
			.single();
	}

	private Object lastCard(SimUser person, long announcementId) {
		String marker = "\"herald-announcement-" + announcementId + "\"";
		return this.simulator.inbox(person.id())
			.stream()
			.filter((activity) -> JSON.writeValueAsString(activity).contains(marker))
			.reduce((a, b) -> b)
			.orElseThrow();
	}

	private static JsonNode choice(JsonNode choices, long id) {
		for (JsonNode topic : choices.path("topics")) {
			if (topic.path("id").asLong() == id) {
				return topic;
			}
		}
		throw new AssertionError("topic " + id + " not in " + choices);
	}

	private String tenant() {
		return this.simulator.tenantId();
	}

	private String token(SimUser user) {
		return TestEntra.sign(TestEntra.claims(tenant(), this.simulator.botAppId(), user.id()).build());
	}

	private static JsonNode ok(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
		return (response.body() == null || response.body().isBlank()) ? null : JSON.readTree(response.body());
	}

	private static JsonNode problem(HttpResponse<String> response, int status) {
		return Api.assertProblem(response, status);
	}

	private void simConfig(String json) {
		try {
			java.net.http.HttpClient.newHttpClient()
				.send(java.net.http.HttpRequest
					.newBuilder(java.net.URI.create(this.simulator.baseUrl() + "/_sim/config"))
					.header("Content-Type", "application/json")
					.POST(java.net.http.HttpRequest.BodyPublishers.ofString(json))
					.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
