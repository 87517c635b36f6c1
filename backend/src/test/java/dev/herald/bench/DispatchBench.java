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

/**
 * One broadcast, measured: {@code bench/dispatch.sh --recipients N --limit R --latency-ms
 * MIN-MAX [--instances K] [--faults SPEC] [--xmx 256m] [--then update|recall]}. Starts an
 * embedded PostgreSQL and the Teams simulator (in this JVM, bound to 127.0.0.1; the same
 * code as the standalone jar), K Herald processes with the given heap, seeds N
 * conversations, sends one announcement through the public API, and prints as its last
 * line one JSON object. "lost" and "duplicates" come from what the simulator received,
 * not from Herald's ledger. {@code --limit 0} turns the simulator's limits off and
 * Herald's budget to unlimited.
 */
public final class DispatchBench {

	private DispatchBench() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = parse(args);
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
		TeamsSimulator simulator = TeamsSimulator.start(SimulatorConfig.defaults()
			.withUsers(recipients)
			.withLimits(limits)
			.withLatency(new SimulatorConfig.Latency(minLatency, maxLatency, latencyDistribution))
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
			// another
			// workload; here it would share the two cores with the send being measured.
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
			List<Cluster.Node> nodes = new ArrayList<>();
			for (int i = 0; i < instances; i++) {
				nodes.add(cluster.launch("herald-" + i, tuning, jvm));
			}
			for (Cluster.Node node : nodes) {
				node.awaitReady(Duration.ofMinutes(8));
			}
			Cluster.Node api = nodes.get(0);
			// People only: the realistic tenant's blocked, disabled and unlicensed
			// accounts get no card.
			List<SimUser> users = simulator.tenant().users().stream().filter(simulator.tenant()::reachable).toList();
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

			long id = cluster.createAnnouncement(api, "Benchmark");
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
						// with
						// the audience.
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
			long start = System.nanoTime();
			cluster.api(api, "POST", "/api/v1/announcements/" + id + "/send", null);
			// The send answers at once; the audience is frozen in the background.
			double sendRequestMillis = (System.nanoTime() - start) / 1e6;
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
					log("%,d of %,d done after %.0f s", done, recipients, (System.nanoTime() - start) / 1e9);
					lastLog = System.nanoTime();
				}
				Cluster.sleep(1_000);
			}
			double seconds = (System.nanoTime() - start) / 1e9;
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
			result.put("warmup", warmup);
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

	private static Map<String, String> parse(String[] args) {
		Map<String, String> options = new LinkedHashMap<>();
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			if (!arg.startsWith("--")) {
				throw new IllegalArgumentException("Unexpected argument " + arg);
			}
			int eq = arg.indexOf('=');
			if (eq > 0) {
				options.put(arg.substring(2, eq), arg.substring(eq + 1));
			}
			else {
				if (i + 1 >= args.length) {
					throw new IllegalArgumentException("Missing value for " + arg);
				}
				options.put(arg.substring(2), args[++i]);
			}
		}
		return options;
	}

	private static void log(String format, Object... args) {
		System.err.printf("[bench] " + format + "%n", args);
	}

}
