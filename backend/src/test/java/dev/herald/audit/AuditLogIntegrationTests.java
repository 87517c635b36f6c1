package dev.herald.audit;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.herald.api.ApiHttp;
import dev.herald.approval.GovernanceApi;
import dev.herald.simulator.SimUser;
import dev.herald.simulator.SimulatorConfig;
import dev.herald.support.Await;
import dev.herald.support.BrowserSession;
import dev.herald.support.IntegrationTest;

import static dev.herald.approval.GovernanceApi.ADMIN;
import static dev.herald.approval.GovernanceApi.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every state-changing act leaves exactly one audit row naming the right actor; the log
 * is read through the admin API (filters, paging) and page (CSV), and nothing can change
 * or delete it.
 */
class AuditLogIntegrationTests extends IntegrationTest {

	private GovernanceApi gov() {
		return new GovernanceApi(baseUrl());
	}

	@AfterEach
	void approvalOff() {
		gov().approval("off");
		// A guardrail left behind would limit every author of later tests (#23).
		GovernanceApi gov = gov();
		gov.ok("GET", "/api/v1/admin/guardrails", ADMIN, null)
			.forEach((rule) -> gov.call("DELETE", "/api/v1/admin/guardrails/" + rule.path("id").asLong(), ADMIN, null));
	}

	@Test
	void everyActOnAnAnnouncementLeavesExactlyOneRowWithTheRightActor() {
		List<SimUser> people = installApp(0, 3);
		GovernanceApi gov = gov();
		String author = token("audit-author", "Herald.Author");
		String coAuthor = token("audit-coauthor", "Herald.Author");
		String approver = token("audit-approver", "Herald.Approver");

		long id = gov.create(author, "Audited");
		gov.ok("PUT", "/api/v1/announcements/" + id, author, "{\"title\":\"Audited twice\",\"summary\":\"x\"}");
		gov.setPeople(author, id, people.stream().map(SimUser::id).toList());
		gov.ok("POST", "/api/v1/announcements/" + id + "/owners", author, "{\"id\":\"audit-coauthor\"}");
		gov.ok("POST", "/api/v1/announcements/" + id + "/schedule", coAuthor,
				"{\"at\":\"" + LocalDateTime.now().plusDays(1).withNano(0) + "\",\"zone\":\"UTC\"}");
		gov.ok("POST", "/api/v1/announcements/" + id + "/unschedule", author, null);
		// Slow Teams down so the send can be paused, resumed and canceled while it runs.
		SimulatorConfig.Latency latency = this.simulator.config().latency();
		this.simulator.setLatency(new SimulatorConfig.Latency(4000, 4000));
		try {
			gov.ok("POST", "/api/v1/announcements/" + id + "/send", author, null);
			// The send answers while the audience is prepared; it can be paused once
			// sending.
			Await.until(Duration.ofSeconds(30), "announcement sending",
					() -> "sending".equals(this.jdbc.sql("SELECT status FROM announcement WHERE id = :id")
						.param("id", id)
						.query(String.class)
						.single()));
			gov.ok("POST", "/api/v1/announcements/" + id + "/pause", coAuthor, null);
			gov.ok("POST", "/api/v1/announcements/" + id + "/resume", author, null);
			gov.ok("POST", "/api/v1/announcements/" + id + "/cancel", coAuthor, null);
		}
		finally {
			this.simulator.setLatency(latency);
		}
		// Refused acts change nothing and leave no row.
		ApiHttp.assertProblem(gov.act(token("audit-stranger", "Herald.Author"), id, "pause"), 403);

		List<JsonNode> rows = gov.audit(id);
		assertThat(rows).extracting((r) -> r.path("action").asString() + " by " + r.path("actorId").asString())
			.containsExactly("create by audit-author", "edit by audit-author", "audience_change by audit-author",
					"owner_add by audit-author", "schedule by audit-coauthor", "unschedule by audit-author",
					"send by audit-author", "pause by audit-coauthor", "resume by audit-author",
					"cancel by audit-coauthor");
		assertThat(rows.get(1).path("summary").asString()).contains("title").contains("summary");
		assertThat(rows).allSatisfy((r) -> assertThat(r.path("actorKind").asString()).isEqualTo("client"));

		// Delete, submit, reject, approve.
		long draft = gov.create(author, "To be deleted");
		gov.call("DELETE", "/api/v1/announcements/" + draft, author, null);
		gov.approval("always");
		long approved = gov.create(author, "To be approved");
		gov.setPeople(author, approved, List.of(people.get(0).id()));
		gov.ok("POST", "/api/v1/announcements/" + approved + "/submit", author, null);
		gov.ok("POST", "/api/v1/announcements/" + approved + "/reject", approver, "{\"comment\":\"Typo\"}");
		gov.ok("POST", "/api/v1/announcements/" + approved + "/submit", author, null);
		gov.ok("POST", "/api/v1/announcements/" + approved + "/approve", approver, null);
		assertThat(gov.audit(draft))
			.extracting((r) -> r.path("action").asString() + " by " + r.path("actorId").asString())
			.containsExactly("create by audit-author", "delete by audit-author");
		assertThat(gov.audit(approved))
			.extracting((r) -> r.path("action").asString() + " by " + r.path("actorId").asString())
			.containsExactly("create by audit-author", "audience_change by audit-author", "submit by audit-author",
					"reject by audit-approver", "submit by audit-author", "approve by audit-approver");
		Await.until(Duration.ofSeconds(30), "approved one delivered",
				() -> cardsReceived(people.get(0).id(), approved) == 1);
	}

