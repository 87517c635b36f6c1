package dev.herald.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.bench.BenchSupport.Run;
import dev.herald.simulator.SimUser;
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
 * A year of history, then the work of a day on top of it: {@code bench/history.sh --rows
 * 20000000 --announcements 200 --paced 100000 --big 1000000}. Seeds straight into
 * Herald's tables (SQL, set-based, triggers off while loading as a restore would) a year
 * of sent announcements over the same people (ledger rows, acknowledgements and votes,
 * tallies, finished follow-ups with their items, audit rows), then measures through the
 * public API and pages, as in production: report page, JSON report and CSV of an old and
 * a new announcement; a paced send to everyone at Teams' 50/s with the retention purge of
 * the oldest month (and the audit purge) started in its middle, the send's per-second
 * rate during the purge against the rest; the database size before and after; and a send
 * to {@code --big} people (answer time and freeze time, then canceled). Last line: one
 * JSON object.
 */
public final class HistoryBench {

	/** Pages of each kind before the measured ones (see the reports' warm-up). */
	private static final int WARM_UP_PAGES = 200;

	private static final JsonMapper JSON = JsonMapper.shared();

	private HistoryBench() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = options(args, "keep-db");
		long rows = Long.parseLong(options.getOrDefault("rows", "20000000"));
		int announcements = Integer.parseInt(options.getOrDefault("announcements", "200"));
		int people = Integer.parseInt(options.getOrDefault("people", String.valueOf(rows / announcements)));
		int paced = Math.min(people, Integer.parseInt(options.getOrDefault("paced", String.valueOf(people))));
		int big = Integer.parseInt(options.getOrDefault("big", "1000000"));
		int requests = Integer.parseInt(options.getOrDefault("requests", "40"));
		int csvRequests = Integer.parseInt(options.getOrDefault("csv-requests", "3"));
		int retentionDays = Integer.parseInt(options.getOrDefault("retention-days", "335"));
		int auditRows = Integer.parseInt(options.getOrDefault("audit-rows", String.valueOf(rows / 100)));
		int followUpEvery = Integer.parseInt(options.getOrDefault("follow-up-every", "10"));
		int limit = 50;
		String xmx = options.getOrDefault("xmx", "256m");

