package dev.herald.dispatch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.herald.bench.Cluster;
import dev.herald.simulator.SimGroup;
import dev.herald.simulator.SimUser;
import dev.herald.simulator.SimulatorConfig;
import dev.herald.simulator.TeamsSimulator;
import dev.herald.support.Await;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dispatcher's promises at process level: Herald runs as separate JVMs (killed with
 * SIGKILL, stopped, run twice) against one embedded PostgreSQL that is itself stopped and
 * started, and the Teams simulator counts what it received. "Lost" and "duplicated" are
 * read from the simulator, never from Herald's own ledger. Conversations are seeded
 * straight into the database (the install callbacks belong to the bot module).
 */
@Tag("slow")
class DispatcherProcessTests {

	private static final List<String> JVM = List.of("-Xmx384m", "-XX:TieredStopAtLevel=1", "-Xss512k");

	private static TeamsSimulator simulator;

	private static Cluster cluster;

	private static List<SimUser> people;

	@BeforeAll
	static void startCluster() throws Exception {
		simulator = TeamsSimulator.start(SimulatorConfig.defaults().withUsers(5_000));
		simulator.setRequireInstall(false);
		cluster = Cluster.start(Path.of("target", "dispatch-processes"), simulator);
		// Members only: the default audience leaves guests out once the directory is
		// known; the realistic tenant's mailboxes, leavers, blocked and unlicensed
		// people get no card either.
		people = simulator.tenant()
			.users()
			.stream()
			.filter((u) -> !u.guest() && simulator.tenant().reachable(u))
			.toList();
	}

	@AfterAll
	static void stopCluster() {
		Cluster.close(cluster, simulator);
	}

	/**
	 * kill -9 in the middle of a 5,000 send, then a fresh process: everyone receives the
	 * card, nobody twice except rows whose call had started at the kill, and exactly
	 * those rows are flagged. Rows that were claimed but still queued are retried
	 * unflagged.
	 */
	@Test
	void killedInTheMiddleLosesNothingAndFlagsOnlyCallsThatHadStarted() throws Exception {
		simulator.setLimits(SimulatorConfig.Limits.off());
		simulator.setLatency(new SimulatorConfig.Latency(20, 120));
		int concurrency = 24;
		Map<String, String> tuning = Map.of("herald.dispatch.rate-per-second", "400", "herald.dispatch.concurrency",
				String.valueOf(concurrency), "herald.dispatch.send-lease", "3s");
		Cluster.Node first = cluster.startNode("crash-first", tuning, JVM);
		reseed(people.size());
		long id = cluster.createAnnouncement(first, "Crash test");
		cluster.api(first, "POST", "/api/v1/announcements/" + id + "/send", null);
		awaitFrozen(id);
		int recipients = (int) cluster.queryLong("SELECT recipients FROM announcement WHERE id = ?", id);
		assertThat(recipients).isEqualTo(people.size());

		Await.until(Duration.ofSeconds(60), "a third delivered",
				() -> cluster.queryLong("SELECT delivered FROM announcement WHERE id = ?", id) >= recipients / 3);
		first.kill();

		long started = cluster.queryLong(
				"SELECT count(*) FROM delivery WHERE announcement_id = ? AND state = 'in_flight' AND call_started_at IS NOT NULL",
				id);
		long queued = cluster.queryLong(
				"SELECT count(*) FROM delivery WHERE announcement_id = ? AND state = 'in_flight' AND call_started_at IS NULL",
				id);
		// Calls in the air plus outcomes not yet written: bounded by the senders and
		// about one write interval of outcomes, not by the claimed batch.
		assertThat(started).isBetween(1L, concurrency + 40L);
		assertThat(queued).as("claimed rows still queued at the kill").isGreaterThan(started);

		Cluster.Node second = cluster.startNode("crash-second", tuning, JVM);
		Await.until(Duration.ofSeconds(90), "send completed after restart", () -> "sent"
			.equals(cluster.api(second, "GET", "/api/v1/announcements/" + id, null).path("status").asString()));

		JsonNode received = cluster.deliveries(id);
		assertThat(received.path("conversations").asLong()).as("recipients who received the card")
			.isEqualTo(recipients);
		long flagged = cluster
			.queryLong("SELECT count(*) FROM delivery WHERE announcement_id = ? AND possibly_duplicate", id);
		assertThat(flagged).as("flagged rows are exactly the calls started at the kill").isEqualTo(started);
		assertThat(received.path("duplicated").asLong()).isLessThanOrEqualTo(flagged);
		for (JsonNode conversationId : received.path("duplicatedConversations")) {
			assertThat(cluster.queryLong("""
					SELECT count(*) FROM delivery d JOIN conversation c ON c.id = d.conversation_ref
					WHERE d.announcement_id = ? AND c.conversation_id = ? AND d.possibly_duplicate
					""", id, conversationId.asString())).as("duplicate " + conversationId + " is flagged").isEqualTo(1);
		}
		assertThat(cluster.queryLong("SELECT delivered FROM announcement WHERE id = ?", id)).isEqualTo(recipients);
		second.stop();
	}

