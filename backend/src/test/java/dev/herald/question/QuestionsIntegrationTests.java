package dev.herald.question;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.api.ApiHttp;
import dev.herald.approval.GovernanceApi;
import dev.herald.bot.Activities;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.BrowserSession;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestEntra;

import static dev.herald.approval.GovernanceApi.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Questions (#24) through real HTTP, the real database and the simulator's chats: a
 * message typed in reply to a card (signed as Teams signs it) is stored with the
 * announcement and acknowledged in the person's language; its owners (and only they, or
 * an Admin) read it on the report and through the API and answer it; the answer arrives
 * in that person's chat and tab only. Bounds: length, the hourly limit, escaping.
 */
class QuestionsIntegrationTests extends IntegrationTest {

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final Duration WAIT = Duration.ofSeconds(60);

	@Test
	void aQuestionTypedInReplyToACardIsAnsweredByItsOwnerIntoThePersonsChatAndTab() {
		String marker = UUID.randomUUID().toString().substring(0, 8);
		SimUser alice = people("fr", 1, 2).get(0);
		SimUser bob = people("en", 1, 2).get(0);
		String owner = GovernanceApi.token("questions-owner-" + marker, "Herald.Author");
		String otherAuthor = GovernanceApi.token("questions-other-" + marker, "Herald.Author");
		GovernanceApi gov = new GovernanceApi(baseUrl());
		long id = send(gov, owner, "Parking " + marker, List.of(alice, bob));

		// Alice replies to the card in her chat, with markup in her text.
		Activities activities = new Activities(this.simulator, baseUrl());
		Map<String, Object> typed = activities.message(alice, "Where do I park <script>alert(1)</script> " + marker);
		typed.put("textFormat", "plain");
		typed.put("replyToId", cardActivityId(id, alice));
		assertThat(activities.post(typed).status()).isEqualTo(200);
		// A short acknowledgement, in her language.
		awaitText(alice, "votre question a été envoyée aux auteurs");

		// Her question is on the report's API for the owner...
		String questions = "/api/v1/announcements/" + id + "/questions";
		JsonNode page = gov.ok("GET", questions, owner, null);
		assertThat(page.path("total").asLong()).isEqualTo(1);
		assertThat(page.path("unanswered").asLong()).isEqualTo(1);
		JsonNode question = page.path("items").get(0);
		assertThat(question.path("text").asString()).isEqualTo("Where do I park <script>alert(1)</script> " + marker);
		assertThat(question.path("status").asString()).isEqualTo("new");
		assertThat(question.path("source").asString()).isEqualTo("chat");
		assertThat(question.path("askedBy").asString()).isEqualTo(alice.displayName());
		long questionId = question.path("id").asLong();
		// ...and an Admin, but not another author (who may read the report itself).
		assertThat(gov.call("GET", questions, ADMIN, null).statusCode()).isEqualTo(200);
		assertThat(gov.call("GET", "/api/v1/announcements/" + id + "/report", otherAuthor, null).statusCode())
			.isEqualTo(200);
		ApiHttp.assertProblem(gov.call("GET", questions, otherAuthor, null), 403);
		ApiHttp.assertProblem(gov.call("POST", questions + "/" + questionId + "/answer", otherAuthor,
				"{\"answer\":\"Not mine to answer\"}"), 403);
		ApiHttp.assertProblem(gov.call("GET", "/api/v1/announcements/987654321/questions", owner, null), 404);
		ApiHttp.assertProblem(gov.call("POST", questions + "/987654321/answer", owner, "{\"answer\":\"x\"}"), 404);

		// On the report page: escaped, with the answer form, for an owner (Admin) only.
		BrowserSession admin = BrowserSession.signIn(baseUrl(), "questions-admin-" + marker, "Herald.Admin");
		String report = admin.get("/announcements/" + id + "/report").body();
		assertThat(report)
			.contains("id=\"questions\"", "&lt;script&gt;alert(1)&lt;/script&gt; " + marker,
					"/announcements/" + id + "/questions/" + questionId + "/answer")
			.doesNotContain("<script>alert(1)</script>");
		BrowserSession reader = BrowserSession.signIn(baseUrl(), "questions-reader-" + marker, "Herald.Author");
		HttpResponse<String> readersReport = reader.get("/announcements/" + id + "/report");
		assertThat(readersReport.statusCode()).isEqualTo(200);
		assertThat(readersReport.body()).doesNotContain("id=\"questions\"").doesNotContain("Where do I park");
		HttpResponse<String> refused = reader.submit("/announcements/" + id + "/report",
				"/announcements/" + id + "/questions/" + questionId + "/answer", Map.of("answer", "Sneaky"));
		assertThat(refused.statusCode()).isEqualTo(403);

		// The owner answers (bounds first); once.
		ApiHttp.assertProblem(gov.call("POST", questions + "/" + questionId + "/answer", owner, "{\"answer\":\" \"}"),
				422);
		ApiHttp.assertProblem(gov.call("POST", questions + "/" + questionId + "/answer", owner,
				"{\"answer\":\"" + "x".repeat(4001) + "\"}"), 413);
		String answer = "Level -2, spaces 40 to 60 " + marker;
		JsonNode answered = gov.ok("POST", questions + "/" + questionId + "/answer", owner,
				"{\"answer\":\"" + answer + "\"}");
		assertThat(answered.path("status").asString()).isEqualTo("answered");
		ApiHttp.assertProblem(
				gov.call("POST", questions + "/" + questionId + "/answer", owner, "{\"answer\":\"Again\"}"), 409);
		assertThat(gov.ok("GET", questions, owner, null).path("unanswered").asLong()).isZero();

		// The answer reaches Alice's chat, in French, and nobody else's.
		Map<String, Object> card = awaitText(alice, answer);
		assertThat(JSON.writeValueAsString(card)).contains("herald-answer", "Réponse à votre question",
				"Parking " + marker);
		assertThat(inboxText(bob)).doesNotContain(answer).doesNotContain("Where do I park");
		// It is audited.
		assertThat(gov.audit(id).stream().map((r) -> r.path("action").asString())).contains("question_answer");

		// The tab shows it to Alice with its answer; Bob's token never returns it.
		JsonNode alicesTab = ApiHttp.read(tab("GET", "/api/tab/questions", alice, null));
		JsonNode mine = find(alicesTab, questionId);
		assertThat(mine.path("answer").asString()).isEqualTo(answer);
		assertThat(mine.path("status").asString()).isEqualTo("answered");
		assertThat(mine.path("announcementId").asLong()).isEqualTo(id);
		assertThat(mine.has("answeredBy")).isFalse();
		String bobsTab = tab("GET", "/api/tab/questions", bob, null).body();
		assertThat(bobsTab).doesNotContain("Where do I park").doesNotContain(answer);
		// A message that replies to no card is not forwarded on a guess: Herald asks
		// whether it is about the latest announcement, and sends it when Bob says so.
		String shuttle = "Is there a shuttle bus? " + marker;
		assertThat(activities.post(activities.message(bob, shuttle)).status()).isEqualTo(200);
		Map<String, Object> offer = awaitText(bob, "Is this a question about “Parking " + marker + "”?");
		assertThat(gov.ok("GET", questions, owner, null).path("total").asLong()).isEqualTo(1);
		JsonNode button = JSON.valueToTree(offer).at("/attachments/0/content/actions/0/data");
		assertThat(button.path("question").asString()).isEqualTo(shuttle);
		assertThat(button.path("announcementId").asLong()).isEqualTo(id);
		assertThat(activities.post(activities.submit(bob, JSON.convertValue(button, Map.class))).status())
			.isEqualTo(200);
		awaitText(bob, "your question was sent to the announcement's authors");
		JsonNode both = gov.ok("GET", questions, owner, null);
		assertThat(both.path("total").asLong()).isEqualTo(2);
		assertThat(both.path("items").get(0).path("text").asString()).isEqualTo(shuttle);
		assertThat(both.path("items").get(0).path("source").asString()).isEqualTo("chat");
		assertThat(tab("GET", "/api/tab/questions", bob, null).body()).contains(shuttle);
		assertThat(tab("GET", "/api/tab/questions", alice, null).body()).doesNotContain(shuttle);

		// Nor can anyone ask about an announcement they did not receive.
		SimUser carol = people("en", 1, 3).get(0);
		ApiHttp.assertProblem(tab("POST", "/api/tab/announcements/" + id + "/questions", carol, "{\"text\":\"Hi\"}"),
				404);
	}

