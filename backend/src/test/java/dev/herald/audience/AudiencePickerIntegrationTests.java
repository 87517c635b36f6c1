package dev.herald.audience;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.simulator.SimGroup;
import dev.herald.simulator.SimTeam;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.BrowserSession;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestTenant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audience picker's session endpoints, as the signed-in browser calls them: search,
 * CSV matching, storing a mixed audience with the page's CSRF token, the live count, the
 * confirm page, and a send that reaches each distinct person once with the count the
 * author confirmed.
 */
class AudiencePickerIntegrationTests extends IntegrationTest {

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final Pattern ANNOUNCEMENT_URL = Pattern.compile("/announcements/(\\d+)$");

	private static final String SCRIPT = "<script>alert(1)</script>";

	@Test
	void authorPicksAMixedAudienceInTheBrowserAndEachPersonGetsOneCard() {
		// Someone whose name is script; the directory learns of them in the sync.
		SimUser scripted = this.simulator.tenant().addUser(SCRIPT, "Picker", "Member");
		Api.admin(baseUrl()).syncDirectory();

		SimGroup nested = TestTenant.smallestNestedGroup(this.simulator.tenant());
		SimTeam team = TestTenant.smallestTeam(this.simulator.tenant());
		Set<String> groupMembers = this.simulator.tenant().transitiveUserIds(nested.id());
		List<SimUser> outside = this.simulator.tenant()
			.users()
			.stream()
			.filter((u) -> !u.guest() && !groupMembers.contains(u.id()) && !team.memberUserIds().contains(u.id())
					&& !u.id().equals(scripted.id()))
			.skip(20)
			.limit(3)
			.toList();
		SimUser inGroupAndTeam = this.simulator.tenant()
			.user(team.memberUserIds()
				.stream()
				.filter((id) -> !this.simulator.tenant().user(id).guest())
				.findFirst()
				.orElseThrow());
		String stranger = "nobody-" + UUID.randomUUID() + "@example.org";
		String csv = "UserPrincipalName\n" + outside.get(0).userPrincipalName() + "\n"
				+ outside.get(1).mail().toUpperCase() + "\n" + outside.get(2).userPrincipalName() + "\n"
				+ inGroupAndTeam.userPrincipalName() + "\n" + stranger + "\n" + "just a name\n";

		BrowserSession author = BrowserSession.signIn(baseUrl(), "megan@contoso.example", "Herald.Author");
		String title = "Picked audience " + UUID.randomUUID();
		long id = idOf(author.submit("/announcements/new", "/announcements/new", Map.of("title", title)));
		String draft = author.get("/announcements/" + id).body();
		assertThat(draft).contains("id=\"audience\"").contains("/js/audience.js");
		String token = BrowserSession.metaCsrf(draft);

		// The pickers find what the tenant has.
		String groupPrefix = nested.displayName().substring(0, Math.min(6, nested.displayName().length()));
		JsonNode groups = call(author, "GET", "/audiences/search/groups?q=" + encode(groupPrefix), null, null, token,
				200);
		assertThat(ids(groups)).contains(nested.id());
		JsonNode teams = call(author, "GET", "/audiences/search/teams?q=" + encode(team.displayName()), null, null,
				token, 200);
		assertThat(ids(teams)).contains(team.id());
		JsonNode channels = call(author, "GET", "/audiences/search/teams/" + team.id() + "/channels", null, null, token,
				200);
		assertThat(channels.size()).isEqualTo(team.channels().size());
		JsonNode people = call(author, "GET", "/audiences/search/people?q=" + encode("<script"), null, null, token,
				200);
		assertThat(ids(people)).contains(scripted.id());
		assertThat(people.get(0).path("displayName").asString()).startsWith(SCRIPT);

		// The CSV: matched rows become entries, the others are reported by row.
		String boundary = "herald-" + UUID.randomUUID();
		String multipart = "--" + boundary
				+ "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"people.csv\"\r\n"
				+ "Content-Type: text/csv\r\n\r\n" + csv + "\r\n--" + boundary + "--\r\n";
		String multipartType = "multipart/form-data; boundary=" + boundary;
		assertThat(raw(author, "POST", "/audiences/csv", multipartType, multipart, null).statusCode()).isEqualTo(403);
		JsonNode report = call(author, "POST", "/audiences/csv", multipartType, multipart, token, 200);
		assertThat(report.path("rows").asInt()).isEqualTo(6);
		assertThat(report.path("matched").asInt()).isEqualTo(4);
		assertThat(report.path("unmatched")).hasSize(2);
		assertThat(report.path("unmatched").get(0).path("row").asInt()).isEqualTo(6);
		assertThat(report.path("unmatched").get(0).path("value").asString()).isEqualTo(stranger);
		assertThat(report.path("unmatched").get(1).path("row").asInt()).isEqualTo(7);

		List<Object> entries = new ArrayList<>();
		entries.add(Map.of("kind", "GROUP", "ref", nested.id(), "label", nested.displayName()));
		entries.add(Map.of("kind", "TEAM", "ref", team.id(), "label", team.displayName()));
		entries
			.add(Map.of("kind", "PERSON", "ref", scripted.id(), "label", people.get(0).path("displayName").asString()));
		report.path("entries").forEach(entries::add);
		String audience = JSON.writeValueAsString(Map.of("entries", entries));

		// Writes need the page's CSRF token.
		assertThat(raw(author, "PUT", "/announcements/" + id + "/audience", "application/json", audience, null)
			.statusCode()).isEqualTo(403);
		assertThat(raw(author, "POST", "/audiences/preview", "application/json", audience, null).statusCode())
			.isEqualTo(403);
		assertThat(call(author, "GET", "/announcements/" + id + "/audience", null, null, null, 200).path("entries"))
			.isEmpty();

		JsonNode stored = call(author, "PUT", "/announcements/" + id + "/audience", "application/json", audience, token,
				200);
		assertThat(stored.path("entries")).hasSize(entries.size());
		JsonNode preview = call(author, "POST", "/audiences/preview", "application/json",
				JSON.writeValueAsString(Map.of("entries", stored.path("entries"))), token, 200);

		Set<String> everyone = new LinkedHashSet<>(groupMembers);
		everyone.addAll(team.memberUserIds());
		outside.forEach((u) -> everyone.add(u.id()));
		everyone.add(scripted.id());
		Set<String> expected = new LinkedHashSet<>(everyone);
		expected.removeIf((aad) -> this.simulator.tenant().user(aad).guest());
		assertThat(preview.path("people").asInt()).isEqualTo(expected.size());
		assertThat(preview.path("recipients").asInt()).isEqualTo(expected.size());
		assertThat(preview.path("needInstall").asInt()).isPositive();

		// The draft and the confirm page show the audience, names as text.
		draft = author.get("/announcements/" + id).body();
		assertThat(draft).doesNotContain(SCRIPT)
			.contains("&lt;script&gt;alert(1)&lt;/script&gt; Picker")
			.contains(escape(nested.displayName()));
		String confirm = author.get("/announcements/" + id + "/send").body();
		assertThat(confirm).doesNotContain(SCRIPT)
			.contains("&lt;script&gt;alert(1)&lt;/script&gt; Picker")
			.contains(escape(team.displayName()))
			.contains("4 people from a CSV")
			.contains("data-count=\"" + preview.path("recipients").asInt() + "\"")
			.contains("Send now to " + preview.path("recipients").asInt() + " recipients");

		// Send from the confirm page.
		HttpResponse<String> sent = author.submit("/announcements/" + id + "/send", "/announcements/" + id + "/send",
				Map.of());
		assertThat(sent.statusCode()).isEqualTo(200);
		Await.until(Duration.ofSeconds(90), "announcement sent",
				() -> "sent".equals(this.jdbc.sql("SELECT status FROM announcement WHERE id = :id")
					.param("id", id)
					.query(String.class)
					.single()));
		// The audience is frozen now.
		assertThat(raw(author, "PUT", "/announcements/" + id + "/audience", "application/json",
				"{\"entries\":[{\"kind\":\"EVERYONE\"}]}", token)
			.statusCode()).isEqualTo(409);

		Map<String, Object> counts = this.jdbc
			.sql("SELECT recipients, delivered, failed, opted_out, blocked FROM announcement WHERE id = :id")
			.param("id", id)
			.query()
			.singleRow();
		int recipients = ((Number) counts.get("recipients")).intValue();
		int outcomes = ((Number) counts.get("delivered")).intValue() + ((Number) counts.get("failed")).intValue()
				+ ((Number) counts.get("opted_out")).intValue() + ((Number) counts.get("blocked")).intValue();
		assertThat(recipients).isEqualTo(preview.path("recipients").asInt());
		assertThat(outcomes).isEqualTo(preview.path("recipients").asInt());

		String marker = "\"herald-announcement-" + id + "\"";
		int cards = 0;
		for (String person : everyone) {
			long received = this.simulator.inbox(person)
				.stream()
				.filter((activity) -> JSON.writeValueAsString(activity).contains(marker))
				.count();
			// People whom earlier tests opted out are frozen as opted out, never
			// messaged.
			boolean optedOut = this.jdbc.sql("""
					SELECT count(*) FROM opt_out
					WHERE lower(aad_object_id) = lower(:aad) AND topic = 'all' AND opted_out
					""").param("aad", person).query(Long.class).single() > 0;
			boolean reachable = expected.contains(person) && !this.simulator.isBlocked(person) && !optedOut;
			assertThat(received).as("cards to %s", person).isEqualTo(reachable ? 1 : 0);
			cards += (int) received;
		}
		assertThat(cards).isEqualTo(((Number) counts.get("delivered")).intValue());
	}

