package dev.herald.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.simulator.SimUser;
import dev.herald.simulator.SimulatorConfig;
import dev.herald.simulator.TeamsSimulator;

import static dev.herald.bench.BenchSupport.log;
import static dev.herald.bench.BenchSupport.options;

/**
 * One broadcast, measured: {@code bench/dispatch.sh --recipients N --limit R --latency-ms
 * MIN-MAX [--instances K] [--faults SPEC] [--xmx 256m] [--then update|recall] [--recall R --welcomes W]}.
 * Starts an embedded PostgreSQL and the Teams simulator (in this JVM, bound to 127.0.0.1;
 * the same code as the standalone jar), K Herald processes with the given heap, seeds N
 * conversations, sends one announcement through the public API, and prints as its last
 * line one JSON object. "lost" and "duplicates" come from what the simulator received,
 * not from Herald's ledger. {@code --limit 0} turns the simulator's limits off and
 * Herald's budget to unlimited.
 */
public final class DispatchBench {

	private DispatchBench() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = options(args);
		int recipients = Integer.parseInt(options.getOrDefault("recipients", "10000"));
		int limit = Integer.parseInt(options.getOrDefault("limit", "50"));
		String[] latency = options.getOrDefault("latency-ms", "0").split("-");
		int minLatency = Integer.parseInt(latency[0].trim());
		int maxLatency = Integer.parseInt(latency[latency.length - 1].trim());
		int instances = Integer.parseInt(options.getOrDefault("instances", "1"));
		String xmx = options.getOrDefault("xmx", "256m");
		String faults = options.getOrDefault("faults", "");
		int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "64"));
		SimulatorConfig.Latency.Distribution latencyDistribution = SimulatorConfig.Latency.Distribution
			.valueOf(options.getOrDefault("latency-dist", "uniform").toUpperCase(Locale.ROOT));
		double retryAfterAbsent = Double.parseDouble(options.getOrDefault("retry-after-absent", "0"));
		// e.g. --headroom 0.01: Herald's herald.dispatch.rate-headroom (default: Herald's
		// own)
		String headroom = options.get("headroom");

		System.setProperty("teams-simulator.bind-address", "127.0.0.1");
		SimulatorConfig.Limits limits = (limit == 0) ? SimulatorConfig.Limits.off()
				: SimulatorConfig.Limits.teams().withTenantPerSecond(limit);
		// --recall R, --welcomes W: the mixed run (a recall of an earlier R-person
		// announcement and W fresh installs with their welcomes while the broadcast
		// runs).
		int recall = Integer.parseInt(options.getOrDefault("recall", "0"));
		int welcomes = Integer.parseInt(options.getOrDefault("welcomes", "0"));
		SimulatorConfig.Latency latencyConfig = new SimulatorConfig.Latency(minLatency, maxLatency,
				latencyDistribution);
		// The realistic tenant has rooms, disabled and unlicensed accounts besides
		// people: a few percent more accounts so that N people get the card.
		TeamsSimulator simulator = TeamsSimulator.start(SimulatorConfig.defaults()
			.withUsers((int) Math.ceil((recipients + welcomes) * 1.08) + 20)
			.withLimits(limits)
			.withLatency(latencyConfig)
			.withFaults(faults(faults)));
		simulator.setRequireInstall(false);
		simulator.setPreconditionFailedShare(share(faults, "412"));
		simulator.setRetryAfterAbsentShare(retryAfterAbsent);
		simulator.setTimeoutHoldMillis(5_000);

		Path work = Path.of("bench", "out",
				LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
		Cluster cluster = Cluster.start(work, simulator);
		// Interrupted (Ctrl-C, timeout): take the Herald processes and PostgreSQL along.
		Thread cleanup = new Thread(cluster::close, "bench-cleanup");
		Runtime.getRuntime().addShutdownHook(cleanup);
		int exit = 0;
		String json = null;
		try {
			Map<String, String> tuning = new LinkedHashMap<>();
			tuning.put("herald.dispatch.rate-per-second", String.valueOf(limit));
			tuning.put("herald.dispatch.concurrency", String.valueOf(concurrency));
			if (headroom != null) {
				tuning.put("herald.dispatch.rate-headroom", headroom);
			}
			tuning.put("herald.teams.read-timeout", "4s");
			tuning.put("logging.level.dev.herald.dispatch", "INFO");
			// The directory sync (a full Graph read of the tenant 30 s after start) is
			// another workload; here it would share the two cores with the send being
			// measured.
			tuning.put("herald.audience.sync-interval", "0");
			// Paced, pauses matter more than throughput: a 20 ms young-generation pause
			// delays calls after their slot and bunches them inside Teams' one-second
			// window. Unpaced, the throughput collector. --gc serial|zgc|g1 overrides.
			String gc = options.getOrDefault("gc", (limit > 0) ? "zgc" : "serial");
			List<String> jvm = new ArrayList<>(List.of("-Xmx" + xmx, "-Xms" + xmx, switch (gc) {
				case "zgc" -> "-XX:+UseZGC";
				case "g1" -> "-XX:+UseG1GC";
				case "serial" -> "-XX:+UseSerialGC";
				default -> throw new IllegalArgumentException("--gc serial|zgc|g1");
			}));
			// e.g. --jvm-opts "-XX:StartFlightRecording=filename=bench/out/herald.jfr" to
			// profile
			if (options.containsKey("jvm-opts")) {
				jvm.addAll(List.of(options.get("jvm-opts").trim().split("\\s+")));
			}
			// People only: the realistic tenant's blocked, disabled and unlicensed
			// accounts get no card.
			List<SimUser> everyone = simulator.tenant().users().stream().filter(simulator.tenant()::reachable).toList();
			List<SimUser> users = everyone.subList(0, recipients);
			List<SimUser> newcomers = everyone.subList(recipients, recipients + welcomes);
			long recallId = (recall > 0) ? earlierAnnouncement(cluster, simulator, users.subList(0, recall), tuning,
					jvm, limits, latencyConfig) : 0;
			List<Cluster.Node> nodes = new ArrayList<>();
			for (int i = 0; i < instances; i++) {
				nodes.add(cluster.launch("herald-" + i, tuning, jvm));
			}
			for (Cluster.Node node : nodes) {
				node.awaitReady(Duration.ofMinutes(8));
			}
			Cluster.Node api = nodes.get(0);
			// Teams posts installs to one endpoint; the last instance (not the first,
			// which takes the send lease) answers them, as behind a load balancer.
			simulator.setBotEndpoint(nodes.get(nodes.size() - 1).baseUrl() + "/api/messages");
			// Throughput of a running service, not of cold JVMs: a first, unmeasured
			// broadcast to a few people gets the JIT to compile the send path of Herald
			// and of the simulator. Unpaced runs only (paced ones are limited by the
			// budget, not by CPU); --warmup 0 measures from cold.
			int warmup = Math.min(recipients,
					Integer.parseInt(options.getOrDefault("warmup", (limit == 0) ? "10000" : "0")));
			if (warmup > 0) {
				log("Herald x%d up; warm-up broadcast to %,d people", instances, warmup);
				cluster.seedConversations(users.subList(0, warmup));
				long warm = cluster.createAnnouncement(api, "Warm-up");
				cluster.api(api, "POST", "/api/v1/announcements/" + warm + "/send", null);
				long warmDeadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
				while (cluster.queryLong("SELECT count(*) FROM announcement WHERE id = ? AND status = 'sent'",
						warm) == 0 && System.nanoTime() < warmDeadline) {
					Cluster.sleep(500);
				}
			}
			log("Seeding %,d conversations", recipients);
			cluster.seedConversations(users);
			// Setup, not the send: the bulk load's autovacuum and checkpoint would
			// otherwise land in the measured minutes.
			cluster.settleDatabase();

			// --urgent true: the announcement is URGENT (#25): everyone is also alerted
			// through the activity feed; the simulator must know they have the app and
			// the catalog must hold Herald's package (its activity type).
			boolean urgent = Boolean.parseBoolean(options.getOrDefault("urgent", "false"));
			long id;
			if (urgent) {
				users.forEach((u) -> simulator.installQuietly(u.id()));
				simulator.publishApp(cluster.appPackage(api));
				id = cluster.createUrgentAnnouncement(api, "Benchmark (urgent)");
			}
			else {
				id = cluster.createAnnouncement(api, "Benchmark");
			}
			AtomicLong peakHeap = new AtomicLong();
			AtomicLong peakLive = new AtomicLong();
			Thread sampler = new Thread(() -> {
				while (!Thread.currentThread().isInterrupted()) {
					for (Cluster.Node node : nodes) {
						double heap = node.metric("jvm_memory_used_bytes{area=\"heap\"");
						if (!Double.isNaN(heap)) {
							peakHeap.accumulateAndGet((long) heap, Math::max);
						}
						// What survives a full collection: flat when memory does not grow
						// with the audience.
						double live = node.metric("jvm_gc_live_data_size_bytes");
						if (!Double.isNaN(live)) {
							peakLive.accumulateAndGet((long) live, Math::max);
						}
					}
					Cluster.sleep(2_000);
				}
			}, "heap-sampler");
			sampler.setDaemon(true);
			sampler.start();

			long callsBefore = stat(simulator, "connectorRequests");
			long throttledBefore = throttled(simulator);
			long missingBefore = stat(simulator, "activityMissing404");
			PerSecond perSecond = new PerSecond(simulator);
			long start = System.nanoTime();
			if (urgent) {
				// Its owner, an Admin, sends it.
				cluster.api(api, "POST", "/api/v1/announcements/" + id + "/send", null,
						dev.herald.support.TestIdentityProvider.accessToken("bench-admin", "Herald.Admin"));
			}
			else {
				cluster.api(api, "POST", "/api/v1/announcements/" + id + "/send", null);
			}
			// The send answers at once; the audience is frozen in the background.
			double sendRequestMillis = (System.nanoTime() - start) / 1e6;
			if (recallId != 0 || !newcomers.isEmpty()) {
				// Newcomers installing before the audience is frozen would be in it.
				while (cluster.queryLong("SELECT count(*) FROM announcement WHERE id = ? AND frozen_at IS NOT NULL",
						id) == 0) {
					Cluster.sleep(100);
				}
			}
			Thread others = mixedWork(cluster, simulator, nodes.get(nodes.size() - 1), recallId, newcomers);
			double budgetSeconds = (limit > 0) ? recipients / (double) limit : recipients / 500.0;
			long deadline = start + Duration.ofSeconds((long) (budgetSeconds * 2 + 300)).toNanos();
			long lastLog = 0;
			while (cluster.queryLong("SELECT count(*) FROM announcement WHERE id = ? AND status = 'sent'", id) == 0) {
				if (System.nanoTime() > deadline) {
					log("Timed out; reporting what was done");
					exit = 1;
					break;
				}
				if (System.nanoTime() - lastLog > Duration.ofSeconds(10).toNanos()) {
					long done = cluster.queryLong("SELECT delivered + failed + blocked FROM announcement WHERE id = ?",
							id);
					log("%,d of %,d done after %.0f s%s", done, recipients, (System.nanoTime() - start) / 1e9,
							budgets(nodes));
					lastLog = System.nanoTime();
				}
				perSecond.sample();
				Cluster.sleep(1_000);
			}
			double seconds = (System.nanoTime() - start) / 1e9;
			Map<String, Object> urgentResult = urgent ? awaitFeed(cluster, simulator, id, recipients, start, deadline)
					: null;
			Map<String, Object> mixed = (others != null) ? awaitMixed(cluster, simulator, others, recallId, newcomers,
					start, deadline, perSecond, limit, callsBefore, throttledBefore, missingBefore) : null;
			sampler.interrupt();
			// From the send's commit to the commit of the ledger, by the database clock.
			long freezeMillis = cluster.queryLong(
					"SELECT (extract(epoch FROM frozen_at - started_at) * 1000)::bigint FROM announcement WHERE id = ?",
					id);

			long delivered = cluster.queryLong("SELECT delivered FROM announcement WHERE id = ?", id);
			long failed = cluster.queryLong("SELECT failed FROM announcement WHERE id = ?", id);
			long blocked = cluster.queryLong("SELECT blocked FROM announcement WHERE id = ?", id);
			long flagged = cluster
				.queryLong("SELECT count(*) FROM delivery WHERE announcement_id = ? AND possibly_duplicate", id);
			JsonNode received = cluster.deliveries(id);
			long receivedConversations = received.path("conversations").asLong();
			long calls = stat(simulator, "connectorRequests") - callsBefore;
			long throttled = throttled(simulator) - throttledBefore;

			Map<String, Object> result = new LinkedHashMap<>();
			result.put("recipients", recipients);
			result.put("delivered", delivered);
			result.put("failed", failed + blocked);
			// Recipients that neither received the card nor are accounted as failed.
			result.put("lost", Math.max(0, recipients - receivedConversations - failed - blocked));
			result.put("duplicates", received.path("duplicated").asLong());
			result.put("possibly_duplicate_flagged", flagged);
			result.put("throttled_429", throttled);
			result.put("connector_calls", calls);
			result.put("limit_per_s", limit);
			result.put("achieved_per_s", round(delivered / seconds));
			result.put("seconds", round(seconds));
			result.put("send_request_ms", round(sendRequestMillis));
			result.put("freeze_ms", freezeMillis);
			result.put("peak_heap_mb", peakHeap.get() / (1024 * 1024));
			// Null when no full collection ran (Serial rarely needs one): nothing
			// measured.
			result.put("peak_live_heap_mb", (peakLive.get() > 0) ? peakLive.get() / (1024 * 1024) : null);
			result.put("load_average", loadAverage());
			result.put("xmx", xmx);
			result.put("gc", gc);
			result.put("instances", instances);
			result.put("latency_ms", minLatency + "-" + maxLatency);
			result.put("latency_dist", latencyDistribution.name().toLowerCase(Locale.ROOT));
			result.put("retry_after_absent", retryAfterAbsent);
			result.put("headroom", (headroom != null) ? headroom : "default");
			// How close each call came to the simulator's one-second window (ms, < 0
			// refused): the jitter a pace must leave room for.
			result.put("window_margin_ms", simulator.stats().get("tenantWindowMarginMs"));
			result.put("faults", faults);
			if (urgentResult != null) {
				result.put("urgent", urgentResult);
			}
			result.put("warmup", warmup);
			if (mixed != null) {
				result.put("mixed", mixed);
			}
			String then = options.get("then");
			if (then != null) {
				result.put("then", followUp(cluster, simulator, api, id, then));
			}
			json = JsonMapper.shared().writeValueAsString(result);
			// A clean stop, so a flight recording (--jvm-opts) is written.
			nodes.forEach(Cluster.Node::stop);
		}
		finally {
			cluster.close();
			Runtime.getRuntime().removeShutdownHook(cleanup);
			simulator.close();
			deleteDatabase(work.resolve("pgdata"));
		}
		// Last, after the shutdown chatter: the one line scripts read.
		System.out.flush();
		System.err.flush();
		System.out.println(json);
		System.exit(exit);
	}

	/**
	 * Each instance's Connector budget as its admin API shows it (pace, side share, each
	 * kind's calls in the last second and in total): where a run that does not reach the
	 * limit lost its calls.
	 */
	private static String budgets(List<Cluster.Node> nodes) {
		StringBuilder line = new StringBuilder();
		for (Cluster.Node node : nodes) {
			try {
				JsonNode b = node.adminGet("/api/v1/admin/call-budget");
				line.append(String.format(Locale.ROOT, "%n    %s: lease %s, pace %.2f, side %s;", node.name(),
						b.path("holdsLease").asBoolean(), b.path("pace").asDouble(), b.path("shareState").asString()));
				b.path("kinds").forEach((k) -> {
					if (k.path("total").asLong() > 0) {
						line.append(String.format(Locale.ROOT, " %s %d/s (%d)", k.path("kind").asString(),
								k.path("lastSecond").asInt(), k.path("total").asLong()));
					}
				});
			}
			catch (RuntimeException ex) {
				line.append(" (").append(node.name()).append(": ").append(ex.getMessage()).append(')');
			}
		}
		return line.toString();
	}

	/**
	 * The mixed run's earlier announcement: sent to {@code people} before the measured
	 * run by a Herald without limits (against a simulator without limits or latency), so
	 * that its copies exist to be recalled; then the simulator's limits are put back.
	 */
	private static long earlierAnnouncement(Cluster cluster, TeamsSimulator simulator, List<SimUser> people,
			Map<String, String> tuning, List<String> jvm, SimulatorConfig.Limits limits,
			SimulatorConfig.Latency latency) {
		simulator.setLimits(SimulatorConfig.Limits.off());
		simulator.setLatency(SimulatorConfig.Latency.none());
		Map<String, String> unpaced = new LinkedHashMap<>(tuning);
		unpaced.put("herald.dispatch.rate-per-second", "0");
		Cluster.Node node = cluster.launch("herald-earlier", unpaced, jvm);
		node.awaitReady(Duration.ofMinutes(8));
		log("Sending the earlier announcement to %,d people (unmeasured, no limits)", people.size());
		cluster.seedConversations(people);
		long id = cluster.createAnnouncement(node, "Earlier announcement");
		cluster.api(node, "POST", "/api/v1/announcements/" + id + "/send", null);
		long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
		while (cluster.queryLong("SELECT count(*) FROM announcement WHERE id = ? AND status = 'sent'", id) == 0) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("the earlier announcement was not sent within 15 minutes");
			}
			Cluster.sleep(1_000);
		}
		long received = cluster.deliveries(id).path("conversations").asLong();
		log("Earlier announcement: %,d copies in the simulator", received);
		// A clean stop releases the send lease for the measured instances.
		node.stop();
		simulator.setLimits(limits);
		simulator.setLatency(latency);
		return id;
	}

	/**
	 * Starts the mixed run's other work beside the broadcast: the recall of the earlier
	 * announcement, and every newcomer installing the app at once (Teams posts each
	 * install to the bot, which welcomes them). Null when neither was asked.
	 */
	private static Thread mixedWork(Cluster cluster, TeamsSimulator simulator, Cluster.Node node, long recallId,
			List<SimUser> newcomers) {
		if (recallId == 0 && newcomers.isEmpty()) {
			return null;
		}
		if (recallId != 0) {
			cluster.api(node, "POST", "/api/v1/announcements/" + recallId + "/recall", null);
		}
		Thread installs = new Thread(() -> {
			var pool = java.util.concurrent.Executors.newFixedThreadPool(16);
			for (SimUser newcomer : newcomers) {
				pool.submit(() -> simulator.installForUser(newcomer.id()));
			}
			pool.shutdown();
			try {
				pool.awaitTermination(30, java.util.concurrent.TimeUnit.MINUTES);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, "installs");
		installs.start();
		return installs;
	}

	/**
	 * Waits for the mixed run's other work to finish and judges the whole run by the
	 * simulator: every second's Connector calls against the limit, the budget used while
	 * work waited, every copy of the recalled announcement gone once, every newcomer
	 * welcomed once.
	 */
	private static Map<String, Object> awaitMixed(Cluster cluster, TeamsSimulator simulator, Thread installs,
			long recallId, List<SimUser> newcomers, long start, long deadline, PerSecond perSecond, int limit,
			long callsBefore, long throttledBefore, long missingBefore) throws InterruptedException {
		installs.join();
		long lastLog = 0;
		while (!(recallDone(cluster, recallId)
				&& cluster.queryLong("SELECT count(*) FROM bot_welcome WHERE status = 'sent'") >= newcomers.size())) {
			if (System.nanoTime() > deadline) {
				log("Timed out waiting for the recall and the welcomes");
				break;
			}
			if (System.nanoTime() - lastLog > Duration.ofSeconds(10).toNanos()) {
				log("recall and welcomes: %,d deletions, %,d welcomes done after %.0f s",
						cluster.queryLong("SELECT COALESCE(sum(done), 0) FROM follow_up WHERE announcement_id = ?",
								recallId),
						cluster.queryLong("SELECT count(*) FROM bot_welcome WHERE status = 'sent'"),
						(System.nanoTime() - start) / 1e9);
				lastLog = System.nanoTime();
			}
			perSecond.sample();
			Cluster.sleep(1_000);
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		perSecond.sample();
		long calls = stat(simulator, "connectorRequests") - callsBefore;
		long throttled = throttled(simulator) - throttledBefore;
		long welcomed = newcomers.stream().filter((u) -> !simulator.inbox(u.id()).isEmpty()).count();
		long welcomedTwice = newcomers.stream().filter((u) -> simulator.inbox(u.id()).size() > 1).count();
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("seconds", round(seconds));
		m.put("connector_calls", calls);
		m.put("throttled_429", throttled);
		// Accepted calls against what the budget allowed while work was waiting (all
		// of the run: it ends when the last piece of work is done).
		m.put("budget_used", round((calls - throttled) / (limit * seconds)));
		m.put("max_calls_in_a_second", perSecond.max());
		m.put("seconds_over_limit", perSecond.over(limit));
		m.put("seconds_counted", perSecond.size());
		if (recallId != 0) {
			JsonNode left = cluster.deliveries(recallId);
			m.put("recall_targets", cluster
				.queryLong("SELECT COALESCE(sum(targets), 0) FROM follow_up WHERE announcement_id = ?", recallId));
			m.put("recall_copies_left", left.path("activities").asLong());
			m.put("recall_deleted", left.path("deleted").asLong());
			m.put("recall_deleted_twice", stat(simulator, "activityMissing404") - missingBefore);
		}
		m.put("welcomes_asked", newcomers.size());
		m.put("welcomes_sent", cluster.queryLong("SELECT count(*) FROM bot_welcome WHERE status = 'sent'"));
		m.put("newcomers_with_a_card", welcomed);
		m.put("newcomers_with_more_than_one", welcomedTwice);
		return m;
	}

	private static boolean recallDone(Cluster cluster, long recallId) {
		return recallId == 0 || cluster
			.queryLong("SELECT count(*) FROM follow_up WHERE announcement_id = ? AND status = 'done'", recallId) > 0;
	}

	/**
	 * The simulator's Connector calls per epoch second, kept beyond its ten-minute memory
	 * by sampling it (a second still counting is read again later: the larger count
	 * stands).
	 */
	private static final class PerSecond {

		private final TeamsSimulator simulator;

		private final long fromSecond = System.currentTimeMillis() / 1000;

		private final Map<Long, Long> counts = new java.util.TreeMap<>();

		private long lastSample;

		PerSecond(TeamsSimulator simulator) {
			this.simulator = simulator;
		}

		void sample() {
			if (System.nanoTime() - this.lastSample < Duration.ofSeconds(60).toNanos() && this.lastSample != 0) {
				return;
			}
			this.lastSample = System.nanoTime();
			Map<?, ?> seen = (Map<?, ?>) this.simulator.stats().get("connectorPerSecond");
			for (Map.Entry<?, ?> e : seen.entrySet()) {
				long second = Long.parseLong(e.getKey().toString());
				if (second >= this.fromSecond) {
					this.counts.merge(second, ((Number) e.getValue()).longValue(), Math::max);
				}
			}
		}

		long max() {
			return this.counts.values().stream().mapToLong(Long::longValue).max().orElse(0);
		}

		long over(int limit) {
			return this.counts.values().stream().filter((c) -> c > limit).count();
		}

		int size() {
			return this.counts.size();
		}

	}

	/**
	 * {@code --then update|recall}: after the broadcast, edits the announcement (every
	 * delivered copy is updated in place) or recalls it (every copy deleted), and
	 * measures that operation. Missed and doubled are counted from what the simulator
	 * holds: copies not updated (or still there), copies updated more than once (or
	 * deleted twice: a 404 for a message already gone).
	 */
	private static Map<String, Object> followUp(Cluster cluster, TeamsSimulator simulator, Cluster.Node api, long id,
			String then) {
		long missingBefore = stat(simulator, "activityMissing404");
		long throttledBefore = throttled(simulator);
		long start = System.nanoTime();
		switch (then) {
			case "update" -> cluster.api(api, "PUT", "/api/v1/announcements/" + id,
					"{\"title\":\"Benchmark (edited)\",\"summary\":\"Dispatcher run, edited\"}");
			case "recall" -> cluster.api(api, "POST", "/api/v1/announcements/" + id + "/recall", null);
			default -> throw new IllegalArgumentException("--then update|recall");
		}
		long deadline = start + Duration.ofMinutes(30).toNanos();
		long lastLog = 0;
		while (cluster.queryLong("SELECT count(*) FROM follow_up WHERE announcement_id = ? AND status = 'done'",
				id) == 0 && System.nanoTime() < deadline) {
			if (System.nanoTime() - lastLog > Duration.ofSeconds(10).toNanos()) {
				log("%s: %,d of %,d done after %.0f s", then,
						cluster.queryLong("SELECT COALESCE(sum(done), 0) FROM follow_up WHERE announcement_id = ?", id),
						cluster.queryLong("SELECT COALESCE(sum(targets), 0) FROM follow_up WHERE announcement_id = ?",
								id),
						(System.nanoTime() - start) / 1e9);
				lastLog = System.nanoTime();
			}
			Cluster.sleep(500);
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		long targets = cluster.queryLong("SELECT COALESCE(sum(targets), 0) FROM follow_up WHERE announcement_id = ?",
				id);
		long done = cluster.queryLong("SELECT COALESCE(sum(done), 0) FROM follow_up WHERE announcement_id = ?", id);
		long failed = cluster.queryLong("SELECT COALESCE(sum(failed), 0) FROM follow_up WHERE announcement_id = ?", id);
		// From the first call's start to the last outcome: the operation's own rate.
		double callSeconds = cluster.queryLong("""
				SELECT CAST(1000 * extract(epoch FROM max(i.updated_at) - min(i.call_started_at)) AS bigint)
				FROM follow_up_item i JOIN follow_up f ON f.id = i.follow_up_id WHERE f.announcement_id = ?
				""", id) / 1000.0;
		JsonNode seen = cluster.deliveries(id);
		long copies = seen.path("activities").asLong();
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("operation", then);
		m.put("targets", targets);
		m.put("done", done);
		m.put("failed", failed);
		if ("update".equals(then)) {
			m.put("missed", copies - seen.path("updated").asLong());
			m.put("doubled", seen.path("updatedMoreThanOnce").asLong());
		}
		else {
			m.put("missed", copies);
			m.put("deleted", seen.path("deleted").asLong());
			m.put("doubled", stat(simulator, "activityMissing404") - missingBefore);
		}
		m.put("throttled_429", throttled(simulator) - throttledBefore);
		m.put("achieved_per_s", round(done / callSeconds));
		m.put("call_seconds", round(callSeconds));
		m.put("end_to_end_seconds", round(seconds));
		return m;
	}

	private static void deleteDatabase(Path directory) {
		try (var files = java.nio.file.Files.walk(directory)) {
			files.sorted(java.util.Comparator.reverseOrder()).forEach((f) -> f.toFile().delete());
		}
		catch (java.io.IOException ex) {
			log("Could not delete %s: %s", directory, ex.getMessage());
		}
	}

	private static double loadAverage() {
		return round(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
	}

	private static double round(double value) {
		return Math.round(value * 100) / 100.0;
	}

	private static long stat(TeamsSimulator simulator, String name) {
		return ((Number) simulator.stats().get(name)).longValue();
	}

	private static long throttled(TeamsSimulator simulator) {
		return ((Number) ((Map<?, ?>) simulator.stats().get("throttled429")).get("total")).longValue();
	}

	private static SimulatorConfig.Faults faults(String spec) {
		return new SimulatorConfig.Faults(share(spec, "5xx"), share(spec, "timeout"), share(spec, "reset"),
				share(spec, "blocked"), 0);
	}

	private static double share(String spec, String name) {
		for (String part : spec.split(",")) {
			String[] kv = part.split("=", 2);
			if (kv.length == 2 && kv[0].trim().equalsIgnoreCase(name)) {
				return Double.parseDouble(kv[1].trim());
			}
		}
		return 0;
	}

	/**
	 * Waits until every feed alert of an urgent send is settled and judges the feed by
	 * the simulator: alerted within 9 minutes of the send, the achieved call rate against
	 * Graph's 2/s, 429s, 412s, and anyone alerted twice (the simulator's feeds).
	 */
	@SuppressWarnings("unchecked")
	private static Map<String, Object> awaitFeed(Cluster cluster, TeamsSimulator simulator, long id, int recipients,
			long start, long deadline) {
		while (cluster.queryLong(
				"SELECT count(*) FROM urgent_alert WHERE announcement_id = ? AND state IN ('pending', 'in_flight')",
				id) > 0 && System.nanoTime() < deadline) {
			Cluster.sleep(1_000);
		}
		Map<String, Object> feed = (Map<String, Object>) simulator.stats().get("activityFeed");
		long alerted = cluster
			.queryLong("SELECT count(*) FROM urgent_alert WHERE announcement_id = ? AND state = 'alerted'", id);
		long within9 = cluster.queryLong("SELECT count(*) FROM urgent_alert u JOIN announcement a ON a.id = "
				+ "u.announcement_id WHERE u.announcement_id = ? AND u.state = 'alerted' "
				+ "AND u.alerted_at <= a.started_at + interval '9 minutes'", id);
		long feedMillis = cluster.queryLong("SELECT COALESCE((SELECT (extract(epoch FROM max(u.alerted_at) - "
				+ "min(a.started_at)) * 1000)::bigint FROM urgent_alert u JOIN announcement a ON a.id = "
				+ "u.announcement_id WHERE u.announcement_id = ? AND u.state = 'alerted'), 0)", id);
		long calls = ((Number) feed.get("bulkCalls")).longValue();
		// The call rate over the span the simulator saw calls accepted in (first to
		// last):
		// how close the lane keeps to Graph's 2/s. The time before the first call (the
		// freeze) is in the nine-minute figure, not in the rate.
		long firstCall = ((Number) feed.get("firstBulkCallAt")).longValue();
		long lastCall = ((Number) feed.get("lastBulkCallAt")).longValue();
		long sentAt = cluster.queryLong(
				"SELECT (extract(epoch FROM started_at) * 1000)::bigint FROM announcement " + "WHERE id = ?", id);
		long notified = ((Number) feed.get("notified")).longValue();
		String mark = "%22subEntityId%22%3A%22" + id + "%22";
		long twice = 0;
		for (SimUser u : simulator.tenant().users()) {
			long n = simulator.activityFeed(u.id())
				.stream()
				.filter((e) -> String.valueOf(e.get("topic")).contains(mark))
				.count();
			if (n > 1) {
				twice++;
			}
		}
		Map<String, Object> r = new LinkedHashMap<>();
		r.put("alerted_by_feed", alerted);
		r.put("alerted_within_9_min", within9);
		r.put("alerted_within_9_min_share", round(100.0 * within9 / Math.max(1, recipients)));
		r.put("feed_seconds", round(feedMillis / 1000.0));
		r.put("feed_calls", calls);
		r.put("feed_first_call_after_send_s", round((firstCall - sentAt) / 1000.0));
		r.put("feed_calls_per_s", round((calls - 1) / Math.max(0.001, (lastCall - firstCall) / 1000.0)));
		r.put("feed_calls_per_s_since_send", round(calls / Math.max(0.001, feedMillis / 1000.0)));
		r.put("feed_limit_per_s", 2);
		r.put("feed_throttled_429", feed.get("throttled429"));
		r.put("feed_precondition_failed_412", feed.get("preconditionFailed412"));
		r.put("feed_window_margin_ms", feed.get("bulkWindowMarginMs"));
		r.put("feed_notified_by_simulator", notified);
		r.put("alerted_twice_by_feed", twice);
		r.put("seconds_since_send", round((System.nanoTime() - start) / 1e9));
		return r;
	}

}