	@Test
	void questionsAreBoundedInLengthAndRateLimitedPerPerson() {
		String marker = UUID.randomUUID().toString().substring(0, 8);
		SimUser dora = people("de", 1, 2).get(0);
		String owner = GovernanceApi.token("questions-bounds-" + marker, "Herald.Author");
		GovernanceApi gov = new GovernanceApi(baseUrl());
		long id = send(gov, owner, "Kantine " + marker, List.of(dora));
		String ask = "/api/tab/announcements/" + id + "/questions";

		// Too long: refused, in the tab and in the chat (in her language).
		ApiHttp.assertProblem(tab("POST", ask, dora, "{\"text\":\"" + "x".repeat(1001) + "\"}"), 413);
		ApiHttp.assertProblem(tab("POST", ask, dora, "{\"text\":\"   \"}"), 422);
		Activities activities = new Activities(this.simulator, baseUrl());
		Map<String, Object> tooLong = activities.message(dora, "y".repeat(1001));
		tooLong.put("replyToId", cardActivityId(id, dora));
		assertThat(activities.post(tooLong).status()).isEqualTo(200);
		awaitText(dora, "höchstens 1000 Zeichen");

		// From the card's "Ask a question": stored, acknowledged.
		assertThat(activities
			.post(activities.submit(dora,
					Map.of("action", "question", "announcementId", id, "question", "Vegetarisch? " + marker)))
			.status()).isEqualTo(200);
		awaitText(dora, "Ihre Frage wurde an die Verfasser der Mitteilung gesendet");
		// From the tab, up to ten an hour; the eleventh is refused, in the tab and chat.
		for (int i = 2; i <= 10; i++) {
			HttpResponse<String> created = tab("POST", ask, dora, "{\"text\":\"Frage " + i + " " + marker + "\"}");
			assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		}
		ApiHttp.assertProblem(tab("POST", ask, dora, "{\"text\":\"Frage 11\"}"), 429);
		Map<String, Object> eleventh = activities.message(dora, "Noch eine Frage " + marker);
		eleventh.put("replyToId", cardActivityId(id, dora));
		assertThat(activities.post(eleventh).status()).isEqualTo(200);
		awaitText(dora, "in der letzten Stunde 10 Fragen gestellt");
		assertThat(gov.ok("GET", "/api/v1/announcements/" + id + "/questions", owner, null).path("total").asLong())
			.isEqualTo(10);

		// An Admin answers from the report page's form (CSRF token required); it reaches
		// her chat.
		String questions = "/api/v1/announcements/" + id + "/questions";
		JsonNode newest = gov.ok("GET", questions + "?status=new&limit=2", owner, null).path("items");
		long first = newest.get(0).path("id").asLong();
		long second = newest.get(1).path("id").asLong();
		BrowserSession admin = BrowserSession.signIn(baseUrl(), "questions-form-" + marker, "Herald.Admin");
		String form = "/announcements/" + id + "/questions/";
		assertThat(admin.post(form + second + "/answer", Map.of("answer", "Forged " + marker)).statusCode())
			.isEqualTo(403);
		HttpResponse<String> done = admin.submit("/announcements/" + id + "/report", form + first + "/answer",
				Map.of("answer", "Ja, jeden Tag " + marker));
		assertThat(done.statusCode()).isEqualTo(200);
		assertThat(done.body()).contains("id=\"question-" + first + "\" data-status=\"answered\"",
				"id=\"question-" + second + "\" data-status=\"new\"");
		awaitText(dora, "Ja, jeden Tag " + marker);
		assertThat(inboxText(dora)).doesNotContain("Forged " + marker);
		assertThat(gov.ok("GET", questions, owner, null).path("unanswered").asLong()).isEqualTo(9);

		// Purged with the announcement's personal data.
		assertThat(questionsOf(id)).isEqualTo(10);
		this.jdbc.sql("UPDATE announcement SET finished_at = now() - interval '400 days' WHERE id = :id")
			.param("id", id)
			.update();
		// Another class may have saved a retention already: set ours, then put theirs
		// back.
		String before = this.jdbc.sql("SELECT value FROM app_setting WHERE key = 'retention.days'")
			.query(String.class)
			.optional()
			.orElse(null);
		this.jdbc.sql("""
				INSERT INTO app_setting (key, value) VALUES ('retention.days', '365')
				ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
				""").update();
		try {
			gov.ok("POST", "/api/v1/admin/retention/purge", ADMIN, null);
		}
		finally {
			if (before == null) {
				this.jdbc.sql("DELETE FROM app_setting WHERE key = 'retention.days'").update();
			}
			else {
				this.jdbc.sql("UPDATE app_setting SET value = :v WHERE key = 'retention.days'")
					.param("v", before)
					.update();
			}
		}
		assertThat(questionsOf(id)).isZero();
	}

