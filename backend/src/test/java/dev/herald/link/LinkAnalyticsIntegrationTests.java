package dev.herald.link;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.api.ApiHttp;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.BrowserSession;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;

import static dev.herald.api.ApiHttp.read;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Link analytics end to end (#26): the cards people receive in the simulator carry
 * {@code /r/} links of their own; following one over HTTP redirects to the announcement's
 * link and is counted once in the report, the clicks page and the CSV; tampered tokens
 * are a 404 page and never a redirect; HEAD requests and a previewer are not counted; an
 * edited link keeps counting under its number; another author cannot see who clicked;
 * with per-person tracking off only counts are kept.
 */
class LinkAnalyticsIntegrationTests extends IntegrationTest {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static final String BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
			+ "(KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0";

	private static final String TEAMS_PREVIEW = "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5";

	private final String author = TestIdentityProvider.accessToken("links-author", "Herald.Author");

	private final String otherAuthor = TestIdentityProvider.accessToken("links-other-author", "Herald.Author");

	private final String admin = TestIdentityProvider.accessToken("links-admin-cli", "Herald.Admin");

	@AfterEach
	void trackPeopleAgain() {
		new ApiHttp(baseUrl()).call("PUT", "/api/v1/admin/settings", this.admin,
				json(Map.of("trackLinkClickers", true, "requireLinkNotice", false)));
	}

	@Test
	void eachPersonsLinksRedirectToTheAnnouncementsOwnLinksAndPeopleAreCountedOnce() throws Exception {
		ApiHttp http = new ApiHttp(baseUrl());
		// Both named: other classes save the settings form, which may have turned either
		// off.
		assertThat(http
			.call("PUT", "/api/v1/admin/settings", this.admin,
					json(Map.of("trackLinkClickers", true, "requireLinkNotice", true)))
			.statusCode()).isEqualTo(200);
		List<SimUser> people = installed(3, 70);
		String marker = "links-" + UUID.randomUUID();
		Map<String, Object> content = Map.of("title", marker, "summary",
				"Read [the policy](https://intranet.example/policy) or https://intranet.example/faq.", "buttons",
				List.of(Map.of("title", "Floor plan", "url", "https://intranet.example/plan")));
		long id = send(http, content, people);
		String base = "/api/v1/announcements/" + id;

		// Every person's card: the button and both text links lead through /r/, with
		// tokens of their own, and the footer says clicks are tracked.
		List<List<String>> links = new ArrayList<>();
		for (SimUser person : people) {
			String card = cardOf(person, marker);
			// (The spoken text may name an address; no link leads there directly.)
			assertThat(card).doesNotContain("](https://intranet.example", "\"url\":\"https://intranet.example")
				.contains("herald-link-tracking");
			List<String> own = redirects(card);
			assertThat(own).as("button, policy, faq").hasSize(3);
			links.add(own);
		}
		assertThat(links.get(0)).doesNotContainAnyElementsOf(links.get(1));
		// Scanners click within 2 s of delivery; a person does not.
		Thread.sleep(2100);

		List<String> alice = links.get(0);
		HttpResponse<String> button = get(button(alice), "GET", BROWSER);
		assertThat(button.statusCode()).isEqualTo(302);
		assertThat(button.headers().firstValue("Location")).contains("https://intranet.example/plan");
		assertThat(button.headers().firstValue("Cache-Control")).contains("no-store");
		assertThat(button.headers().firstValue("Referrer-Policy")).contains("no-referrer");
		assertThat(get(textLink(alice, "faq", 1), "GET", BROWSER).headers().firstValue("Location"))
			.contains("https://intranet.example/faq");

		// Not people: a HEAD and Teams' previewer; both are still redirected.
		List<String> bob = links.get(1);
		assertThat(get(button(bob), "HEAD", BROWSER).statusCode()).isEqualTo(302);
		assertThat(get(button(bob), "GET", TEAMS_PREVIEW).statusCode()).isEqualTo(302);

		// Tampered or foreign tokens: a 404 page, never a redirect.
		String token = button(alice).substring(button(alice).lastIndexOf('/') + 1);
		char last = token.charAt(token.length() - 1);
		for (String forged : List.of(token.substring(0, token.length() - 1) + ((last == 'A') ? 'B' : 'A'),
				token.substring(1), "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "evil.example", "A".repeat(5000))) {
			HttpResponse<String> refused = get(baseUrl() + "/r/" + forged, "GET", BROWSER);
			assertThat(refused.statusCode()).as(forged).isEqualTo(404);
			assertThat(refused.headers().firstValue("Location")).as(forged).isEmpty();
			assertThat(refused.body()).contains("Link not found");
		}
		// Encoded slashes Tomcat itself refuses (400): still never a redirect.
		for (String forged : List.of("https%3A%2F%2Fevil.example", "..%2F..%2Fapi%2Fv1%2Fannouncements")) {
			HttpResponse<String> refused = get(baseUrl() + "/r/" + forged, "GET", BROWSER);
			assertThat(refused.statusCode()).as(forged).isBetween(400, 404);
			assertThat(refused.headers().firstValue("Location")).as(forged).isEmpty();
		}
		assertThat(get(baseUrl() + "/r/" + token, "POST", BROWSER).headers().firstValue("Location")).isEmpty();

		// The report: 2 clicks by 1 person, 2 requests not counted.
		Await.until(WAIT, "clicks written",
				() -> read(http.call("GET", base + "/report", this.author, null)).path("links")
					.path("notCounted")
					.asLong() == 2);
		JsonNode figures = read(http.call("GET", base + "/report", this.author, null)).path("links");
		assertThat(figures.path("clicks").asLong()).isEqualTo(2);
		assertThat(figures.path("uniqueClickers").asLong()).isEqualTo(1);
		assertThat(figures.path("perPerson").asBoolean()).isTrue();
		assertThat(clicksOf(figures, 0)).isEqualTo(1);
		assertThat(clicksOf(figures, 4)).isZero();
		assertThat(clicksOf(figures, 5)).isEqualTo(1);
		JsonNode variant = figures.path("variants").get(0);
		assertThat(variant.path("delivered").asLong()).isEqualTo(3);
		assertThat(variant.path("clickThroughRate").asDouble()).isEqualTo(33.3);
		assertThat(figures.path("overTime").path("buckets")).hasSize(1);

		// Who clicked, with the read rules of who acknowledged.
		JsonNode clickers = read(http.call("GET", base + "/clicks", this.author, null));
		assertThat(clickers.path("items")).hasSize(1);
		assertThat(clickers.path("items").get(0).path("person").asString()).isEqualTo(people.get(0).id());
		assertThat(clickers.path("items").get(0).path("clicks").asLong()).isEqualTo(2);
		// Another author may read the sent announcement's report and counts, not who
		// clicked: /clicks is refused and the CSV's clicks column is empty.
		HttpResponse<String> refused = http.call("GET", base + "/clicks", this.otherAuthor, null);
		assertThat(refused.statusCode()).isEqualTo(403);
		assertThat(refused.body()).doesNotContain(people.get(0).id());
		JsonNode seenByOther = read(http.call("GET", base + "/report", this.otherAuthor, null));
		assertThat(seenByOther.path("links").path("clicks").asLong()).isEqualTo(2);
		assertThat(seenByOther.toString()).doesNotContain(people.get(0).id());
		String otherCsv = http
			.call("GET", base + "/deliveries.csv", this.otherAuthor, null, Map.of("Accept", "text/csv"))
			.body();
		assertThat(otherCsv.lines().filter((l) -> l.startsWith(people.get(0).id() + ",")).findFirst().orElseThrow())
			.endsWith(",");
		String csv = http.call("GET", base + "/deliveries.csv", this.author, null, Map.of("Accept", "text/csv")).body();
		assertThat(csv.lines().findFirst().orElseThrow()).endsWith(",clicks");
		assertThat(csv.lines().filter((l) -> l.startsWith(people.get(0).id() + ",")).findFirst().orElseThrow())
			.endsWith(",2");
		assertThat(csv.lines().filter((l) -> l.startsWith(people.get(1).id() + ",")).findFirst().orElseThrow())
			.endsWith(",0");

		// The report page: figures for every reader, who clicked for Admins and owners.
		String page = BrowserSession.signIn(baseUrl(), "links-ui-admin", "Herald.Admin")
			.get("/announcements/" + id + "/report")
			.body();
		assertThat(page).contains("id=\"report-links\"", "id=\"clickers-list\"", people.get(0).id(),
				"https://intranet.example/faq");
		String otherPage = BrowserSession.signIn(baseUrl(), "links-ui-other", "Herald.Author")
			.get("/announcements/" + id + "/report")
			.body();
		assertThat(otherPage).contains("id=\"report-links\"", "id=\"clickers-owners-only\"")
			.doesNotContain("id=\"clickers-list\"", people.get(0).id());

		// An edit moves the button: the link already sent leads to the new address and
		// keeps counting as link 0.
		Map<String, Object> edited = Map.of("title", marker, "summary", content.get("summary"), "buttons",
				List.of(Map.of("title", "Floor plan", "url", "https://intranet.example/plan-v2")));
		assertThat(http.call("PUT", base, this.author, json(edited)).statusCode()).isEqualTo(200);
		assertThat(get(button(links.get(2)), "GET", BROWSER).headers().firstValue("Location"))
			.contains("https://intranet.example/plan-v2");
		Await.until(WAIT, "edited link counted",
				() -> clicksOf(read(http.call("GET", base + "/report", this.author, null)).path("links"), 0) == 2);
		JsonNode after = read(http.call("GET", base + "/report", this.author, null)).path("links");
		assertThat(after.path("uniqueClickers").asLong()).isEqualTo(2);
		assertThat(after.path("links").get(0).path("url").asString()).isEqualTo("https://intranet.example/plan-v2");
	}

	@Test
	void withPerPersonTrackingOffOnlyCountsAreKept() throws Exception {
		ApiHttp http = new ApiHttp(baseUrl());
		JsonNode settings = read(http.call("PUT", "/api/v1/admin/settings", this.admin,
				json(Map.of("trackLinkClickers", false, "requireLinkNotice", true))));
		assertThat(settings.path("trackLinkClickers").asBoolean()).isFalse();
		// An author may not change it.
		assertThat(http.call("PUT", "/api/v1/admin/settings", this.author, json(Map.of("trackLinkClickers", true)))
			.statusCode()).isEqualTo(403);
		List<SimUser> people = installed(2, 80);
		String marker = "counts-" + UUID.randomUUID();
		long id = send(http, Map.of("title", marker, "buttons",
				List.of(Map.of("title", "Benefits", "url", "https://benefits.example/2027"))), people);
		String base = "/api/v1/announcements/" + id;
		String first = cardOf(people.get(0), marker);
		String second = cardOf(people.get(1), marker);
		// The links sent name nobody: both people got the same one; no tracking notice
		// (nobody is tracked).
		assertThat(redirects(first)).hasSize(1).isEqualTo(redirects(second));
		assertThat(first).doesNotContain("herald-link-tracking");
		Thread.sleep(2100);
		HttpResponse<String> click = get(redirects(first).get(0), "GET", BROWSER);
		assertThat(click.headers().firstValue("Location")).contains("https://benefits.example/2027");
		assertThat(get(redirects(second).get(0), "GET", BROWSER).statusCode()).isEqualTo(302);

		Await.until(WAIT, "clicks written",
				() -> read(http.call("GET", base + "/report", this.author, null)).path("links")
					.path("clicks")
					.asLong() == 2);
		JsonNode figures = read(http.call("GET", base + "/report", this.author, null)).path("links");
		assertThat(figures.path("uniqueClickers").asLong()).isZero();
		assertThat(figures.path("perPerson").asBoolean()).isFalse();
		assertThat(figures.path("variants").get(0).path("clickThroughRate").asDouble()).isEqualTo(100.0);
		assertThat(read(http.call("GET", base + "/clicks", this.author, null)).path("items")).isEmpty();
		assertThat(
				this.jdbc.sql("SELECT count(*) FROM link_click WHERE announcement_id = :id AND recipient IS NOT NULL")
					.param("id", id)
					.query(Long.class)
					.single())
			.isZero();
	}

	/** Creates and sends an announcement to exactly these people; waits until sent. */
	private long send(ApiHttp http, Map<String, Object> content, List<SimUser> people) {
		long id = read(http.call("POST", "/api/v1/announcements", this.author, json(content))).path("id").asLong();
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
		return id;
	}

	/** The card a person received, as the simulator stored it. */
	private String cardOf(SimUser person, String marker) {
		List<String> cards = this.simulator.inbox(person.id())
			.stream()
			.map((a) -> JsonMapper.shared().writeValueAsString(a))
			.filter((a) -> a.contains(marker))
			.toList();
		assertThat(cards).as("card in %s's chat", person.displayName()).hasSize(1);
		return cards.get(0);
	}

	/** The /r/ links of a card in order of appearance: text links, then buttons. */
	private List<String> redirects(String card) {
		Matcher m = Pattern.compile(Pattern.quote(baseUrl()) + "/r/[A-Za-z0-9_-]+").matcher(card);
		List<String> found = new ArrayList<>();
		while (m.find()) {
			found.add(m.group());
		}
		return found;
	}

	/** The button's link: the last one in the card (actions come after the text). */
	private static String button(List<String> links) {
		return links.get(links.size() - 1);
	}

	private static String textLink(List<String> links, String what, int n) {
		return links.get(n);
	}

	private static long clicksOf(JsonNode figures, int index) {
		for (JsonNode link : figures.path("links")) {
			if (link.path("index").asInt() == index) {
				return link.path("clicks").asLong();
			}
		}
		throw new AssertionError("no link " + index + " in " + figures);
	}

	private HttpResponse<String> get(String url, String method, String agent) {
		return new ApiHttp(baseUrl()).send(HttpRequest.newBuilder(URI.create(url))
			.header("User-Agent", agent)
			.method(method, HttpRequest.BodyPublishers.noBody())
			.build());
	}

	private List<SimUser> installed(int n, int skip) {
		List<SimUser> users = new ArrayList<>(this.simulator.tenant().users());
		Collections.reverse(users); // away from the people other classes install by index
		List<SimUser> picked = users.stream()
			.filter((u) -> !u.guest() && this.simulator.tenant().reachable(u))
			.skip(skip)
			.limit(n)
			.toList();
		assertThat(picked).hasSize(n);
		for (SimUser user : picked) {
			this.simulator.installForUser(user.id());
			Await.until(WAIT, "welcome", () -> !this.simulator.inbox(user.id()).isEmpty());
		}
		return picked;
	}

	private static String json(Object value) {
		return JsonMapper.shared().writeValueAsString(value);
	}

}