	@Test
	void aScheduledStartIsRecordedAsHeraldsOwnAct() {
		List<SimUser> people = installApp(0, 1);
		GovernanceApi gov = gov();
		String author = token("audit-scheduler", "Herald.Author");
		long id = gov.create(author, "Starts by itself");
		gov.setPeople(author, id, List.of(people.get(0).id()));
		gov.ok("POST", "/api/v1/announcements/" + id + "/schedule", author, "{\"at\":\""
				+ LocalDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(3).withNano(0) + "\",\"zone\":\"UTC\"}");
		Await.until(Duration.ofSeconds(60), "scheduled start", () -> !gov.status(id).equals("scheduled"));
		assertThat(gov.audit(id))
			.extracting((r) -> r.path("action").asString() + " by " + r.path("actorId").asString() + " ("
					+ r.path("actorName").asString() + ")")
			.containsExactly("create by audit-scheduler (audit-scheduler)",
					"audience_change by audit-scheduler (audit-scheduler)",
					"schedule by audit-scheduler (audit-scheduler)", "send by herald (scheduler)");
	}

	@Test
	void everyAdminActLeavesExactlyOneRowWithTheRightActor() {
		GovernanceApi gov = gov();
		SimUser person = this.simulator.tenant().users().get(3);
		long start = gov.lastAuditId();

		gov.ok("PUT", "/api/v1/admin/settings", ADMIN, "{\"auditRetentionDays\":4000,\"allowGuests\":false}");
		gov.ok("PUT", "/api/v1/admin/guardrails", ADMIN,
				"{\"subjectKind\":\"author\",\"subjectId\":\"audit-nobody\",\"allowedAudiences\":[]}");
		gov.call("PUT", "/api/v1/admin/opt-outs/" + person.id(), ADMIN, null);
		gov.call("DELETE", "/api/v1/admin/opt-outs/" + person.id(), ADMIN, null);
		gov.ok("POST", "/api/v1/admin/clients", ADMIN,
				"{\"clientId\":\"audit-client-" + System.nanoTime() + "\",\"displayName\":\"Audit bot\"}");

		// The UI acts of an Admin, signed in: settings form and retention purge.
		BrowserSession admin = BrowserSession.signIn(baseUrl(), "audit-ui-admin", "Herald.Admin");
		admin.submit("/admin/settings", "/admin/settings",
				Map.of("ratePerSecond", "50", "retentionDays", "3650", "proactiveInstall", "true", "approval", "off",
						"approvalThreshold", "1000", "auditRetentionDays", "3650"));
		admin.submit("/admin/settings", "/admin/retention/purge", Map.of());

		assertThat(gov.audit("settings_change", "gov-admin", start)).hasSize(1);
		assertThat(gov.audit("guardrail_change", "gov-admin", start)).hasSize(1);
		assertThat(gov.audit("opt_out_change", "gov-admin", start)).hasSize(2);
		assertThat(gov.audit("api_client_change", "gov-admin", start)).hasSize(1);
		assertThat(gov.audit("settings_change", "audit-ui-admin", start)).hasSize(1);
		assertThat(gov.audit("retention_purge", "audit-ui-admin", start)).hasSize(1);
		// Roles live in Entra: Herald records what it sees at sign-in.
		List<JsonNode> roles = gov.audit("role_change", "audit-ui-admin", start);
		assertThat(roles).hasSize(1);
		assertThat(roles.get(0).path("summary").asString()).contains("ADMIN");
		assertThat(gov.audit("settings_change", "gov-admin", start).get(0).path("summary").asString())
			.contains("audit.retention-days")
			.contains("4000");
	}

