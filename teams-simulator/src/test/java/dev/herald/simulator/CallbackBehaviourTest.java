package dev.herald.simulator;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Teams' callback behaviour (#27): one re-post after 15 s, duplicates with the same id,
 * the invoke answer's shape checked; team uninstalls, deletions and roster changes with
 * their events; the paged roster.
 */
class CallbackBehaviourTest extends FakeBotTest {

	@Override
	SimulatorConfig config() {
		return SimulatorConfig.defaults().withUsers(300);
	}

	@Test
	void aCallbackIsRepostedOnlyOnceThenDropped() throws Exception {
		this.sim.setCallbackRetryDelay(Duration.ofMillis(300));
		this.bot.failuresLeft.set(10);
		this.sim.installForUser(this.sim.tenant().users().get(1).id());
		Thread.sleep(1_500);
		assertThat(this.bot.failuresLeft.get()).as("first post and one re-post, nothing more").isEqualTo(8);
		assertThat(this.bot.received).isEmpty();
		assertThat(this.sim.callbackStats()).containsEntry("rePosted", 1L).containsEntry("dropped", 2L);
	}

	@Test
	void theRepostWaitsFifteenSecondsByDefault() throws Exception {
		this.bot.failuresLeft.set(1);
		this.sim.installForUser(this.sim.tenant().users().get(2).id());
		assertThat(this.bot.received.poll(3, TimeUnit.SECONDS)).as("nothing re-posted within 3 s").isNull();
		assertThat(this.sim.callbackStats()).containsEntry("retryDelayMillis", 15_000L);
	}

	@Test
	void duplicatesArriveTwiceWithTheSameId() throws Exception {
		this.sim.setDuplicateActivities(true);
		this.sim.installForUser(this.sim.tenant().users().get(3).id());
		List<String> ids = new java.util.ArrayList<>();
		for (int i = 0; i < 4; i++) {
			ids.add((String) this.bot.take().activity().get("id"));
		}
		assertThat(ids.stream().distinct()).hasSize(2);
		assertThat(ids.stream().filter(ids.get(0)::equals)).hasSize(2);
		assertThat(this.sim.callbackStats()).containsEntry("duplicatesPosted", 2L);
	}

	@Test
	void invokeAnswersAreCheckedAndBadOnesRecorded() throws Exception {
		SimUser user = this.sim.tenant().users().get(4);
		this.sim.installForUser(user.id());
		String token = this.http.botToken();
		Map<String, Object> card = Map.of("type", "message", "attachments",
				List.of(Map.of("contentType", Callbacks.CARD, "content",
						Map.of("type", "AdaptiveCard", "version", "1.5", "body", List.of(), "actions",
								List.of(Map.of("type", "Action.Execute", "title", "Got it", "verb", "ack"))))));
		assertThat(this.http
			.post(this.sim.serviceUrl() + "v3/conversations/" + this.sim.conversationIdFor(user.id()) + "/activities",
					token, card)
			.status()).isEqualTo(201);
		UserActions actions = new UserActions(this.sim);

		this.bot.invokeResponder = (a) -> Map.of("statusCode", 200, "type", Callbacks.MESSAGE, "value", "Thanks");
		assertThat(actions.act(user, Map.of("actionTitle", "Got it"))).doesNotContainKey("invalidInvokeAnswer");
		this.bot.invokeResponder = (a) -> Map.of("statusCode", 200, "type", Callbacks.CARD, "value",
				Map.of("type", "AdaptiveCard", "version", "1.5", "body", List.of(), "actions",
						List.of(Map.of("type", "Action.Execute", "title", "Got it", "verb", "ack"))));
		assertThat(actions.act(user, Map.of("actionTitle", "Got it"))).containsEntry("cardReplaced", true)
			.doesNotContainKey("invalidInvokeAnswer");
		assertThat(this.sim.invalidInvokeAnswers()).isEmpty();

		this.bot.invokeResponder = (a) -> Map.of("ok", true);
		assertThat(actions.act(user, Map.of("actionTitle", "Got it"))).containsKey("invalidInvokeAnswer");
		this.bot.invokeResponder = (a) -> Map.of("statusCode", 200, "type", Callbacks.CARD, "value", "not a card");
		actions.act(user, Map.of("actionTitle", "Got it"));
		this.bot.invokeResponder = (a) -> null; // 200 without a body
		actions.act(user, Map.of("actionTitle", "Got it"));
		assertThat(this.sim.invalidInvokeAnswers()).extracting((e) -> e.get("problem"))
			.containsExactly("statusCode missing or not a number", "value of a card answer is not an AdaptiveCard",
					"HTTP 200 without the AdaptiveCardInvokeResponse body");
		assertThat(this.http.get(this.sim.baseUrl() + "/_sim/callbacks", null).json())
			.containsEntry("invalidInvokeAnswers", 3);

		this.sim.setDuplicateActivities(true);
		this.bot.invokeResponder = (a) -> Map.of("statusCode", 200, "type", Callbacks.MESSAGE, "value", "Thanks");
		actions.act(user, Map.of("actionTitle", "Got it"));
		assertThat(this.sim.callbackStats()).containsEntry("invalidInvokeAnswers", 3L);
	}

