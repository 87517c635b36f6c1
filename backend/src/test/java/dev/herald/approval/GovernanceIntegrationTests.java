package dev.herald.approval;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.herald.api.ApiHttp;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.IntegrationTest;

import static dev.herald.approval.GovernanceApi.ADMIN;
import static dev.herald.approval.GovernanceApi.token;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Approval before send and ownership through the API, against a real Herald, PostgreSQL
 * and the Teams simulator: what employees received is read from the simulator's inboxes.
 */
class GovernanceIntegrationTests extends IntegrationTest {

	private GovernanceApi gov() {
		return new GovernanceApi(baseUrl());
	}

	@AfterEach
	void approvalOff() {
		gov().approval("off");
	}

	@Test
	void withApprovalAlwaysASendIsRefusedUntilAnotherApproverApprovesIt() {
		List<SimUser> people = installApp(0, 3);
		GovernanceApi gov = gov();
		gov.approval("always");
		// An author who is also an Approver: still cannot approve their own.
		String author = token("gov-author-1", "Herald.Author", "Herald.Approver");
		String plainAuthor = token("gov-author-2", "Herald.Author");
		String approver = token("gov-approver-1", "Herald.Approver");
		long id = gov.create(author, "Quarterly results");
		assertThat(gov.setPeople(author, id, people.stream().map(SimUser::id).toList()).statusCode()).isEqualTo(200);

		JsonNode refused = ApiHttp.assertProblem(gov.act(author, id, "send"), 409);
		assertThat(refused.path("title").asString()).isEqualTo("Approval required");
		assertThat(refused.path("submit").asString()).isEqualTo("/api/v1/announcements/" + id + "/submit");
		ApiHttp.assertProblem(gov.act(author, id, "schedule",
				"{\"at\":\"" + LocalDateTime.now().plusDays(2) + "\",\"zone\":\"Europe/Paris\"}"), 409);

		assertThat(gov.act(author, id, "submit").statusCode()).isEqualTo(202);
		assertThat(gov.approvalState(id)).isEqualTo("pending");
		ApiHttp.assertProblem(gov.act(author, id, "approve"), 403);
		ApiHttp.assertProblem(gov.act(plainAuthor, id, "approve"), 403);
		ApiHttp.assertProblem(gov.act(plainAuthor, id, "reject", "{\"comment\":\"no\"}"), 403);
		assertThat(gov.status(id)).isEqualTo("draft");
		people.forEach((p) -> assertThat(cardsReceived(p.id(), id)).isZero());

		JsonNode approved = gov.ok("POST", "/api/v1/announcements/" + id + "/approve", approver,
				"{\"comment\":\"Fine to go\"}");
		assertThat(approved.path("state").asString()).isEqualTo("approved");
		assertThat(approved.path("decidedName").asString()).isEqualTo("gov-approver-1");
		Await.until(Duration.ofSeconds(30), "approved announcement delivered",
				() -> people.stream().allMatch((p) -> cardsReceived(p.id(), id) == 1));
		assertThat(gov.status(id)).isIn("sending", "sent");

		List<JsonNode> audit = gov.audit(id);
		// The refused send, schedule and self-approval are attempts: each one row (#23).
		assertThat(audit).extracting((r) -> r.path("action").asString())
			.containsExactly("create", "audience_change", "refused", "refused", "submit", "refused", "approve");
		assertThat(audit).extracting((r) -> r.path("actorId").asString())
			.containsExactly("gov-author-1", "gov-author-1", "gov-author-1", "gov-author-1", "gov-author-1",
					"gov-author-1", "gov-approver-1");
		assertThat(audit.get(6).path("summary").asString()).contains("sending now").contains("Fine to go");
	}

	@Test
	void aRejectionNeedsACommentAndLeavesADraft() {
		GovernanceApi gov = gov();
		gov.approval("always");
		String author = token("gov-author-3", "Herald.Author");
		String approver = token("gov-approver-2", "Herald.Approver");
		long id = gov.create(author, "Office move");
		gov.ok("POST", "/api/v1/announcements/" + id + "/submit", author, null);
		ApiHttp.assertProblem(gov.act(approver, id, "reject", "{\"comment\":\"  \"}"), 400);
		JsonNode rejected = gov.ok("POST", "/api/v1/announcements/" + id + "/reject", approver,
				"{\"comment\":\"Wrong date\"}");
		assertThat(rejected.path("state").asString()).isEqualTo("rejected");
		assertThat(rejected.path("comment").asString()).isEqualTo("Wrong date");
		assertThat(gov.status(id)).isEqualTo("draft");
		ApiHttp.assertProblem(gov.act(approver, id, "approve"), 409);
		ApiHttp.assertProblem(gov.act(author, id, "send"), 409);
	}

