package dev.herald.approval;

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
import dev.herald.simulator.SimGroup;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.BrowserSession;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;

import static dev.herald.approval.GovernanceApi.ADMIN;
import static dev.herald.approval.GovernanceApi.token;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An approval binds the audience as resolved, with its size (#23), and the gate's other
 * refusals leave their audit row: each test tries the attack through real HTTP, checks
 * the simulator's inboxes and the audit log, then takes the legitimate path next to it.
 */
class ApprovalBindsAudienceIntegrationTests extends IntegrationTest {

	private static final Duration WAIT = Duration.ofSeconds(40);

	private GovernanceApi gov() {
		return new GovernanceApi(baseUrl());
	}

	@AfterEach
	void restore() {
		gov().ok("PUT", "/api/v1/admin/settings", ADMIN, "{\"approval\":\"off\",\"approvalThreshold\":1000}");
	}

	/**
	 * Approval {@code large}, threshold 5: an announcement to a group of 3 is approved
	 * for a scheduled start, then the group grows to 20 in the directory before the
	 * start. Nothing is sent: the freeze pauses it with the reason, the audit log says
	 * so, the approval is withdrawn and resuming is refused. Submitted again, approved
	 * for 20, it goes to the 20. Next to it, an approved send to a group that did not
	 * change starts at its time.
	 */
	@Test
	void aGroupThatGrowsAfterApprovalIsPausedUntilApprovedAgain() {
		List<SimUser> people = people(100, 23);
		List<SimUser> twenty = people.subList(0, 20);
		List<SimUser> steadyPeople = people.subList(20, 23);
		GovernanceApi gov = gov();
		gov.ok("PUT", "/api/v1/admin/settings", ADMIN, "{\"approval\":\"large\",\"approvalThreshold\":5}");
		SimGroup growing = this.simulator.tenant()
			.createGroup("Gate growing " + System.nanoTime(), ids(twenty.subList(0, 3)));
		SimGroup steady = this.simulator.tenant().createGroup("Gate steady " + System.nanoTime(), ids(steadyPeople));
		String author = token("size-author-1", "Herald.Author");
		String approver = token("size-approver-1", "Herald.Approver");

		long grown = gov.create(author, "To a small group");
		assertThat(gov.setGroup(author, grown, growing.id()).statusCode()).isEqualTo(200);
		long kept = gov.create(author, "To a group that stays small");
		assertThat(gov.setGroup(author, kept, steady.id()).statusCode()).isEqualTo(200);
		String at = "{\"at\":\"" + LocalDateTime.now(ZoneOffset.UTC).plusSeconds(8).withNano(0)
				+ "\",\"zone\":\"UTC\"}";
		gov.ok("POST", "/api/v1/announcements/" + grown + "/submit", author, at);
		gov.ok("POST", "/api/v1/announcements/" + kept + "/submit", author, at);
		JsonNode approved = gov.ok("POST", "/api/v1/announcements/" + grown + "/approve", approver, null);
		gov.ok("POST", "/api/v1/announcements/" + kept + "/approve", approver, null);
		// The approval records the audience as resolved: its size and kinds.
		assertThat(approved.path("approvedRecipients").asInt()).isEqualTo(3);
		assertThat(approved.path("audienceSize").asInt()).isEqualTo(3);
		assertThat(approved.path("audienceKinds").path("group").asInt()).isEqualTo(1);
		assertThat(gov.status(grown)).isEqualTo("scheduled");

		// The attack: the group grows in the directory before the start.
		this.simulator.tenant().setGroupMembers(growing.id(), ids(twenty));

		Await.until(WAIT, "the steady group's send delivered",
				() -> steadyPeople.stream().allMatch((p) -> cardsReceived(p.id(), kept) == 1));
		Await.until(WAIT, "the grown one paused", () -> "paused".equals(gov.status(grown)));
		JsonNode paused = gov.ok("GET", "/api/v1/announcements/" + grown, author, null);
		assertThat(paused.path("pauseReason").asString()).contains("grew from 3").contains("20");
		assertThat(refusals(gov, grown)).anyMatch((s) -> s.startsWith("send refused and paused") && s.contains("20"));
		assertThat(gov.approvalState(grown)).isEqualTo("withdrawn");
		twenty.forEach((p) -> assertThat(cardsReceived(p.id(), grown)).isZero());
		// Resuming would prepare the grown group: it needs a new approval.
		JsonNode refused = ApiHttp.assertProblem(gov.act(author, grown, "resume"), 409);
		assertThat(refused.path("title").asString()).isEqualTo("Approval required");
		assertThat(refusals(gov, grown)).anyMatch((s) -> s.startsWith("resume refused"));
		assertThat(gov.status(grown)).isEqualTo("paused");

		// The legitimate path: submitted again (from its page, the UI twin of POST
		// .../submit), the approver sees 20 and approves.
		TestIdentityProvider.nextSignIn("size-author-1", "Herald.Author");
		BrowserSession ui = new BrowserSession(baseUrl());
		assertThat(ui.get("/announcements").statusCode()).isEqualTo(200);
		assertThat(ui.get("/announcements/" + grown).body()).contains("resubmit-approval").contains("grew from 3");
		ui.submit("/announcements/" + grown, "/announcements/" + grown + "/submit", Map.of());
		JsonNode again = gov.ok("GET", "/api/v1/announcements/" + grown + "/approval", approver, null);
		assertThat(again.path("state").asString()).isEqualTo("pending");
		assertThat(again.path("audienceSize").asInt()).isEqualTo(20);
		twenty.forEach((p) -> assertThat(cardsReceived(p.id(), grown)).isZero());
		assertThat(gov.ok("POST", "/api/v1/announcements/" + grown + "/approve", approver, null)
			.path("approvedRecipients")
			.asInt()).isEqualTo(20);
		Await.until(WAIT, "the grown one delivered to the 20 once approved for them",
				() -> twenty.stream().allMatch((p) -> cardsReceived(p.id(), grown) == 1));
		assertThat(gov.audit(grown)).anyMatch((r) -> "approve".equals(r.path("action").asString())
				&& r.path("summary").asString().contains("approved for 20 recipients; resumed"));
	}

	/**
	 * The approver decides on the size as it is: a group that grew materially between the
	 * submit and the approval is a 409 that shows the new size; approving again then
	 * binds it.
	 */
	@Test
	void anApprovalOfAnAudienceThatGrewSinceSubmitShowsTheNewSizeFirst() {
		List<SimUser> people = people(130, 20);
		GovernanceApi gov = gov();
		gov.ok("PUT", "/api/v1/admin/settings", ADMIN, "{\"approval\":\"always\",\"approvalThreshold\":5}");
		SimGroup group = this.simulator.tenant()
			.createGroup("Gate grows in review " + System.nanoTime(), ids(people.subList(0, 2)));
		String author = token("size-author-2", "Herald.Author");
		String approver = token("size-approver-2", "Herald.Approver");
		long id = gov.create(author, "Reviewed while it grows");
		gov.setGroup(author, id, group.id());
		gov.ok("POST", "/api/v1/announcements/" + id + "/submit", author, null);
		assertThat(
				gov.ok("GET", "/api/v1/announcements/" + id + "/approval", approver, null).path("audienceSize").asInt())
			.isEqualTo(2);
		this.simulator.tenant().setGroupMembers(group.id(), ids(people));

		JsonNode refused = ApiHttp.assertProblem(gov.act(approver, id, "approve"), 409);
		assertThat(refused.path("detail").asString()).contains("grew from 2 to 20");
		JsonNode pending = gov.ok("GET", "/api/v1/announcements/" + id + "/approval", approver, null);
		assertThat(pending.path("state").asString()).isEqualTo("pending");
		assertThat(pending.path("audienceSize").asInt()).isEqualTo(20);
		people.forEach((p) -> assertThat(cardsReceived(p.id(), id)).isZero());

		gov.ok("POST", "/api/v1/announcements/" + id + "/approve", approver, null);
		Await.until(WAIT, "delivered to the 20", () -> people.stream().allMatch((p) -> cardsReceived(p.id(), id) == 1));
	}

	/**
	 * A plain send or schedule the gate refuses (approval required: 409; not an owner:
	 * 403) leaves a {@code refused} audit row, as a refused edit does; nothing is sent.
	 */
	@Test
	void refusedSendsAndSchedulesAreAudited() {
		List<SimUser> people = people(160, 1);
		GovernanceApi gov = gov();
		gov.approval("always");
		String author = token("size-author-3", "Herald.Author");
		String other = token("size-other-3", "Herald.Author");
		long id = gov.create(author, "Needs an approval");
		gov.setPeople(author, id, List.of(people.get(0).id()));
		String at = "{\"at\":\"" + LocalDateTime.now(ZoneOffset.UTC).plusHours(2).withNano(0) + "\",\"zone\":\"UTC\"}";

		ApiHttp.assertProblem(gov.act(author, id, "send"), 409);
		ApiHttp.assertProblem(gov.act(author, id, "schedule", at), 409);
		ApiHttp.assertProblem(gov.act(other, id, "send"), 403);
		assertThat(refusals(gov, id)).anyMatch((s) -> s.startsWith("send refused") && s.contains("approval"))
			.anyMatch((s) -> s.startsWith("schedule refused") && s.contains("approval"))
			.anyMatch((s) -> s.startsWith("send refused") && s.contains("owner"));
		assertThat(gov.audit(id)).anyMatch((r) -> "refused".equals(r.path("action").asString())
				&& "size-other-3".equals(r.path("actorId").asString()));
		assertThat(gov.status(id)).isEqualTo("draft");

		// Approval off: the owner's send goes, and leaves its own row, no refusal.
		gov.approval("off");
		long before = refusals(gov, id).size();
		gov.ok("POST", "/api/v1/announcements/" + id + "/send", author, null);
		Await.until(WAIT, "delivered", () -> cardsReceived(people.get(0).id(), id) == 1);
		assertThat(refusals(gov, id)).hasSize((int) before);
		assertThat(gov.audit(id)).anyMatch((r) -> "send".equals(r.path("action").asString()));
	}

	/**
	 * A co-author who is also an Approver edits the draft, then tries to approve it: 403,
	 * audited; the request stays pending and nothing is sent. Another Approver approves
	 * it.
	 */
	@Test
	void aCoOwnerWhoEditedADraftCannotApproveIt() {
		List<SimUser> people = people(162, 1);
		GovernanceApi gov = gov();
		gov.approval("always");
		String author = token("size-author-4", "Herald.Author");
		String coOwner = token("size-coowner-4", "Herald.Author", "Herald.Approver");
		String approver = token("size-approver-4", "Herald.Approver");
		long id = gov.create(author, "Written by two");
		gov.setPeople(author, id, List.of(people.get(0).id()));
		gov.ok("POST", "/api/v1/announcements/" + id + "/owners", author,
				"{\"id\":\"size-coowner-4\",\"name\":\"Co Owner\"}");
		gov.ok("PUT", "/api/v1/announcements/" + id, coOwner,
				"{\"title\":\"Written by two, edited\",\"summary\":\"x\"}");
		gov.ok("POST", "/api/v1/announcements/" + id + "/submit", author, null);

		JsonNode refused = ApiHttp.assertProblem(gov.act(coOwner, id, "approve"), 403);
		assertThat(refused.path("detail").asString()).contains("owner");
		assertThat(gov.approvalState(id)).isEqualTo("pending");
		assertThat(refusals(gov, id)).anyMatch((s) -> s.startsWith("approval refused") && s.contains("owner"));
		assertThat(gov.status(id)).isEqualTo("draft");
		assertThat(cardsReceived(people.get(0).id(), id)).isZero();

		gov.ok("POST", "/api/v1/announcements/" + id + "/approve", approver, null);
		Await.until(WAIT, "delivered", () -> cardsReceived(people.get(0).id(), id) == 1);
	}

	/**
	 * Approvers see what employees will see: every language variant, every button and
	 * link, the audience's resolved size and kinds, in the queue page, the API and the
	 * Teams card (in the approver's simulated chat). Approved, each reader gets their
	 * language.
	 */
	@Test
	void approversSeeEveryVariantButtonAndTheAudienceSize() {
		List<SimUser> recipients = people(170, 3);
		SimUser approverPerson = people(174, 12).stream()
			.filter((u) -> u.preferredLanguage().equals("en-US"))
			.findFirst()
			.orElseThrow();
		GovernanceApi gov = gov();
		gov.approval("always");
		TestIdentityProvider.nextSignIn("review-approver@contoso.example", Map.of("oid", approverPerson.id()),
				"Herald.Approver");
		BrowserSession approverUi = new BrowserSession(baseUrl());
		assertThat(approverUi.get("/announcements").statusCode()).isEqualTo(200);
		String approver = token("review-approver-api", "Herald.Approver");
		String author = token("review-author", "Herald.Author");
		long id = gov.ok("POST", "/api/v1/announcements", author, """
				{"title":"Office move","summary":"We move on Monday.","language":"en",
				 "buttons":[{"title":"Floor plan","url":"https://intranet.example/plan"},
				            {"title":"Parking","url":"https://parking.example/permit"}],
				 "variants":{"fr":{"title":"Demenagement","summary":"Nous demenageons lundi.",
				                   "buttonLabels":["Plan du site","Stationnement"]},
				             "de":{"title":"Umzug","summary":"Wir ziehen am Montag um.","buttonLabels":["Grundriss"]}}}
				""").path("id").asLong();
		SimGroup group = this.simulator.tenant()
			.createGroup("Gate review " + System.nanoTime(), List.of(recipients.get(2).id()));
		gov.ok("PUT", "/api/v1/announcements/" + id + "/audience", author,
				"{\"entries\":[{\"kind\":\"PERSON\",\"ref\":\"" + recipients.get(0).id()
						+ "\"},{\"kind\":\"PERSON\",\"ref\":\"" + recipients.get(1).id()
						+ "\"},{\"kind\":\"GROUP\",\"ref\":\"" + group.id() + "\"}]}");
		gov.ok("POST", "/api/v1/announcements/" + id + "/submit", author, null);

		// The API.
		JsonNode review = gov.ok("GET", "/api/v1/announcements/" + id + "/approval", approver, null);
		assertThat(review.path("state").asString()).isEqualTo("pending");
		assertThat(review.path("audienceSize").asInt()).isEqualTo(3);
		assertThat(review.path("audienceChannels").asInt()).isZero();
		assertThat(review.path("audienceKinds").path("person").asInt()).isEqualTo(2);
		assertThat(review.path("audienceKinds").path("group").asInt()).isEqualTo(1);
		List<String> languages = new java.util.ArrayList<>();
		review.path("renditions").forEach((r) -> languages.add(r.path("language").asString()));
		assertThat(languages).containsExactly("en", "de", "fr");
		JsonNode fr = review.path("renditions").get(2);
		assertThat(fr.path("title").asString()).isEqualTo("Demenagement");
		assertThat(fr.path("buttons").get(0).path("title").asString()).isEqualTo("Plan du site");
		assertThat(fr.path("buttons").get(1).path("url").asString()).isEqualTo("https://parking.example/permit");
		JsonNode de = review.path("renditions").get(1);
		// A label not translated falls back to the default's, the link is the same.
		assertThat(de.path("buttons").get(1).path("title").asString()).isEqualTo("Parking");
		assertThat(gov.ok("GET", "/api/v1/approvals", approver, null).toString()).contains("Umzug")
			.contains("Stationnement")
			.contains("https://parking.example/permit");

		// The queue page.
		String queue = approverUi.get("/approvals").body();
		int row = queue.indexOf("id=\"approval-" + id + "\"");
		assertThat(row).isPositive();
		String mine = queue.substring(row, queue.indexOf("</tr>", row));
		assertThat(mine).contains("Office move", "Umzug", "Demenagement", "Wir ziehen am Montag um.", "Grundriss",
				"Plan du site", "Stationnement", "https://intranet.example/plan", "https://parking.example/permit",
				"3 people, 0 channels", "Group", "Person");

		// The Teams card in the approver's chat.
		Await.until(WAIT, "approval card in the approver's chat", () -> approvalCard(approverPerson, id) != null);
		String card = approvalCard(approverPerson, id);
		assertThat(card).contains("Office move", "Umzug", "Demenagement", "Nous demenageons lundi.", "Grundriss",
				"Plan du site", "https://intranet.example/plan", "https://parking.example/permit",
				"3 people, 0 channels", "Group: 1", "Person: 2");
		// Inert: not a delivery of the announcement.
		assertThat(cardsReceived(approverPerson.id(), id)).isZero();

		gov.ok("POST", "/api/v1/announcements/" + id + "/approve", approver, null);
		Await.until(WAIT, "delivered", () -> recipients.stream().allMatch((p) -> cardsReceived(p.id(), id) == 1));
	}

	/**
	 * The longest content the API accepts (20 translations of 4,000 characters, four
	 * 2,000-character links) still reaches the approver in Teams: the card is cut to fit
	 * Teams' message limit, keeps every title and every link in full, and says so.
	 */
	@Test
	void theLargestAnnouncementStillReachesTheApproverInTeamsWithEveryLink() {
		SimUser recipient = people(188, 1).get(0);
		SimUser approverPerson = people(174, 12).stream()
			.filter((u) -> u.preferredLanguage().equals("en-US"))
			.findFirst()
			.orElseThrow();
		GovernanceApi gov = gov();
		gov.approval("always");
		TestIdentityProvider.nextSignIn("big-approver@contoso.example", Map.of("oid", approverPerson.id()),
				"Herald.Approver");
		assertThat(new BrowserSession(baseUrl()).get("/announcements").statusCode()).isEqualTo(200);
		String author = token("big-author", "Herald.Author");
		List<String> urls = new java.util.ArrayList<>();
		List<Map<String, Object>> buttons = new java.util.ArrayList<>();
		for (int b = 0; b < 4; b++) {
			String url = "https://intranet.example/" + b + "/" + "x".repeat(1960) + "/end-" + b;
			urls.add(url);
			buttons.add(Map.of("title", "Link " + b, "url", url));
		}
		Map<String, Object> variants = new java.util.LinkedHashMap<>();
		List<String> tags = List.of("fr", "de", "es", "it", "nl", "pt", "sv", "da", "fi", "nb", "pl", "cs", "hu", "ro",
				"tr", "el", "ja", "ko", "zh-CN", "uk");
		for (String tag : tags) {
			variants.put(tag,
					Map.of("title", "Title in " + tag, "summary",
							("Text in " + tag + ". ").repeat(400).substring(0, 4000), "buttonLabels",
							List.of("L0 " + tag, "L1 " + tag, "L2 " + tag, "L3 " + tag)));
		}
		Map<String, Object> body = new java.util.LinkedHashMap<>();
		body.put("title", "Everything at once");
		body.put("summary", "Default text. ".repeat(400).substring(0, 4000));
		body.put("language", "en");
		body.put("buttons", buttons);
		body.put("variants", variants);
		long id = gov.ok("POST", "/api/v1/announcements", author, JsonMapper.shared().writeValueAsString(body))
			.path("id")
			.asLong();
		gov.ok("PUT", "/api/v1/announcements/" + id + "/audience", author,
				"{\"entries\":[{\"kind\":\"PERSON\",\"ref\":\"" + recipient.id() + "\"}]}");
		gov.ok("POST", "/api/v1/announcements/" + id + "/submit", author, null);

		Await.until(WAIT, "approval card in the approver's chat", () -> approvalCard(approverPerson, id) != null);
		String card = approvalCard(approverPerson, id);
		assertThat(card.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
			.isLessThanOrEqualTo(ApproverCards.CARD_BUDGET_BYTES);
		assertThat(card).contains("Everything at once").contains(urls).contains("Texts shortened to fit in Teams");
		for (String tag : tags) {
			assertThat(card).contains("Title in " + tag, "L3 " + tag);
		}
		assertThat(cardsReceived(approverPerson.id(), id)).isZero();
	}

	/** The approval card of an announcement in a person's chat, as JSON, or null. */
	private String approvalCard(SimUser person, long id) {
		for (Map<String, Object> activity : this.simulator.inbox(person.id())) {
			JsonNode node = JsonMapper.shared().valueToTree(activity);
			for (JsonNode attachment : node.path("attachments")) {
				for (JsonNode action : attachment.path("content").path("actions")) {
					if (action.path("verb").asString("").equals("herald.approve")
							&& action.path("data").path("announcementId").asLong() == id) {
						return attachment.path("content").toString();
					}
				}
			}
		}
		return null;
	}

	/**
	 * Members who have not opted out (an earlier test may have left one so), from the
	 * {@code from}th on, with the app installed. Others may send to them too: every count
	 * here is per announcement.
	 */
	private List<SimUser> people(int from, int count) {
		java.util.Set<String> optedOut = new java.util.HashSet<>(
				this.jdbc.sql("SELECT lower(aad_object_id) FROM opt_out WHERE opted_out").query(String.class).list());
		List<SimUser> chosen = this.simulator.tenant()
			.users()
			.stream()
			.filter((u) -> !u.guest() && !optedOut.contains(u.id().toLowerCase(java.util.Locale.ROOT)))
			.skip(from)
			.limit(count)
			.toList();
		assertThat(chosen).hasSize(count);
		chosen.forEach((u) -> this.simulator.installForUser(u.id()));
		Await.until(WAIT, "chats stored", () -> chosen.stream().allMatch((u) -> hasActiveChat(u.id())));
		return chosen;
	}

	private static List<String> ids(List<SimUser> people) {
		return people.stream().map(SimUser::id).toList();
	}

	/** The summaries of the announcement's "refused" audit rows. */
	static List<String> refusals(GovernanceApi gov, long id) {
		return gov.audit(id)
			.stream()
			.filter((r) -> "refused".equals(r.path("action").asString()))
			.map((r) -> r.path("summary").asString())
			.toList();
	}

}
