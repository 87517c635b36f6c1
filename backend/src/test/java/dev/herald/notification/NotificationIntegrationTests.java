package dev.herald.notification;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.herald.api.ApiHttp;
import dev.herald.announcement.AnnouncementContent;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;

import static dev.herald.api.ApiHttp.JSON;
import static dev.herald.api.ApiHttp.assertProblem;
import static dev.herald.api.ApiHttp.read;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Other systems notify named people over real HTTP: the people install the app in the
 * simulator (the bot stores their chats), a registered client posts, and the simulated
 * inboxes show what arrived.
 */
class NotificationIntegrationTests extends IntegrationTest {

	@org.springframework.beans.factory.annotation.Autowired
	private dev.herald.announcement.AnnouncementTemplates templates;

	private static final String ADMIN = TestIdentityProvider.accessToken("notification-admin", "Herald.Admin");

	@Test
	void theSameIdempotencyKeySendsOnceAndReportsEachRecipient() {
		ApiHttp http = new ApiHttp(baseUrl());
		String client = register(http, "{\"displayName\":\"Build server\"}");
		// No app role: being a registered client is what lets a system notify.
		String token = TestIdentityProvider.accessToken(client);
		List<SimUser> people = installApp(150, 2);
		String stranger = UUID.randomUUID().toString();
		String body = """
				{"recipients":[{"aadObjectId":"%s"},{"aadObjectId":"%s"},{"upn":"nobody@contoso.example"},
				 {"aadObjectId":"%s"}],
				 "topic":"builds",
				 "card":{"title":"Build 4711 failed","summary":"**main** is red since 10:02.",
				         "buttonTitle":"Open build","buttonUrl":"https://ci.contoso.example/4711"}}
				""".formatted(people.get(0).id(), people.get(1).id().toUpperCase(), stranger);
		Map<String, String> key = Map.of("Idempotency-Key", UUID.randomUUID().toString());

		HttpResponse<String> first = http.call("POST", "/api/v1/notifications", token, body, key);
		assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
		JsonNode accepted = read(first);
		long id = accepted.path("id").asLong();
		assertThat(first.headers().firstValue("Location")).hasValue("/api/v1/notifications/" + id);
		assertThat(accepted.path("requested").asInt()).isEqualTo(4);
		assertThat(accepted.path("queued").asInt()).isEqualTo(2);
		assertThat(accepted.path("unknown").asInt()).isEqualTo(1);
		assertThat(accepted.path("unreachable").asInt()).isEqualTo(1);

		HttpResponse<String> retry = http.call("POST", "/api/v1/notifications", token, body, key);
		assertThat(retry.statusCode()).isEqualTo(202);
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(read(retry).path("id").asLong()).isEqualTo(id);

		Await.until(Duration.ofSeconds(30), "notification sent",
				() -> "sent".equals(status(http, token, id).path("status").asString()));
		for (SimUser person : people) {
			assertThat(cardsReceived(person.id(), id)).as("cards for " + person.userPrincipalName()).isEqualTo(1);
		}
		assertThat(this.jdbc.sql("SELECT count(*) FROM notification WHERE client_id = :c")
			.param("c", client)
			.query(Long.class)
			.single()).isEqualTo(1);

		JsonNode status = status(http, token, id);
		assertThat(status.path("sender").asString()).isEqualTo("Build server");
		assertThat(status.path("topic").asString()).isEqualTo("builds");
		assertThat(status.path("counts").path("delivered").asInt()).isEqualTo(2);
		JsonNode recipients = status.path("recipients");
		assertThat(recipients.get(0).path("outcome").asString()).isEqualTo("delivered");
		assertThat(recipients.get(1).path("outcome").asString()).isEqualTo("delivered");
		assertThat(recipients.get(1).path("requested").path("aadObjectId").asString())
			.isEqualTo(people.get(1).id().toUpperCase());
		assertThat(recipients.get(2).path("outcome").asString()).isEqualTo("unknown");
		assertThat(recipients.get(2).path("requested").path("upn").asString()).isEqualTo("nobody@contoso.example");
		assertThat(recipients.get(3).path("outcome").asString()).isEqualTo("unreachable");

		// The same key with another body is a client bug, not a retry.
		HttpResponse<String> reused = http.call("POST", "/api/v1/notifications", token,
				body.replace("Build 4711", "Build 4712"), key);
		assertProblem(reused, 422);
		assertThat(cardsReceived(people.get(0).id(), id)).isEqualTo(1);

		// Only the sender and admins see it.
		String other = register(http, "{\"displayName\":\"Other system\"}");
		assertProblem(http.call("GET", "/api/v1/notifications/" + id, TestIdentityProvider.accessToken(other), null),
				404);
		assertThat(http.call("GET", "/api/v1/notifications/" + id, ADMIN, null).statusCode()).isEqualTo(200);
	}

