package dev.herald.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import tools.jackson.databind.json.JsonMapper;

import dev.herald.bench.BenchSupport.Run;
import dev.herald.link.LinkTokens;
import dev.herald.simulator.SimulatorConfig;
import dev.herald.simulator.TeamsSimulator;

import static dev.herald.bench.BenchSupport.options;
import static dev.herald.bench.BenchSupport.printLast;
import static dev.herald.bench.BenchSupport.workDir;

/**
 * {@code /r/<token>} at load (#26):
 * {@code bench/links.sh --rate R --seconds D --people N}. Starts an embedded PostgreSQL
 * and one Herald process with a known link signing key, creates an announcement with a
 * button and three text links and marks it sent to N people (the tokens are minted here
 * as the send would, with the same key), then sends GETs open-loop at R per second for D
 * seconds, each a random person's random link, with a browser's user agent. Latency is
 * measured from when each request was due. Then waits until the click writer has written
 * them and checks that {@code link_click} and the JSON report hold exactly as many
 * counted clicks as 302s were answered. Prints as its last line one JSON object:
 * p50/p95/p99/max in ms, achieved rate, answered, counted, errors.
 */
public final class LinkBench {

	private static final String KEY = "bench-link-signing-key-0123456789abcdef";

	private static final String BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
			+ "(KHTML, like Gecko) Chrome/120.0 Safari/537.36";

	private LinkBench() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = options(args);
		int rate = Integer.parseInt(options.getOrDefault("rate", "2000"));
		int seconds = Integer.parseInt(options.getOrDefault("seconds", "60"));
		int people = Integer.parseInt(options.getOrDefault("people", "100000"));
		int threads = Integer.parseInt(options.getOrDefault("threads", "64"));
		int warmup = Integer.parseInt(options.getOrDefault("warmup", "10"));
		// The throughput collector by default: on two cores shared with the client and
		// PostgreSQL it had the shortest tail of the three (docs/benchmarks.md).
		String gc = options.getOrDefault("gc", "parallel");
		String xmx = options.getOrDefault("xmx", "512m");

