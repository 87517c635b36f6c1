package dev.herald.bot;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.api.ApiHttp;
import dev.herald.audience.DirectorySync;
import dev.herald.optout.OptOuts;
import dev.herald.simulator.SimUser;
import dev.herald.simulator.SimulatorConfig;
import dev.herald.support.Await;
import dev.herald.support.BrowserSession;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestChannelKeys;
import dev.herald.support.TestIdentityProvider;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Employees' side of trust, over real HTTP with Teams played by the simulator: a test
 * copy's buttons change nothing real, "stop" during a send stops it for that person, and
 * guests are left out of every send unless an admin allows them.
 */
class TrustBotIntegrationTests extends IntegrationTest {

	private static final JsonMapper JSON = JsonMapper.shared();

	@Autowired
	private OptOuts optOuts;

	@Autowired
	private DirectorySync directory;

	private Activities activities;

	@BeforeEach
	void activities() {
		this.activities = new Activities(this.simulator, baseUrl());
	}

	@AfterEach
	void restore() {
		this.simulator.setFaults(SimulatorConfig.Faults.none());
	}

	@Test
	void buttonsOnATestCopyAreRecordedAsTestAndChangeNothing() {
		// Someone no earlier test opted out, so an opt-out seen below is this test's.
		List<SimUser> members = this.simulator.tenant()
			.users()
			.stream()
			.filter((u) -> !u.guest() && this.simulator.tenant().reachable(u))
			.toList();
		int from = members.size() - 30;
		while (this.optOuts.isOptedOut(this.simulator.tenantId(), members.get(from).id())) {
			from++;
		}
		SimUser author = installApp(from, 1).get(0);
		assertThat(this.optOuts.isOptedOut(this.simulator.tenantId(), author.id())).isFalse();
		// The same person (a delegated token: scp) in the API and the browser, by oid:
		// they own the draft.
		String token = TestIdentityProvider.accessToken("test-copy-author", Map.of("oid", author.id(), "scp", "user"),
				"Herald.Author");
		HttpResponse created = new HttpResponse(api("POST", "/api/v1/announcements", token, """
				{"title":"Test copy trial","summary":"Press the buttons","acknowledge":true,
				 "pollQuestion":"Lunch?","pollChoices":["Yes","No"]}
				"""));
		long id = created.json().path("id").asLong();

		TestIdentityProvider.nextSignIn("test-copy-author", Map.of("oid", author.id()), "Herald.Author");
		BrowserSession session = new BrowserSession(baseUrl());
		assertThat(session.get("/announcements").statusCode()).isEqualTo(200);
		session.submit("/announcements/" + id, "/announcements/" + id + "/test", Map.of());
		Await.until(Duration.ofSeconds(20), "test copy in the author's chat",
				() -> cardsReceived(author.id(), id) == 1);

		// Press every button of the card as Teams delivered it.
		String card = JSON.writeValueAsString(this.simulator.inbox(author.id()));
		for (String verb : List.of("ack", "vote", "unsubscribe")) {
			Map<String, Object> data = dataOf(card, verb, id);
			if (verb.equals("vote")) {
				data.put("choice", "Yes");
			}
			Activities.Reply reply = this.activities.post(this.activities.execute(author, data));
			assertThat(reply.status()).isEqualTo(200);
		}
		assertThat(this.optOuts.isOptedOut(this.simulator.tenantId(), author.id())).isFalse();
		assertThat(this.jdbc.sql("SELECT count(*) FROM card_response WHERE announcement_id = :id")
			.param("id", id)
			.query(Long.class)
			.single()).isZero();
		assertThat(this.jdbc.sql("SELECT verb FROM test_card_response WHERE announcement_id = :id ORDER BY verb")
			.param("id", id)
			.query(String.class)
			.list()).containsExactly("ack", "unsubscribe", "vote");
		HttpResponse report = new HttpResponse(api("GET", "/api/v1/announcements/" + id + "/report", token, null));
		assertThat(report.json().toString()).doesNotContain("\"Yes\":1");

		// The API twin of the button: the same person's token, a second test copy.
		assertThat(api("POST", "/api/v1/announcements/" + id + "/test", token, null).statusCode()).isEqualTo(202);
		Await.until(Duration.ofSeconds(20), "second test copy", () -> cardsReceived(author.id(), id) == 2);
	}