	@Test
	void anAllowedAudienceIsResolvedAndSentLikeABroadcast() {
		ApiHttp http = new ApiHttp(baseUrl());
		SimUser person = installApp(153, 1).get(0);
		String allowed = "person:" + person.id().toLowerCase();
		String client = register(http, "{\"displayName\":\"HR\",\"allowedAudiences\":[\"" + allowed + "\"]}");
		String token = TestIdentityProvider.accessToken(client);
		String audience = "{\"audience\":{\"entries\":[{\"kind\":\"PERSON\",\"ref\":\"%s\"}]},\"text\":\"Payslips are out\"}";

		JsonNode refused = assertProblem(
				http.call("POST", "/api/v1/notifications", token, audience.formatted(UUID.randomUUID())), 403);
		assertThat(refused.path("allowedAudiences").get(0).asString()).isEqualTo(allowed);

		HttpResponse<String> sent = http.call("POST", "/api/v1/notifications", token, audience.formatted(person.id()));
		assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
		long id = read(sent).path("id").asLong();
		// An audience is frozen in the background: the answer does not wait for it.
		assertThat(read(sent).path("status").asString()).isEqualTo("preparing");
		assertThat(read(sent).path("queued").asInt()).isZero();
		Await.until(Duration.ofSeconds(30), "audience notification sent",
				() -> "sent".equals(status(http, token, id).path("status").asString()));
		assertThat(status(http, token, id).path("counts").path("queued").asInt()).isEqualTo(1);
		assertThat(cardsReceived(person.id(), id)).isEqualTo(1);
		assertThat(status(http, token, id).path("counts").path("delivered").asInt()).isEqualTo(1);

		// Named recipients and an audience are two kinds of send, not one.
		assertProblem(http.call("POST", "/api/v1/notifications", token, audience.formatted(person.id())
			.replace("{\"audience\"", "{\"recipients\":[{\"upn\":\"a@b.c\"}],\"audience\"")), 400);
	}

	@Test
	void overTheQuotaIs429WithRetryAfter() {
		ApiHttp http = new ApiHttp(baseUrl());
		String client = register(http, "{\"displayName\":\"Chatty HR\",\"perMinute\":2}");
		String token = TestIdentityProvider.accessToken(client);
		Map<String, String> firstKey = Map.of("Idempotency-Key", "first-" + UUID.randomUUID());
		String body = message("quota");
		assertThat(http.call("POST", "/api/v1/notifications", token, body, firstKey).statusCode()).isEqualTo(202);
		assertThat(http.call("POST", "/api/v1/notifications", token, message("quota 2")).statusCode()).isEqualTo(202);

		HttpResponse<String> refused = http.call("POST", "/api/v1/notifications", token, message("quota 3"));
		JsonNode problem = assertProblem(refused, 429);
		assertThat(problem.path("limit").asInt()).isEqualTo(2);
		assertThat(refused.headers().firstValue("Retry-After"))
			.hasValueSatisfying((seconds) -> assertThat(Integer.parseInt(seconds)).isBetween(1, 60));
		// A replay is not a new notification: it costs no quota and still answers.
		assertThat(http.call("POST", "/api/v1/notifications", token, body, firstKey).statusCode()).isEqualTo(202);
		assertThat(this.jdbc.sql("SELECT count(*) FROM notification WHERE client_id = :c")
			.param("c", client)
			.query(Long.class)
			.single()).isEqualTo(2);
	}