	@Test
	void writesNeedTheCsrfTokenAndTheAuthorRole() {
		BrowserSession author = BrowserSession.signIn(baseUrl(), "megan@contoso.example", "Herald.Author");
		long id = idOf(author.submit("/announcements/new", "/announcements/new", Map.of("title", "No token")));
		String body = "{\"entries\":[{\"kind\":\"EVERYONE\"}]}";
		assertThat(
				raw(author, "PUT", "/announcements/" + id + "/audience", "application/json", body, null).statusCode())
			.isEqualTo(403);
		assertThat(raw(author, "PUT", "/announcements/" + id + "/audience", "application/json", body, "not-the-token")
			.statusCode()).isEqualTo(403);
		// The draft still goes to everyone who has the app.
		assertThat(call(author, "GET", "/announcements/" + id + "/audience", null, null, null, 200).path("entries"))
			.isEmpty();
		String token = BrowserSession.metaCsrf(author.get("/announcements/" + id).body());
		call(author, "PUT", "/announcements/" + id + "/audience", "application/json", body, token, 200);
		assertThat(author.get("/announcements/" + id + "/send").body()).contains("Everyone in the organisation");
		// Back to everyone who has the app.
		call(author, "PUT", "/announcements/" + id + "/audience", "application/json", "{\"entries\":[]}", token, 200);
		assertThat(author.get("/announcements/" + id + "/send").body()).contains("everyone who has Herald in Teams");
		// An invalid entry is explained, not stored.
		assertThat(raw(author, "PUT", "/announcements/" + id + "/audience", "application/json",
				"{\"entries\":[{\"kind\":\"GROUP\"}]}", token)
			.statusCode()).isEqualTo(400);

		// Someone signed in without the author role cannot use the pickers.
		BrowserSession employee = new BrowserSession(baseUrl());
		dev.herald.support.TestIdentityProvider.nextSignIn("employee@contoso.example");
		assertThat(employee.get("/audiences/search/groups?q=a").statusCode()).isEqualTo(403);
	}

