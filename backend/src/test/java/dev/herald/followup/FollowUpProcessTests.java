package dev.herald.followup;

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
import dev.herald.simulator.SimUser;
import dev.herald.simulator.SimulatorConfig;
import dev.herald.simulator.TeamsSimulator;
import dev.herald.support.Await;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A recall's promises at process level (the pattern of DispatcherProcessTests): Herald
 * killed with SIGKILL in the middle of deleting 5,000 copies, then a fresh process
 * finishes. What is left in the chats and what was deleted twice are read from the
 * simulator.
 */
@Tag("slow")
class FollowUpProcessTests {

	private static final List<String> JVM = List.of("-Xmx384m", "-XX:TieredStopAtLevel=1", "-Xss512k");

	private static TeamsSimulator simulator;

	private static Cluster cluster;

	@BeforeAll
	static void startCluster() {
		simulator = TeamsSimulator.start(SimulatorConfig.defaults().withUsers(5_000));
		simulator.setRequireInstall(false);
		cluster = Cluster.start(Path.of("target", "follow-up-processes"), simulator);
	}

	@AfterAll
	static void stopCluster() {
		Cluster.close(cluster, simulator);
	}

	/**
	 * kill -9 during a 5,000-copy recall: after the restart every copy is gone, nothing
	 * is missed, and only deletions whose call had started at the kill are repeated
	 * (Teams answers those 404, counted as gone), exactly those flagged.
	 */
	@Test
	void killedInTheMiddleOfARecallMissesNothing() throws Exception {
		simulator.setLimits(SimulatorConfig.Limits.off());
		simulator.setLatency(new SimulatorConfig.Latency(20, 120));
		int concurrency = 16;
		Map<String, String> tuning = Map.of("herald.dispatch.rate-per-second", "400", "herald.dispatch.send-lease",
				"3s", "herald.follow-up.concurrency", String.valueOf(concurrency));
		Cluster.Node first = cluster.startNode("recall-first", tuning, JVM);
		// People only: the realistic tenant's blocked accounts refuse the copy (#27).
		List<SimUser> people = simulator.tenant().users().stream().filter(simulator.tenant()::reachable).toList();
		cluster.seedConversations(people);
		cluster.settleDatabase();
		long id = cluster.createAnnouncement(first, "Recall crash test");
		cluster.api(first, "POST", "/api/v1/announcements/" + id + "/send", null);
		Await.until(Duration.ofSeconds(120), "sent",
				() -> cluster.queryLong("SELECT count(*) FROM announcement WHERE id = ? AND status = 'sent'", id) == 1);
		long delivered = cluster.queryLong("SELECT delivered FROM announcement WHERE id = ?", id);
		assertThat(delivered).isEqualTo(people.size());
		long missingBefore = missing404();

		cluster.api(first, "POST", "/api/v1/announcements/" + id + "/recall", null);
		Await.until(Duration.ofSeconds(60), "a third deleted", () -> cluster
			.queryLong("SELECT COALESCE(sum(done), 0) FROM follow_up WHERE announcement_id = ?", id) >= delivered / 3);
		first.kill();
		long started = cluster.queryLong("""
				SELECT count(*) FROM follow_up_item
				WHERE announcement_id = ? AND state = 'in_flight' AND call_started_at IS NOT NULL
				""", id);
		long queued = cluster.queryLong("""
				SELECT count(*) FROM follow_up_item
				WHERE announcement_id = ? AND state = 'in_flight' AND call_started_at IS NULL
				""", id);
		// Follow-ups run on the dispatcher's rooms (#28): calls in the air plus outcomes
		// not yet written, bounded as in DispatcherProcessTests by the senders and about
		// one write interval of outcomes, not by the claimed batch.
		assertThat(started).as("calls in the air at the kill").isBetween(1L, concurrency + 40L);
		assertThat(queued).as("claimed items still queued at the kill").isGreaterThan(0);

		Cluster.Node second = cluster.startNode("recall-second", tuning, JVM);
		Await.until(Duration.ofSeconds(120), "recall completed after restart", () -> cluster
			.queryLong("SELECT count(*) FROM follow_up WHERE announcement_id = ? AND status = 'done'", id) == 1);

		JsonNode left = cluster.deliveries(id);
		assertThat(left.path("activities").asLong()).as("copies left in chats").isZero();
		assertThat(left.path("deleted").asLong()).isEqualTo(delivered);
		long flagged = cluster
			.queryLong("SELECT count(*) FROM follow_up_item WHERE announcement_id = ? AND possibly_duplicate", id);
		assertThat(flagged).as("flagged items are exactly the calls started at the kill").isEqualTo(started);
		assertThat(missing404() - missingBefore).as("deletions repeated").isLessThanOrEqualTo(flagged);
		assertThat(cluster.queryLong("SELECT done FROM follow_up WHERE announcement_id = ?", id)).isEqualTo(delivered);
		assertThat(cluster.queryLong("SELECT targets FROM follow_up WHERE announcement_id = ?", id))
			.isEqualTo(delivered);
		second.stop();
	}

	private static long missing404() {
		return ((Number) simulator.stats().get("activityMissing404")).longValue();
	}

}
