package dev.herald.install;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.herald.audience.Api;
import dev.herald.simulator.SimChannel;
import dev.herald.simulator.SimTeam;
import dev.herald.simulator.TeamsSimulator;
import dev.herald.support.Await;
import dev.herald.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Channel posts as Teams allows them (#27): Teams answers 403 BotNotInConversationRoster
 * to a bot outside the channel's team, so Herald adds itself to the team through Graph,
 * waits for the team's conversationUpdate, then posts; a team that refuses is the
 * channel's failure reason. Everything over HTTP: the API, Graph and the Connector of the
 * simulator.
 */
class ChannelTeamInstallTests extends IntegrationTest {

	private static final Duration WAIT = Duration.ofSeconds(60);

	@Test
	void aChannelOfATeamWithoutHeraldGetsTheCardAfterHeraldAddsItselfToTheTeam() {
		Api author = Api.author(baseUrl());
		SimTeam team = teamWhere((t) -> !this.simulator.isInstalledInTeam(t.id()));
		SimChannel channel = team.channels().get(1);
		long refusedBefore = stat("botNotInConversationRoster403");
		long teamInstallsBefore = stat("graphTeamInstalls");
		Map<String, Object> audience = channelAudience(team, channel);

		JsonNode preview = author.json("POST", "/api/v1/audiences/preview", audience, 200);
		assertThat(preview.path("channels").asInt()).isEqualTo(1);
		assertThat(preview.path("needTeamInstall").asInt()).as("the channel's team needs Herald added").isEqualTo(1);
		assertThat(preview.path("recipients").asInt()).isEqualTo(1);

		String marker = "team-" + UUID.randomUUID();
		long id = send(author, marker, audience);
		Await.until(WAIT, "announcement sent", () -> "sent".equals(announcement(author, id).path("status").asString()));
		JsonNode counts = announcement(author, id).path("counts");
		assertThat(counts.path("delivered").asInt()).isEqualTo(1);
		assertThat(counts.path("failed").asInt()).isZero();

		assertThat(this.simulator.channelInbox(channel.id())
			.stream()
			.filter((activity) -> String.valueOf(activity).contains(marker))
			.count()).as("the card in the channel").isEqualTo(1);
		assertThat(this.simulator.isInstalledInTeam(team.id())).as("installed through Graph").isTrue();
		assertThat(stat("graphTeamInstalls")).isEqualTo(teamInstallsBefore + 1);
		assertThat(stat("botNotInConversationRoster403")).as("Teams never refused a post").isEqualTo(refusedBefore);
		// Teams' conversationUpdate reached Herald: the team's General channel is known.
		assertThat(this.jdbc.sql("""
				SELECT status FROM conversation WHERE kind = 'channel' AND channel_id = :general
				""").param("general", team.threadId()).query(String.class).single()).isEqualTo("active");
		assertThat(this.jdbc.sql("SELECT state FROM team_install WHERE aad_group_id = :team")
			.param("team", team.id())
			.query(String.class)
			.single()).isEqualTo("resolved");

		// Herald is in the team now: nothing left to add.
		assertThat(author.json("POST", "/api/v1/audiences/preview", audience, 200).path("needTeamInstall").asInt())
			.isZero();
	}

	@Test
	void aTeamThatHadTheAppBeforeHeraldRanIsFoundThroughGraphsConflict() {
		Api author = Api.author(baseUrl());
		SimTeam team = teamWhere((t) -> this.simulator.teamsWithAppAtStart().contains(t.id()) && !heraldKnows(t));
		SimChannel channel = team.channels().get(2);
		long refusedBefore = stat("botNotInConversationRoster403");
		long teamInstallsBefore = stat("graphTeamInstalls");
		Map<String, Object> audience = channelAudience(team, channel);
		assertThat(author.json("POST", "/api/v1/audiences/preview", audience, 200).path("needTeamInstall").asInt())
			.as("Herald has not heard of this team")
			.isEqualTo(1);

		String marker = "preinstalled-" + UUID.randomUUID();
		long id = send(author, marker, audience);
		Await.until(WAIT, "announcement sent", () -> "sent".equals(announcement(author, id).path("status").asString()));
		assertThat(announcement(author, id).path("counts").path("delivered").asInt()).isEqualTo(1);
		assertThat(this.simulator.channelInbox(channel.id())
			.stream()
			.filter((activity) -> String.valueOf(activity).contains(marker))
			.count()).isEqualTo(1);
		assertThat(stat("graphTeamInstalls")).as("409: nothing new installed").isEqualTo(teamInstallsBefore);
		assertThat(stat("botNotInConversationRoster403")).isEqualTo(refusedBefore);
	}

	@Test
	void aTeamThatRefusesHeraldIsTheChannelsFailureReason() {
		Api author = Api.author(baseUrl());
		SimTeam team = teamWhere((t) -> !this.simulator.isInstalledInTeam(t.id()));
		SimChannel channel = team.channels().get(1);
		long refusedBefore = stat("botNotInConversationRoster403");
		long deniedBefore = stat("graphTeamInstallsDenied");
		this.simulator.setTeamInstallDenied(TeamsSimulator.TEAM_INSTALL_DENIED);
		try {
			String marker = "denied-" + UUID.randomUUID();
			long id = send(author, marker, channelAudience(team, channel));
			Await.until(WAIT, "the channel failed",
					() -> announcement(author, id).path("counts").path("failed").asInt() == 1);
			assertThat(announcement(author, id).path("counts").path("delivered").asInt()).isZero();

			JsonNode failed = author.json("GET", "/api/v1/announcements/" + id + "/deliveries?state=failed", null, 200);
			assertThat(failed.path("items")).hasSize(1);
			JsonNode row = failed.path("items").get(0);
			assertThat(row.path("kind").asString()).isEqualTo("channel");
			assertThat(row.path("recipient").asString()).isEqualTo(channel.id());
			assertThat(row.path("lastStatus").asInt()).isEqualTo(403);
			assertThat(row.path("reason").asString())
				.startsWith("Herald could not be added to team " + team.displayName() + " (" + team.id() + "): ")
				.contains("403", "Missing role permissions", "TeamsAppInstallation.ReadWriteSelfForTeam.All");

			assertThat(this.simulator.isInstalledInTeam(team.id())).isFalse();
			assertThat(this.simulator.channelInbox(channel.id())
				.stream()
				.filter((activity) -> String.valueOf(activity).contains(marker))
				.count()).isZero();
			assertThat(stat("graphTeamInstallsDenied")).isGreaterThan(deniedBefore);
			assertThat(stat("botNotInConversationRoster403")).as("Herald never posted into a team it is not in")
				.isEqualTo(refusedBefore);
		}
		finally {
			this.simulator.setTeamInstallDenied(null);
		}
	}

	@Test
	void anAuthorCannotMakeHeraldJoinATeamByNamingItBesideAnotherTeamsChannel() {
		Api author = Api.author(baseUrl());
		List<SimTeam> without = this.simulator.tenant()
			.teams()
			.stream()
			.filter((t) -> !this.simulator.isInstalledInTeam(t.id()))
			.limit(2)
			.toList();
		assertThat(without).hasSize(2);
		SimTeam target = without.get(0);
		SimChannel elsewhere = without.get(1).channels().get(1);
		long id = author.json("POST", "/api/v1/announcements", Map.of("title", "Mismatch", "summary", "x"), 201)
			.path("id")
			.asLong();

		for (String teamId : List.of(target.id(), "00000000-0000-0000-0000-000000000000")) {
			String body = "{\"entries\":[{\"kind\":\"CHANNEL\",\"ref\":\"" + elsewhere.id() + "\",\"teamId\":\""
					+ teamId + "\",\"label\":\"x\"}]}";
			Api.assertProblem(author.call("PUT", "/api/v1/announcements/" + id + "/audience", "application/json", body),
					422);
		}
		assertThat(author.json("GET", "/api/v1/announcements/" + id + "/audience", null, 200).path("entries"))
			.isEmpty();
		assertThat(this.simulator.isInstalledInTeam(target.id())).isFalse();
	}

	private SimTeam teamWhere(java.util.function.Predicate<SimTeam> which) {
		List<SimTeam> teams = this.simulator.tenant().teams().stream().filter(which).toList();
		assertThat(teams).as("a suitable team in the simulated tenant").isNotEmpty();
		return teams.get(0);
	}

	private boolean heraldKnows(SimTeam team) {
		return this.jdbc.sql("""
				SELECT count(*) FROM conversation
				WHERE kind = 'channel' AND status = 'active' AND (aad_group_id = :id OR team_id = :thread)
				""").param("id", team.id()).param("thread", team.threadId()).query(Long.class).single() > 0;
	}

	private static Map<String, Object> channelAudience(SimTeam team, SimChannel channel) {
		return Map.of("entries", List.of(Map.of("kind", "CHANNEL", "ref", channel.id(), "teamId", team.id(), "label",
				team.displayName() + " \u203a " + channel.displayName())));
	}

	private static long send(Api author, String marker, Map<String, Object> audience) {
		long id = author.json("POST", "/api/v1/announcements", Map.of("title", marker, "summary", "To a channel"), 201)
			.path("id")
			.asLong();
		author.json("PUT", "/api/v1/announcements/" + id + "/audience", audience, 200);
		author.json("POST", "/api/v1/announcements/" + id + "/send", null, 202);
		return id;
	}

	private static JsonNode announcement(Api author, long id) {
		return author.json("GET", "/api/v1/announcements/" + id, null, 200);
	}

	private long stat(String name) {
		return ((Number) this.simulator.stats().get(name)).longValue();
	}

}
