package dev.herald.bot;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import dev.herald.simulator.SimTeam;
import dev.herald.simulator.SimUser;
import dev.herald.simulator.SimulatorConfig;
import dev.herald.support.Await;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestSimulator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Teams after the first sync (#27): rosters of many pages, members added and removed with
 * their events, the periodic refresh catching events that were lost, Herald removed from
 * a team or the team deleted. The simulator's rosters and installs are put back after
 * each test.
 */
class TeamChangesIntegrationTests extends IntegrationTest {

	private static final Duration WAIT = Duration.ofSeconds(15);

	@Autowired
	private TeamSync teamSync;

	@AfterEach
	void putTheTenantBack() {
		this.simulator.setRosterPageSize(null);
		for (SimTeam team : List.of(team(6), team(7))) {
			if (this.simulator.isInstalledInTeam(team.id())) {
				this.simulator.uninstallFromTeam(team.id());
			}
		}
		this.simulator.restoreRosters();
	}

	@Test
	void aRosterOfManyPagesIsReadToTheEnd() {
		SimTeam team = team(6);
		assertThat(team.memberUserIds()).as("more members than one page holds").hasSizeGreaterThan(6);
		this.simulator.setRosterPageSize(3);
		this.simulator.installInTeam(team.id());
		Await.until(WAIT, "every page of the roster stored",
				() -> members(team) == this.simulator.teamMembers(team).size());
		Await.until(WAIT, "the roster marked read in full", () -> synced(team));
	}

	@Test
	void memberEventsKeepTheRosterCurrent() {
		SimTeam team = installedAndSynced(7);
		SimUser newcomer = outsider(team, 0);
		String leaver = team.memberUserIds().get(1);
		this.simulator.addTeamMember(team.id(), newcomer.id(), true);
		Await.until(WAIT, "the newcomer stored", () -> member(team, newcomer.id()).equals("present"));
		this.simulator.removeTeamMember(team.id(), leaver, true);
		Await.until(WAIT, "the leaver marked", () -> member(team, leaver).equals("removed"));
		this.simulator.addTeamMember(team.id(), leaver, true);
		Await.until(WAIT, "the leaver back", () -> member(team, leaver).equals("present"));
	}

	@Test
	void someoneAddedWhileTheRosterIsReadIsNotTakenForALeaver() throws InterruptedException {
		SimTeam team = team(7);
		// Teams pages its own order (the simulator: by object id): this newcomer lands on
		// the first page, which is read before they join.
		String second = team.memberUserIds().stream().sorted().skip(1).findFirst().orElseThrow();
		SimUser newcomer = outsiders(team).filter((u) -> u.id().compareTo(second) < 0).findFirst().orElseThrow();
		// Small pages from a slow Teams: the read takes seconds, and the event lands in
		// it.
		SimulatorConfig.Latency latency = this.simulator.config().latency();
		this.simulator.setRosterPageSize(2);
		this.simulator.setLatency(new SimulatorConfig.Latency(400, 400));
		try {
			this.simulator.installInTeam(team.id());
			Await.until(WAIT, "the read begun",
					() -> this.jdbc.sql("SELECT count(*) FROM team_roster WHERE team_id = :t")
						.param("t", team.threadId())
						.query(Long.class)
						.single() == 1);
			// The channels and the first page take 0.8 s, the whole read over 4 s.
			Thread.sleep(1_500);
			assertThat(synced(team)).as("the read still under way").isFalse();
			this.simulator.addTeamMember(team.id(), newcomer.id(), true);
			Await.until(WAIT, "the roster read to the end", () -> synced(team));
		}
		finally {
			this.simulator.setLatency(latency);
		}
		assertThat(member(team, newcomer.id())).as("their event is newer than the pages").isEqualTo("present");
	}

	@Test
	void theRefreshCatchesChangesWhoseEventsWereLost() throws InterruptedException {
		SimTeam team = installedAndSynced(7);
		SimUser newcomer = outsider(team, 1);
		String leaver = team.memberUserIds().get(2);
		this.simulator.addTeamMember(team.id(), newcomer.id(), false);
		this.simulator.removeTeamMember(team.id(), leaver, false);
		Thread.sleep(1_500); // a few refresh ticks: the roster is not due yet
		assertThat(member(team, newcomer.id())).isEqualTo("unknown");
		assertThat(member(team, leaver)).isEqualTo("present");

		// A day later, as far as the refresh can tell.
		this.jdbc.sql("UPDATE team_roster SET next_sync_at = now() WHERE team_id = :team")
			.param("team", team.threadId())
			.update();
		Await.until(WAIT, "the refresh read the roster again",
				() -> member(team, newcomer.id()).equals("present") && member(team, leaver).equals("removed"));
		assertThat(
				this.jdbc.sql("SELECT next_sync_at > now() + interval '23 hours' FROM team_roster WHERE team_id = :t")
					.param("t", team.threadId())
					.query(Boolean.class)
					.single())
			.as("due again a day later")
			.isTrue();
	}

	@Test
	void removingHeraldOrDeletingTheTeamMarksItsChannels() {
		SimTeam team = installedAndSynced(6);
		this.simulator.uninstallFromTeam(team.id());
		Await.until(WAIT, "channels uninstalled", () -> activeChannels(team) == 0);
		assertThat(this.jdbc.sql("SELECT count(*) FROM team_roster WHERE team_id = :t")
			.param("t", team.threadId())
			.query(Long.class)
			.single()).as("no refresh of a team Herald left").isZero();

		this.simulator.installInTeam(team.id());
		Await.until(WAIT, "channels active again", () -> activeChannels(team) == team.channels().size());
		this.simulator.deleteTeam(team.id());
		Await.until(WAIT, "channels of the deleted team uninstalled", () -> activeChannels(team) == 0);
	}

	@Test
	void aReadThatRunsAfterHeraldLeftTheTeamStopsTrackingIt() {
		SimTeam team = installedAndSynced(7);
		this.simulator.uninstallFromTeam(team.id());
		Await.until(WAIT, "no refresh of a team Herald left", () -> rosterRows(team) == 0);
		long refusedBefore = forbidden();
		// A read queued before the removal (a second install event, the refresh) runs
		// after it: Teams refuses it, and the team is not tracked again.
		this.teamSync.sync(this.simulator.tenantId(), team.threadId(), this.simulator.serviceUrl());
		assertThat(forbidden()).as("Teams refused the read").isGreaterThan(refusedBefore);
		assertThat(rosterRows(team)).as("no refresh of a team Herald left").isZero();
		assertThat(synced(team)).isFalse();
	}

	@Test
	void channelSendersAndMentionsWithoutEntraIdsAreAskedOfTheConversation() {
		SimTeam team = installedAndSynced(7);
		// Joined while their events were lost: Herald cannot know them from its roster.
		SimUser sender = outsider(team, 2);
		SimUser mentioned = outsider(team, 3);
		this.simulator.addTeamMember(team.id(), sender.id(), false);
		this.simulator.addTeamMember(team.id(), mentioned.id(), false);
		String body = "{\"from\":\"" + sender.id() + "\",\"text\":\"see this\",\"mentions\":[\"" + mentioned.id()
				+ "\"],\"withAadObjectIds\":false}";
		assertThat(TestSimulator.post("/_sim/channels/" + team.channels().get(1).id() + "/messages", body))
			.contains("\"status\":200");
		Await.until(WAIT, "sender and mention stored with their Entra ids",
				() -> member(team, sender.id()).equals("present") && member(team, mentioned.id()).equals("present"));
	}

	private SimTeam installedAndSynced(int index) {
		SimTeam team = team(index);
		this.simulator.installInTeam(team.id());
		Await.until(WAIT, "roster stored", () -> members(team) == this.simulator.teamMembers(team).size());
		return team;
	}

	/** Teams no other test class uses, without the app at start. */
	private SimTeam team(int index) {
		SimTeam team = this.simulator.tenant().teams().get(index);
		assertThat(this.simulator.teamsWithAppAtStart()).doesNotContain(team.id());
		return team;
	}

	private SimUser outsider(SimTeam team, int skip) {
		return outsiders(team).skip(skip).findFirst().orElseThrow();
	}

	/** People outside the team whom Herald has never seen in any team. */
	private Stream<SimUser> outsiders(SimTeam team) {
		return this.simulator.tenant()
			.users()
			.stream()
			.filter((u) -> !u.guest() && !team.memberUserIds().contains(u.id()))
			.filter((u) -> this.jdbc.sql("SELECT count(*) FROM team_member WHERE teams_user_id = :id")
				.param("id", u.teamsUserId())
				.query(Long.class)
				.single() == 0);
	}

	private long forbidden() {
		return ((Number) this.simulator.stats().get("forbidden403")).longValue();
	}

	private long rosterRows(SimTeam team) {
		return this.jdbc.sql("SELECT count(*) FROM team_roster WHERE team_id = :t")
			.param("t", team.threadId())
			.query(Long.class)
			.single();
	}

	private boolean synced(SimTeam team) {
		return this.jdbc.sql("SELECT synced_at IS NOT NULL FROM team_roster WHERE team_id = :team")
			.param("team", team.threadId())
			.query(Boolean.class)
			.optional()
			.orElse(false);
	}

	private long members(SimTeam team) {
		return this.jdbc.sql("""
				SELECT count(*) FROM team_member
				WHERE team_id = :team AND aad_object_id IS NOT NULL AND NOT removed
				""").param("team", team.threadId()).query(Long.class).single();
	}

	/** present, removed or unknown. */
	private String member(SimTeam team, String aad) {
		return this.jdbc.sql("""
				SELECT CASE WHEN removed THEN 'removed' ELSE 'present' END FROM team_member
				WHERE team_id = :team AND aad_object_id = :aad
				""").param("team", team.threadId()).param("aad", aad).query(String.class).optional().orElse("unknown");
	}

	private long activeChannels(SimTeam team) {
		return this.jdbc.sql("""
				SELECT count(*) FROM conversation WHERE kind = 'channel' AND team_id = :team AND status = 'active'
				""").param("team", team.threadId()).query(Long.class).single();
	}

}