	@Test
	void teamUninstallAndDeletionPostTheirEventsAndChannelsRefuseTheBot() throws Exception {
		SimTeam team = this.sim.tenant().teams().get(0);
		this.sim.installInTeam(team.id());
		this.bot.take();
		assertThat(this.sim.uninstallFromTeam(team.id())).isTrue();
		Map<String, Object> install = this.bot.take().activity();
		Map<String, Object> update = this.bot.take().activity();
		assertThat(install).containsEntry("type", "installationUpdate").containsEntry("action", "remove");
		assertThat(Json.path(install, "channelData", "team", "id")).isEqualTo(team.threadId());
		assertThat(update).containsEntry("type", "conversationUpdate");
		assertThat(Json.path(update, "channelData", "eventType")).isEqualTo("teamMemberRemoved");
		assertThat((List<Map<String, Object>>) update.get("membersRemoved")).extracting((m) -> m.get("id"))
			.containsExactly("28:" + this.sim.botAppId());
		assertThat(this.http
			.post(this.sim.serviceUrl() + "v3/conversations/" + team.general().id() + "/activities",
					this.http.botToken(), SimHttp.message("gone"))
			.status()).isEqualTo(403);
		assertThat(this.sim.uninstallFromTeam(team.id())).as("nothing to remove").isFalse();

		this.sim.installInTeam(team.id());
		this.bot.take();
		assertThat(this.sim.deleteTeam(team.id())).isTrue();
		Map<String, Object> deleted = this.bot.take().activity();
		assertThat(Json.path(deleted, "channelData", "eventType")).isEqualTo("teamDeleted");
		assertThat(this.sim.isInstalledInTeam(team.id())).isFalse();
		assertThat(this.sim.isTeamDeleted(team.id())).isTrue();
	}

	@Test
	void rosterChangesPostEventsOnlyWhereTheAppIsAndCanBeLost() throws Exception {
		SimTeam team = this.sim.tenant().teams().get(1);
		SimUser outsider = this.sim.tenant()
			.users()
			.stream()
			.filter((u) -> !team.memberUserIds().contains(u.id()))
			.findFirst()
			.orElseThrow();
		String member = team.memberUserIds().get(1);
		assertThat(this.sim.addTeamMember(team.id(), outsider.id(), true)).isTrue();
		assertThat(this.bot.received.poll(300, TimeUnit.MILLISECONDS)).as("no app, no event").isNull();
		this.sim.removeTeamMember(team.id(), outsider.id(), true);

		this.sim.installInTeam(team.id());
		this.bot.take();
		this.sim.addTeamMember(team.id(), outsider.id(), true);
		Map<String, Object> added = this.bot.take().activity();
		assertThat(Json.path(added, "channelData", "eventType")).isEqualTo("teamMemberAdded");
		assertThat((List<Map<String, Object>>) added.get("membersAdded"))
			.containsExactly(Map.of("id", outsider.teamsUserId(), "aadObjectId", outsider.id()));
		this.sim.removeTeamMember(team.id(), member, true);
		Map<String, Object> removed = this.bot.take().activity();
		assertThat(Json.path(removed, "channelData", "eventType")).isEqualTo("teamMemberRemoved");
		this.sim.removeTeamMember(team.id(), outsider.id(), false);
		assertThat(this.bot.received.poll(300, TimeUnit.MILLISECONDS)).as("a lost event").isNull();

		List<Object> roster = this.http
			.get(this.sim.serviceUrl() + "v3/conversations/" + team.threadId() + "/members", this.http.botToken())
			.jsonList();
		assertThat(roster).hasSize(team.memberUserIds().size() - 1)
			.noneMatch((m) -> ((Map<?, ?>) m).get("aadObjectId").equals(member))
			.noneMatch((m) -> ((Map<?, ?>) m).get("aadObjectId").equals(outsider.id()));
		this.sim.restoreRosters();
		assertThat(this.sim.teamMembers(team)).isEqualTo(team.memberUserIds());
		assertThatThrownBy(() -> this.sim.addTeamMember("nope", outsider.id(), true))
			.isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void rostersArePagedAtTheConfiguredSize() throws Exception {
		SimTeam team = this.sim.tenant().teams().get(2);
		this.sim.setRosterPageSize(3);
		String token = this.http.botToken();
		List<Object> all = new java.util.ArrayList<>();
		String continuation = null;
		int pages = 0;
		do {
			Map<String, Object> page = this.http
				.get(this.sim.serviceUrl() + "v3/conversations/" + team.threadId() + "/pagedmembers?pageSize=500"
						+ ((continuation != null) ? "&continuationToken=" + SimHttp.enc(continuation) : ""), token)
				.json();
			assertThat((List<Object>) page.get("members")).hasSizeLessThanOrEqualTo(3);
			all.addAll((List<Object>) page.get("members"));
			continuation = (String) page.get("continuationToken");
			pages++;
		}
		while (continuation != null);
		assertThat(all).hasSize(team.memberUserIds().size());
		assertThat(pages).isEqualTo((team.memberUserIds().size() + 2) / 3);
	}

	@Test
	void channelMessagesCanComeWithoutEntraIds() throws Exception {
		SimTeam team = this.sim.tenant().teams().get(0);
		this.sim.installInTeam(team.id());
		this.bot.take();
		SimUser from = this.sim.tenant().user(team.memberUserIds().get(0));
		SimUser mentioned = this.sim.tenant().user(team.memberUserIds().get(1));
		new UserActions(this.sim).channelMessage(team.channels().get(1), from, "hello", List.of(mentioned), false);
		Map<String, Object> message = this.bot.take().activity();
		assertThat((Map<String, Object>) message.get("from")).doesNotContainKey("aadObjectId")
			.containsEntry("id", from.teamsUserId());
		assertThat(message.toString()).doesNotContain(mentioned.id()).contains(mentioned.teamsUserId());
		assertThat(Json.path(message, "channelData", "channel", "id")).isEqualTo(team.channels().get(1).id());
		Map<String, Object> member = this.http
			.get(this.sim.serviceUrl() + "v3/conversations/" + team.channels().get(1).id() + "/members/"
					+ from.teamsUserId(), this.http.botToken())
			.json();
		assertThat(member).containsEntry("aadObjectId", from.id());
	}

}