	@Test
	void onlyRegisteredEnabledClientsSendWithAllowedTopics() {
		ApiHttp http = new ApiHttp(baseUrl());
		String body = message("who may send");
		assertProblem(http.call("POST", "/api/v1/notifications", null, body), 401);
		// The Author role is enough for the author endpoints, not for notifications.
		String unregistered = TestIdentityProvider.accessToken("unregistered-" + UUID.randomUUID(), "Herald.Author");
		assertProblem(http.call("POST", "/api/v1/notifications", unregistered, body), 403);

		String disabled = register(http, "{\"displayName\":\"Retired\",\"enabled\":false}");
		assertProblem(http.call("POST", "/api/v1/notifications", TestIdentityProvider.accessToken(disabled), body),
				403);

		String narrow = register(http, "{\"displayName\":\"ITSM\",\"allowedTopics\":[\"incidents\"]}");
		String narrowToken = TestIdentityProvider.accessToken(narrow);
		JsonNode problem = assertProblem(http.call("POST", "/api/v1/notifications", narrowToken, body), 403);
		assertThat(problem.path("allowedTopics").get(0).asString()).isEqualTo("incidents");
		assertThat(http
			.call("POST", "/api/v1/notifications", narrowToken,
					body.replace("{\"recipients\"", "{\"topic\":\"incidents\",\"recipients\""))
			.statusCode()).isEqualTo(202);

		assertProblem(http.call("GET", "/api/v1/notifications/987654321", narrowToken, null), 404);
		assertProblem(http.call("GET", "/api/v1/notifications/not-a-number", narrowToken, null), 400);
	}

	@Test
	void invalidNotificationsAre400ProblemJsonAndSendNothing() {
		ApiHttp http = new ApiHttp(baseUrl());
		String token = TestIdentityProvider.accessToken(register(http, "{\"displayName\":\"Sloppy\"}"));
		long before = this.jdbc.sql("SELECT count(*) FROM notification").query(Long.class).single();
		String person = "{\"aadObjectId\":\"" + UUID.randomUUID() + "\"}";

		JsonNode missing = assertProblem(http.call("POST", "/api/v1/notifications", token, "{\"text\":\"Hi\"}"), 400);
		assertThat(missing.path("errors").has("recipientsOrAudience")).isTrue();
		assertProblem(http.call("POST", "/api/v1/notifications", token, "{\"recipients\":[],\"text\":\"Hi\"}"), 400);
		JsonNode twoIds = assertProblem(http.call("POST", "/api/v1/notifications", token,
				"{\"recipients\":[{\"upn\":\"a@b.c\",\"email\":\"a@b.c\"}],\"text\":\"Hi\"}"), 400);
		assertThat(twoIds.path("errors").toString()).contains("exactly one of aadObjectId, upn and email");
		JsonNode both = assertProblem(http.call("POST", "/api/v1/notifications", token,
				"{\"recipients\":[" + person + "],\"text\":\"Hi\",\"card\":{\"title\":\"Hi\"}}"), 400);
		assertThat(both.path("errors").has("cardOrText")).isTrue();
		assertProblem(http.call("POST", "/api/v1/notifications", token, "{\"recipients\":[" + person + "]}"), 400);
		JsonNode badCard = assertProblem(
				http.call("POST", "/api/v1/notifications", token,
						"{\"recipients\":[" + person + "],\"card\":{\"title\":\"\",\"imageUrl\":\"javascript:x\"}}"),
				400);
		assertThat(badCard.path("errors").toString()).contains("card.title").contains("card.imageUrl");
		assertProblem(http.call("POST", "/api/v1/notifications", token, "{\"recipients\":[" + person), 400);
		assertProblem(http.call("POST", "/api/v1/notifications", token, "{\"recipients\":\"everyone\",\"text\":\"x\"}"),
				400);
		assertProblem(http.call("POST", "/api/v1/notifications", token, "{\"recipients\":[null],\"text\":\"x\"}"), 400);
		assertProblem(http.call("POST", "/api/v1/notifications", token, message("bad key"),
				Map.of("Idempotency-Key", "k".repeat(256))), 400);
		String many = "{\"aadObjectId\":\"x\"},".repeat(1001);
		JsonNode tooMany = assertProblem(http.call("POST", "/api/v1/notifications", token,
				"{\"recipients\":[" + many.substring(0, many.length() - 1) + "],\"text\":\"x\"}"), 400);
		assertThat(tooMany.path("errors").has("recipients")).isTrue();

		assertThat(this.jdbc.sql("SELECT count(*) FROM notification").query(Long.class).single()).isEqualTo(before);
	}

