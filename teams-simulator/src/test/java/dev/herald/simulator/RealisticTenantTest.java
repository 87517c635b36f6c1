package dev.herald.simulator;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.herald.simulator.SimTenant.AccountKind;
import dev.herald.simulator.SimulatorConfig.Limits;

import static org.assertj.core.api.Assertions.assertThat;

/** The seeded tenant's untidy accounts and Teams' refusals that go with them (#27). */
class RealisticTenantTest {

	static TeamsSimulator sim;

	static SimHttp http;

	@BeforeAll
	static void start() {
		sim = TeamsSimulator.start(SimulatorConfig.defaults().withUsers(400).withLimits(Limits.off()));
		http = new SimHttp(sim);
	}

	@AfterAll
	static void stop() {
		sim.close();
	}

	@Test
	void everyKindIsSeededAfterTheGeneratedPeopleWhoStayAsTheyWere() {
		TeamsSimulator plain = TeamsSimulator.start(SimulatorConfig.defaults().withUsers(400));
		try {
			assertThat(sim.tenant().users().subList(0, 400)).isEqualTo(plain.tenant().users().subList(0, 400));
		}
		finally {
			plain.close();
		}
		assertThat(sim.tenant().accounts(AccountKind.ROOM)).hasSize(2);
		assertThat(sim.tenant().accounts(AccountKind.EQUIPMENT)).hasSize(2);
		assertThat(sim.tenant().accounts(AccountKind.SHARED_MAILBOX)).hasSize(2);
		assertThat(sim.tenant().accounts(AccountKind.DISABLED)).hasSize(4);
		assertThat(sim.tenant().accounts(AccountKind.BLOCKED)).hasSize(4);
		assertThat(sim.tenant().accounts(AccountKind.UNLICENSED)).hasSize(4);
		assertThat(sim.tenant().users()).hasSize(400 + 18);
		assertThat(sim.tenant().groupNamed("Building Services").memberUserIds()).hasSize(18 + 60);
		assertThat(sim.installedAtStart())
			.containsAll(sim.tenant().accounts(AccountKind.BLOCKED).stream().map(SimUser::id).toList());
	}

	@Test
	void graphShowsWhoCannotSignInAndWhoHasNoTeamsLicence() {
		String token = http.graphToken();
		SimUser room = sim.tenant().accounts(AccountKind.ROOM).get(0);
		SimUser unlicensed = sim.tenant().accounts(AccountKind.UNLICENSED).get(0);
		SimUser person = sim.tenant().users().get(0);
		Map<String, Object> r = http
			.get(sim.graphBaseUrl() + "/users/" + room.id() + "?$select=id,accountEnabled,assignedLicenses", token)
			.json();
		assertThat(r).containsEntry("accountEnabled", false).containsEntry("assignedLicenses", List.of());
		assertThat(http.get(sim.graphBaseUrl() + "/users/" + person.id() + "?$select=accountEnabled", token).json())
			.containsEntry("accountEnabled", true);
		assertThat(String.valueOf(http
			.get(sim.graphBaseUrl() + "/users/" + unlicensed.id() + "?$select=assignedLicenses,assignedPlans", token)
			.json())).contains(GraphApi.TEAMS1_PLAN).contains("Deleted");

		String bind = "https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/" + sim.teamsAppCatalogId();
		for (SimUser u : List.of(room, unlicensed, sim.tenant().accounts(AccountKind.DISABLED).get(0))) {
			SimHttp.Response install = http.post(sim.graphBaseUrl() + "/users/" + u.id() + "/teamwork/installedApps",
					token, Map.of("teamsApp@odata.bind", bind));
			assertThat(install.status()).as(u.displayName()).isEqualTo(403);
			assertThat(install.body()).contains("license");
			assertThat(sim.installRequests(u.id())).isEqualTo(1);
		}
	}

	@Test
	void blockedPeopleTheModeratedChannelAndTheAdminBlockAnswer403() {
		String token = http.botToken();
		SimUser blocked = sim.tenant().accounts(AccountKind.BLOCKED).get(0);
		String chat = sim.conversationIdFor(blocked.id());
		SimHttp.Response refused = http.post(sim.serviceUrl() + "v3/conversations/" + chat + "/activities", token,
				SimHttp.message("hi"));
		assertThat(refused.status()).isEqualTo(403);
		assertThat(refused.body()).containsAnyOf("ConversationBlockedByUser", "MessageWritesBlocked");

		String channel = sim.tenant().moderatedChannels().iterator().next();
		assertThat(sim.isInstalledInTeam(sim.tenant().channel(channel).teamId())).isTrue();
		SimHttp.Response moderated = http.post(sim.serviceUrl() + "v3/conversations/" + channel + "/activities", token,
				SimHttp.message("hi"));
		assertThat(moderated.status()).isEqualTo(403);
		assertThat(moderated.body()).contains("ConversationBlockedByUser");
		sim.tenant().setModerated(channel, false);
		try {
			assertThat(http
				.post(sim.serviceUrl() + "v3/conversations/" + channel + "/activities", token, SimHttp.message("hi"))
				.status()).isEqualTo(201);
		}
		finally {
			sim.tenant().setModerated(channel, true);
		}

		SimUser person = sim.tenant().users().get(3);
		sim.installForUser(person.id());
		String personal = sim.conversationIdFor(person.id());
		assertThat(http.post(sim.baseUrl() + "/_sim/config", null, Map.of("appBlockedByAdmin", true)).body())
			.contains("\"appBlockedByAdmin\":true");
		try {
			SimHttp.Response disabled = http.post(sim.serviceUrl() + "v3/conversations/" + personal + "/activities",
					token, SimHttp.message("hi"));
			assertThat(disabled.status()).isEqualTo(403);
			assertThat(disabled.json()).isEqualTo(Map.of("error",
					Map.of("code", "BotDisabledByAdmin", "message", "The tenant admin disabled this bot")));
		}
		finally {
			sim.setAppBlockedByAdmin(false);
		}
		assertThat(http
			.post(sim.serviceUrl() + "v3/conversations/" + personal + "/activities", token, SimHttp.message("hi"))
			.status()).isEqualTo(201);
	}

}
