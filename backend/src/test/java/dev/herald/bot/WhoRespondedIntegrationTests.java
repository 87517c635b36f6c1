package dev.herald.bot;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.api.ApiHttp;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.BrowserSession;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;

import static dev.herald.api.ApiHttp.assertProblem;
import static dev.herald.api.ApiHttp.read;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who responded (#14): an announcement asking for "Got it" with a poll goes to four
 * people through the simulator; two acknowledge and two vote by pressing the card's
 * buttons (Action.Execute, as Teams posts them). The API's acknowledgement pages, the
 * JSON report, the CSV and the report page then name exactly those people.
 */
class WhoRespondedIntegrationTests extends IntegrationTest {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private final String author = TestIdentityProvider.accessToken("responses-reader", "Herald.Author");

	@Test
	void acknowledgementsAndVotesArePagedPerPersonEverywhere() {
		ApiHttp http = new ApiHttp(baseUrl());
		Activities activities = new Activities(this.simulator, baseUrl());
		List<SimUser> people = installed(4);
		String marker = "who-" + UUID.randomUUID();
		long id = read(http.call("POST", "/api/v1/announcements", this.author, json(Map.of("title", marker, "summary",
				"Please confirm", "acknowledge", true, "pollQuestion", "Lunch?", "pollChoices", List.of("Yes", "No")))))
			.path("id")
			.asLong();
		List<Map<String, Object>> entries = people.stream()
			.map((p) -> Map.<String, Object>of("kind", "PERSON", "ref", p.id(), "label", p.displayName()))
			.toList();
		assertThat(http
			.call("PUT", "/api/v1/announcements/" + id + "/audience", this.author, json(Map.of("entries", entries)))
			.statusCode()).isEqualTo(200);
		assertThat(http.call("POST", "/api/v1/announcements/" + id + "/send", this.author, null).statusCode())
			.isEqualTo(202);
		Await.until(WAIT, "sent", () -> "sent".equals(
				read(http.call("GET", "/api/v1/announcements/" + id, this.author, null)).path("status").asString()));
		for (SimUser p : people) {
			assertThat(this.simulator.inbox(p.id()).stream().filter((a) -> String.valueOf(a).contains(marker)).count())
				.as("card in %s's chat", p.displayName())
				.isEqualTo(1);
		}

		// People press the card's buttons.
		SimUser ackAndYes = people.get(0);
		SimUser ackOnly = people.get(1);
		SimUser voteNo = people.get(2);
		SimUser nothing = people.get(3);
		press(activities, ackAndYes, Map.of("action", "ack", "announcementId", id));
		press(activities, ackAndYes, Map.of("action", "vote", "announcementId", id, "choice", "Yes"));
		press(activities, ackOnly, Map.of("action", "ack", "announcementId", id));
		press(activities, ackOnly, Map.of("action", "ack", "announcementId", id));
		press(activities, voteNo, Map.of("action", "vote", "announcementId", id, "choice", "Yes"));
		press(activities, voteNo, Map.of("action", "vote", "announcementId", id, "choice", "No"));

		String base = "/api/v1/announcements/" + id;
		JsonNode acked = read(http.call("GET", base + "/acknowledgements?acknowledged=true", this.author, null));
		assertThat(persons(acked)).containsExactlyElementsOf(sorted(ackAndYes.id(), ackOnly.id()));
		acked.path("items").forEach((item) -> {
			assertThat(item.path("acknowledgedAt").asString()).isNotBlank();
			assertThat(item.path("name").asString()).isNotBlank();
		});
		assertThat(choiceOf(acked, ackAndYes.id())).isEqualTo("Yes");
		assertThat(acked.path("next").isNull()).isTrue();

		JsonNode notAcked = read(http.call("GET", base + "/acknowledgements?acknowledged=false", this.author, null));
		assertThat(persons(notAcked)).containsExactlyElementsOf(sorted(voteNo.id(), nothing.id()));
		assertThat(choiceOf(notAcked, voteNo.id())).isEqualTo("No");
		notAcked.path("items").forEach((item) -> assertThat(item.path("acknowledgedAt").isNull()).isTrue());

		// Keyset pages of one: every person once, in order, then the end.
		List<String> walked = new ArrayList<>();
		String next = null;
		int pages = 0;
		do {
			JsonNode page = read(http.call("GET",
					base + "/acknowledgements?acknowledged=false&limit=1" + ((next != null) ? "&after=" + next : ""),
					this.author, null));
			walked.addAll(persons(page));
			next = page.path("next").isNull() ? null : page.path("next").asString();
			pages++;
		}
		while (next != null && pages < 10);
		assertThat(walked).containsExactlyElementsOf(sorted(voteNo.id(), nothing.id()));

		JsonNode report = read(http.call("GET", base + "/report", this.author, null));
		assertThat(report.path("acknowledged").asLong()).isEqualTo(2);
		assertThat(report.path("notAcknowledged").asLong()).isEqualTo(2);
		assertThat(report.path("votes").path("Yes").asLong()).isEqualTo(1);
		assertThat(report.path("votes").path("No").asLong()).isEqualTo(1);
		assertThat(report.path("byState").path("delivered").asLong()).isEqualTo(4);
		assertThat(report.path("byState").path("in_flight").asLong()).isZero();

		HttpResponse<String> csv = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + base + "/deliveries.csv"))
			.header("Authorization", "Bearer " + this.author)
			.header("Accept", "text/csv")
			.build());
		List<String> lines = csv.body().lines().toList();
		assertThat(lines.get(0)).endsWith(
				",acknowledged_at,choice,voted_at,alerted_chat_at,alerted_feed_at,feed_state,email_state,email_reason,clicks");
		assertThat(lines).hasSize(5);
		assertThat(line(lines, ackAndYes))
			.matches(".*,delivered,.*,20\\d\\d-[^,]+Z,Yes,20\\d\\d-[^,]+Z,[^,]*,[^,]*,[^,]*,,,0$");
		assertThat(line(lines, ackOnly)).matches(".*,20\\d\\d-[^,]+Z,,,[^,]*,[^,]*,[^,]*,,,0$");
		assertThat(line(lines, voteNo)).matches(".*Z,,No,20\\d\\d-[^,]+Z,[^,]*,[^,]*,[^,]*,,,0$");
		assertThat(line(lines, nothing)).matches(".*,,,,[^,]*,,,,,0$");

		// Read receipts (ids of the copies as the simulator stored them) are counted as
		// they come, once per copy; a receipt that does not reach the copy counts
		// nothing.
		readUpTo(activities, ackOnly, copyId(ackOnly, marker));
		readUpTo(activities, ackOnly, copyId(ackOnly, marker));
		readUpTo(activities, nothing, "1");
		assertThat(read(http.call("GET", base + "/report", this.author, null)).path("reads").asLong()).isEqualTo(1);
		readUpTo(activities, nothing, copyId(nothing, marker));
		assertThat(read(http.call("GET", base + "/report", this.author, null)).path("reads").asLong()).isEqualTo(2);

		// The report page: the same lists, the rate chart from the rollup.
		BrowserSession browser = BrowserSession.signIn(baseUrl(), "responses-author", "Herald.Author");
		String page = browser.get("/announcements/" + id + "/report").body();
		assertThat(page).contains("id=\"responders-list\"")
			.contains("data-person=\"" + ackAndYes.id() + "\"")
			.contains("data-person=\"" + ackOnly.id() + "\"")
			.doesNotContain("data-person=\"" + nothing.id() + "\"")
			.contains("id=\"rate-chart\"");
		String others = browser.get("/announcements/" + id + "/report?acknowledged=false").body();
		assertThat(others).contains("data-person=\"" + nothing.id() + "\"")
			.contains("data-person=\"" + voteNo.id() + "\"")
			.doesNotContain("data-person=\"" + ackOnly.id() + "\"");
		String bad = browser.get("/announcements/" + id + "/report?after=" + "x".repeat(300)).body();
		assertThat(bad).contains("class=\"flash error\"").contains("data-person=\"" + ackOnly.id() + "\"");
	}

	@Test
	void badPagingIs400ProblemJsonAndTheSameRolesApply() {
		ApiHttp http = new ApiHttp(baseUrl());
		long id = read(http.call("POST", "/api/v1/announcements", this.author, "{\"title\":\"Paging\"}")).path("id")
			.asLong();
		String base = "/api/v1/announcements/" + id + "/acknowledgements";
		assertThat(http.call("GET", base, this.author, null).statusCode()).isEqualTo(200);
		for (String query : List.of("?limit=0", "?limit=1001", "?limit=x", "?acknowledged=maybe", "?after=",
				"?after=" + "a".repeat(201), "?limit=-1")) {
			assertProblem(http.call("GET", base + query, this.author, null), 400);
		}
		assertProblem(http.call("GET", "/api/v1/announcements/987654321/acknowledgements", this.author, null), 404);
		assertProblem(http.call("GET", "/api/v1/announcements/abc/acknowledgements", this.author, null), 400);
		assertProblem(http.call("GET", base, TestIdentityProvider.accessToken("no-role-app"), null), 403);
		assertProblem(http.call("GET", base, null, null), 401);
	}

	private static void readUpTo(Activities activities, SimUser user, String messageId) {
		Map<String, Object> event = activities.personal("event", user);
		event.put("name", "application/vnd.microsoft.readReceipt");
		event.put("value", Map.of("lastReadMessageId", messageId));
		assertThat(activities.post(event).status()).isEqualTo(200);
	}

	private String copyId(SimUser user, String marker) {
		return this.simulator.inbox(user.id())
			.stream()
			.filter((a) -> String.valueOf(a).contains(marker))
			.map((a) -> String.valueOf(a.get("id")))
			.findFirst()
			.orElseThrow();
	}

	private static void press(Activities activities, SimUser user, Map<String, Object> data) {
		assertThat(activities.post(activities.execute(user, data)).status()).isEqualTo(200);
	}

	private List<SimUser> installed(int n) {
		List<SimUser> users = new ArrayList<>(this.simulator.tenant().users());
		Collections.reverse(users); // away from the people other classes install by index
		List<SimUser> picked = users.stream()
			.filter((u) -> !u.guest() && this.simulator.tenant().reachable(u) && u.preferredLanguage().equals("en-US"))
			.skip(40)
			.limit(n)
			.toList();
		for (SimUser user : picked) {
			this.simulator.installForUser(user.id());
			Await.until(WAIT, "welcome", () -> !this.simulator.inbox(user.id()).isEmpty());
		}
		return picked;
	}

	private static List<String> persons(JsonNode page) {
		List<String> persons = new ArrayList<>();
		page.path("items").forEach((item) -> persons.add(item.path("person").asString()));
		return persons;
	}

	private static String choiceOf(JsonNode page, String person) {
		for (JsonNode item : page.path("items")) {
			if (item.path("person").asString().equals(person)) {
				return item.path("choice").isNull() ? null : item.path("choice").asString();
			}
		}
		throw new AssertionError(person + " not on the page");
	}

	private static List<String> sorted(String... ids) {
		List<String> list = new ArrayList<>(List.of(ids));
		Collections.sort(list);
		return list;
	}

	private static String line(List<String> lines, SimUser user) {
		return lines.stream().filter((l) -> l.startsWith(user.id() + ",")).findFirst().orElseThrow();
	}

	private static String json(Object value) {
		return JsonMapper.shared().writeValueAsString(value);
	}

}