	/**
	 * PostgreSQL stopped for 30 s in the middle of a send: calls already started finish
	 * and their outcomes wait in memory; no call starts without its mark; after the
	 * restart the send resumes and completes with nothing lost and nothing twice.
	 */
	@Test
	void databaseStoppedForThirtySecondsThenTheSendCompletes() throws Exception {
		simulator.setLimits(SimulatorConfig.Limits.off());
		simulator.setLatency(new SimulatorConfig.Latency(10, 50));
		Map<String, String> tuning = Map.of("herald.dispatch.rate-per-second", "150", "herald.dispatch.send-lease",
				"5s");
		Cluster.Node node = cluster.startNode("outage", tuning, JVM);
		reseed(2_000);
		long id = cluster.createAnnouncement(node, "Outage test");
		cluster.api(node, "POST", "/api/v1/announcements/" + id + "/send", null);
		Await.until(Duration.ofSeconds(60), "some delivered",
				() -> cluster.queryLong("SELECT delivered FROM announcement WHERE id = ?", id) >= 300);

		cluster.stopDatabase();
		long before = ((Number) simulator.stats().get("activitiesDelivered")).longValue();
		Thread.sleep(30_000);
		long during = ((Number) simulator.stats().get("activitiesDelivered")).longValue();
		cluster.startDatabase();

		// Without the database no call may start: at most those already marked finish.
		assertThat(during - before).isLessThanOrEqualTo(64);
		Await.until(Duration.ofSeconds(90), "send completed after the outage", () -> {
			try {
				return cluster.queryLong("SELECT count(*) FROM announcement WHERE id = ? AND status = 'sent'", id) == 1;
			}
			catch (RuntimeException ex) {
				return false;
			}
		});
		JsonNode received = cluster.deliveries(id);
		assertThat(received.path("conversations").asLong()).isEqualTo(2_000);
		assertThat(received.path("duplicated").asLong()).isZero();
		assertThat(cluster.queryLong("SELECT delivered FROM announcement WHERE id = ?", id)).isEqualTo(2_000);
		node.stop();
	}

	/**
	 * Two instances on one database and the real Teams budget of 50/s: only the lease
	 * holder sends, so the simulator's per-tenant window never overflows; when it stops,
	 * the other takes over and finishes. Nobody gets the card twice.
	 */
	@Test
	void twoInstancesShareTheWorkWithinOneBudget() throws Exception {
		simulator.setLimits(SimulatorConfig.Limits.teams());
		simulator.setLatency(new SimulatorConfig.Latency(50, 300));
		Map<String, String> tuning = Map.of("herald.dispatch.send-lease", "3s");
		Cluster.Node a = cluster.launch("pair-a", tuning, JVM);
		Cluster.Node b = cluster.launch("pair-b", tuning, JVM);
		a.awaitReady(Duration.ofSeconds(120));
		b.awaitReady(Duration.ofSeconds(120));
		reseed(800);
		long throttledBefore = throttled();
		long id = cluster.createAnnouncement(a, "Two instances");
		long start = System.nanoTime();
		cluster.api(b, "POST", "/api/v1/announcements/" + id + "/send", null);
		Await.until(Duration.ofSeconds(60), "a third delivered",
				() -> cluster.queryLong("SELECT delivered FROM announcement WHERE id = ?", id) >= 260);
		double sentByA = a.metric("herald_dispatch_sends_total");
		double sentByB = b.metric("herald_dispatch_sends_total");
		Cluster.Node holder = (sentByA > 0) ? a : b;
		Cluster.Node other = (holder == a) ? b : a;
		assertThat(Math.min(nanToZero(sentByA), nanToZero(sentByB))).as("only the lease holder sends").isZero();
		holder.stop();
		Await.until(Duration.ofSeconds(60), "the other instance finished",
				() -> cluster.queryLong("SELECT count(*) FROM announcement WHERE id = ? AND status = 'sent'", id) == 1);
		double seconds = (System.nanoTime() - start) / 1e9;

		assertThat(other.metric("herald_dispatch_sends_total")).as("the standby took over").isGreaterThan(0);
		JsonNode received = cluster.deliveries(id);
		assertThat(received.path("conversations").asLong()).isEqualTo(800);
		assertThat(received.path("duplicated").asLong()).isZero();
		// The simulator enforces 50 per second per tenant. Two instances each sending at
		// the budget would get about every other call answered 429; arrival jitter on a
		// busy host costs a few (each then slows the pacer down).
		assertThat(throttled() - throttledBefore).as("429s from the tenant window").isLessThanOrEqualTo(800 / 20);
		assertThat(800 / seconds).as("summed rate").isLessThanOrEqualTo(50.0);
		other.stop();
	}