		System.setProperty("teams-simulator.bind-address", "127.0.0.1");
		TeamsSimulator simulator = TeamsSimulator
			.start(SimulatorConfig.defaults().withUsers(10).withLimits(SimulatorConfig.Limits.off()));
		String json;
		try (Run run = Run.start(workDir("links"), simulator)) {
			Cluster cluster = run.cluster();
			Map<String, String> tuning = new LinkedHashMap<>();
			tuning.put("herald.links.signing-key", KEY);
			Cluster.Node herald = cluster.launch("herald-0", tuning, List.of("-Xmx" + xmx, "-Xms" + xmx, switch (gc) {
				case "zgc" -> "-XX:+UseZGC";
				case "g1" -> "-XX:+UseG1GC";
				case "parallel" -> "-XX:+UseParallelGC";
				default -> throw new IllegalArgumentException("--gc g1|zgc|parallel");
			}));
			herald.awaitReady(Duration.ofMinutes(3));
			long id = cluster
				.api(herald, "POST", "/api/v1/announcements",
						"""
								{"title":"Link benchmark","summary":"See [one](https://a.example/1), [two](https://a.example/2) and https://a.example/3.",
								 "buttons":[{"title":"Open","url":"https://a.example/button"}]}
								""")
				.path("id")
				.asLong();
			try (var con = cluster.connect();
					var st = con.prepareStatement(
							"UPDATE announcement SET status = 'sent', started_at = now(), finished_at = now() WHERE id = ?")) {
				st.setLong(1, id);
				st.executeUpdate();
			}
			LinkTokens tokens = new LinkTokens(KEY, false);
			int[] links = { 0, 4, 5, 6 };
			String[] urls = new String[people * links.length];
			for (int p = 0; p < people; p++) {
				String person = new java.util.UUID(0x0b5e55ed00004000L, 0x8000000000000000L | p).toString();
				for (int l = 0; l < links.length; l++) {
					urls[p * links.length + l] = herald.baseUrl() + "/r/"
							+ tokens.mint(new LinkTokens.Ref(id, links[l], null, person, LinkTokens.Medium.TEAMS));
				}
			}
			HttpClient http = HttpClient.newBuilder()
				.connectTimeout(Duration.ofSeconds(5))
				.followRedirects(HttpClient.Redirect.NEVER)
				.executor(Executors.newFixedThreadPool(4))
				.build();
			// Warm-up, not measured: the JIT, the connection pool, the announcement
			// cache.
			for (int i = 0; i < 2000; i++) {
				http.send(HttpRequest.newBuilder(URI.create(urls[i % urls.length]))
					.header("User-Agent", BROWSER)
					.method("HEAD", HttpRequest.BodyPublishers.noBody())
					.build(), HttpResponse.BodyHandlers.discarding());
			}

			// Then the target rate itself, not measured: the JIT compiles the concurrent
			// path and Tomcat grows its threads under the load, not in the first measured
			// seconds.
			java.util.Random random = new java.util.Random(42);
			Phase warm = openLoop(http, urls, random, rate, warmup, threads);
			Phase measured = openLoop(http, urls, random, rate, seconds, threads);
			int total = measured.latencies().length;
			long[] latencies = measured.latencies();
			double elapsed = measured.seconds();
			AtomicInteger answered = new AtomicInteger(warm.answered() + measured.answered());
			AtomicInteger errors = new AtomicInteger(measured.errors());

			// Every 302 counted once: wait for the writer, then compare.
			long counted = 0;
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
			while (System.nanoTime() < deadline) {
				counted = cluster.queryLong("SELECT count(*) FROM link_click WHERE announcement_id = ? AND counted",
						id);
				if (counted >= answered.get()) {
					break;
				}
				Cluster.sleep(200);
			}
			Cluster.sleep(1000);
			counted = cluster.queryLong("SELECT count(*) FROM link_click WHERE announcement_id = ? AND counted", id);
			long reported = cluster.api(herald, "GET", "/api/v1/announcements/" + id + "/report", null)
				.path("links")
				.path("clicks")
				.asLong();
			double dropped = herald.metric("herald_links_clicks_dropped_total");

			long[] sorted = latencies.clone();
			Arrays.sort(sorted);
			Map<String, Object> result = new LinkedHashMap<>();
			result.put("rate_target", rate);
			result.put("rate_achieved", Math.round(total / elapsed));
			result.put("seconds", seconds);
			result.put("people", people);
			result.put("warmup_seconds", warmup);
			result.put("warmup_p95_ms", ms(sorted(warm.latencies()), 0.95));
			result.put("requests", total);
			result.put("redirects", measured.answered());
			result.put("errors", errors.get());
			result.put("p50_ms", ms(sorted, 0.50));
			result.put("p95_ms", ms(sorted, 0.95));
			result.put("p99_ms", ms(sorted, 0.99));
			result.put("max_ms", Math.round(sorted[sorted.length - 1] / 1e4) / 100.0);
			result.put("seconds_with_p95_over_20_ms", slowSeconds(latencies, rate, 20));
			result.put("counted_rows", counted);
			result.put("counted_in_report", reported);
			result.put("dropped", Double.isNaN(dropped) ? 0 : (long) dropped);
			result.put("every_click_counted_once", counted == answered.get() && reported == answered.get());
			result.put("xmx", xmx);
			result.put("gc", gc);
			result.put("load_average", Math
				.round(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() * 100)
					/ 100.0);
			json = JsonMapper.shared().writeValueAsString(result);
			herald.stop();
		}
		printLast(json, 0);
	}

	/** Latencies (ns, from when each request was due) of one open-loop phase. */
	private record Phase(long[] latencies, int answered, int errors, double seconds) {
	}

	/**
	 * GETs at {@code rate} a second for {@code seconds}, each a random person's random
	 * link, sent when due whatever the answers before (open loop).
	 */
	private static Phase openLoop(HttpClient http, String[] urls, java.util.Random random, int rate, int seconds,
			int threads) throws InterruptedException {
		int total = rate * seconds;
		long[] latencies = new long[total];
		AtomicInteger answered = new AtomicInteger();
		AtomicInteger errors = new AtomicInteger();
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		long start = System.nanoTime();
		long interval = 1_000_000_000L / rate;
		for (int i = 0; i < total; i++) {
			long due = start + i * interval;
			long wait = due - System.nanoTime();
			if (wait > 0) {
				TimeUnit.NANOSECONDS.sleep(wait);
			}
			String url = urls[random.nextInt(urls.length)];
			int n = i;
			pool.execute(() -> {
				try {
					HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(url))
						.timeout(Duration.ofSeconds(10))
						.header("User-Agent", BROWSER)
						.GET()
						.build(), HttpResponse.BodyHandlers.discarding());
					latencies[n] = System.nanoTime() - due;
					if (response.statusCode() == 302) {
						answered.incrementAndGet();
					}
					else {
						errors.incrementAndGet();
					}
				}
				catch (Exception ex) {
					latencies[n] = System.nanoTime() - due;
					errors.incrementAndGet();
				}
			});
		}
		pool.shutdown();
		pool.awaitTermination(2, TimeUnit.MINUTES);
		return new Phase(latencies, answered.get(), errors.get(), (System.nanoTime() - start) / 1e9);
	}

	/** Seconds of the run (by when requests were due) whose p95 exceeds the limit. */
	private static int slowSeconds(long[] latencies, int rate, double limitMs) {
		int slow = 0;
		for (int from = 0; from < latencies.length; from += rate) {
			long[] second = sorted(Arrays.copyOfRange(latencies, from, Math.min(latencies.length, from + rate)));
			if (ms(second, 0.95) > limitMs) {
				slow++;
			}
		}
		return slow;
	}

	private static long[] sorted(long[] values) {
		long[] copy = values.clone();
		Arrays.sort(copy);
		return copy;
	}

	private static double ms(long[] sorted, double quantile) {
		if (sorted.length == 0) {
			return 0;
		}
		return Math.round(sorted[(int) Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] / 1e4)
				/ 100.0;
	}

}