	// ---- helpers ----

	private long questionsOf(long id) {
		return this.jdbc.sql("SELECT count(*) FROM question WHERE announcement_id = :id")
			.param("id", id)
			.query(Long.class)
			.single();
	}

	private long send(GovernanceApi gov, String token, String title, List<SimUser> to) {
		long id = gov.create(token, title);
		assertThat(gov.setPeople(token, id, to.stream().map(SimUser::id).toList()).statusCode()).isEqualTo(200);
		assertThat(gov.act(token, id, "send").statusCode()).isEqualTo(202);
		Await.until(WAIT, "announcement " + id + " sent", () -> "sent".equals(gov.status(id)));
		for (SimUser u : to) {
			assertThat(cardsReceived(u.id(), id)).as("cards for %s", u.displayName()).isEqualTo(1);
		}
		return id;
	}

	/** The Teams message id of the person's copy, as the ledger keeps it. */
	private String cardActivityId(long id, SimUser user) {
		return this.jdbc.sql("""
				SELECT activity_id FROM delivery WHERE announcement_id = :id AND lower(recipient) = lower(:aad)
				""").param("id", id).param("aad", user.id()).query(String.class).single();
	}

	/** Waits for a message containing {@code text} in the person's chat. */
	private Map<String, Object> awaitText(SimUser user, String text) {
		Await.until(WAIT, "'" + text + "' in the chat of " + user.displayName(), () -> inboxText(user).contains(text));
		return this.simulator.inbox(user.id())
			.stream()
			.filter((a) -> JSON.writeValueAsString(a).contains(text))
			.findFirst()
			.orElseThrow();
	}

