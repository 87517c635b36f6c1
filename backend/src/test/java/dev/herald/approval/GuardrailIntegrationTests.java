package dev.herald.approval;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.herald.api.ApiHttp;
import dev.herald.support.BrowserSession;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;

import static dev.herald.approval.GovernanceApi.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Author guardrails: an author limited (through an Entra group of authors) to one group
 * cannot save, submit or send to another, nor to everyone, nor CRITICAL; in the API and
 * in the UI. The rule is the same {@code kind:ref} allow-list API clients have.
 */
class GuardrailIntegrationTests extends IntegrationTest {

	private static final String AUTHOR_GROUP = "grp-comms-hr-authors";

	private GovernanceApi gov() {
		return new GovernanceApi(baseUrl());
	}

	@AfterEach
	void removeRules() {
		GovernanceApi gov = gov();
		gov.ok("GET", "/api/v1/admin/guardrails", ADMIN, null)
			.forEach((rule) -> gov.call("DELETE", "/api/v1/admin/guardrails/" + rule.path("id").asLong(), ADMIN, null));
		gov.approval("off");
	}

	@Test
	void anAuthorLimitedToOneGroupCannotSaveSubmitOrSendToAnotherInTheApi() {
		GovernanceApi gov = gov();
		String allowed = this.simulator.tenant().groups().get(0).id();
		String other = this.simulator.tenant().groups().get(1).id();
		limitTo(allowed);
		String limited = TestIdentityProvider.accessToken("limited-author", Map.of("groups", List.of(AUTHOR_GROUP)),
				"Herald.Author");
		String unlimited = GovernanceApi.token("unlimited-author", "Herald.Author");

		// Save: the audience and the importance.
		long id = gov.create(limited, "HR only");
		JsonNode refused = ApiHttp.assertProblem(gov.setGroup(limited, id, other), 403);
		assertThat(refused.path("refused").toString()).contains("group:" + other);
		assertThat(gov.ok("GET", "/api/v1/announcements/" + id + "/audience", limited, null).path("entries")).isEmpty();
		assertThat(gov.setGroup(limited, id, allowed).statusCode()).isEqualTo(200);
		ApiHttp.assertProblem(
				gov.call("POST", "/api/v1/announcements", limited, "{\"title\":\"Alarm\",\"importance\":\"CRITICAL\"}"),
				403);
		ApiHttp.assertProblem(gov.call("PUT", "/api/v1/announcements/" + id, limited,
				"{\"title\":\"Alarm\",\"importance\":\"CRITICAL\"}"), 403);
		ApiHttp.assertProblem(gov.call("PUT", "/api/v1/announcements/" + id + "/audience", limited,
				"{\"entries\":[{\"kind\":\"EVERYONE\"}]}"), 403);

		// Send and submit: an audience stored by someone else (an Admin co-editing) or
		// none at all (everyone who has the app) is checked again.
		gov.setGroup(ADMIN, id, other);
		ApiHttp.assertProblem(gov.act(limited, id, "send"), 403);
		gov.approval("always");
		ApiHttp.assertProblem(gov.act(limited, id, "submit"), 403);
		long noAudience = gov.create(limited, "Everyone?");
		ApiHttp.assertProblem(gov.act(limited, noAudience, "submit"), 403);
		gov.approval("off");
		ApiHttp.assertProblem(gov.act(limited, noAudience, "send"), 403);
		assertThat(gov.status(id)).isEqualTo("draft");
		assertThat(gov.status(noAudience)).isEqualTo("draft");

		// Once guardrails are in use, an author no rule names is not unlimited (#23);
		// this token lists no groups, so the group rules cannot be applied either...
		long free = gov.create(unlimited, "Anyone");
		assertThat(ApiHttp.assertProblem(gov.setGroup(unlimited, free, other), 403).path("detail").asString())
			.contains("cannot tell which guardrails apply");
		// ...until a rule does: here the default rule for every author.
		gov.ok("PUT", "/api/v1/admin/guardrails", ADMIN,
				"{\"subjectKind\":\"author\",\"subjectId\":\"*\",\"allowedAudiences\":[\"group:*\"]}");
		assertThat(gov.setGroup(unlimited, free, other).statusCode()).isEqualTo(200);
	}

