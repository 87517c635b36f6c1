package dev.herald.announcement;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.simulator.SimTenant;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.BrowserSession;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The first vertical slice, end to end over real HTTP: Teams installs → conversations
 * stored through signed callbacks → an author signs in, composes and sends → the
 * dispatcher posts one card to each conversation through the Connector client → counts on
 * the page match what the simulated employees received.
 */
class BroadcastIntegrationTests extends IntegrationTest {

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final Pattern ANNOUNCEMENT_URL = Pattern.compile("/announcements/(\\d+)$");

	@Test
	void authorSendsToEveryoneWhoHasTheAppFromTheBrowser() {
		List<SimUser> people = installApp(0, 12);

		BrowserSession author = BrowserSession.signIn(baseUrl(), "megan@contoso.example", "Herald.Author");
		HttpResponse<String> created = author.submit("/announcements/new", "/announcements/new",
				Map.of("title", "Quarterly all-hands", "summary", "Join us **Friday at 10:00** in the atrium.",
						"imageUrl", "https://contoso.example/banner.png", "buttons[0].title", "Agenda",
						"buttons[0].url", "https://contoso.example/agenda"));
		assertThat(created.statusCode()).isEqualTo(200);
		Matcher matcher = ANNOUNCEMENT_URL.matcher(created.uri().getPath());
		assertThat(matcher.find()).as("redirected to the new announcement, got " + created.uri()).isTrue();
		long id = Long.parseLong(matcher.group(1));
		String page = "/announcements/" + id;

		long reachable = activeConversations();
		HttpResponse<String> sent = author.submit(page, page + "/send", Map.of());
		assertThat(sent.statusCode()).isEqualTo(200);

		Await.until(Duration.ofSeconds(30), "announcement sent",
				() -> "sent".equals(progress(author, id).path("status").asString()));
		JsonNode counts = progress(author, id);
		assertThat(counts.path("recipients").asLong()).isEqualTo(reachable);
		// People whom earlier tests opted out are frozen as opted out, never messaged.
		long delivered = reachable - counts.path("optedOut").asLong();
		assertThat(counts.path("delivered").asLong()).as(counts.toString()).isEqualTo(delivered);
		assertThat(counts.path("failed").asInt()).isZero();
		assertThat(counts.path("pending").asInt()).isZero();

		for (SimUser person : people) {
			assertThat(cardsReceived(person.id(), id)).as("cards in " + person.userPrincipalName() + "'s chat")
				.isEqualTo(1);
		}
		String detail = author.get(page).body();
		assertThat(detail).contains("id=\"count-delivered\">" + delivered + "<");
		assertThat(detail).contains("id=\"count-failed\">0<");
	}

	@Test
	void apiClientSendsWithABearerToken() throws Exception {
		List<SimUser> people = installApp(12, 5);
		String token = TestIdentityProvider.accessToken("hr-system", "Herald.Author");

		HttpResponse<String> created = api("POST", "/api/v1/announcements", token,
				"{\"title\":\"Benefits enrolment closes Friday\",\"summary\":\"Pick your plan in the HR portal.\"}");
		assertThat(created.statusCode()).isEqualTo(201);
		JsonNode body = JSON.readTree(created.body());
		long id = body.path("id").asLong();
		assertThat(body.path("status").asString()).isEqualTo("draft");
		assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/announcements/" + id);

		long reachable = activeConversations();
		assertThat(api("POST", "/api/v1/announcements/" + id + "/send", token, null).statusCode()).isEqualTo(202);
		Await.until(Duration.ofSeconds(30), "announcement sent", () -> "sent"
			.equals(read(api("GET", "/api/v1/announcements/" + id, token, null)).path("status").asString()));
		JsonNode done = read(api("GET", "/api/v1/announcements/" + id, token, null));
		// The realistic tenant's people who blocked the bot still have their chats: Teams
		// refuses their copy, which the report counts as blocked (#27).
		long blocked = done.path("counts").path("blocked").asLong();
		assertThat(blocked).as(done.path("counts").toString())
			.isLessThanOrEqualTo(this.simulator.tenant().accounts(SimTenant.AccountKind.BLOCKED).size());
		assertThat(done.path("counts").path("delivered").asLong()).as(done.path("counts").toString())
			.isEqualTo(reachable - done.path("counts").path("optedOut").asLong() - blocked);
		assertThat(done.path("counts").path("recipients").asLong()).isEqualTo(reachable);
		for (SimUser person : people) {
			assertThat(cardsReceived(person.id(), id)).isEqualTo(1);
		}
		// A sent announcement cannot be sent again: the ledger is frozen once.
		HttpResponse<String> again = api("POST", "/api/v1/announcements/" + id + "/send", token, null);
		assertThat(again.statusCode()).isEqualTo(409);
		assertThat(again.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
	}

	private long activeConversations() {
		// The default audience leaves guests out (another class may have installed one).
		return this.jdbc.sql("""
				SELECT count(*) FROM conversation c WHERE c.kind = 'personal' AND c.status = 'active'
				  AND NOT EXISTS (SELECT 1 FROM directory_user du
				                  WHERE du.aad_object_id = lower(c.aad_object_id) AND lower(du.user_type) = 'guest')
				""").query(Long.class).single();
	}

	private static JsonNode progress(BrowserSession session, long id) {
		return JSON.readTree(session.get("/announcements/" + id + "/progress").body());
	}

	private static JsonNode read(HttpResponse<String> response) {
		return JSON.readTree(response.body());
	}

}