		System.setProperty("teams-simulator.bind-address", "127.0.0.1");
		TeamsSimulator simulator = TeamsSimulator.start(SimulatorConfig.defaults()
			.withUsers(Math.max(people, big))
			.withLimits(SimulatorConfig.Limits.teams().withTenantPerSecond(limit))
			.withLatency(new SimulatorConfig.Latency(50, 300)));
		simulator.setRequireInstall(false);
		String json;
		int exit = 0;
		try (Run run = Run.start(workDir("history"), simulator, options.containsKey("keep-db"))) {
			Cluster cluster = run.cluster();
			Map<String, String> tuning = new LinkedHashMap<>();
			tuning.put("herald.dispatch.rate-per-second", String.valueOf(limit));
			tuning.put("herald.dispatch.concurrency", "64");
			tuning.put("herald.teams.read-timeout", "4s");
			tuning.put("herald.audience.sync-interval", "0");
			// The nightly jobs stay where they are; the bench calls the same purges
			// itself.
			Cluster.Node herald = cluster.launch("herald-0", tuning,
					new ArrayList<>(List.of("-Xmx" + xmx, "-Xms" + xmx, "-XX:+UseZGC")));
			herald.awaitReady(Duration.ofMinutes(10));
			// People only: the realistic tenant's blocked, disabled and unlicensed
			// accounts get no card.
			List<SimUser> users = simulator.tenant().users().stream().filter(simulator.tenant()::reachable).toList();

			Map<String, Object> result = new LinkedHashMap<>();
			result.put("rows", rows);
			result.put("announcements", announcements);
			result.put("people", people);

			// ---- a year of history ----
			long seedStart = System.nanoTime();
			log("Seeding %,d conversations", people);
			cluster.seedConversations(users.subList(0, people));
			List<Long> ids = new ArrayList<>();
			for (int k = 0; k < announcements; k++) {
				ids.add(cluster.createAnnouncement(herald, "History " + k));
			}
			seed(cluster, ids, people, auditRows, followUpEvery, simulator.tenantId());
			result.put("seed_seconds", round((System.nanoTime() - seedStart) / 1e9));
			result.put("ledger_rows", cluster.queryLong("SELECT count(*) FROM delivery"));
			result.put("card_responses", cluster.queryLong("SELECT count(*) FROM card_response"));
			result.put("follow_up_items", cluster.queryLong("SELECT count(*) FROM follow_up_item"));
			result.put("audit_rows", cluster.queryLong("SELECT count(*) FROM audit_event"));
			result.put("db_mb_seeded", dbMegabytes(cluster));
			result.put("delivery_mb_seeded",
					cluster.queryLong("SELECT pg_total_relation_size('delivery') / (1024 * 1024)"));
			log("So far: %s", JSON.writeValueAsString(result));

			// ---- reports of an old and a new announcement ----
			Map<String, Object> reports = new LinkedHashMap<>();
			// A running server is warm: the JIT compiles the report's code during the
			// first few hundred pages, so the announcement measured first paid for that
			// (p50 36-48 ms against 23-33 for the one after it). Warmed on a middle
			// announcement of the old one's shape (a poll, an edit after the send), so
			// neither measured one has its rows cached by the warm-up.
			reports.put("warm_up", reports(herald, ids.get(ids.size() / 2), WARM_UP_PAGES, 1));
			reports.put("old", reports(herald, ids.get(0), requests, csvRequests));
			reports.put("new", reports(herald, ids.get(ids.size() - 1), requests, csvRequests));
			result.put("reports_ms", reports);
			log("So far: %s", JSON.writeValueAsString(result));

			// ---- a paced send with the retention purge in its middle ----
			result.put("paced", pacedSendWithPurge(cluster, simulator, herald, paced, limit, retentionDays));
			result.put("db_mb_after_purge", dbMegabytes(cluster));
			result.put("delivery_mb_after_purge",
					cluster.queryLong("SELECT pg_total_relation_size('delivery') / (1024 * 1024)"));
			result.put("ledger_rows_after_purge", cluster.queryLong("SELECT count(*) FROM delivery"));
			log("So far: %s", JSON.writeValueAsString(result));

			// ---- the big send: answer and freeze ----
			if (big > people) {
				log("Seeding %,d more conversations", big - people);
				cluster.seedConversations(users.subList(people, big));
				cluster.settleDatabase();
			}
			result.put("big", bigSend(cluster, herald, Math.max(big, people)));
			result.put("db_mb_end", dbMegabytes(cluster));
			result.put("load_average",
					round(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
			result.put("xmx", xmx);
			json = JSON.writeValueAsString(result);
			herald.stop();
		}
		catch (RuntimeException ex) {
			ex.printStackTrace();
			json = "{\"error\":\"" + String.valueOf(ex.getMessage()).replace('"', '\'') + "\"}";
			exit = 1;
		}
		printLast(json, exit);
	}

	/**
	 * Announcement k of n finished (365 − 364·k/n) days ago, oldest first; each went to
	 * every seeded person at 50/s. Triggers are off while loading (as in a restore), so
	 * the tallies the triggers would have kept are built from the loaded rows, per
	 * announcement, by the same statements as V69's backfill.
	 */
	private static void seed(Cluster cluster, List<Long> ids, int people, int auditRows, int followUpEvery,
			String tenant) throws Exception {
		try (Connection con = cluster.connect(); Statement st = con.createStatement()) {
			st.execute("SET work_mem = '64MB'");
			st.execute("SET maintenance_work_mem = '256MB'");
			st.execute("SET session_replication_role = replica");
			int n = ids.size();
			long sendSeconds = Math.max(60, people / 50);
			long start = System.nanoTime();
			for (int k = 0; k < n; k++) {
				long id = ids.get(k);
				double daysAgo = 365.0 - k * (364.0 / n);
				boolean poll = k % 4 == 0;
				exec(con, """
						UPDATE announcement SET status = 'sent', ack_requested = true,
						  poll_question = CASE WHEN ? THEN 'Lunch?' END,
						  poll_choices = CASE WHEN ? THEN '["Red","Green","Blue","None"]'::jsonb ELSE '[]'::jsonb END,
						  finished_at = now() - make_interval(secs => ? * 86400),
						  started_at = now() - make_interval(secs => ? * 86400 + ?),
						  frozen_at = now() - make_interval(secs => ? * 86400 + ? - 2),
						  created_at = now() - make_interval(secs => ? * 86400 + ? + 86400),
						  updated_at = now() - make_interval(secs => ? * 86400)
						WHERE id = ?
						""", poll, poll, daysAgo, daysAgo, sendSeconds, daysAgo, sendSeconds, daysAgo, sendSeconds,
						daysAgo, id);
				// Mostly delivered; 1.5 % failed, 2 % blocked, 0.5 % opted out.
				exec(con,
						"""
								INSERT INTO delivery (announcement_id, recipient, recipient_kind, conversation_ref, state, attempts,
								                      last_status, reason, activity_id, next_attempt_at, updated_at)
								SELECT a.id, c.aad_object_id, 'person', c.id,
								  CASE WHEN c.id % 200 < 3 THEN 'failed' WHEN c.id % 200 < 7 THEN 'blocked'
								       WHEN c.id % 200 < 8 THEN 'opted_out' ELSE 'delivered' END,
								  CASE WHEN c.id % 200 < 7 THEN 1 + c.id % 3 WHEN c.id % 200 < 8 THEN 0 ELSE 1 END,
								  CASE WHEN c.id % 200 < 3 THEN 500 WHEN c.id % 200 < 7 THEN 403
								       WHEN c.id % 200 < 8 THEN NULL ELSE 201 END,
								  CASE WHEN c.id % 200 < 3 THEN 'Internal server error'
								       WHEN c.id % 200 < 7 THEN 'The bot is not part of the conversation roster' END,
								  CASE WHEN c.id % 200 >= 8 THEN (1700000000000 + a.id * 10000000 + c.id)::text END,
								  a.started_at,
								  a.started_at + make_interval(secs => (c.id % ?) * ?::double precision / ?)
								FROM conversation c, announcement a
								WHERE a.id = ? AND c.tenant_id = ? AND c.kind = 'personal'
								ORDER BY c.aad_object_id
								""",
						people, sendSeconds, people, id, tenant);
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
				// A fifth acknowledged, a quarter voted on polls (which fifth varies by
				// announcement).
				exec(con, """
						INSERT INTO card_response (announcement_id, tenant_id, aad_object_id, acknowledged_at, choice,
						                           voted_at, updated_at)
						SELECT d.announcement_id, ?, d.recipient,
						  CASE WHEN (d.conversation_ref + ?) % 5 = 0 THEN d.updated_at + interval '3 minutes' END,
						  CASE WHEN ? AND d.conversation_ref % 4 = 0
						       THEN (ARRAY['Red','Green','Blue','None'])[1 + d.conversation_ref % 7 % 4] END,
						  CASE WHEN ? AND d.conversation_ref % 4 = 0 THEN d.updated_at + interval '5 minutes' END,
						  d.updated_at + interval '5 minutes'
						FROM delivery d
						WHERE d.announcement_id = ? AND d.state = 'delivered'
						  AND ((d.conversation_ref + ?) % 5 = 0 OR (? AND d.conversation_ref % 4 = 0))
						ORDER BY d.recipient
						""", tenant, k, poll, poll, id, k, poll);
				buildTallies(con, id);
				if (followUpEvery > 0 && k % followUpEvery == 0) {
					// An edit after the send, finished: one item per delivered copy.
					exec(con,
							"""
									WITH f AS (
									  INSERT INTO follow_up (announcement_id, kind, status, requested_by, cutoff, planning,
									                         targets, done, created_at, finished_at)
									  SELECT a.id, 'update', 'done', 'bench', a.finished_at + interval '1 hour', false,
									         a.delivered, a.delivered, a.finished_at + interval '1 hour', a.finished_at + interval '2 hours'
									  FROM announcement a WHERE a.id = ?
									  RETURNING id, announcement_id)
									INSERT INTO follow_up_item (follow_up_id, recipient, announcement_id, conversation_ref,
									                            target_activity_id, state, attempts, last_status, updated_at)
									SELECT f.id, d.recipient, d.announcement_id, d.conversation_ref, d.activity_id, 'done', 1, 200,
									       d.updated_at + interval '1 hour'
									FROM f JOIN delivery d ON d.announcement_id = f.announcement_id AND d.state = 'delivered'
									ORDER BY d.recipient
									""",
							id);
				}
				// Who did what with it: created, submitted, approved, sent.
				exec(con, """
						INSERT INTO audit_event (at, actor_id, actor_name, actor_kind, action, announcement_id, summary)
						SELECT a.started_at - make_interval(mins => 60 - 10 * g), 'author-' || (a.id % 17), 'Author',
						       'person', (ARRAY['create', 'submit', 'approve', 'send'])[g], a.id, 'History ' || a.id
						FROM announcement a, generate_series(1, 4) g WHERE a.id = ?
						""", id);
				if (k % 10 == 9 || k == n - 1) {
					log("Seeded %d of %d announcements (%,d ledger rows) after %.0f s", k + 1, n,
							(long) (k + 1) * people, (System.nanoTime() - start) / 1e9);
				}
			}
			// The rest of a year's audit log: settings, opt-outs, roles, ... spread
			// evenly.
			exec(con, """
					INSERT INTO audit_event (at, actor_id, actor_name, actor_kind, action, summary)
					SELECT now() - make_interval(secs => 365 * 86400.0 * g / ?), 'admin-' || (g % 5), 'Admin', 'person',
					       (ARRAY['settings_change', 'opt_out_change', 'role_change', 'api_client_change'])[1 + g % 4],
					       'Bench history row ' || g
					FROM generate_series(1, ?) g
					""", auditRows, auditRows);
			st.execute("SET session_replication_role = origin");
			log("Vacuum, analyze, checkpoint");
			// What autovacuum would have done over the year, done before measuring.
			st.execute("VACUUM (ANALYZE)");
			st.execute("CHECKPOINT");
		}
	}

	private static Map<String, Object> reports(Cluster.Node herald, long id, int requests, int csvRequests) {
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		String token = TestIdentityProvider.accessToken("bench", "Herald.Author");
		BrowserSession browser = BrowserSession.signIn(herald.baseUrl(), "bench-author", "Herald.Author");
		String api = "/api/v1/announcements/" + id;
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("id", id);
		m.put("report_page", time(requests, () -> browser.get("/announcements/" + id + "/report").statusCode()));
		m.put("json_report", time(requests, () -> get(http, herald, token, api + "/report")));
		m.put("deliveries", time(requests, () -> get(http, herald, token, api + "/deliveries")));
		m.put("csv", BenchSupport.time(csvRequests, 1, () -> {
			csv(http, herald, token, api + "/deliveries.csv");
			return 200;
		}));
		return m;
	}

	/**
	 * Sends to everyone at 50/s and, a third of the way in, starts the retention purge
	 * (the settings page's "Purge now", through its API) and the audit log's purge (the
	 * function the nightly job calls), each timed. The rate during the purge and outside
	 * it come from {@code delivery_rate}, the per-second tally the report draws.
	 */
	private static Map<String, Object> pacedSendWithPurge(Cluster cluster, TeamsSimulator simulator,
			Cluster.Node herald, int recipients, int limit, int retentionDays) throws Exception {
		admin(herald, "PUT", "/api/v1/admin/settings",
				"{\"retentionDays\":" + retentionDays + ",\"auditRetentionDays\":" + retentionDays + "}");
		// Fewer people than the history's (a shorter run): the others have removed the
		// app for the time of this send (their conversation uninstalled, as Teams reports
		// it), so the installed audience is the first `recipients`.
		exec(cluster, "UPDATE conversation SET status = 'uninstalled' WHERE kind = 'personal' "
				+ "AND id >= (SELECT min(id) FROM conversation) + ?", (long) recipients);
		cluster.settleDatabase();
		long id = cluster.createAnnouncement(herald, "Paced send over history");
		long throttledBefore = throttled(simulator);
		long start = System.nanoTime();
		cluster.api(herald, "POST", "/api/v1/announcements/" + id + "/send", null);
		double answerMs = (System.nanoTime() - start) / 1e6;
		double expected = recipients / (double) limit;
		long purgeAt = start + (long) (expected / 3 * 1e9);
		AtomicReference<Map<String, Object>> purge = new AtomicReference<>();
		Thread purger = new Thread(() -> purge.set(purge(cluster, herald)), "purger");
		long deadline = start + Duration.ofSeconds((long) (expected * 2 + 300)).toNanos();
		long lastLog = 0;
		while (cluster.queryLong("SELECT count(*) FROM announcement WHERE id = ? AND status = 'sent'", id) == 0) {
			if (System.nanoTime() > deadline) {
				log("Timed out");
				break;
			}
			if (purgeAt > 0 && System.nanoTime() >= purgeAt) {
				purger.start();
				purgeAt = 0;
			}
			if (System.nanoTime() - lastLog > Duration.ofSeconds(10).toNanos()) {
				log("paced: %,d of %,d done after %.0f s",
						cluster.queryLong("SELECT delivered + failed + blocked FROM announcement WHERE id = ?", id),
						recipients, (System.nanoTime() - start) / 1e9);
				lastLog = System.nanoTime();
			}
			Cluster.sleep(1_000);
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		if (purgeAt == 0) {
			purger.join();
		}
		exec(cluster, "UPDATE conversation SET status = 'active' WHERE kind = 'personal' AND status = 'uninstalled'");
		Map<String, Object> m = new LinkedHashMap<>();
		long delivered = cluster.queryLong("SELECT delivered FROM announcement WHERE id = ?", id);
		JsonNode received = cluster.deliveries(id);
		m.put("recipients", recipients);
		m.put("delivered", delivered);
		m.put("lost", Math.max(0, recipients - received.path("conversations").asLong()
				- cluster.queryLong("SELECT failed + blocked FROM announcement WHERE id = ?", id)));
		m.put("duplicates", received.path("duplicated").asLong());
		m.put("throttled_429", throttled(simulator) - throttledBefore);
		m.put("send_request_ms", round(answerMs));
		m.put("freeze_ms", cluster.queryLong(
				"SELECT (extract(epoch FROM frozen_at - started_at) * 1000)::bigint FROM announcement WHERE id = ?",
				id));
		m.put("achieved_per_s", round(delivered / seconds));
		m.put("seconds", round(seconds));
		Map<String, Object> p = purge.get();
		if (p != null) {
			m.put("purge", p);
			// Whole seconds strictly inside the purge, against whole seconds of the send
			// outside it (its first and last 5 s left out: ramp-up and tail).
			String from = (String) p.remove("db_from");
			String to = (String) p.remove("db_to");
			m.put("per_s_during_purge", rate(cluster, id, """
					SELECT date_trunc('second', CAST(? AS timestamptz)) + interval '1 second',
					       date_trunc('second', CAST(? AS timestamptz)) - interval '1 second'
					""", null, from, to, false));
			m.put("per_s_outside_purge", rate(cluster, id, """
					SELECT min(second) + interval '5 seconds', max(second) - interval '5 seconds'
					FROM delivery_rate WHERE announcement_id = ?
					""", id, from, to, true));
		}
		return m;
	}

	private static Map<String, Object> purge(Cluster cluster, Cluster.Node herald) {
		Map<String, Object> m = new LinkedHashMap<>();
		try (Connection con = cluster.connect(); Statement st = con.createStatement()) {
			m.put("db_from", text(st, "SELECT clock_timestamp()::text"));
			log("Retention purge starts");
			long start = System.nanoTime();
			JsonNode purged = admin(herald, "POST", "/api/v1/admin/retention/purge", null);
			m.put("retention_seconds", round((System.nanoTime() - start) / 1e9));
			m.put("announcements", purged.path("announcements").asLong());
			m.put("deliveries", purged.path("deliveries").asLong());
			m.put("other_rows", purged.path("otherRows").asLong());
			long auditStart = System.nanoTime();
			m.put("audit_rows", Long.parseLong(text(st, "SELECT audit_event_purge()::text")));
			m.put("audit_seconds", round((System.nanoTime() - auditStart) / 1e9));
			m.put("db_to", text(st, "SELECT clock_timestamp()::text"));
			m.put("seconds", round((System.nanoTime() - start) / 1e9));
			log("Purge done: %s", m);
		}
		catch (Exception ex) {
			m.put("error", ex.toString());
		}
		return m;
	}

	/**
	 * Mean deliveries per second over every second from the bounds the first query gives
	 * (a second without any delivery counts as 0), inside or outside the purge's whole
	 * seconds; null when there is no such second.
	 */
	private static Double rate(Cluster cluster, long id, String bounds, Object boundArg1, String from, String to,
			boolean outside) throws Exception {
		Object[] boundArgs = outside ? new Object[] { boundArg1 } : new Object[] { from, to };
		String sql = "WITH b AS (" + bounds + """
				)
				SELECT avg(COALESCE(r.delivered, 0))
				FROM b, generate_series(b.lo, b.hi, interval '1 second') s(second)
				LEFT JOIN delivery_rate r ON r.announcement_id = ? AND r.second = s.second
				WHERE (s.second BETWEEN date_trunc('second', CAST(? AS timestamptz))
				                    AND date_trunc('second', CAST(? AS timestamptz))) <> ?
				""";
		sql = sql.replace("b AS (SELECT", "b(lo, hi) AS (SELECT");
		try (Connection con = cluster.connect(); PreparedStatement ps = con.prepareStatement(sql)) {
			int i = 1;
			for (Object arg : boundArgs) {
				ps.setObject(i++, arg);
			}
			ps.setLong(i++, id);
			ps.setString(i++, from);
			ps.setString(i++, to);
			ps.setBoolean(i, outside);
			try (ResultSet rs = ps.executeQuery()) {
				rs.next();
				double value = rs.getDouble(1);
				return rs.wasNull() ? null : round(value);
			}
		}
	}

	private static Map<String, Object> bigSend(Cluster cluster, Cluster.Node herald, int recipients) {
		long id = cluster.createAnnouncement(herald, "Big send over history");
		long start = System.nanoTime();
		cluster.api(herald, "POST", "/api/v1/announcements/" + id + "/send", null);
		double answerMs = (System.nanoTime() - start) / 1e6;
		long deadline = start + Duration.ofMinutes(10).toNanos();
		while (cluster.queryLong("SELECT count(*) FROM announcement WHERE id = ? AND frozen_at IS NOT NULL", id) == 0
				&& System.nanoTime() < deadline) {
			Cluster.sleep(200);
		}
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("recipients", cluster.queryLong("SELECT recipients FROM announcement WHERE id = ?", id));
		m.put("send_request_ms", round(answerMs));
		m.put("freeze_ms", cluster.queryLong(
				"SELECT (extract(epoch FROM frozen_at - started_at) * 1000)::bigint FROM announcement WHERE id = ?",
				id));
		// Only the freeze is measured here (sending 1M at 50/s takes 5.5 hours).
		cluster.api(herald, "POST", "/api/v1/announcements/" + id + "/cancel", null);
		return m;
	}

	private static JsonNode admin(Cluster.Node node, String method, String path, String json) {
		String token = TestIdentityProvider.accessToken("bench-admin", "Herald.Admin");
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
			.timeout(Duration.ofMinutes(30))
			.header("Authorization", "Bearer " + token)
			.header("Accept", "application/json");
		if (json != null) {
			request.header("Content-Type", "application/json")
				.method(method, HttpRequest.BodyPublishers.ofString(json));
		}
		else {
			request.method(method, HttpRequest.BodyPublishers.noBody());
		}
		try {
			HttpResponse<String> response = HttpClient.newHttpClient()
				.send(request.build(), HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() >= 300) {
				throw new IllegalStateException(
						method + " " + path + " answered " + response.statusCode() + ": " + response.body());
			}
			return JSON.readTree(response.body());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static long dbMegabytes(Cluster cluster) {
		return cluster.queryLong("SELECT pg_database_size(current_database()) / (1024 * 1024)");
	}

	private static String text(Statement st, String sql) throws Exception {
		try (ResultSet rs = st.executeQuery(sql)) {
			rs.next();
			return rs.getString(1);
		}
	}

	private static long throttled(TeamsSimulator simulator) {
		return ((Number) ((Map<?, ?>) simulator.stats().get("throttled429")).get("total")).longValue();
	}

	private static Map<String, Object> time(int requests, Supplier<Integer> call) {
		return BenchSupport.time(requests, 10, call);
	}

}
