package dev.herald.audience;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
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
import dev.herald.approval.GovernanceApi;
import dev.herald.simulator.SimChannel;
import dev.herald.simulator.SimTeam;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.BrowserSession;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;

import static dev.herald.approval.GovernanceApi.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Audience entries are checked against the directory, whatever a client claims (#23): a
 * channel of another team sent under an allowed team's id, a person's chat sent as a
 * channel, ids of the wrong shape and audiences over their bounds are 422 problems in the
 * API and the picker alike, and nothing reaches the channel or the person (asserted on
 * the simulator's inboxes). Guardrails fail closed when an author's limits cannot be
 * determined. Each attack sits next to the legitimate path, which still works.
 */
class AudienceTrustIntegrationTests extends IntegrationTest {

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final String AUTHOR_GROUP = "grp-trust-team-authors";

	private static final Duration WAIT = Duration.ofSeconds(90);

	@AfterEach
	void removeRules() {
		GovernanceApi gov = new GovernanceApi(baseUrl());
		gov.ok("GET", "/api/v1/admin/guardrails", ADMIN, null)
			.forEach((rule) -> gov.call("DELETE", "/api/v1/admin/guardrails/" + rule.path("id").asLong(), ADMIN, null));
	}

	@Test
	void aChannelOfAnotherTeamOrAPersonsChatIsNeverAcceptedAsAChannelOfAnAllowedTeam() {
		GovernanceApi gov = new GovernanceApi(baseUrl());
		SimTeam allowed = this.simulator.tenant().teams().get(0);
		SimTeam other = this.simulator.tenant().teams().get(1);
		SimChannel otherChannel = other.channels().get(1);
		SimChannel ownChannel = allowed.channels().get(2);
		// Someone who has the app and typed "stop": their chat must stay out of reach.
		SimUser person = installApp(41, 1).get(0);
		gov.call("PUT", "/api/v1/admin/opt-outs/" + person.id(), ADMIN, null);
		String chatId = this.jdbc.sql("""
				SELECT conversation_id FROM conversation WHERE kind = 'personal' AND lower(aad_object_id) = lower(:aad)
				""").param("aad", person.id()).query(String.class).single();
		gov.ok("PUT", "/api/v1/admin/guardrails", ADMIN, "{\"subjectKind\":\"group\",\"subjectId\":\"" + AUTHOR_GROUP
				+ "\",\"allowedAudiences\":[\"team:" + allowed.id() + "\"]}");
		String author = TestIdentityProvider.accessToken("team-limited-author", Map.of("groups", List.of(AUTHOR_GROUP)),
				"Herald.Author");

		String marker = "chan-" + UUID.randomUUID();
		long id = gov.create(author, marker);
		String path = "/api/v1/announcements/" + id + "/audience";
		// The other team's channel under the allowed team's id.
		JsonNode foreign = ApiHttp
			.assertProblem(gov.call("PUT", path, author, channel(otherChannel.id(), allowed.id())), 422);
		assertThat(foreign.path("title").asString()).isEqualTo("Invalid audience");
		assertThat(foreign.path("detail").asString()).contains(otherChannel.id()).contains("not a channel of team");
		// A person's 1:1 chat (both id forms Teams uses) under the allowed team's id.
		for (String chat : List.of(chatId, "19:" + person.id() + "_" + UUID.randomUUID() + "@unq.gbl.spaces",
				"a:1" + UUID.randomUUID())) {
			JsonNode refused = ApiHttp.assertProblem(gov.call("PUT", path, author, channel(chat, allowed.id())), 422);
			assertThat(refused.path("detail").asString()).contains("not a team channel id");
		}
		// A guardrail judges what is resolved, not the label: the same channel under its
		// real team is refused by the guardrail.
		ApiHttp.assertProblem(gov.call("PUT", path, author, channel(otherChannel.id(), other.id())), 403);
		assertThat(gov.ok("GET", path, author, null).path("entries")).isEmpty();
		// The preview refuses the same entries.
		ApiHttp.assertProblem(
				gov.call("POST", "/api/v1/audiences/preview", author, channel(otherChannel.id(), allowed.id())), 422);

		// The legitimate path: a channel of the allowed team.
		assertThat(gov.call("PUT", path, author, channel(ownChannel.id(), allowed.id())).statusCode()).isEqualTo(200);
		assertThat(gov.act(author, id, "send").statusCode()).isEqualTo(202);
		Await.until(WAIT, "sent", () -> "sent".equals(gov.status(id)));
		assertThat(received(this.simulator.channelInbox(ownChannel.id()), marker)).isEqualTo(1);
		assertThat(received(this.simulator.channelInbox(otherChannel.id()), marker)).isZero();
		assertThat(received(this.simulator.inbox(person.id()), marker)).isZero();
	}

	@Test
	void aChatIdStoredAsAChannelBeforeTheCheckIsLeftOutAtTheFreeze() {
		GovernanceApi gov = new GovernanceApi(baseUrl());
		List<SimUser> people = installApp(43, 2);
		SimUser victim = people.get(0);
		SimUser recipient = people.get(1);
		String chatId = this.jdbc.sql("""
				SELECT conversation_id FROM conversation WHERE kind = 'personal' AND lower(aad_object_id) = lower(:aad)
				""").param("aad", victim.id()).query(String.class).single();
		String author = GovernanceApi.token("legacy-audience-author", "Herald.Author");
		String marker = "legacy-" + UUID.randomUUID();
		long id = gov.create(author, marker);
		assertThat(gov.setPeople(author, id, List.of(recipient.id())).statusCode()).isEqualTo(200);
		// A row as an audience saved before entries were checked could hold.
		this.jdbc.sql("""
				INSERT INTO announcement_audience (announcement_id, kind, ref, team_id, label)
				VALUES (:id, 'channel', :ref, :team, 'Totally a channel')
				""")
			.param("id", id)
			.param("ref", chatId)
			.param("team", this.simulator.tenant().teams().get(0).id())
			.update();
		assertThat(gov.act(author, id, "send").statusCode()).isEqualTo(202);
		Await.until(WAIT, "sent", () -> "sent".equals(gov.status(id)));
		Await.until(WAIT, "delivered to the person", () -> received(this.simulator.inbox(recipient.id()), marker) == 1);
		assertThat(received(this.simulator.inbox(victim.id()), marker)).isZero();
		assertThat(gov.ok("GET", "/api/v1/announcements/" + id, author, null).path("counts").path("recipients").asInt())
			.isEqualTo(1);
	}

	@Test
	void idsOfTheWrongShapeAndAudiencesOverTheirBoundsAreNamed422Problems() {
		GovernanceApi gov = new GovernanceApi(baseUrl());
		String author = GovernanceApi.token("bounds-author", "Herald.Author");
		long id = gov.create(author, "Bounds");
		String path = "/api/v1/announcements/" + id + "/audience";
		JsonNode shape = ApiHttp.assertProblem(
				gov.call("PUT", path, author, "{\"entries\":[{\"kind\":\"GROUP\",\"ref\":\"not-a-group-id\"}]}"), 422);
		assertThat(shape.path("invalid").get(0).path("entry").asString()).isEqualTo("group:not-a-group-id");
		ApiHttp.assertProblem(gov.call("PUT", path, author, "{\"entries\":[{\"kind\":\"ADDRESS\",\"ref\":\"x y\"}]}"),
				422);

		List<Map<String, String>> groups = new ArrayList<>();
		for (int i = 0; i < 51; i++) {
			groups.add(Map.of("kind", "GROUP", "ref", UUID.randomUUID().toString()));
		}
		JsonNode tooMany = ApiHttp
			.assertProblem(gov.call("PUT", path, author, JSON.writeValueAsString(Map.of("entries", groups))), 422);
		assertThat(tooMany.path("limit").asString()).isEqualTo("herald.audience.max-directory-entries");
		assertThat(tooMany.path("max").asInt()).isEqualTo(50);

		List<Map<String, String>> rules = new ArrayList<>();
		for (int i = 0; i < 11; i++) {
			rules.add(Map.of("kind", "ATTRIBUTE", "ref", "department in (Dept" + i + ")"));
		}
		String elevenRules = JSON.writeValueAsString(Map.of("entries", rules));
		JsonNode preview = ApiHttp.assertProblem(gov.call("POST", "/api/v1/audiences/preview", author, elevenRules),
				422);
		assertThat(preview.path("limit").asString()).isEqualTo("herald.audience.max-attribute-rules");
		ApiHttp.assertProblem(gov.call("PUT", path, author, elevenRules), 422);
		assertThat(gov.ok("GET", path, author, null).path("entries")).isEmpty();

		// Within the bounds: ten rules are counted and stored.
		String tenRules = JSON.writeValueAsString(Map.of("entries", rules.subList(0, 10)));
		assertThat(gov.call("POST", "/api/v1/audiences/preview", author, tenRules).statusCode()).isEqualTo(200);
		assertThat(gov.call("PUT", path, author, tenRules).statusCode()).isEqualTo(200);
	}

	@Test
	void thePickerGetsTheSame422WithItsMessage() {
		SimTeam allowed = this.simulator.tenant().teams().get(0);
		SimChannel otherChannel = this.simulator.tenant().teams().get(1).channels().get(1);
		TestIdentityProvider.nextSignIn("picker-trust-author", "Herald.Author");
		BrowserSession author = new BrowserSession(baseUrl());
		HttpResponse<String> created = author.submit("/announcements/new", "/announcements/new",
				Map.of("title", "Picker trust", "importance", "NORMAL"));
		Matcher matcher = Pattern.compile("/announcements/(\\d+)$").matcher(created.uri().getPath());
		assertThat(matcher.find()).as(created.uri().toString()).isTrue();
		String csrf = BrowserSession.metaCsrf(created.body());
		String path = "/announcements/" + matcher.group(1) + "/audience";

		HttpResponse<String> refused = author.putJson(path, channel(otherChannel.id(), allowed.id()), csrf);
		assertThat(refused.statusCode()).isEqualTo(422);
		assertThat(refused.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		// The picker shows the problem's detail under the chips.
		assertThat(JSON.readTree(refused.body()).path("detail").asString()).contains("not a channel of team");
		assertThat(author.putJson(path, channel(allowed.channels().get(1).id(), allowed.id()), csrf).statusCode())
			.isEqualTo(200);
	}

	@Test
	void guardrailsFailClosedWhenTheAuthorsLimitsCannotBeDetermined() {
		GovernanceApi gov = new GovernanceApi(baseUrl());
		String group = this.simulator.tenant().groups().get(0).id();
		gov.ok("PUT", "/api/v1/admin/guardrails", ADMIN, "{\"subjectKind\":\"group\",\"subjectId\":\"" + AUTHOR_GROUP
				+ "\",\"allowedAudiences\":[\"group:" + group + "\"],\"allowCritical\":true}");
		String inGroup = TestIdentityProvider.accessToken("fc-grouped", Map.of("groups", List.of(AUTHOR_GROUP)),
				"Herald.Author");
		// App-only token, no groups claim.
		String noClaim = GovernanceApi.token("fc-app-only", "Herald.Author");
		// Too many groups: Entra leaves the claim out and points to Graph.
		String overage = TestIdentityProvider.accessToken("fc-overage",
				Map.of("scp", "access_as_user", "_claim_names", Map.of("groups", "src1"), "_claim_sources",
						Map.of("src1",
								Map.of("endpoint", "https://graph.microsoft.com/v1.0/users/x/getMemberObjects"))),
				"Herald.Author");
		// Groups listed, but no rule names the author or any of their groups.
		String unnamed = TestIdentityProvider.accessToken("fc-unnamed", Map.of("groups", List.of("grp-unrelated")),
				"Herald.Author");
		String audience = "{\"entries\":[{\"kind\":\"GROUP\",\"ref\":\"" + group + "\"}]}";

		for (String token : List.of(noClaim, overage)) {
			long id = gov.create(token, "Undetermined");
			JsonNode refused = ApiHttp
				.assertProblem(gov.call("PUT", "/api/v1/announcements/" + id + "/audience", token, audience), 403);
			assertThat(refused.path("detail").asString()).contains("cannot tell which guardrails apply");
			ApiHttp.assertProblem(gov.call("POST", "/api/v1/announcements", token,
					"{\"title\":\"Alarm\",\"importance\":\"CRITICAL\"}"), 403);
		}
		long unnamedId = gov.create(unnamed, "Unnamed");
		JsonNode refused = ApiHttp
			.assertProblem(gov.call("PUT", "/api/v1/announcements/" + unnamedId + "/audience", unnamed, audience), 403);
		assertThat(refused.path("detail").asString()).contains("No guardrail names you");
		ApiHttp.assertProblem(gov.act(unnamed, unnamedId, "send"), 403);
		assertThat(gov.status(unnamedId)).isEqualTo("draft");

		// The legitimate paths: an author of the group, and the default rule for the
		// rest.
		long ok = gov.create(inGroup, "Grouped");
		assertThat(gov.call("PUT", "/api/v1/announcements/" + ok + "/audience", inGroup, audience).statusCode())
			.isEqualTo(200);
		gov.ok("PUT", "/api/v1/admin/guardrails", ADMIN,
				"{\"subjectKind\":\"author\",\"subjectId\":\"*\",\"allowedAudiences\":[\"group:*\"]}");
		assertThat(gov.call("PUT", "/api/v1/announcements/" + unnamedId + "/audience", unnamed, audience).statusCode())
			.isEqualTo(200);
		// The default rule is determined without groups: it applies to app-only callers.
		long appOnly = gov.create(noClaim, "App only");
		assertThat(gov.call("PUT", "/api/v1/announcements/" + appOnly + "/audience", noClaim, audience).statusCode())
			.isEqualTo(200);
	}

	private static String channel(String ref, String teamId) {
		return JSON.writeValueAsString(Map.of("entries",
				List.of(Map.of("kind", "CHANNEL", "ref", ref, "teamId", teamId, "label", "Announcements"))));
	}

	private static long received(List<Map<String, Object>> inbox, String marker) {
		return inbox.stream().filter((activity) -> String.valueOf(activity).contains(marker)).count();
	}

}