	@Test
	void anAuthorLimitedToOneGroupCannotSaveOrSendToAnotherInTheUi() {
		GovernanceApi gov = gov();
		String allowed = this.simulator.tenant().groups().get(0).id();
		String other = this.simulator.tenant().groups().get(1).id();
		limitTo(allowed);
		TestIdentityProvider.nextSignIn("limited-ui-author", Map.of("groups", List.of(AUTHOR_GROUP)), "Herald.Author");
		BrowserSession author = new BrowserSession(baseUrl());
		assertThat(author.get("/announcements").statusCode()).isEqualTo(200);

		HttpResponse<String> critical = author.submit("/announcements/new", "/announcements/new",
				Map.of("title", "Alarm", "importance", "CRITICAL"));
		assertThat(critical.statusCode()).isEqualTo(200);
		assertThat(critical.body()).contains("Your guardrails do not allow: importance:critical");

		HttpResponse<String> created = author.submit("/announcements/new", "/announcements/new",
				Map.of("title", "HR only (UI)", "importance", "NORMAL"));
		Matcher matcher = Pattern.compile("/announcements/(\\d+)$").matcher(created.uri().getPath());
		assertThat(matcher.find()).as(created.uri().toString()).isTrue();
		long id = Long.parseLong(matcher.group(1));
		String token = BrowserSession.metaCsrf(created.body());
		HttpResponse<String> refused = author.putJson("/announcements/" + id + "/audience",
				"{\"entries\":[{\"kind\":\"GROUP\",\"ref\":\"" + other + "\"}]}", token);
		assertThat(refused.statusCode()).isEqualTo(403);
		assertThat(refused.body()).contains("group:" + other);
		assertThat(author
			.putJson("/announcements/" + id + "/audience",
					"{\"entries\":[{\"kind\":\"GROUP\",\"ref\":\"" + allowed + "\"}]}", token)
			.statusCode()).isEqualTo(200);

		gov.setGroup(ADMIN, id, other);
		HttpResponse<String> send = author.submit("/announcements/" + id, "/announcements/" + id + "/send", Map.of());
		assertThat(send.body()).contains("Your guardrails do not allow this audience");
		assertThat(gov.status(id)).isEqualTo("draft");
	}

	@Test
	void onlyAdminsManageGuardrailsAndEveryChangeIsAudited() {
		GovernanceApi gov = gov();
		String author = GovernanceApi.token("guard-author", "Herald.Author");
		ApiHttp.assertProblem(gov.call("GET", "/api/v1/admin/guardrails", author, null), 403);
		ApiHttp.assertProblem(gov.call("PUT", "/api/v1/admin/guardrails", author,
				"{\"subjectKind\":\"author\",\"subjectId\":\"guard-author\",\"allowedAudiences\":[]}"), 403);
		ApiHttp.assertProblem(
				gov.call("PUT", "/api/v1/admin/guardrails", ADMIN,
						"{\"subjectKind\":\"nobody\",\"subjectId\":\"x\",\"allowedAudiences\":[\"not an entry\"]}"),
				400);
		long before = gov.lastAuditId();
		gov.ok("PUT", "/api/v1/admin/guardrails", ADMIN,
				"{\"subjectKind\":\"author\",\"subjectId\":\"guard-author\",\"allowedAudiences\":[\"team:*\"]}");
		assertThat(gov.audit("guardrail_change", "gov-admin", before)).hasSize(1);
	}

	private void limitTo(String groupId) {
		gov().ok("PUT", "/api/v1/admin/guardrails", ADMIN,
				"{\"subjectKind\":\"group\",\"subjectId\":\"" + AUTHOR_GROUP + "\",\"allowedAudiences\":[\"group:"
						+ groupId + "\"],\"allowEveryone\":false,\"allowCritical\":false}");
	}

}
