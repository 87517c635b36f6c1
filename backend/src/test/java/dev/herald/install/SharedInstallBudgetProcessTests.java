package dev.herald.install;

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
import dev.herald.simulator.SimulatorConfig;
import dev.herald.simulator.TeamsSimulator;
import dev.herald.support.Await;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Graph's app-install budget is the tenant's, not an instance's: two Herald processes on
 * one database, both installing for one cold audience, stay together within it. The
 * simulator enforces the limit (10 installs/s here, so the test is short) and answers 429
 * beyond it; had each process paced on its own, they would offer twice the limit and
 * about every other install would be refused.
 */
@Tag("slow")
class SharedInstallBudgetProcessTests {

	private static final List<String> JVM = List.of("-Xmx384m", "-XX:TieredStopAtLevel=1", "-Xss512k");

	private static final int LIMIT = 10;

	private static TeamsSimulator simulator;

	private static Cluster cluster;

	@BeforeAll
	static void startCluster() {
		simulator = TeamsSimulator.start(SimulatorConfig.defaults().withUsers(240));
		simulator.setLimits(SimulatorConfig.Limits.teams().withGraphInstallsPerSecond(LIMIT));
		cluster = Cluster.start(Path.of("target", "install-processes"), simulator);
	}

	@AfterAll
	static void stopCluster() {
		Cluster.close(cluster, simulator);
	}

	@Test
	void twoInstancesTogetherInstallWithinOneGraphBudget() {
		Map<String, String> tuning = Map.of("herald.install.rate-per-second", String.valueOf(LIMIT));
		Cluster.Node a = cluster.launch("install-a", tuning, JVM);
		Cluster.Node b = cluster.launch("install-b", tuning, JVM);
		a.awaitReady(Duration.ofSeconds(120));
		b.awaitReady(Duration.ofSeconds(120));
		// Teams posts each install's conversationUpdate to the bot's one endpoint.
		simulator.setBotEndpoint(a.baseUrl() + "/api/messages");
		SimGroup everyone = simulator.tenant().groupNamed("All Company");
		long id = cluster.createAnnouncement(a, "Cold audience, two instances");
		cluster.api(a, "PUT", "/api/v1/announcements/" + id + "/audience",
				"{\"entries\":[{\"kind\":\"GROUP\",\"ref\":\"" + everyone.id() + "\"}]}");
		long installsBefore = stat("graphInstalls");
		long throttledBefore = throttledInstalls();
		long start = System.nanoTime();
		cluster.api(b, "POST", "/api/v1/announcements/" + id + "/send", null);
		Await.until(Duration.ofSeconds(240), "sent",
				() -> cluster.queryLong("SELECT count(*) FROM announcement WHERE id = ? AND status = 'sent'", id) == 1);
		double seconds = (System.nanoTime() - start) / 1e9;

		long recipients = cluster.queryLong("SELECT recipients FROM announcement WHERE id = ?", id);
		long installs = stat("graphInstalls") - installsBefore;
		JsonNode received = cluster.deliveries(id);
		assertThat(received.path("conversations").asLong()).as("people who received the card").isEqualTo(recipients);
		assertThat(received.path("duplicated").asLong()).isZero();
		assertThat(installs).as("installs through Graph").isGreaterThanOrEqualTo(recipients - 5).isGreaterThan(150);
		assertThat(a.metric("herald_install_outcomes_total")).as("installs by instance a").isGreaterThan(0);
		assertThat(b.metric("herald_install_outcomes_total")).as("installs by instance b").isGreaterThan(0);
		// Together within one budget: no faster than the limit allows, and (arrival
		// jitter on a busy host aside) not refused for going over it.
		assertThat(installs / seconds).as("installs per second, both instances together")
			.isLessThanOrEqualTo(LIMIT * 1.05);
		assertThat(throttledInstalls() - throttledBefore).as("installs refused with 429")
			.isLessThanOrEqualTo(installs / 20);
		a.stop();
		b.stop();
	}

	private static long stat(String name) {
		return ((Number) simulator.stats().get(name)).longValue();
	}

	private static long throttledInstalls() {
		return ((Number) ((Map<?, ?>) simulator.stats().get("throttled429")).get("graphInstalls")).longValue();
	}

}