	private String inboxText(SimUser user) {
		// As sent: JSON escapes nothing of these texts but quotes.
		return JSON.writeValueAsString(this.simulator.inbox(user.id()));
	}

	private HttpResponse<String> tab(String method, String path, SimUser user, String json) {
		String token = TestEntra
			.sign(TestEntra.claims(this.simulator.tenantId(), this.simulator.botAppId(), user.id()).build());
		return new ApiHttp(baseUrl()).call(method, path, token, json);
	}

	private static JsonNode find(JsonNode page, long questionId) {
		for (JsonNode item : page.path("items")) {
			if (item.path("id").asLong() == questionId) {
				return item;
			}
		}
		throw new AssertionError("question " + questionId + " not in " + page);
	}

	/**
	 * People whose Teams client has this locale, from the end of the tenant , with an
	 * active chat.
	 */
	private List<SimUser> people(String language, int count, int skip) {
		List<SimUser> users = new ArrayList<>(this.simulator.tenant().users());
		Collections.reverse(users);
		Set<String> optedOut = new HashSet<>(
				this.jdbc.sql("SELECT lower(aad_object_id) FROM opt_out WHERE opted_out").query(String.class).list());
		List<SimUser> chosen = users.stream()
			.filter((u) -> !u.guest() && this.simulator.tenant().reachable(u) && u.teamsLocale().startsWith(language)
					&& !optedOut.contains(u.id().toLowerCase(Locale.ROOT)))
			.skip(skip)
			.limit(count)
			.toList();
		assertThat(chosen).as("people speaking " + language).hasSize(count);
		chosen.stream()
			.filter((u) -> !this.simulator.isInstalled(u.id()))
			.forEach((u) -> this.simulator.installForUser(u.id()));
		Await.until(Duration.ofSeconds(20), "chats stored",
				() -> chosen.stream().allMatch((u) -> hasActiveChat(u.id())));
		return chosen;
	}

}