	private static JsonNode call(BrowserSession session, String method, String path, String contentType, String body,
			String token, int expected) {
		HttpResponse<String> response = raw(session, method, path, contentType, body, token);
		assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isEqualTo(expected);
		return JSON.readTree(response.body());
	}

	private static HttpResponse<String> raw(BrowserSession session, String method, String path, String contentType,
			String body, String token) {
		HttpRequest.Builder request = HttpRequest.newBuilder()
			.timeout(Duration.ofMinutes(2))
			.header("Accept", "application/json")
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)
					: HttpRequest.BodyPublishers.noBody());
		if (contentType != null) {
			request.header("Content-Type", contentType);
		}
		if (token != null) {
			request.header("X-CSRF-TOKEN", token);
		}
		return session.exchange(path, request, HttpResponse.BodyHandlers.ofString());
	}

	private static long idOf(HttpResponse<String> response) {
		assertThat(response.statusCode()).isEqualTo(200);
		Matcher matcher = ANNOUNCEMENT_URL.matcher(response.uri().getPath());
		assertThat(matcher.find()).as("redirected to an announcement, got " + response.uri()).isTrue();
		return Long.parseLong(matcher.group(1));
	}

	private static List<String> ids(JsonNode found) {
		List<String> ids = new ArrayList<>();
		found.forEach((node) -> ids.add(node.path("id").asString()));
		return ids;
	}

	private static String encode(String value) {
		return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private static String escape(String text) {
		return org.springframework.web.util.HtmlUtils.htmlEscape(text);
	}

}
