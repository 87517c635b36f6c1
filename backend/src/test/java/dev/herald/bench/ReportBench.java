package dev.herald.bench;

import java.net.http.HttpClient;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import tools.jackson.databind.json.JsonMapper;

import dev.herald.bench.BenchSupport.Run;
import dev.herald.simulator.SimulatorConfig;
import dev.herald.simulator.TeamsSimulator;
import dev.herald.support.BrowserSession;
import dev.herald.support.TestIdentityProvider;

import static dev.herald.bench.BenchSupport.buildTallies;
import static dev.herald.bench.BenchSupport.csv;
import static dev.herald.bench.BenchSupport.exec;
import static dev.herald.bench.BenchSupport.get;
import static dev.herald.bench.BenchSupport.log;
import static dev.herald.bench.BenchSupport.options;
import static dev.herald.bench.BenchSupport.printLast;
import static dev.herald.bench.BenchSupport.round;
import static dev.herald.bench.BenchSupport.workDir;

/**
 * Reports at scale: {@code bench/report.sh --rows N [--requests R] [--xmx 256m]}. Starts
 * an embedded PostgreSQL and one Herald process, seeds one sent announcement with N
 * delivery rows (0.5% opted out, 1.5% failed for three reasons, 2% blocked, the rest
 * delivered; 40% of the delivered acknowledged, 2 in 7 voted, 3 in 10 read; 10% got the
 * French variant and 5% the German one), and times each report endpoint over HTTP: the
 * report page (both "who responded" tabs), the JSON report, a deliveries page for no
 * filter and for every state, both acknowledgement lists (pages start at a random person,
 * not only at the top), and the full CSV. The seed is written with triggers off and the
 * tallies then built from it by V69's and V79's backfill statements: a bulk load in one
 * transaction is not how clicks, receipts and outcome batches arrive (the triggers are
 * covered by the integration tests). Prints as its last line one JSON object: p50/p95 in
 * ms per endpoint, CSV rows/s, Herald's peak heap.
 */
public final class ReportBench {

	private static final List<String> STATES = List.of("installing", "pending", "in_flight", "delivered", "failed",
			"blocked", "opted_out", "canceled");

	private ReportBench() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = options(args);
		int rows = Integer.parseInt(options.getOrDefault("rows", "1000000"));
		int requests = Integer.parseInt(options.getOrDefault("requests", "40"));
		String xmx = options.getOrDefault("xmx", "256m");
		long sendSeconds = Long.parseLong(options.getOrDefault("send-seconds", String.valueOf(Math.max(1, rows / 50))));