	@Test
	void aStoredTemplateIsFilledWithTheRequestsData() {
		ApiHttp http = new ApiHttp(baseUrl());
		String client = register(http, "{\"displayName\":\"HR system\"}");
		String token = TestIdentityProvider.accessToken(client);
		SimUser newcomer = installApp(160, 1).get(0);
		long template = this.templates.save("Welcome aboard",
				new AnnouncementContent("Welcome, {{name}}!", "Your first day is {{ day }}.", null, "Open the handbook",
						"https://hr.contoso.example/handbook?for={{name}}"),
				"hr-admin");
		String body = """
				{"recipients":[{"aadObjectId":"%s"}],"templateId":%d,"data":{"name":"Ada","day":"Monday"}}
				""".formatted(newcomer.id(), template);

		HttpResponse<String> accepted = http.call("POST", "/api/v1/notifications", token, body);
		assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
		long id = read(accepted).path("id").asLong();
		Await.until(Duration.ofSeconds(30), "notification sent",
				() -> "sent".equals(status(http, token, id).path("status").asString()));
		String card = JSON.writeValueAsString(this.simulator.inbox(newcomer.id()).get(0));
		assertThat(card).contains("Welcome, Ada!").contains("Your first day is Monday.").doesNotContain("{{");
		// The filled link, as every card link, leads through Herald's /r/ (#26).
		java.util.regex.Matcher link = java.util.regex.Pattern
			.compile(java.util.regex.Pattern.quote(baseUrl()) + "/r/[A-Za-z0-9_-]+")
			.matcher(card);
		assertThat(link.find()).as(card).isTrue();
		assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(link.group())).GET().build())
			.headers()
			.firstValue("Location")).hasValueSatisfying((to) -> assertThat(to).endsWith("handbook?for=Ada"));

		long before = this.jdbc.sql("SELECT count(*) FROM notification").query(Long.class).single();
		JsonNode missing = assertProblem(
				http.call("POST", "/api/v1/notifications", token, body.replace(",\"day\":\"Monday\"", "")), 422);
		assertThat(missing.path("detail").asString()).contains("day");
		assertProblem(http.call("POST", "/api/v1/notifications", token,
				body.replace("\"templateId\":" + template, "\"templateId\":987654321")), 422);
		assertProblem(http.call("POST", "/api/v1/notifications", token,
				body.replace("\"templateId\"", "\"text\":\"x\",\"templateId\"")), 400);
		assertThat(this.jdbc.sql("SELECT count(*) FROM notification").query(Long.class).single()).isEqualTo(before);
	}

	private static String message(String text) {
		return "{\"recipients\":[{\"aadObjectId\":\"" + UUID.randomUUID() + "\"}],\"text\":\"" + text + "\"}";
	}

	@Test
	void aClientAllowedOneTeamCannotReachAnotherTeamsChannelByNamingItsTeam() {
		ApiHttp http = new ApiHttp(baseUrl());
		java.util.List<dev.herald.simulator.SimTeam> teams = this.simulator.tenant().teams();
		dev.herald.simulator.SimTeam allowedTeam = teams.get(0);
		dev.herald.simulator.SimChannel elsewhere = teams.get(1).channels().get(1);
		String token = TestIdentityProvider.accessToken(register(http,
				"{\"displayName\":\"Team bot\",\"allowedAudiences\":[\"team:" + allowedTeam.id() + "\"]}"));
		long before = this.jdbc.sql("SELECT count(*) FROM notification").query(Long.class).single();

		// "team:X" allows X's channels (#27: Graph says whether the channel is X's).
		JsonNode refused = assertProblem(http.call("POST", "/api/v1/notifications", token,
				"{\"audience\":{\"entries\":[{\"kind\":\"CHANNEL\",\"ref\":\"" + elsewhere.id() + "\",\"teamId\":\""
						+ allowedTeam.id() + "\"}]},\"text\":\"Hi\"}"),
				422);
		assertThat(refused.path("detail").asString()).contains("not a channel of team");
		assertThat(this.jdbc.sql("SELECT count(*) FROM notification").query(Long.class).single()).isEqualTo(before);
	}

	private static String register(ApiHttp http, String settings) {
		String client = "app-" + UUID.randomUUID();
		String body = settings.replaceFirst("\\{", "{\"clientId\":\"" + client + "\",");
		HttpResponse<String> created = http.call("POST", "/api/v1/admin/clients", ADMIN, body);
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		return client;
	}

	private static JsonNode status(ApiHttp http, String token, long id) {
		HttpResponse<String> response = http.call("GET", "/api/v1/notifications/" + id, token, null);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return read(response);
	}

}
