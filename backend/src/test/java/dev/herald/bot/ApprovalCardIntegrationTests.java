package dev.herald.bot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.approval.GovernanceApi;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.BrowserSession;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Approvers are told in Teams by Herald's bot, and Approve / Reject work from the chat:
 * the card lands in the approver's simulated Teams chat; pressing its button posts the
 * signed {@code Action.Execute} invoke Teams would send. Someone who is not an Approver,
 * or an Approver who owns the announcement, cannot decide it that way.
 */
class ApprovalCardIntegrationTests extends IntegrationTest {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final JsonMapper JSON = JsonMapper.shared();

	private Activities activities;

	private GovernanceApi gov;

	@BeforeEach
	void setUp() {
		this.activities = new Activities(this.simulator, baseUrl());
		this.gov = new GovernanceApi(baseUrl());
		this.gov.approval("always");
	}

	@AfterEach
	void approvalOff() {
		this.gov.approval("off");
	}

	@Test
	void approvePressedOnTheTeamsCardSendsItAndOnlyANonOwnerApproverCanPressIt() {
		List<SimUser> people = englishSpeakers(6);
		SimUser approver = people.get(0);
		SimUser ownerApprover = people.get(1);
		SimUser stranger = people.get(2);
		List<SimUser> recipients = people.subList(3, 6);
		// Herald learns who is an Approver when they sign in.
		signIn("card-approver@contoso.example", approver, "Herald.Approver");
		signIn("card-owner@contoso.example", ownerApprover, "Herald.Author", "Herald.Approver");

		String author = GovernanceApi.token("card-author", "Herald.Author");
		long id = this.gov.create(author, "Canteen closed on Friday");
		this.gov.setPeople(author, id, recipients.stream().map(SimUser::id).toList());
		this.gov.ok("POST", "/api/v1/announcements/" + id + "/owners", author,
				"{\"id\":\"" + ownerApprover.id() + "\",\"name\":\"Owner Approver\"}");
		this.gov.ok("POST", "/api/v1/announcements/" + id + "/submit", author, null);

		Await.until(WAIT, "approval card in the approver's chat", () -> approvalCard(approver, id) != null);
		JsonNode card = approvalCard(approver, id);
		assertThat(card.toString()).contains("Canteen closed on Friday").contains("3 people");
		// The preview is inert: not counted as a delivery, no buttons of the
		// announcement.
		assertThat(cardsReceived(approver.id(), id)).isZero();
		// Owners are not asked to approve their own.
		assertThat(approvalCard(ownerApprover, id)).isNull();
		Map<String, Object> approve = actionData(card, "herald.approve");

		// A forged press from someone who is not an Approver changes nothing.
		Activities.Reply forged = this.activities.post(this.activities.execute(stranger, approve));
		assertThat(forged.status()).isEqualTo(200);
		assertThat(forged.body()).contains("Only a Herald Approver");
		// An Approver who owns it cannot approve it either.
		Activities.Reply own = this.activities.post(this.activities.execute(ownerApprover, approve));
		assertThat(own.body()).contains("another Approver must decide");
		// A stale card (other hash) is refused.
		Map<String, Object> stale = new LinkedHashMap<>(approve);
		stale.put("hash", "0".repeat(64));
		assertThat(this.activities.post(this.activities.execute(approver, stale)).body()).contains("no longer pending");
		assertThat(this.gov.approvalState(id)).isEqualTo("pending");
		assertThat(this.gov.status(id)).isEqualTo("draft");
		assertThat(this.gov.audit(id)).extracting((r) -> r.path("action").asString()).doesNotContain("approve");

		Map<String, Object> pressed = new LinkedHashMap<>(approve);
		pressed.put("comment", "Go ahead");
		Activities.Reply reply = this.activities.post(this.activities.execute(approver, pressed));
		assertThat(reply.status()).isEqualTo(200);
		assertThat(reply.body()).contains("Approved");
		Await.until(WAIT, "delivered to every recipient",
				() -> recipients.stream().allMatch((r) -> cardsReceived(r.id(), id) == 1));
		JsonNode approval = this.gov.ok("GET", "/api/v1/announcements/" + id + "/approval", GovernanceApi.ADMIN, null);
		assertThat(approval.path("state").asString()).isEqualTo("approved");
		assertThat(approval.path("decidedBy").asString()).isEqualTo(approver.id());
		assertThat(approval.path("comment").asString()).isEqualTo("Go ahead");
		List<JsonNode> approvals = this.gov.audit(id)
			.stream()
			.filter((r) -> r.path("action").asString().equals("approve"))
			.toList();
		assertThat(approvals).hasSize(1);
		assertThat(approvals.get(0).path("actorName").asString()).isEqualTo("card-approver@contoso.example");
	}