	@Test
	void anyChangeAfterApprovalReturnsToDraftAndNeedsANewApproval() {
		List<SimUser> people = installApp(0, 2);
		GovernanceApi gov = gov();
		gov.approval("always");
		String author = token("gov-author-4", "Herald.Author");
		String approver = token("gov-approver-3", "Herald.Approver");
		long id = gov.create(author, "Parking closed");
		gov.setPeople(author, id, List.of(people.get(0).id()));

		// Approved for a time: it waits, scheduled.
		gov.ok("POST", "/api/v1/announcements/" + id + "/submit", author,
				"{\"at\":\"" + LocalDateTime.now().plusDays(3).withNano(0) + "\",\"zone\":\"Europe/Paris\"}");
		gov.ok("POST", "/api/v1/announcements/" + id + "/approve", approver, null);
		assertThat(gov.status(id)).isEqualTo("scheduled");

		// A new audience after approval: back to draft, and sending needs approval again.
		assertThat(gov.setPeople(author, id, people.stream().map(SimUser::id).toList()).statusCode()).isEqualTo(200);
		assertThat(gov.status(id)).isEqualTo("draft");
		assertThat(gov.approvalState(id)).isEqualTo("withdrawn");
		ApiHttp.assertProblem(gov.act(author, id, "send"), 409);

		// An edit while pending: the approver cannot approve what was not submitted.
		gov.ok("POST", "/api/v1/announcements/" + id + "/submit", author, null);
		gov.ok("PUT", "/api/v1/announcements/" + id, author,
				"{\"title\":\"Parking closed all week\",\"summary\":\"Changed.\"}");
		assertThat(gov.approvalState(id)).isEqualTo("withdrawn");
		ApiHttp.assertProblem(gov.act(approver, id, "approve"), 409);
		assertThat(gov.status(id)).isEqualTo("draft");

		gov.ok("POST", "/api/v1/announcements/" + id + "/submit", author, null);
		gov.ok("POST", "/api/v1/announcements/" + id + "/approve", approver, null);
		Await.until(Duration.ofSeconds(30), "delivered after the second approval",
				() -> people.stream().allMatch((p) -> cardsReceived(p.id(), id) == 1));
	}

	@Test
	void withApprovalLargeOnlyLargeOrCriticalSendsNeedIt() {
		List<SimUser> people = installApp(0, 3);
		GovernanceApi gov = gov();
		gov.ok("PUT", "/api/v1/admin/settings", ADMIN, "{\"approval\":\"large\",\"approvalThreshold\":2}");
		try {
			String author = token("gov-author-5", "Herald.Author");
			long small = gov.create(author, "Small team lunch");
			gov.setPeople(author, small, List.of(people.get(0).id(), people.get(1).id()));
			assertThat(gov.act(author, small, "send").statusCode()).isEqualTo(202);

			long large = gov.create(author, "Everyone's lunch");
			gov.setPeople(author, large, people.stream().map(SimUser::id).toList());
			ApiHttp.assertProblem(gov.act(author, large, "send"), 409);

			long critical = gov.create(author, "Fire drill", "CRITICAL");
			gov.setPeople(author, critical, List.of(people.get(0).id()));
			ApiHttp.assertProblem(gov.act(author, critical, "send"), 409);

			long everyone = gov.create(author, "No audience means everyone with the app");
			ApiHttp.assertProblem(gov.act(author, everyone, "send"), 409);
		}
		finally {
			gov.ok("PUT", "/api/v1/admin/settings", ADMIN, "{\"approval\":\"off\",\"approvalThreshold\":1000}");
		}
	}