		System.setProperty("teams-simulator.bind-address", "127.0.0.1");
		TeamsSimulator simulator = TeamsSimulator
			.start(SimulatorConfig.defaults().withUsers(10).withLimits(SimulatorConfig.Limits.off()));
		String json;
		try (Run run = Run.start(workDir("report"), simulator)) {
			Cluster cluster = run.cluster();
			Map<String, String> tuning = new LinkedHashMap<>();
			tuning.put("herald.audience.sync-interval", "0");
			Cluster.Node herald = cluster.launch("herald-0", tuning,
					List.of("-Xmx" + xmx, "-Xms" + xmx, "-XX:+UseSerialGC"));
			herald.awaitReady(Duration.ofMinutes(3));
			long id = cluster.createAnnouncement(herald, "Report benchmark");
			long seedStart = System.nanoTime();
			seed(cluster, id, rows, sendSeconds);
			log("Seeded %,d rows in %.0f s", rows, (System.nanoTime() - seedStart) / 1e9);

			AtomicLong peakHeap = new AtomicLong();
			Thread sampler = new Thread(() -> {
				while (!Thread.currentThread().isInterrupted()) {
					double heap = herald.metric("jvm_memory_used_bytes{area=\"heap\"");
					if (!Double.isNaN(heap)) {
						peakHeap.accumulateAndGet((long) heap, Math::max);
					}
					Cluster.sleep(250);
				}
			}, "heap-sampler");
			sampler.setDaemon(true);
			sampler.start();

			HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
			String token = TestIdentityProvider.accessToken("bench", "Herald.Author");
			BrowserSession browser = BrowserSession.signIn(herald.baseUrl(), "bench-author", "Herald.Author");
			String api = "/api/v1/announcements/" + id;
			Map<String, Object> endpoints = new LinkedHashMap<>();
			endpoints.put("report_page", time(requests, () -> page(browser, "/announcements/" + id + "/report")));
			endpoints.put("report_page_not_acknowledged",
					time(requests, () -> page(browser, "/announcements/" + id + "/report?acknowledged=false")));
			endpoints.put("json_report", time(requests, () -> get(http, herald, token, api + "/report")));
			endpoints.put("deliveries",
					time(requests, () -> get(http, herald, token, api + "/deliveries?after=" + randomPerson(rows))));
			for (String state : STATES) {
				endpoints.put("deliveries_" + state, time(requests, () -> get(http, herald, token,
						api + "/deliveries?state=" + state + "&after=" + randomPerson(rows))));
			}
			endpoints.put("acknowledged", time(requests, () -> get(http, herald, token,
					api + "/acknowledgements?acknowledged=true&after=" + randomPerson(rows))));
			endpoints.put("not_acknowledged", time(requests, () -> get(http, herald, token,
					api + "/acknowledgements?acknowledged=false&after=" + randomPerson(rows))));

			long csvStart = System.nanoTime();
			long lines = csv(http, herald, token, api + "/deliveries.csv");
			double csvSeconds = (System.nanoTime() - csvStart) / 1e9;
			Cluster.sleep(500);
			sampler.interrupt();

			Map<String, Object> result = new LinkedHashMap<>();
			result.put("rows", rows);
			result.put("send_seconds", sendSeconds);
			result.put("requests_per_endpoint", requests);
			result.put("ms", endpoints);
			result.put("csv_rows", lines - 1);
			result.put("csv_seconds", round(csvSeconds));
			result.put("csv_rows_per_s", Math.round((lines - 1) / csvSeconds));
			result.put("peak_heap_mb", peakHeap.get() / (1024 * 1024));
			result.put("xmx", xmx);
			result.put("load_average",
					round(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
			json = JsonMapper.shared().writeValueAsString(result);
			herald.stop();
		}
		printLast(json, 0);
	}

	/** Person g of the seed: a stable, well spread Entra-like id. */
	private static String randomPerson(int rows) {
		return person(1 + ThreadLocalRandom.current().nextInt(rows));
	}

	private static String person(long g) {
		try {
			byte[] md5 = java.security.MessageDigest.getInstance("MD5")
				.digest(("p" + g).getBytes(java.nio.charset.StandardCharsets.UTF_8));
			String hex = java.util.HexFormat.of().formatHex(md5);
			return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
					+ hex.substring(16, 20) + "-" + hex.substring(20);
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void seed(Cluster cluster, long id, int rows, long sendSeconds) throws Exception {
		try (Connection con = cluster.connect(); Statement st = con.createStatement()) {
			st.execute("SET work_mem = '64MB'");
			st.execute("SET maintenance_work_mem = '256MB'");
			// Triggers off while seeding: a million row triggers in one transaction would
			// update their tally rows a million times within it (each click, receipt or
			// outcome batch is its own transaction in real life). The tallies are then
			// built from the seeded tables by V69's backfill statements.
			st.execute("SET session_replication_role = replica");
			log("Seeding %,d conversations", rows);
			exec(con,
					"""
							INSERT INTO conversation (kind, tenant_id, aad_object_id, conversation_id, service_url, display_name)
							SELECT 'personal', 'bench-tenant', md5('p' || g)::uuid::text, 'a:conv-' || g, 'http://127.0.0.1:1/',
							       'Person ' || g
							FROM generate_series(1, ?) g
							""",
					rows);
			exec(con,
					"""
							UPDATE announcement SET status = 'sent', ack_requested = true, poll_question = 'Lunch?',
							  poll_choices = '["Red","Green","Blue","None"]',
							  variants = '{"fr":{"title":"Rapport"},"de":{"title":"Bericht"}}',
							  started_at = now() - make_interval(secs => ? + 3600), finished_at = now() - interval '3600 seconds'
							WHERE id = ?
							""",
					sendSeconds, id);
			log("Seeding %,d delivery rows", rows);
			// Conversation ids are 1..N in send order; the key order is the person's id.
			exec(con, """
					INSERT INTO delivery (announcement_id, recipient, recipient_kind, conversation_ref, state, attempts,
					                      last_status, reason, activity_id, updated_at, variant)
					SELECT ?, c.aad_object_id, 'person', c.id,
					  CASE WHEN c.id % 200 < 3 THEN 'failed' WHEN c.id % 200 < 7 THEN 'blocked'
					       WHEN c.id % 200 < 8 THEN 'opted_out' ELSE 'delivered' END,
					  CASE WHEN c.id % 200 < 7 THEN 1 + c.id % 3 WHEN c.id % 200 < 8 THEN 0 ELSE 1 END,
					  CASE WHEN c.id % 200 < 3 THEN (ARRAY[500, 404, 400])[1 + c.id % 3] WHEN c.id % 200 < 7 THEN 403
					       WHEN c.id % 200 < 8 THEN NULL ELSE 201 END,
					  CASE WHEN c.id % 200 < 3 THEN (ARRAY['Internal server error', 'Conversation not found',
					                                       'Bad request'])[1 + c.id % 3]
					       WHEN c.id % 200 < 7 THEN 'The bot is not part of the conversation roster' END,
					  CASE WHEN c.id % 200 >= 8 THEN (1700000000000 + c.id)::text END,
					  a.started_at + make_interval(secs => c.id * ?::double precision / ?),
					  CASE WHEN c.id % 20 < 2 THEN 'fr' WHEN c.id % 20 = 2 THEN 'de' END
					FROM conversation c, announcement a
					WHERE a.id = ? AND c.tenant_id = 'bench-tenant'
					ORDER BY c.aad_object_id
					""", id, sendSeconds, rows, id);
			// The counters the outcome writer keeps (with the trigger on, one update
			// would put every delivery in one second of the rate rollup).
			exec(con,
					"""
							UPDATE announcement a SET recipients = s.n, delivered = s.d, failed = s.f, blocked = s.b,
							  opted_out = s.o
							FROM (SELECT count(*) n, count(*) FILTER (WHERE state = 'delivered') d,
							             count(*) FILTER (WHERE state = 'failed') f, count(*) FILTER (WHERE state = 'blocked') b,
							             count(*) FILTER (WHERE state = 'opted_out') o
							      FROM delivery WHERE announcement_id = ?) s
							WHERE a.id = ?
							""",
					id, id);
			log("Seeding acknowledgements and votes");
			exec(con,
					"""
							INSERT INTO card_response (announcement_id, tenant_id, aad_object_id, acknowledged_at, choice, voted_at)
							SELECT ?, 'bench-tenant', d.recipient,
							  CASE WHEN d.conversation_ref % 5 < 2 THEN d.updated_at + interval '3 minutes' END,
							  CASE WHEN d.conversation_ref % 7 < 2 THEN (ARRAY['Red','Green','Blue','None'])[1 + d.conversation_ref % 4] END,
							  CASE WHEN d.conversation_ref % 7 < 2 THEN d.updated_at + interval '5 minutes' END
							FROM delivery d
							WHERE d.announcement_id = ? AND d.state = 'delivered'
							  AND (d.conversation_ref % 5 < 2 OR d.conversation_ref % 7 < 2)
							ORDER BY d.recipient
							""",
					id, id);
			log("Seeding read receipts");
			exec(con, """
					INSERT INTO read_receipt (tenant_id, aad_object_id, conversation_id, last_read_message_id)
					SELECT 'bench-tenant', d.recipient, 'a:conv', d.activity_id
					FROM delivery d
					WHERE d.announcement_id = ? AND d.state = 'delivered' AND d.conversation_ref % 10 < 3
					""", id);
			log("Building the tallies");
			buildTallies(con, id);
			exec(con, """
					INSERT INTO read_tally (announcement_id, n)
					SELECT d.announcement_id, count(*)
					FROM delivery d
					JOIN conversation c ON c.id = d.conversation_ref
					JOIN read_receipt r ON r.tenant_id = c.tenant_id AND r.aad_object_id = c.aad_object_id
					WHERE d.announcement_id = ? AND d.state = 'delivered' AND d.activity_id ~ '^[0-9]{1,18}$'
					  AND r.last_read_message_id ~ '^[0-9]{1,18}$'
					  AND CAST(d.activity_id AS bigint) <= CAST(r.last_read_message_id AS bigint)
					GROUP BY 1
					""", id);
			exec(con,
					"""
							INSERT INTO variant_tally (announcement_id, variant, recipients, delivered, failed, acknowledged, voted)
							SELECT d.announcement_id, d.variant, count(*), count(*) FILTER (WHERE d.state = 'delivered'),
							       count(*) FILTER (WHERE d.state = 'failed'), count(r.acknowledged_at), count(r.choice)
							FROM delivery d
							LEFT JOIN card_response r ON r.announcement_id = d.announcement_id
							     AND lower(r.aad_object_id) = lower(d.recipient)
							WHERE d.announcement_id = ? AND d.variant IS NOT NULL
							GROUP BY d.announcement_id, d.variant
							""",
					id);
			st.execute("SET session_replication_role = origin");
			// What autovacuum does after a load this size, done now rather than during
			// the measurement.
			st.execute("VACUUM (ANALYZE)");
			st.execute("CHECKPOINT");
		}
	}

	private static Map<String, Object> time(int requests, Supplier<Integer> call) {
		return BenchSupport.time(requests, 5, call);
	}

	private static int page(BrowserSession browser, String path) {
		return browser.get(path).statusCode();
	}

}
