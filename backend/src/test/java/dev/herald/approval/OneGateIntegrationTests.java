package dev.herald.approval;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

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

import static dev.herald.approval.GovernanceApi.ADMIN;
import static dev.herald.approval.GovernanceApi.token;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One gate at the point of sending (#23): each test tries an attack through real HTTP,
 * checks in the simulator's inboxes that nothing reached anyone (or no copy changed) and
 * that the audit log has the refusal, then takes the legitimate path next to it.
 */
class OneGateIntegrationTests extends IntegrationTest {

	private static final JsonMapper JSON = JsonMapper.shared();

	private GovernanceApi gov() {
		return new GovernanceApi(baseUrl());
	}

	@AfterEach
	void restore() {
		GovernanceApi gov = gov();
		gov.ok("PUT", "/api/v1/admin/settings", ADMIN, "{\"approval\":\"off\",\"approvalThreshold\":1000}");
		gov.ok("GET", "/api/v1/admin/guardrails", ADMIN, null)
			.forEach((rule) -> gov.call("DELETE", "/api/v1/admin/guardrails/" + rule.path("id").asLong(), ADMIN, null));
	}

	/**
	 * Approved "Lunch menu", sent; the author then rewrites it after the send. Under
	 * approval {@code always} the edit is a 409 and no copy changes; submitted and
	 * approved by another Approver, the copies are updated.
	 */
	@Test
	void anEditAfterSendUnderApprovalAlwaysWaitsForANewApproval() {
		List<SimUser> people = installApp(0, 2);
		GovernanceApi gov = gov();
		gov.approval("always");
		String author = token("gate-author-1", "Herald.Author");
		String approver = token("gate-approver-1", "Herald.Approver");
		long id = gov.create(author, "Lunch menu");
		gov.setPeople(author, id, people.stream().map(SimUser::id).toList());
		gov.ok("POST", "/api/v1/announcements/" + id + "/submit", author, null);
		gov.ok("POST", "/api/v1/announcements/" + id + "/approve", approver, null);
		Await.until(Duration.ofSeconds(30), "sent", () -> "sent".equals(gov.status(id)));

		// The attack: new title and a button to an outside site, straight onto the
		// copies.
		String rewrite = "{\"title\":\"Reset your password\",\"summary\":\"Now.\","
				+ "\"buttons\":[{\"title\":\"Reset\",\"url\":\"https://evil.example/login\"}]}";
		JsonNode refused = ApiHttp.assertProblem(gov.call("PUT", "/api/v1/announcements/" + id, author, rewrite), 409);
		assertThat(refused.path("title").asString()).isEqualTo("Approval required");
		assertThat(refused.path("detail").asString()).contains("submit");
		assertThat(gov.ok("GET", "/api/v1/announcements/" + id + "/follow-ups", author, null)).isEmpty();
		people.forEach((p) -> assertThat(copy(p, id)).contains("Lunch menu").doesNotContain("evil.example"));
		assertThat(refusals(gov, id)).anyMatch((s) -> s.startsWith("edit after send refused"));
		// The UI twin: the edit page submits the new content for approval instead.
		TestIdentityProvider.nextSignIn("gate-author-1", "Herald.Author");
		BrowserSession ui = new BrowserSession(baseUrl());
		assertThat(ui.get("/announcements").statusCode()).isEqualTo(200);
		HttpResponse<String> page = ui.submit("/announcements/" + id + "/edit", "/announcements/" + id + "/edit",
				Map.of("title", "Reset it here (UI)", "summary", "Now.", "importance", "NORMAL"));
		assertThat(page.body()).contains("submitted for approval");
		assertThat(gov.approvalState(id)).isEqualTo("pending");
		assertThat(gov.ok("GET", "/api/v1/announcements/" + id + "/approval", approver, null)
			.path("proposedContent")
			.path("title")
			.asString()).isEqualTo("Reset it here (UI)");
		people.forEach((p) -> assertThat(copy(p, id)).contains("Lunch menu").doesNotContain("Reset it here"));
		// The author cannot approve their own edit either.
		gov.ok("POST", "/api/v1/announcements/" + id + "/submit", author, "{\"content\":" + rewrite + "}");
		assertThat(gov.approvalState(id)).isEqualTo("pending");
		ApiHttp.assertProblem(gov.act(author, id, "approve"), 403);
		people.forEach((p) -> assertThat(copy(p, id)).contains("Lunch menu"));

		// The legitimate path: another Approver sees the new content (its link too) in
		// the API and the queue page, and approves it.
		JsonNode pending = gov.ok("GET", "/api/v1/announcements/" + id + "/approval", approver, null);
		assertThat(pending.path("proposedContent").path("title").asString()).isEqualTo("Reset your password");
		assertThat(gov.ok("GET", "/api/v1/approvals", approver, null).toString()).contains("evil.example/login");
		TestIdentityProvider.nextSignIn("gate-approver-1", "Herald.Approver");
		BrowserSession approverUi = new BrowserSession(baseUrl());
		assertThat(approverUi.get("/approvals").body()).contains("Reset your password")
			.contains("https://evil.example/login");
		gov.ok("POST", "/api/v1/announcements/" + id + "/approve", approver, "{\"comment\":\"Checked the link\"}");
		Await.until(Duration.ofSeconds(30), "copies updated",
				() -> people.stream().allMatch((p) -> copy(p, id).contains("Reset your password")));
		people.forEach((p) -> assertThat(cardsReceived(p.id(), id)).isEqualTo(1));
		// Any other content is refused again.
		ApiHttp.assertProblem(gov.call("PUT", "/api/v1/announcements/" + id, author, "{\"title\":\"Another one\"}"),
				409);
	}

	/**
	 * Approval off; an author whose guardrail forbids CRITICAL sends a normal
	 * announcement, then edits it to CRITICAL after the send: 403 in the API and in the
	 * UI, no copy changes. A normal edit goes through.
	 */
	@Test
	void anEditToCriticalAfterSendIsRefusedByTheAuthorsGuardrail() {
		List<SimUser> people = installApp(2, 2);
		GovernanceApi gov = gov();
		gov.ok("PUT", "/api/v1/admin/guardrails", ADMIN,
				"{\"subjectKind\":\"author\",\"subjectId\":\"gate-author-2\",\"allowedAudiences\":[\"person:*\"],"
						+ "\"allowEveryone\":false,\"allowCritical\":false}");
		String author = token("gate-author-2", "Herald.Author");
		long id = gov.create(author, "Canteen opens at noon");
		assertThat(gov.setPeople(author, id, people.stream().map(SimUser::id).toList()).statusCode()).isEqualTo(200);
		gov.ok("POST", "/api/v1/announcements/" + id + "/send", author, null);
		Await.until(Duration.ofSeconds(30), "sent", () -> "sent".equals(gov.status(id)));

		JsonNode refused = ApiHttp.assertProblem(gov.call("PUT", "/api/v1/announcements/" + id, author,
				"{\"title\":\"EVACUATE\",\"summary\":\"Now.\",\"importance\":\"CRITICAL\"}"), 403);
		assertThat(refused.path("refused").toString()).contains("importance:critical");

		// The UI twin: the edit page of the sent announcement, same check.
		TestIdentityProvider.nextSignIn("gate-author-2", "Herald.Author");
		BrowserSession ui = new BrowserSession(baseUrl());
		assertThat(ui.get("/announcements").statusCode()).isEqualTo(200);
		HttpResponse<String> page = ui.submit("/announcements/" + id + "/edit", "/announcements/" + id + "/edit",
				Map.of("title", "EVACUATE (UI)", "summary", "Now.", "importance", "CRITICAL"));
		assertThat(page.body()).contains("Your guardrails do not allow: importance:critical");

		assertThat(gov.ok("GET", "/api/v1/announcements/" + id + "/follow-ups", author, null)).isEmpty();
		people.forEach((p) -> assertThat(copy(p, id)).contains("Canteen opens at noon").doesNotContain("EVACUATE"));
		assertThat(refusals(gov, id)).filteredOn((s) -> s.startsWith("edit after send refused")).hasSize(2);

		// The legitimate edit.
		gov.ok("PUT", "/api/v1/announcements/" + id, author, "{\"title\":\"Canteen opens at one\",\"summary\":\"x\"}");
		Await.until(Duration.ofSeconds(30), "copies updated",
				() -> people.stream().allMatch((p) -> copy(p, id).contains("Canteen opens at one")));
	}

	/**
	 * Approval {@code large}, threshold 5: scheduled to one person (no approval needed),
	 * then the audience becomes everyone. It returns to draft at once; and if the
	 * audience is changed by a path that skips that (here: straight in the database), the
	 * scheduler checks again at the time and does not start it. Unchanged, a scheduled
	 * send to one person still starts.
	 */
	@Test
	void aScheduledSendThatOutgrowsApprovalLargeDoesNotStart() {
		List<SimUser> people = installApp(4, 1);
		SimUser one = people.get(0);
		GovernanceApi gov = gov();
		gov.ok("PUT", "/api/v1/admin/settings", ADMIN, "{\"approval\":\"large\",\"approvalThreshold\":5}");
		String author = token("gate-author-3", "Herald.Author");

		long grown = gov.create(author, "Small then everyone");
		gov.setPeople(author, grown, List.of(one.id()));
		gov.ok("POST", "/api/v1/announcements/" + grown + "/schedule", author, schedule(3));
		assertThat(gov.status(grown)).isEqualTo("scheduled");
		assertThat(gov
			.call("PUT", "/api/v1/announcements/" + grown + "/audience", author,
					"{\"entries\":[{\"kind\":\"EVERYONE\"}]}")
			.statusCode()).isEqualTo(200);
		assertThat(gov.status(grown)).isEqualTo("draft");
		assertThat(gov.audit(grown)).anyMatch((r) -> "unschedule".equals(r.path("action").asString())
				&& r.path("summary").asString().contains("needs an approval"));
		ApiHttp.assertProblem(gov.act(author, grown, "send"), 409);

		// A path nobody thought of changes the audience of a scheduled one.
		long sneaked = gov.create(author, "Sneaked to everyone");
		gov.setPeople(author, sneaked, List.of(one.id()));
		gov.ok("POST", "/api/v1/announcements/" + sneaked + "/schedule", author, schedule(2));
		this.jdbc.sql("DELETE FROM announcement_audience WHERE announcement_id = :id").param("id", sneaked).update();
		this.jdbc.sql("INSERT INTO announcement_audience (announcement_id, kind, ref) VALUES (:id, 'everyone', '*')")
			.param("id", sneaked)
			.update();

		// The legitimate one next to it: unchanged, it starts at its time.
		long small = gov.create(author, "Small and unchanged");
		gov.setPeople(author, small, List.of(one.id()));
		gov.ok("POST", "/api/v1/announcements/" + small + "/schedule", author, schedule(2));

		Await.until(Duration.ofSeconds(30), "the small one delivered", () -> cardsReceived(one.id(), small) == 1);
		Await.until(Duration.ofSeconds(30), "the sneaked one back to draft", () -> "draft".equals(gov.status(sneaked)));
		assertThat(refusals(gov, sneaked)).anyMatch((s) -> s.startsWith("scheduled start refused"));
		assertThat(this.jdbc.sql("SELECT count(*) FROM delivery WHERE announcement_id IN (:ids)")
			.param("ids", List.of(grown, sneaked))
			.query(Long.class)
			.single()).isZero();
		assertThat(cardsReceived(one.id(), grown)).isZero();
		assertThat(cardsReceived(one.id(), sneaked)).isZero();
		assertThat(gov.status(grown)).isEqualTo("draft");
	}

	/**
	 * The freeze's own check: a send started by a path nobody thought of (here the row
	 * made {@code preparing} straight in the database) under approval {@code always} is
	 * paused with a reason before anything is frozen; an approved one is sent.
	 */
	@Test
	void theFreezePausesASendWhoseApprovalDoesNotMatch() {
		List<SimUser> people = installApp(5, 1);
		SimUser one = people.get(0);
		GovernanceApi gov = gov();
		gov.approval("always");
		String author = token("gate-author-4", "Herald.Author");
		String approver = token("gate-approver-4", "Herald.Approver");

		long unapproved = gov.create(author, "Never approved");
		gov.setPeople(author, unapproved, List.of(one.id()));
		this.jdbc.sql("UPDATE announcement SET status = 'preparing', started_at = now() WHERE id = :id")
			.param("id", unapproved)
			.update();

		long approved = gov.create(author, "Approved");
		gov.setPeople(author, approved, List.of(one.id()));
		gov.ok("POST", "/api/v1/announcements/" + approved + "/submit", author, null);
		gov.ok("POST", "/api/v1/announcements/" + approved + "/approve", approver, null);

		Await.until(Duration.ofSeconds(30), "the approved one delivered", () -> cardsReceived(one.id(), approved) == 1);
		Await.until(Duration.ofSeconds(30), "the unapproved one paused", () -> "paused".equals(gov.status(unapproved)));
		JsonNode paused = gov.ok("GET", "/api/v1/announcements/" + unapproved, author, null);
		assertThat(paused.path("pauseReason").asString()).contains("approval");
		assertThat(cardsReceived(one.id(), unapproved)).isZero();
		assertThat(refusals(gov, unapproved)).anyMatch((s) -> s.startsWith("send refused and paused"));
		// Resuming it is a send: the gate refuses it too.
		ApiHttp.assertProblem(gov.act(author, unapproved, "resume"), 409);
		assertThat(cardsReceived(one.id(), unapproved)).isZero();
	}

	/**
	 * The follow-up planner's own check: content changed by a path nobody thought of
	 * (straight in the database) after approval; a reminder would carry it, so it is
	 * paused with the reason and reaches nobody, and cannot be resumed until the content
	 * is the approved one again.
	 */
	@Test
	void theFollowUpPlannerPausesAReminderWhoseContentWasNotApproved() {
		List<SimUser> people = installApp(6, 1);
		SimUser one = people.get(0);
		GovernanceApi gov = gov();
		gov.approval("always");
		String author = token("gate-author-5", "Herald.Author");
		String approver = token("gate-approver-5", "Herald.Approver");
		long id = gov
			.ok("POST", "/api/v1/announcements", author,
					"{\"title\":\"Sign the policy\",\"summary\":\"Please.\",\"acknowledge\":true}")
			.path("id")
			.asLong();
		gov.setPeople(author, id, List.of(one.id()));
		gov.ok("POST", "/api/v1/announcements/" + id + "/submit", author, null);
		gov.ok("POST", "/api/v1/announcements/" + id + "/approve", approver, null);
		Await.until(Duration.ofSeconds(30), "sent", () -> "sent".equals(gov.status(id)));
		// Only this announcement's copies: a welcome may still land in the same chat.
		java.util.function.IntSupplier copies = () -> (int) this.simulator.inbox(one.id())
			.stream()
			.filter((a) -> a.toString().matches("(?s).*announcementId\"?=" + id + "\\b.*"))
			.count();
		int inbox = copies.getAsInt();
		assertThat(inbox).isPositive();

		this.jdbc.sql("UPDATE announcement SET title = 'Tampered' WHERE id = :id").param("id", id).update();
		JsonNode op = gov.ok("POST", "/api/v1/announcements/" + id + "/reminders", author,
				"{\"who\":\"not-acknowledged\"}");
		assertThat(op.path("status").asString()).isEqualTo("paused");
		assertThat(op.path("pauseReason").asString()).contains("approval");
		assertThat(refusals(gov, id)).anyMatch((s) -> s.startsWith("reminder (operation"));
		String resume = "/api/v1/announcements/" + id + "/follow-ups/" + op.path("id").asLong() + "/resume";
		ApiHttp.assertProblem(gov.call("POST", resume, author, null), 409);
		sleep(Duration.ofSeconds(2));
		assertThat(copies.getAsInt()).isEqualTo(inbox);

		// The approved content back: the reminder may go.
		this.jdbc.sql("UPDATE announcement SET title = 'Sign the policy' WHERE id = :id").param("id", id).update();
		gov.ok("POST", resume, author, null);
		Await.until(Duration.ofSeconds(30), "reminder delivered", () -> copies.getAsInt() > inbox);
	}

	/**
	 * An approved send whose freeze failed (paused, nothing frozen; set up in the
	 * database as the freezer leaves it) gets a new audience: resuming it would prepare
	 * that audience, so it needs a new approval (409). Resumed unchanged, it is sent.
	 */
	@Test
	void aFailedFreezeCannotBeResumedToANewAudienceWithoutApproval() {
		List<SimUser> people = installApp(7, 2);
		GovernanceApi gov = gov();
		gov.approval("always");
		String author = token("gate-author-6", "Herald.Author");
		String approver = token("gate-approver-6", "Herald.Approver");
		long changed = approvedThenFreezeFailed(gov, author, approver, "Freeze failed, then everyone", people.get(0));
		long unchanged = approvedThenFreezeFailed(gov, author, approver, "Freeze failed, resumed as is", people.get(0));

		assertThat(gov.setPeople(author, changed, people.stream().map(SimUser::id).toList()).statusCode())
			.isEqualTo(200);
		JsonNode refused = ApiHttp.assertProblem(gov.act(author, changed, "resume"), 409);
		assertThat(refused.path("title").asString()).isEqualTo("Approval required");
		assertThat(gov.status(changed)).isEqualTo("paused");
		assertThat(refusals(gov, changed)).anyMatch((s) -> s.startsWith("resume refused"));

		gov.ok("POST", "/api/v1/announcements/" + unchanged + "/resume", author, null);
		Await.until(Duration.ofSeconds(30), "the unchanged one delivered",
				() -> cardsReceived(people.get(0).id(), unchanged) == 1);
		people.forEach((p) -> assertThat(cardsReceived(p.id(), changed)).isZero());
	}

	/**
	 * An Admin who is also an Approver edits another author's draft, has it submitted,
	 * and tries to approve it: 403, audited. Another Approver may.
	 */
	@Test
	void anAdminCannotApproveWhatTheyEdited() {
		List<SimUser> people = installApp(9, 1);
		GovernanceApi gov = gov();
		gov.approval("always");
		String author = token("gate-author-7", "Herald.Author");
		String admin = token("gate-admin-7", "Herald.Admin", "Herald.Approver");
		String approver = token("gate-approver-7", "Herald.Approver");
		long id = gov.create(author, "Team offsite");
		gov.setPeople(author, id, List.of(people.get(0).id()));
		gov.ok("PUT", "/api/v1/announcements/" + id, admin, "{\"title\":\"Team offsite, free bar\",\"summary\":\"x\"}");
		gov.ok("POST", "/api/v1/announcements/" + id + "/submit", admin, null);

		ApiHttp.assertProblem(gov.act(admin, id, "approve"), 403);
		ApiHttp.assertProblem(gov.act(admin, id, "reject", "{\"comment\":\"mine\"}"), 403);
		assertThat(gov.approvalState(id)).isEqualTo("pending");
		assertThat(gov.status(id)).isEqualTo("draft");
		assertThat(refusals(gov, id)).anyMatch((s) -> s.startsWith("approval refused"));
		sleep(Duration.ofSeconds(1));
		assertThat(cardsReceived(people.get(0).id(), id)).isZero();

		gov.ok("POST", "/api/v1/announcements/" + id + "/approve", approver, null);
		Await.until(Duration.ofSeconds(30), "delivered", () -> cardsReceived(people.get(0).id(), id) == 1);
	}

	private long approvedThenFreezeFailed(GovernanceApi gov, String author, String approver, String title,
			SimUser person) {
		long id = gov.create(author, title);
		gov.setPeople(author, id, List.of(person.id()));
		gov.ok("POST", "/api/v1/announcements/" + id + "/submit", author,
				"{\"at\":\"" + LocalDateTime.now(ZoneOffset.UTC).plusDays(1).withNano(0) + "\",\"zone\":\"UTC\"}");
		gov.ok("POST", "/api/v1/announcements/" + id + "/approve", approver, null);
		// What the freezer leaves when a group cannot be read
		// (Announcements.pauseUnprepared).
		this.jdbc.sql("""
				UPDATE announcement SET status = 'paused', pause_reason = 'The audience could not be prepared: test',
				  started_at = now() WHERE id = :id AND status = 'scheduled'
				""").param("id", id).update();
		assertThat(gov.status(id)).isEqualTo("paused");
		return id;
	}

	private static String schedule(int secondsFromNow) {
		return "{\"at\":\"" + LocalDateTime.now(ZoneOffset.UTC).plusSeconds(secondsFromNow).withNano(0)
				+ "\",\"zone\":\"UTC\"}";
	}

	/** The summaries of the announcement's "refused" audit rows. */
	private static List<String> refusals(GovernanceApi gov, long id) {
		return gov.audit(id)
			.stream()
			.filter((r) -> "refused".equals(r.path("action").asString()))
			.map((r) -> r.path("summary").asString())
			.toList();
	}

	/** The person's one copy of the announcement, as JSON. */
	private String copy(SimUser person, long id) {
		String marker = "\"herald-announcement-" + id + "\"";
		List<String> copies = this.simulator.inbox(person.id())
			.stream()
			.map(JSON::writeValueAsString)
			.filter((a) -> a.contains(marker))
			.toList();
		assertThat(copies).as("copies of " + id + " in " + person.id()).hasSize(1);
		return copies.get(0);
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