	/**
	 * kill -9 while the audience is being frozen (a group of the whole tenant read from
	 * Graph page by page), then a fresh process: the freeze is redone from the start,
	 * every member is frozen exactly once, and each receives the card once.
	 */
	@Test
	void killedDuringTheFreezeFreezesEveryoneOnceAfterTheRestart() throws Exception {
		simulator.setLimits(SimulatorConfig.Limits.off());
		// Each Graph page (and each send) answers in 150 ms: reading the group takes
		// seconds, long enough to kill the process in the middle of it.
		simulator.setLatency(new SimulatorConfig.Latency(150, 150));
		Map<String, String> tuning = Map.of("herald.dispatch.rate-per-second", "400", "herald.dispatch.send-lease",
				"3s", "herald.dispatch.freeze-lease", "3s", "herald.audience.page-size", "100");
		Cluster.Node first = cluster.startNode("freeze-first", tuning, JVM);
		reseed(people.size());
		SimGroup everyone = simulator.tenant().groupNamed("All Company");
		long members = simulator.tenant()
			.transitiveUserIds(everyone.id())
			.stream()
			.filter((userId) -> !simulator.tenant().user(userId).guest())
			.count();
		assertThat(members).isGreaterThan(4_000);
		long id = cluster.createAnnouncement(first, "Killed during the freeze");
		cluster.api(first, "PUT", "/api/v1/announcements/" + id + "/audience",
				"{\"entries\":[{\"kind\":\"GROUP\",\"ref\":\"" + everyone.id() + "\"}]}");
		JsonNode sent = cluster.api(first, "POST", "/api/v1/announcements/" + id + "/send", null);
		assertThat(sent.path("status").asString()).isEqualTo("preparing");

		Await.until(Duration.ofSeconds(60), "part of the group read", () -> cluster
			.queryLong("SELECT COALESCE(prepared_people, 0) FROM announcement WHERE id = ?", id) >= 1_000);
		first.kill();
		// Nothing reached the ledger: the freeze commits all of it or nothing.
		assertThat(cluster.queryLong("SELECT count(*) FROM announcement WHERE id = ? AND status = 'preparing'", id))
			.isEqualTo(1);
		assertThat(cluster.queryLong("SELECT count(*) FROM delivery WHERE announcement_id = ?", id)).isZero();
		assertThat(cluster.queryLong("SELECT count(*) FROM audience_snapshot_member WHERE announcement_id = ?", id))
			.as("pages the killed process had read")
			.isGreaterThan(0);

		Cluster.Node second = cluster.startNode("freeze-second", tuning, JVM);
		Await.until(Duration.ofSeconds(180), "send completed after restart", () -> "sent"
			.equals(cluster.api(second, "GET", "/api/v1/announcements/" + id, null).path("status").asString()));

		assertThat(cluster.queryLong("SELECT recipients FROM announcement WHERE id = ?", id)).isEqualTo(members);
		assertThat(cluster.queryLong("SELECT count(*) FROM delivery WHERE announcement_id = ?", id)).isEqualTo(members);
		assertThat(cluster.queryLong("SELECT count(DISTINCT lower(recipient)) FROM delivery WHERE announcement_id = ?",
				id))
			.isEqualTo(members);
		assertThat(cluster.queryLong("SELECT delivered FROM announcement WHERE id = ?", id)).isEqualTo(members);
		JsonNode received = cluster.deliveries(id);
		assertThat(received.path("conversations").asLong()).as("members who received the card").isEqualTo(members);
		assertThat(received.path("duplicated").asLong()).isZero();
		// The staging rows are gone once the ledger has them.
		assertThat(cluster.queryLong("SELECT count(*) FROM audience_snapshot_member WHERE announcement_id = ?", id))
			.isZero();
		assertThat(cluster.queryLong("SELECT count(*) FROM audience_snapshot WHERE announcement_id = ?", id)).isZero();
		second.stop();
	}

	/** The send answers at once; the audience is frozen in the background. */
	private static void awaitFrozen(long id) {
		Await.until(Duration.ofSeconds(60), "audience frozen", () -> cluster
			.queryLong("SELECT count(*) FROM announcement WHERE id = ? AND frozen_at IS NOT NULL", id) == 1);
	}

	private static double nanToZero(double value) {
		return Double.isNaN(value) ? 0 : value;
	}

	private static long throttled() {
		return ((Number) ((Map<?, ?>) simulator.stats().get("throttled429")).get("total")).longValue();
	}

	/** Exactly the first {@code n} simulated people have an active chat with Herald. */
	private static void reseed(int n) {
		cluster.seedConversations(people);
		try (var con = cluster.connect(); var st = con.createStatement()) {
			st.executeUpdate("UPDATE conversation SET status = 'uninstalled'");
			try (var ps = con
				.prepareStatement("UPDATE conversation SET status = 'active' WHERE aad_object_id = ANY (?::text[])")) {
				ps.setArray(1, con.createArrayOf("text", people.stream().limit(n).map(SimUser::id).toArray()));
				ps.executeUpdate();
			}
		}
		catch (java.sql.SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