	@Test
	void rejectFromTheCardNeedsTheCommentTypedOnIt() {
		List<SimUser> people = englishSpeakers(8).subList(6, 8);
		SimUser approver = people.get(0);
		signIn("card-approver-2@contoso.example", approver, "Herald.Approver");
		String author = GovernanceApi.token("card-author-2", "Herald.Author");
		long id = this.gov.create(author, "Team offsite");
		this.gov.setPeople(author, id, List.of(people.get(1).id()));
		this.gov.ok("POST", "/api/v1/announcements/" + id + "/submit", author, null);
		Await.until(WAIT, "approval card", () -> approvalCard(approver, id) != null);
		Map<String, Object> reject = actionData(approvalCard(approver, id), "herald.reject");

		assertThat(this.activities.post(this.activities.execute(approver, reject)).body()).contains("write a comment");
		assertThat(this.gov.approvalState(id)).isEqualTo("pending");
		Map<String, Object> withComment = new LinkedHashMap<>(reject);
		withComment.put("comment", "Wrong venue");
		assertThat(this.activities.post(this.activities.execute(approver, withComment)).body()).contains("Rejected");
		assertThat(this.gov.approvalState(id)).isEqualTo("rejected");
		assertThat(this.gov.status(id)).isEqualTo("draft");
		assertThat(cardsReceived(people.get(1).id(), id)).isZero();
	}

	private void signIn(String name, SimUser person, String... roles) {
		TestIdentityProvider.nextSignIn(name, Map.of("oid", person.id()), roles);
		BrowserSession session = new BrowserSession(baseUrl());
		assertThat(session.get("/announcements").statusCode()).isEqualTo(200);
	}

	/** The approval card for this announcement in a person's chat, or null. */
	private JsonNode approvalCard(SimUser person, long id) {
		for (Map<String, Object> activity : this.simulator.inbox(person.id())) {
			JsonNode node = JSON.valueToTree(activity);
			for (JsonNode attachment : node.path("attachments")) {
				JsonNode content = attachment.path("content");
				for (JsonNode action : content.path("actions")) {
					if (action.path("verb").asString("").equals("herald.approve")
							&& action.path("data").path("announcementId").asLong() == id) {
						return content;
					}
				}
			}
		}
		return null;
	}

	private static Map<String, Object> actionData(JsonNode card, String verb) {
		for (JsonNode action : card.path("actions")) {
			if (action.path("verb").asString("").equals(verb)) {
				assertThat(action.path("type").asString()).isEqualTo("Action.Execute");
				@SuppressWarnings("unchecked")
				Map<String, Object> data = JSON.treeToValue(action.path("data"), Map.class);
				return data;
			}
		}
		throw new AssertionError("No " + verb + " action on " + card);
	}

	/** People who read English, away from those other classes install by index. */
	private List<SimUser> englishSpeakers(int count) {
		List<SimUser> users = new ArrayList<>(this.simulator.tenant().users());
		Collections.reverse(users);
		List<SimUser> chosen = users.stream()
			.filter((u) -> !u.guest() && this.simulator.tenant().reachable(u) && u.preferredLanguage().equals("en-US"))
			.skip(40)
			.limit(count)
			.toList();
		chosen.forEach((u) -> this.simulator.installForUser(u.id()));
		Await.until(WAIT, "chats stored", () -> chosen.stream().allMatch((u) -> hasActiveChat(u.id())));
		return chosen;
	}

}