	@Test
	void anotherAuthorCannotEditSendScheduleCancelOrDeleteAnAnnouncementTheyDoNotOwn() {
		List<SimUser> people = installApp(0, 1);
		GovernanceApi gov = gov();
		String owner = token("gov-owner", "Herald.Author");
		String other = token("gov-other", "Herald.Author");
		String coAuthor = token("gov-coauthor", "Herald.Author");
		long id = gov.create(owner, "Owned by one");
		gov.setPeople(owner, id, List.of(people.get(0).id()));

		// Drafts are private: another author does not even see it.
		ApiHttp.assertProblem(gov.call("GET", "/api/v1/announcements/" + id, other, null), 404);
		assertThat(gov.ok("GET", "/api/v1/announcements?limit=100", other, null).path("items").toString())
			.doesNotContain("\"id\":" + id + ",");
		ApiHttp.assertProblem(gov.call("PUT", "/api/v1/announcements/" + id, other, "{\"title\":\"Hijacked\"}"), 403);
		ApiHttp.assertProblem(gov.setPeople(other, id, List.of()), 403);
		ApiHttp.assertProblem(gov.act(other, id, "send"), 403);
		ApiHttp.assertProblem(gov.act(other, id, "schedule",
				"{\"at\":\"" + LocalDateTime.now().plusDays(1).withNano(0) + "\",\"zone\":\"UTC\"}"), 403);
		ApiHttp.assertProblem(gov.call("DELETE", "/api/v1/announcements/" + id, other, null), 403);
		ApiHttp.assertProblem(gov.act(other, id, "owners", "{\"id\":\"gov-other\",\"name\":\"Me\"}"), 403);
		// Nor copy it, or have its test copy sent to themselves.
		ApiHttp.assertProblem(gov.act(other, id, "duplicate"), 404);
		ApiHttp.assertProblem(gov.act(other, id, "test"), 404);
		assertThat(gov.status(id)).isEqualTo("draft");
		// The owner may copy it: a new draft of theirs with the same content. An app
		// (no chat with Herald) gets no test copy, and is told why.
		JsonNode copy = gov.ok("POST", "/api/v1/announcements/" + id + "/duplicate", owner, null);
		assertThat(copy.path("id").asLong()).isNotEqualTo(id);
		assertThat(copy.path("status").asString()).isEqualTo("draft");
		assertThat(copy.path("content").path("title").asString()).isEqualTo("Owned by one");
		ApiHttp.assertProblem(gov.act(owner, id, "test"), 409);
		assertThat(gov.ok("GET", "/api/v1/announcements/" + id, owner, null).path("content").path("title").asString())
			.isEqualTo("Owned by one");

		// A co-author the owner adds may manage it.
		gov.ok("POST", "/api/v1/announcements/" + id + "/owners", owner,
				"{\"id\":\"gov-coauthor\",\"name\":\"Co Author\"}");
		gov.ok("PUT", "/api/v1/announcements/" + id, coAuthor, "{\"title\":\"Owned by two\"}");
		gov.ok("POST", "/api/v1/announcements/" + id + "/schedule", coAuthor,
				"{\"at\":\"" + LocalDateTime.now().plusDays(1).withNano(0) + "\",\"zone\":\"UTC\"}");
		ApiHttp.assertProblem(gov.act(other, id, "cancel"), 403);
		assertThat(gov.status(id)).isEqualTo("scheduled");
		gov.ok("POST", "/api/v1/announcements/" + id + "/cancel", owner, null);

		// Sent (here: canceled) announcements are for everyone to read; still not to
		// change.
		assertThat(gov.ok("GET", "/api/v1/announcements/" + id, other, null).path("status").asString())
			.isEqualTo("canceled");
		ApiHttp.assertProblem(gov.act(other, id, "pause"), 403);

		// An Admin may manage anyone's.
		long second = gov.create(owner, "Admins may");
		gov.ok("PUT", "/api/v1/announcements/" + second, ADMIN, "{\"title\":\"Edited by an admin\"}");
		assertThat(gov.call("DELETE", "/api/v1/announcements/" + second, ADMIN, null).statusCode()).isEqualTo(204);
	}

	@Test
	void anApproverWithoutTheAuthorRoleCannotWriteAnnouncements() {
		GovernanceApi gov = gov();
		HttpResponse<String> response = gov.call("POST", "/api/v1/announcements",
				token("gov-approver-only", "Herald.Approver"), "{\"title\":\"Not mine to write\"}");
		ApiHttp.assertProblem(response, 403);
		// But reads the queue, which an Author does not.
		gov.ok("GET", "/api/v1/approvals", token("gov-approver-only", "Herald.Approver"), null);
		ApiHttp.assertProblem(gov.call("GET", "/api/v1/approvals", token("gov-author-6", "Herald.Author"), null), 403);
	}

}
