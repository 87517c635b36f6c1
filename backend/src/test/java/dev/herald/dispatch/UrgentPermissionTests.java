package dev.herald.dispatch;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.herald.api.ApiHttp;
import dev.herald.simulator.SimUser;
import dev.herald.support.BrowserSession;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;

import static dev.herald.api.ApiHttp.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may alert everyone's activity feed (#25): never an author by default, nor an API
 * client without the grant; each refusal is a 403 naming {@code importance:urgent} in the
 * API and a message in the UI, and nothing is created or sent. The granted paths next to
 * them.
 */
class UrgentPermissionTests extends IntegrationTest {

	private static final String ADMIN = TestIdentityProvider.accessToken("urgent-perm-admin", "Herald.Admin");

	private static final String URGENT = "{\"title\":\"Evacuate now\",\"summary\":\"Fire alarm.\",\"importance\":\"URGENT\"}";

	@AfterEach
	void removeGuardrails() {
		ApiHttp http = new ApiHttp(baseUrl());
		ApiHttp.read(http.call("GET", "/api/v1/admin/guardrails", ADMIN, null))
			.forEach(
					(rule) -> http.call("DELETE", "/api/v1/admin/guardrails/" + rule.path("id").asLong(), ADMIN, null));
	}

	private long announcements(String title) {
		return this.jdbc.sql("SELECT count(*) FROM announcement WHERE title = :t")
			.param("t", title)
			.query(Long.class)
			.single();
	}

	@Test
	void anAuthorNoRuleGrantsUrgentIsRefusedInTheApiAndTheUi() {
		ApiHttp http = new ApiHttp(baseUrl());
		String author = TestIdentityProvider.accessToken("urgent-author-1", "Herald.Author");
		// No guardrail at all: authors are otherwise unlimited, yet not for urgent.
		JsonNode refused = assertProblem(http.call("POST", "/api/v1/announcements", author, URGENT), 403);
		assertThat(refused.path("refused").toString()).contains("importance:urgent");
		// Nor by turning a draft urgent afterwards.
		long id = ApiHttp
			.read(http.call("POST", "/api/v1/announcements", author,
					"{\"title\":\"Fire drill at 3\",\"summary\":\"Practice.\"}"))
			.path("id")
			.asLong();
		assertProblem(http.call("PUT", "/api/v1/announcements/" + id, author, URGENT), 403);
		assertThat(announcements("Evacuate now")).isZero();
		// The UI twin.
		TestIdentityProvider.nextSignIn("urgent-author-1", "Herald.Author");
		BrowserSession ui = new BrowserSession(baseUrl());
		assertThat(ui.get("/announcements").statusCode()).isEqualTo(200);
		HttpResponse<String> page = ui.submit("/announcements/new", "/announcements/new",
				Map.of("title", "Evacuate now (UI)", "summary", "Fire alarm.", "importance", "URGENT"));
		assertThat(page.body()).contains("importance:urgent");
		assertThat(announcements("Evacuate now (UI)")).isZero();

		// A rule allowing critical only is not enough; one allowing urgent is.
		http.call("PUT", "/api/v1/admin/guardrails", ADMIN,
				"{\"subjectKind\":\"author\",\"subjectId\":\"urgent-author-1\",\"allowedAudiences\":[\"person:*\"],"
						+ "\"allowEveryone\":false,\"allowCritical\":true}");
		assertProblem(http.call("POST", "/api/v1/announcements", author, URGENT), 403);
		http.call("PUT", "/api/v1/admin/guardrails", ADMIN,
				"{\"subjectKind\":\"author\",\"subjectId\":\"urgent-author-1\",\"allowedAudiences\":[\"person:*\"],"
						+ "\"allowEveryone\":false,\"allowCritical\":true,\"allowUrgent\":true}");
		assertThat(http.call("POST", "/api/v1/announcements", author, URGENT).statusCode()).isEqualTo(201);
		assertThat(announcements("Evacuate now")).isEqualTo(1);
		// Another author is still refused (the rule names one).
		String other = TestIdentityProvider.accessToken("urgent-author-2", "Herald.Author");
		assertProblem(http.call("POST", "/api/v1/announcements", other, URGENT.replace("Evacuate now", "Evacuate too")),
				403);
	}

	@Test
	void aClientWithoutTheGrantCannotNotifyUrgently() {
		ApiHttp http = new ApiHttp(baseUrl());
		SimUser person = installApp(155, 1).get(0);
		String plain = "app-" + UUID.randomUUID();
		assertThat(http
			.call("POST", "/api/v1/admin/clients", ADMIN,
					"{\"clientId\":\"" + plain + "\",\"displayName\":\"Monitoring\",\"maySendCritical\":true}")
			.statusCode()).isEqualTo(201);
		String token = TestIdentityProvider.accessToken(plain);
		String text = "{\"recipients\":[{\"aadObjectId\":\"" + person.id() + "\"}],\"text\":\"Datacenter %s down\","
				+ "\"urgent\":true}";
		String marker = UUID.randomUUID().toString();
		JsonNode refused = assertProblem(http.call("POST", "/api/v1/notifications", token, text.formatted(marker)),
				403);
		assertThat(refused.path("detail").asString()).contains("maySendUrgent");
		// Nor through a card's importance, nor through the announcements API.
		assertProblem(http.call("POST", "/api/v1/notifications", token,
				"{\"recipients\":[{\"aadObjectId\":\"" + person.id() + "\"}],\"card\":" + URGENT + "}"), 403);
		String author = TestIdentityProvider.accessToken(plain, "Herald.Author");
		assertProblem(http.call("POST", "/api/v1/announcements", author, URGENT.replace("now", marker)), 403);
		// An unregistered app with the Author role is refused too.
		String stranger = TestIdentityProvider.accessToken("stranger-" + UUID.randomUUID(), "Herald.Author");
		assertProblem(http.call("POST", "/api/v1/announcements", stranger, URGENT.replace("now", marker)), 403);
		assertThat(this.jdbc.sql("SELECT count(*) FROM announcement WHERE title LIKE :t OR summary LIKE :t")
			.param("t", "%" + marker + "%")
			.query(Long.class)
			.single()).isZero();

		// Granted: accepted, and the person is alerted through the chat card.
		String granted = "app-" + UUID.randomUUID();
		assertThat(http
			.call("POST", "/api/v1/admin/clients", ADMIN,
					"{\"clientId\":\"" + granted
							+ "\",\"displayName\":\"Incidents\",\"maySendCritical\":true,\"maySendUrgent\":true}")
			.statusCode()).isEqualTo(201);
		HttpResponse<String> sent = http.call("POST", "/api/v1/notifications",
				TestIdentityProvider.accessToken(granted), text.formatted(marker));
		assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
		long id = ApiHttp.read(sent).path("id").asLong();
		assertThat(this.jdbc.sql("SELECT importance FROM announcement WHERE id = :id")
			.param("id", id)
			.query(String.class)
			.single()).isEqualTo("urgent");
		dev.herald.support.Await.until(java.time.Duration.ofSeconds(30), "card delivered",
				() -> cardsReceived(person.id(), id) == 1);
		assertThat(ApiHttp.read(http.call("GET", "/api/v1/admin/clients", ADMIN, null)).toString())
			.contains("\"maySendUrgent\":true");
		List.of(plain, granted).forEach((c) -> assertThat(c).isNotBlank());
	}

}
