package dev.herald.audit;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.herald.api.ApiHttp;
import dev.herald.approval.GovernanceApi;
import dev.herald.simulator.SimUser;
import dev.herald.simulator.SimulatorConfig;
import dev.herald.support.Await;
import dev.herald.support.BrowserSession;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The acts that used to leave no trace (#23): a test copy, a reminder, pause, resume and
 * cancel of an operation, expiry and automatic reminder, templates; next to the edit
 * after send and the recall. Each done through HTTP leaves exactly one row; each refused
 * leaves none.
 */
class AuditCoverageIntegrationTests extends IntegrationTest {

	@Test
	void everyActAfterTheSendOnTemplatesAndTestCopiesLeavesExactlyOneRow() {
		List<SimUser> people = installApp(60, 6);
		SimUser me = people.get(0);
		GovernanceApi gov = new GovernanceApi(baseUrl());
		// A person (delegated token with their oid): the test copy goes to their chat.
		String author = TestIdentityProvider.accessToken("audit-cover-author", Map.of("oid", me.id(), "scp", "user"),
				"Herald.Author");
		String stranger = TestIdentityProvider.accessToken("audit-cover-stranger", "Herald.Author");
		long id = gov.create(author, "Covered by the audit");
		gov.setPeople(author, id, people.stream().skip(1).map(SimUser::id).toList());

		assertThat(gov.call("POST", "/api/v1/announcements/" + id + "/test", author, null).statusCode()).isEqualTo(202);
		Await.until(Duration.ofSeconds(20), "test copy", () -> cardsReceived(me.id(), id) == 1);
		gov.ok("POST", "/api/v1/announcements/" + id + "/send", author, null);
		Await.until(Duration.ofSeconds(30), "sent", () -> gov.status(id).equals("sent"));

		// Teams slowed down so the reminder is still running while it is controlled.
		SimulatorConfig.Latency latency = this.simulator.config().latency();
		this.simulator.setLatency(new SimulatorConfig.Latency(6000, 6000));
		try {
			String reminders = "/api/v1/announcements/" + id + "/reminders";
			ApiHttp.assertProblem(gov.call("POST", reminders, stranger, "{\"who\":\"not-acknowledged\"}"), 403);
			long op = gov.ok("POST", reminders, author, "{\"who\":\"not-acknowledged\"}").path("id").asLong();
			String ops = "/api/v1/announcements/" + id + "/follow-ups/" + op;
			ApiHttp.assertProblem(gov.call("POST", ops + "/pause", stranger, null), 403);
			gov.ok("POST", ops + "/pause", author, null);
			gov.ok("POST", ops + "/resume", author, null);
			gov.ok("POST", ops + "/cancel", author, null);
			// Nothing left to cancel: a 409, and no row.
			ApiHttp.assertProblem(gov.call("POST", ops + "/cancel", author, null), 409);
		}
		finally {
			this.simulator.setLatency(latency);
		}
		String afterSend = "/api/v1/announcements/" + id + "/after-send";
		String schedule = "{\"expiry\":{\"at\":\"" + LocalDateTime.now().plusDays(3).withNano(0)
				+ "\",\"zone\":\"Europe/Paris\"},\"autoReminder\":{\"hours\":24,\"who\":\"not-acknowledged\"}}";
		ApiHttp.assertProblem(gov.call("PUT", afterSend, stranger, schedule), 403);
		gov.ok("PUT", afterSend, author, schedule);
		gov.ok("PUT", "/api/v1/announcements/" + id, author, "{\"title\":\"Covered, edited\",\"summary\":\"x\"}");
		assertThat(gov.call("POST", "/api/v1/announcements/" + id + "/recall", author, null).statusCode())
			.isEqualTo(202);

		// Templates live in the UI: saved from the announcement, then deleted.
		long start = gov.lastAuditId();
		TestIdentityProvider.nextSignIn("audit-cover-author", Map.of("oid", me.id()), "Herald.Author");
		BrowserSession browser = new BrowserSession(baseUrl());
		assertThat(browser.get("/announcements").statusCode()).isEqualTo(200);
		String templateName = "Covered template " + System.nanoTime();
		browser.submit("/announcements/" + id, "/announcements/" + id + "/template", Map.of("name", templateName));
		long template = this.jdbc.sql("SELECT id FROM announcement_template WHERE name = :name")
			.param("name", templateName)
			.query(Long.class)
			.single();
		browser.submit("/announcements", "/announcements/templates/" + template + "/delete", Map.of());
		// A template that is gone already: nothing deleted, nothing recorded.
		browser.submit("/announcements", "/announcements/templates/" + template + "/delete", Map.of());

		List<JsonNode> rows = gov.audit(id);
		assertThat(rows).extracting((r) -> r.path("action").asString())
			.containsExactly("create", "audience_change", "test_send", "send", "reminder", "follow_up_pause",
					"follow_up_resume", "follow_up_cancel", "after_send_change", "edit_after_send", "recall",
					"template_save");
		assertThat(rows.get(2).path("summary").asString()).contains("sent");
		assertThat(rows.get(4).path("summary").asString()).contains("not-acknowledged");
		assertThat(rows.get(8).path("summary").asString()).contains("Europe/Paris").contains("24 h");
		assertThat(rows.get(11).path("summary").asString()).contains(templateName);
		assertThat(
				this.jdbc.sql("SELECT action, summary FROM audit_event WHERE id > :start AND announcement_id IS NULL")
					.param("start", start)
					.query((rs, i) -> rs.getString(1) + ": " + rs.getString(2))
					.list())
			.filteredOn((row) -> row.contains(templateName))
			.containsExactly("template_delete: deleted template " + template + " \"" + templateName + "\"");
	}

	/** The page twins of reminder, operation control and expiry record the same rows. */
	@Test
	void theFollowUpPageRecordsTheSameActs() {
		List<SimUser> people = installApp(70, 3);
		GovernanceApi gov = new GovernanceApi(baseUrl());
		// The same person in the API and the browser (a delegated token: scp).
		String author = TestIdentityProvider.accessToken("audit-page-author",
				Map.of("oid", people.get(0).id(), "scp", "user"), "Herald.Author");
		long id = gov.create(author, "Covered on the page");
		gov.setPeople(author, id, people.stream().map(SimUser::id).toList());
		gov.ok("POST", "/api/v1/announcements/" + id + "/send", author, null);
		Await.until(Duration.ofSeconds(30), "sent", () -> gov.status(id).equals("sent"));

		TestIdentityProvider.nextSignIn("audit-page-author", Map.of("oid", people.get(0).id()), "Herald.Author");
		BrowserSession browser = new BrowserSession(baseUrl());
		assertThat(browser.get("/announcements").statusCode()).isEqualTo(200);
		String page = "/announcements/" + id + "/follow-ups";
		SimulatorConfig.Latency latency = this.simulator.config().latency();
		this.simulator.setLatency(new SimulatorConfig.Latency(6000, 6000));
		try {
			assertThat(browser.submit(page, "/announcements/" + id + "/reminders", Map.of("who", "not-acknowledged"))
				.statusCode()).isEqualTo(200);
			long op = this.jdbc.sql("SELECT max(id) FROM follow_up WHERE announcement_id = :id AND kind = 'remind'")
				.param("id", id)
				.query(Long.class)
				.single();
			browser.submit(page, page + "/" + op + "/pause", Map.of());
			browser.submit(page, page + "/" + op + "/cancel", Map.of());
			// Refused (canceled already): no row.
			browser.submit(page, page + "/" + op + "/resume", Map.of());
		}
		finally {
			this.simulator.setLatency(latency);
		}
		browser.submit(page, "/announcements/" + id + "/after-send",
				Map.of("expiresAt", LocalDateTime.now().plusDays(2).withSecond(0).withNano(0).toString(), "zone",
						"Europe/Berlin", "remindHours", "", "remindWho", ""));
		// Invalid (an expiry in the past): refused, no row.
		browser.submit(page, "/announcements/" + id + "/after-send",
				Map.of("expiresAt", "2001-01-01T10:00", "zone", "Europe/Berlin"));

		assertThat(gov.audit(id)).extracting((r) -> r.path("action").asString())
			.containsExactly("create", "audience_change", "send", "reminder", "follow_up_pause", "follow_up_cancel",
					"after_send_change");
	}

	/**
	 * An Admin cannot shorten the audit log's retention under 90 days, in the API (422)
	 * or on the settings page (the field's message); 0 (forever) and 90 are accepted.
	 */
	@Test
	void auditRetentionHasAFloorOfNinetyDays() {
		GovernanceApi gov = new GovernanceApi(baseUrl());
		long start = gov.lastAuditId();
		try {
			for (int days : new int[] { 1, 30, 89 }) {
				var refused = gov.call("PUT", "/api/v1/admin/settings", GovernanceApi.ADMIN,
						"{\"auditRetentionDays\":" + days + "}");
				ApiHttp.assertProblem(refused, 422);
				assertThat(refused.body()).contains("at least 90 days").contains("\"minimumDays\":90");
			}
			assertThat(gov.audit("settings_change", "gov-admin", start)).isEmpty();
			assertThat(gov.ok("PUT", "/api/v1/admin/settings", GovernanceApi.ADMIN, "{\"auditRetentionDays\":90}")
				.path("auditRetentionDays")
				.asInt()).isEqualTo(90);

			BrowserSession admin = BrowserSession.signIn(baseUrl(), "audit-floor-admin", "Herald.Admin");
			var page = admin.submit("/admin/settings", "/admin/settings", Map.of("ratePerSecond", "50", "retentionDays",
					"0", "approval", "off", "approvalThreshold", "1000", "auditRetentionDays", "7"));
			assertThat(page.statusCode()).isEqualTo(200);
			assertThat(page.body()).contains("Keep the audit log at least 90 days");
			assertThat(gov.ok("GET", "/api/v1/admin/settings", GovernanceApi.ADMIN, null)
				.path("auditRetentionDays")
				.asInt()).isEqualTo(90);
			assertThat(gov.audit("settings_change", "audit-floor-admin", start)).isEmpty();
		}
		finally {
			gov.ok("PUT", "/api/v1/admin/settings", GovernanceApi.ADMIN, "{\"auditRetentionDays\":0}");
		}
	}

}
