package dev.herald.simulator;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.herald.simulator.SimulatorConfig.Limits;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectorTest {

	static TeamsSimulator sim;

	static SimHttp http;

	static String token;

	@BeforeAll
	static void start() {
		sim = TeamsSimulator.start(SimulatorConfig.defaults().withUsers(300).withLimits(Limits.off()));
		http = new SimHttp(sim);
		token = http.botToken();
	}

	@AfterAll
	static void stop() {
		sim.close();
	}

	@BeforeEach
	void reset() {
		sim.reset();
		sim.setFaults(SimulatorConfig.Faults.none());
		sim.setMaxMessageBytes(100 * 1024);
	}

	private SimUser installedUser(int index) {
		SimUser u = sim.tenant().users().get(index);
		sim.installForUser(u.id());
		return u;
	}

	private SimHttp.Response create(SimUser u) {
		return http.post(sim.serviceUrl() + "v3/conversations", token, Map.of("isGroup", false, "members",
				List.of(Map.of("id", u.teamsUserId())), "tenantId", sim.tenantId()));
	}

	@Test
	void createIsIdempotentAndSendsLandInTheInbox() {
		SimUser u = installedUser(1);
		SimHttp.Response first = create(u);
		SimHttp.Response second = create(u);
		assertThat(first.status()).isEqualTo(201);
		String id = (String) first.json().get("id");
		assertThat(id).startsWith("a:");
		assertThat(second.json().get("id")).isEqualTo(id);
		assertThat(first.json()).doesNotContainKey("activityId");

		SimHttp.Response sent = http.post(sim.serviceUrl() + "v3/conversations/" + id + "/activities", token,
				SimHttp.message("hello"));
		assertThat(sent.status()).isEqualTo(201);
		assertThat((String) sent.json().get("id")).matches("\\d+");
		List<Map<String, Object>> inbox = sim.inbox(u.id());
		assertThat(inbox).hasSize(1);
		assertThat(inbox.get(0)).containsEntry("text", "hello").containsEntry("id", sent.json().get("id"));
		assertThat(sim.stats()).containsEntry("activitiesDelivered", 1L).containsEntry("conversationsCreated", 2L);
	}

	@Test
	void tenantInChannelDataAndAnyRegionAreAccepted() {
		SimUser u = installedUser(2);
		SimHttp.Response r = http.post(sim.baseUrl() + "/emea/v3/conversations", token,
				Map.of("bot", Map.of("id", "28:" + sim.botAppId()), "members", List.of(Map.of("id", u.teamsUserId())),
						"channelData", Map.of("tenant", Map.of("id", sim.tenantId()))));
		assertThat(r.status()).isEqualTo(201);
		assertThat(r.json().get("id")).isEqualTo(sim.conversationIdFor(u.id()));
	}

	@Test
	void missingTenantIsBadSyntax() {
		SimUser u = installedUser(3);
		SimHttp.Response r = http.post(sim.serviceUrl() + "v3/conversations", token,
				Map.of("isGroup", false, "members", List.of(Map.of("id", u.teamsUserId()))));
		assertThat(r.status()).isEqualTo(400);
		assertThat(r.json()).extracting("error").extracting("code").isEqualTo("BadSyntax");
	}

	@Test
	void graphChatIdMapsToTheSameInbox() {
		SimUser u = installedUser(4);
		SimHttp.Response r = http.post(sim.serviceUrl() + "v3/conversations/" + sim.chatIdFor(u.id()) + "/activities",
				token, SimHttp.message("via chat id"));
		assertThat(r.status()).isEqualTo(201);
		assertThat(sim.inbox(u.id())).extracting((a) -> a.get("text")).containsExactly("via chat id");
	}

	@Test
	void channelThreadCreateReturnsMessageIdAndNeedsAnActivity() {
		SimTeam team = sim.tenant().teams().get(0);
		sim.installInTeam(team.id());
		Map<String, Object> params = Map.of("isGroup", true, "channelData",
				Map.of("channel", Map.of("id", team.threadId())), "activity", SimHttp.message("to the channel"),
				"tenantId", sim.tenantId());
		SimHttp.Response r = http.post(sim.serviceUrl() + "v3/conversations", token, params);
		assertThat(r.status()).isEqualTo(201);
		String activityId = (String) r.json().get("activityId");
		assertThat(r.json().get("id")).isEqualTo(team.threadId() + ";messageid=" + activityId);
		assertThat(sim.channelInbox(team.threadId())).hasSize(1);

		SimHttp.Response bad = http.post(sim.serviceUrl() + "v3/conversations", token, Map.of("isGroup", true,
				"channelData", Map.of("channel", Map.of("id", team.threadId())), "tenantId", sim.tenantId()));
		assertThat(bad.status()).isEqualTo(400);
		assertThat(bad.json()).isEqualTo(
				Map.of("error", Map.of("code", "BadSyntax", "message", "Incorrect conversation creation parameters")));
	}

	@Test
	void missingOrBadTokenIs401() {
		SimUser u = installedUser(5);
		String url = sim.serviceUrl() + "v3/conversations/" + sim.conversationIdFor(u.id()) + "/activities";
		SimHttp.Response none = http.post(url, null, SimHttp.message("x"));
		assertThat(none.status()).isEqualTo(401);
		assertThat(none.json()).extracting("error").extracting("code").isEqualTo("Unauthorized");
		String tampered = token.substring(0, token.length() - 4) + "AAAA";
		assertThat(http.post(url, tampered, SimHttp.message("x")).status()).isEqualTo(401);
		assertThat(http.post(url, http.graphToken(), SimHttp.message("x")).status()).as("graph audience")
			.isEqualTo(401);
		assertThat(sim.inbox(u.id())).isEmpty();
	}

	@Test
	void blockedUsersGetBothForbiddenShapes() {
		sim.setFaults(SimulatorConfig.Faults.none().withBlockedUserShare(1.0));
		boolean sawModern = false;
		boolean sawLegacy = false;
		for (int i = 10; i < 30 && !(sawModern && sawLegacy); i++) {
			SimUser u = installedUser(i);
			SimHttp.Response r = http.post(
					sim.serviceUrl() + "v3/conversations/" + sim.conversationIdFor(u.id()) + "/activities", token,
					SimHttp.message("x"));
			assertThat(r.status()).isEqualTo(403);
			Map<String, Object> body = r.json();
			if (body.containsKey("errorCode")) {
				assertThat(body.get("errorCode")).isEqualTo(209);
				assertThat((String) body.get("message")).contains("MessageWritesBlocked");
				sawLegacy = true;
			}
			else {
				assertThat(body).isEqualTo(Map.of("error", Map.of("code", "ConversationBlockedByUser", "message",
						"User blocked the conversation with the bot.")));
				sawModern = true;
			}
		}
		assertThat(sawModern).isTrue();
		assertThat(sawLegacy).isTrue();
	}

	@Test
	void explicitBlockAndUninstallAre403() {
		SimUser blocked = installedUser(40);
		sim.block(blocked.id());
		assertThat(http
			.post(sim.serviceUrl() + "v3/conversations/" + sim.conversationIdFor(blocked.id()) + "/activities", token,
					SimHttp.message("x"))
			.status()).isEqualTo(403);
		SimUser notInstalled = sim.tenant().users().get(41);
		SimHttp.Response r = http.post(
				sim.serviceUrl() + "v3/conversations/" + sim.conversationIdFor(notInstalled.id()) + "/activities",
				token, SimHttp.message("x"));
		assertThat(r.status()).isEqualTo(403);
		assertThat(r.json()).extracting("error").extracting("code").isEqualTo("ForbiddenOperationException");
	}

	@Test
	void unknownConversationIs404() {
		SimHttp.Response r = http.post(sim.serviceUrl() + "v3/conversations/a:doesnotexist/activities", token,
				SimHttp.message("x"));
		assertThat(r.status()).isEqualTo(404);
		assertThat(r.json())
			.isEqualTo(Map.of("error", Map.of("code", "ConversationNotFound", "message", "Conversation not found.")));
	}

	@Test
	void oversizedMessageIs413() {
		SimUser u = installedUser(6);
		String url = sim.serviceUrl() + "v3/conversations/" + sim.conversationIdFor(u.id()) + "/activities";
		String big = "x".repeat(52 * 1024);
		SimHttp.Response r = http.post(url, token, SimHttp.message(big));
		assertThat(r.status()).isEqualTo(413);
		assertThat(r.json()).extracting("error").extracting("code").isEqualTo("MessageSizeTooBig");
		assertThat(http.post(url, token, SimHttp.message("x".repeat(49 * 1024))).status()).isEqualTo(201);
		sim.setMaxMessageBytes(28 * 1024);
		assertThat(http.post(url, token, SimHttp.message("x".repeat(15 * 1024))).status()).isEqualTo(413);
	}

	@Test
	void storedActivitiesKeepTheirFieldsAndGainIdTimestampAndReplyTo() {
		SimUser u = installedUser(9);
		String base = sim.serviceUrl() + "v3/conversations/" + sim.conversationIdFor(u.id()) + "/activities";
		String first = (String) http.post(base, token, SimHttp.message("plain")).json().get("id");
		String reply = (String) http.post(base + "/" + first, token, SimHttp.message("answer")).json().get("id");
		Map<String, Object> ownId = new java.util.LinkedHashMap<>(SimHttp.message("own id"));
		ownId.put("id", "chosen-by-the-bot");
		String third = (String) http.post(base, token, ownId).json().get("id");
		List<Map<String, Object>> inbox = sim.inbox(u.id()); // latest first
		assertThat(inbox).hasSize(3);
		assertThat(inbox.get(2)).containsEntry("id", first)
			.containsEntry("type", "message")
			.containsEntry("text", "plain")
			.containsKey("timestamp")
			.doesNotContainKey("replyToId");
		assertThat(inbox.get(1)).containsEntry("id", reply)
			.containsEntry("replyToId", first)
			.containsEntry("text", "answer");
		// The service assigns ids; one sent by the bot is replaced.
		assertThat(inbox.get(0)).containsEntry("id", third).containsEntry("text", "own id").containsKey("timestamp");
	}

	@Test
	void updateAndDeleteAnActivity() {
		SimUser u = installedUser(7);
		String base = sim.serviceUrl() + "v3/conversations/" + sim.conversationIdFor(u.id()) + "/activities";
		String id = (String) http.post(base, token, SimHttp.message("v1")).json().get("id");
		SimHttp.Response put = http.put(base + "/" + id, token, SimHttp.message("v2"));
		assertThat(put.status()).isEqualTo(200);
		assertThat(sim.inbox(u.id())).singleElement().satisfies((a) -> assertThat(a).containsEntry("text", "v2"));
		assertThat(http.put(base + "/123", token, SimHttp.message("v3")).status()).isEqualTo(404);
		assertThat(http.delete(base + "/" + id, token).status()).isEqualTo(200);
		assertThat(sim.inbox(u.id())).isEmpty();
	}

	@Test
	void anUpdatedMessageKeepsItsIdAndTimeAndShowsAsEditedADeletedOneIsGone() {
		SimUser u = installedUser(10);
		String base = sim.serviceUrl() + "v3/conversations/" + sim.conversationIdFor(u.id()) + "/activities";
		String kept = (String) http.post(base, token, SimHttp.message("edit-me v1")).json().get("id");
		String gone = (String) http.post(base, token, SimHttp.message("delete-me")).json().get("id");
		Object sentAt = sim.inbox(u.id()).get(1).get("timestamp");
		SimHttp.Response put = http.put(base + "/" + kept, token, SimHttp.message("edit-me v2"));
		assertThat(put.status()).isEqualTo(200);
		assertThat(put.json()).containsEntry("id", kept);
		assertThat(http.delete(base + "/" + gone, token).status()).isEqualTo(200);
		assertThat(http.delete(base + "/" + gone, token).status()).as("deleted twice").isEqualTo(404);
		assertThat(sim.inbox(u.id())).singleElement()
			.satisfies((a) -> assertThat(a).containsEntry("id", kept)
				.containsEntry("text", "edit-me v2")
				.containsEntry("edited", true)
				.containsEntry("timestamp", sentAt));
		String page = http.get(sim.baseUrl() + "/_sim/users/" + u.id() + "/inbox.html", null).body();
		assertThat(page).contains("Edited").contains("edit-me v2").contains("This message has been deleted.");
		assertThat(page).doesNotContain("delete-me");
		assertThat(sim.stats()).containsEntry("activitiesUpdated", 1L)
			.containsEntry("activitiesDeleted", 1L)
			.containsEntry("activityMissing404", 1L);
		SimHttp.Response counts = http.get(sim.baseUrl() + "/_sim/deliveries?marker=-me", null);
		assertThat(counts.json()).containsEntry("activities", 1)
			.containsEntry("updated", 1)
			.containsEntry("updatedMoreThanOnce", 0)
			.containsEntry("deleted", 1);
	}

	@Test
	void rosterAndTeamChannels() {
		// The third team has the app from the start; the first does not.
		SimTeam team = sim.tenant().teams().get(2);
		assertThat(sim.isInstalledInTeam(team.id())).isTrue();
		SimHttp.Response paged = http
			.get(sim.serviceUrl() + "v3/conversations/" + team.threadId() + "/pagedmembers?pageSize=10", token);
		assertThat(paged.status()).isEqualTo(200);
		List<Object> members = (List<Object>) paged.json().get("members");
		assertThat(members).hasSize(Math.min(50, team.memberUserIds().size()));
		assertThat((Map<String, Object>) members.get(0)).containsKeys("id", "aadObjectId", "userPrincipalName");
		SimHttp.Response channels = http.get(sim.serviceUrl() + "v3/teams/" + team.threadId() + "/conversations",
				token);
		List<Map<String, Object>> list = (List<Map<String, Object>>) channels.json().get("conversations");
		assertThat(list).hasSize(team.channels().size());
		assertThat(list.get(0)).containsEntry("id", team.threadId()).containsEntry("name", null);

		SimTeam without = sim.tenant().teams().get(0);
		assertThat(sim.isInstalledInTeam(without.id())).isFalse();
		for (String path : List.of("v3/conversations/" + without.threadId() + "/pagedmembers",
				"v3/conversations/" + without.threadId() + "/members", "v3/teams/" + without.threadId(),
				"v3/teams/" + without.threadId() + "/conversations")) {
			SimHttp.Response refused = http.get(sim.serviceUrl() + path, token);
			assertThat(refused.status()).as(path).isEqualTo(403);
			assertThat(refused.body()).as(path).contains("BotNotInConversationRoster");
		}
	}

	@Test
	void deliveriesCountsConversationsAndDuplicates() {
		SimUser a = installedUser(8);
		SimUser b = installedUser(9);
		for (SimUser u : List.of(a, b, a)) {
			http.post(sim.serviceUrl() + "v3/conversations/" + sim.conversationIdFor(u.id()) + "/activities", token,
					SimHttp.message("campaign-77 hello"));
		}
		SimHttp.Response r = http.get(sim.baseUrl() + "/_sim/deliveries?marker=campaign-77", null);
		assertThat(r.json()).containsEntry("activities", 3)
			.containsEntry("conversations", 2)
			.containsEntry("duplicated", 1);
	}

}