	@Test
	void theLogIsFilteredPagedExportedAndNeverChanged() {
		GovernanceApi gov = gov();
		String author = token("audit-pager", "Herald.Author");
		long id = gov.create(author, "Paged, with a comma");
		for (int i = 0; i < 3; i++) {
			gov.ok("PUT", "/api/v1/announcements/" + id, author, "{\"title\":\"=HYPERLINK(" + i + ")\"}");
		}
		JsonNode first = gov.ok("GET", "/api/v1/admin/audit?announcement=" + id + "&limit=2", ADMIN, null);
		assertThat(first.path("items")).hasSize(2);
		JsonNode second = gov.ok("GET",
				"/api/v1/admin/audit?announcement=" + id + "&limit=2&before=" + first.path("next").asLong(), ADMIN,
				null);
		assertThat(second.path("items")).hasSize(2);
		assertThat(second.path("items").get(1).path("action").asString()).isEqualTo("create");
		assertThat(gov.ok("GET", "/api/v1/admin/audit?action=edit&actor=audit-pager", ADMIN, null).path("items"))
			.hasSize(3);
		assertThat(gov.ok("GET", "/api/v1/admin/audit?announcement=" + id + "&from=2999-01-01T00:00:00Z", ADMIN, null)
			.path("items")).isEmpty();
		ApiHttp.assertProblem(gov.call("GET", "/api/v1/admin/audit?action=explode", ADMIN, null), 400);
		ApiHttp.assertProblem(gov.call("GET", "/api/v1/admin/audit", author, null), 403);

		// No delete or change path: not in the API, not in the database.
		assertThat(gov.call("DELETE", "/api/v1/admin/audit", ADMIN, null).statusCode()).isEqualTo(405);
		assertThat(gov.call("PUT", "/api/v1/admin/audit", ADMIN, "{}").statusCode()).isEqualTo(405);
		assertThatThrownBy(() -> this.jdbc.sql("UPDATE audit_event SET summary = 'forged' WHERE announcement_id = :id")
			.param("id", id)
			.update()).hasMessageContaining("append-only");

		// The page and its CSV (RFC 4180 quoting).
		BrowserSession admin = BrowserSession.signIn(baseUrl(), "audit-page-admin", "Herald.Admin");
		String page = admin.get("/admin/audit?announcement=" + id).body();
		assertThat(page).contains("audit-pager").contains("edited title");
		HttpResponse<String> csv = admin.get("/admin/audit.csv?announcement=" + id);
		assertThat(csv.headers().firstValue("Content-Type"))
			.hasValueSatisfying((t) -> assertThat(t).startsWith("text/csv"));
		assertThat(csv.body().lines().toList()).hasSize(5);
		assertThat(csv.body()).contains("\"created \"\"Paged, with a comma\"\"\"");
		BrowserSession author2 = BrowserSession.signIn(baseUrl(), "audit-page-author", "Herald.Author");
		assertThat(author2.get("/admin/audit").statusCode()).isEqualTo(403);
	}

}
