package dev.herald.bot;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.simulator.SimTeam;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestChannelKeys;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Installs through the simulator (signed callbacks to the running Herald) and what they
 * leave behind: the stored chat, one welcome in the person's language, uninstall marks.
 */
class BotConversationIntegrationTests extends IntegrationTest {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@Test
	void installStoresTheChatAndWelcomesOnceInThePersonsLanguage() {
		for (String language : List.of("fr-FR", "de-DE", "zh-CN")) {
			SimUser user = userSpeaking(language, 0);
			this.simulator.installForUser(user.id());
			Map<String, Object> row = this.jdbc.sql("""
					SELECT teams_user_id, conversation_id, service_url, locale, status FROM conversation
					WHERE kind = 'personal' AND tenant_id = :tenant AND aad_object_id = :aad
					""").param("tenant", this.simulator.tenantId()).param("aad", user.id()).query().singleRow();
			assertThat(row).containsEntry("teams_user_id", user.teamsUserId())
				.containsEntry("conversation_id", this.simulator.conversationIdFor(user.id()))
				.containsEntry("service_url", this.simulator.serviceUrl())
				.containsEntry("locale", language)
				.containsEntry("status", "active");
			Await.until(WAIT, "welcome for " + language, () -> !this.simulator.inbox(user.id()).isEmpty());
			String welcome = JsonMapper.shared().writeValueAsString(this.simulator.inbox(user.id()).get(0));
			assertThat(welcome).contains(switch (language) {
				case "fr-FR" -> "Bienvenue dans Herald";
				case "de-DE" -> "Willkommen bei Herald";
				default -> "欢迎使用 Herald";
			}).contains("\"version\":\"1.5\"").contains("application/vnd.microsoft.card.adaptive");
		}
	}

	@Test
	void aReplayedInstallChangesNothingAndDoesNotGreetAgain() throws InterruptedException {
		SimUser user = userSpeaking("es-ES", 1);
		this.simulator.installForUser(user.id());
		Await.until(WAIT, "welcome", () -> this.simulator.inbox(user.id()).size() == 1);
		String before = row(user);
		this.simulator.installForUser(user.id());
		Thread.sleep(300); // a second welcome would be on its way by now
		assertThat(row(user)).isEqualTo(before);
		assertThat(this.simulator.inbox(user.id())).hasSize(1);
	}

	@Test
	void uninstallMarksTheChatAndDeletesNothing() {
		SimUser user = userSpeaking("en-US", 2);
		this.simulator.installForUser(user.id());
		this.simulator.uninstall(user.id());
		assertThat(status(user)).isEqualTo("uninstalled");
		this.simulator.installForUser(user.id());
		assertThat(status(user)).isEqualTo("active");
	}

	@Test
	void aNewServiceUrlOnAnyActivityReplacesTheStoredOne() {
		SimUser user = userSpeaking("en-US", 3);
		this.simulator.installForUser(user.id());
		Activities activities = new Activities(this.simulator, baseUrl());
		Map<String, Object> typing = activities.personal("typing", user);
		String moved = this.simulator.serviceUrl().replace("/amer/", "/emea/");
		typing.put("serviceUrl", moved);
		String token = TestChannelKeys.sign(TestChannelKeys.endorsed(),
				TestChannelKeys.claims(this.simulator.botAppId(), moved).build());
		assertThat(activities.post("Bearer " + token, JsonMapper.shared().writeValueAsBytes(typing)).status())
			.isEqualTo(200);
		assertThat(this.jdbc.sql("SELECT service_url FROM conversation WHERE aad_object_id = :aad")
			.param("aad", user.id())
			.query(String.class)
			.single()).isEqualTo(moved);
	}

	@Test
	void teamInstallStoresChannelsAndRosterAndGreetsTheChannel() {
		SimTeam team = this.simulator.tenant().teams().get(0);
		SimUser installer = this.simulator.tenant().user(team.ownerUserIds().get(0));
		// The app is in the team, as when Teams sends this event: Teams refuses the
		// welcome from a bot outside the team (#27). The simulator's own callback and
		// the two below are then one install seen three times.
		this.simulator.installInTeam(team.id());
		Activities activities = new Activities(this.simulator, baseUrl());
		Map<String, Object> install = activities.personal("conversationUpdate", installer);
		install.put("membersAdded", List.of(Map.of("id", "28:" + this.simulator.botAppId())));
		install.put("conversation", Map.of("isGroup", true, "conversationType", "channel", "tenantId",
				this.simulator.tenantId(), "id", team.general().id()));
		install.put("channelData", Map.of("team", Map.of("id", team.threadId(), "name", team.displayName()),
				"eventType", "teamMemberAdded", "tenant", Map.of("id", this.simulator.tenantId())));
		assertThat(activities.post(install).status()).isEqualTo(200);
		assertThat(activities.post(install).status()).as("replay").isEqualTo(200);

		Await.until(WAIT, "roster stored", () -> count("SELECT count(*) FROM team_member WHERE team_id = '"
				+ team.threadId() + "' AND aad_object_id IS NOT NULL") == team.memberUserIds().size());
		assertThat(
				count("SELECT count(*) FROM conversation WHERE kind = 'channel' AND status = 'active' AND team_id = '"
						+ team.threadId() + "'"))
			.isEqualTo(team.channels().size());
		Await.until(WAIT, "team welcome", () -> !this.simulator.channelInbox(team.general().id()).isEmpty());
		assertThat(JsonMapper.shared().writeValueAsString(this.simulator.channelInbox(team.general().id())))
			.contains(team.displayName());
		assertThat(this.simulator.channelInbox(team.general().id())).hasSize(1);
	}

	/**
	 * People from the end of the tenant, away from those other test classes install by
	 * index.
	 */
	private SimUser userSpeaking(String language, int skip) {
		List<SimUser> users = new java.util.ArrayList<>(this.simulator.tenant().users());
		java.util.Collections.reverse(users);
		return users.stream()
			.filter((u) -> u.teamsLocale().equals(language) && !u.guest() && this.simulator.tenant().reachable(u))
			.filter((u) -> !this.simulator.isInstalled(u.id()))
			.skip(skip)
			.findFirst()
			.orElseThrow();
	}

	private String row(SimUser user) {
		return this.jdbc.sql("SELECT c::text FROM conversation c WHERE aad_object_id = :aad")
			.param("aad", user.id())
			.query(String.class)
			.single();
	}

	private String status(SimUser user) {
		return this.jdbc.sql("SELECT status FROM conversation WHERE aad_object_id = :aad")
			.param("aad", user.id())
			.query(String.class)
			.single();
	}

	private long count(String sql) {
		return this.jdbc.sql(sql).query(Long.class).single();
	}

}