	@Test
	void stopDuringASendStopsItForThatPerson() {
		List<SimUser> people = installApp(123, 2);
		SimUser quitter = people.get(0);
		SimUser stayer = people.get(1);
		String admin = TestIdentityProvider.accessToken("stop-admin", "Herald.Admin");
		String client = "stop-test-" + UUID.randomUUID();
		assertThat(api("POST", "/api/v1/admin/clients", admin,
				"{\"clientId\":\"" + client + "\",\"displayName\":\"Long send\"}")
			.statusCode()).isEqualTo(201);
		// Teams fails for a while: the send is under way, its rows wait to be retried.
		this.simulator.setFaults(SimulatorConfig.Faults.none().withServerErrorShare(1.0));
		HttpResponse accepted = new HttpResponse(
				api("POST", "/api/v1/notifications", TestIdentityProvider.accessToken(client), """
						{"recipients":[{"aadObjectId":"%s"},{"aadObjectId":"%s"}],"text":"A long send"}
						""".formatted(quitter.id(), stayer.id())));
		long id = accepted.json().path("id").asLong();
		Await.until(Duration.ofSeconds(20), "first attempts failed", () -> this.jdbc.sql("""
				SELECT count(*) FROM delivery WHERE announcement_id = :id AND attempts >= 1 AND state = 'pending'
				""").param("id", id).query(Long.class).single() == 2);

		// Mid-send, one of them types "stop".
		assertThat(this.activities.post(this.activities.message(quitter, "stop")).status()).isEqualTo(200);
		this.simulator.setFaults(SimulatorConfig.Faults.none());

		Await.until(Duration.ofSeconds(30), "send finished",
				() -> "sent".equals(this.jdbc.sql("SELECT status FROM announcement WHERE id = :id")
					.param("id", id)
					.query(String.class)
					.single()));
		assertThat(cardsReceived(stayer.id(), id)).isEqualTo(1);
		assertThat(cardsReceived(quitter.id(), id)).isZero();
		assertThat(this.jdbc.sql("SELECT state FROM delivery WHERE announcement_id = :id AND recipient = :aad")
			.param("id", id)
			.param("aad", quitter.id())
			.query(String.class)
			.single()).isEqualTo("opted_out");
		assertThat(this.jdbc.sql("SELECT opted_out FROM announcement WHERE id = :id")
			.param("id", id)
			.query(Integer.class)
			.single()).isEqualTo(1);
		this.activities.post(this.activities.message(quitter, "start"));
	}

	@Test
	void guestsAreLeftOutOfTheDefaultAudienceAndOfApiRecipients() {
		SimUser guest = this.simulator.tenant()
			.users()
			.stream()
			.filter(SimUser::guest)
			.filter((u) -> !hasActiveChat(u.id()))
			.findFirst()
			.orElseThrow();
		this.simulator.installForUser(guest.id());
		Await.until(Duration.ofSeconds(20), "guest's chat stored", () -> hasActiveChat(guest.id()));
		this.directory.syncNow();
		SimUser member = installApp(125, 1).get(0);

		// The default audience: everyone who has the app, guests left out.
		String author = TestIdentityProvider.accessToken("guest-author", "Herald.Author");
		long id = new HttpResponse(
				api("POST", "/api/v1/announcements", author, "{\"title\":\"Members only\",\"summary\":\"Hello\"}"))
			.json()
			.path("id")
			.asLong();
		assertThat(api("POST", "/api/v1/announcements/" + id + "/send", author, null).statusCode()).isLessThan(300);
		Await.until(Duration.ofSeconds(60), "member reached", () -> cardsReceived(member.id(), id) == 1);
		assertThat(this.jdbc.sql("SELECT count(*) FROM delivery WHERE announcement_id = :id AND lower(recipient) = :g")
			.param("id", id)
			.param("g", guest.id().toLowerCase())
			.query(Long.class)
			.single()).isZero();
		assertThat(cardsReceived(guest.id(), id)).isZero();

		// Named by an API client: the guest is not reachable either.
		String admin = TestIdentityProvider.accessToken("guest-admin", "Herald.Admin");
		String client = "guest-test-" + UUID.randomUUID();
		api("POST", "/api/v1/admin/clients", admin, "{\"clientId\":\"" + client + "\",\"displayName\":\"HR\"}");
		JsonNode accepted = new HttpResponse(
				api("POST", "/api/v1/notifications", TestIdentityProvider.accessToken(client),
						"{\"recipients\":[{\"aadObjectId\":\"" + guest.id() + "\"}],\"text\":\"Hi\"}"))
			.json();
		assertThat(accepted.path("queued").asInt()).isZero();
		assertThat(cardsReceived(guest.id(), accepted.path("id").asLong())).isZero();
	}

	@Test
	void entraIssuedChannelTokensOfAnyTenantAppAreRefused() {
		SimUser victim = installApp(126, 1).get(0);
		// Any app of the tenant can get an Entra token whose audience is the bot's app
		// id.
		String forged = "Bearer " + TestChannelKeys.sign(TestChannelKeys.unendorsed(),
				TestChannelKeys.claims(this.simulator.botAppId(), this.simulator.serviceUrl())
					.issuer("https://login.microsoftonline.com/" + this.simulator.tenantId() + "/v2.0")
					.claim("azp", UUID.randomUUID().toString())
					.claim("tid", this.simulator.tenantId())
					.build());
		Activities.Reply reply = this.activities.post(forged,
				JSON.writeValueAsBytes(this.activities.message(victim, "stop")));
		assertThat(reply.status()).isEqualTo(401);
		assertThat(this.optOuts.isOptedOut(this.simulator.tenantId(), victim.id())).isFalse();
	}

	@SuppressWarnings("unchecked")
	/**
	 * The data of the {@code verb} button on this announcement's copy (the chat may hold
	 * real copies of other announcements, whose Unsubscribe is real).
	 */
	private static Map<String, Object> dataOf(String inbox, String verb, long announcementId) {
		JsonNode found = null;
		for (JsonNode node : JSON.readTree(inbox).findParents("verb")) {
			if (verb.equals(node.path("verb").asString())
					&& String.valueOf(announcementId).equals(node.path("data").path("announcementId").asString())) {
				found = node.path("data");
			}
		}
		assertThat(found).as("a " + verb + " button").isNotNull();
		return new java.util.HashMap<>(JSON.convertValue(found, Map.class));
	}

	/** A response that must have succeeded, with its JSON body. */
	private record HttpResponse(java.net.http.HttpResponse<String> response) {

		JsonNode json() {
			assertThat(this.response.statusCode()).as(this.response.body()).isLessThan(300);
			return ApiHttp.read(this.response);
		}

	}

}
