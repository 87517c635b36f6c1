package dev.herald.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.json.JsonMapper;

import dev.herald.simulator.SimUser;
import dev.herald.simulator.SimulatorConfig;
import dev.herald.simulator.TeamsSimulator;
import dev.herald.support.TestIdentityProvider;

/**
 * The e-mail fallback at scale over Graph (#26):
 * {@code bench/email.sh --people N --mailbox-per-minute M}. Starts an embedded
 * PostgreSQL, the Teams simulator (in this JVM: Exchange Online's sendMail with its
 * limits per mailbox) and one Herald process with the Graph transport and two sender
 * mailboxes. Seeds N people with a chat who all blocked the bot, syncs the directory
 * (their addresses), sends one announcement with the e-mail fallback, and waits until
 * Herald's e-mail ledger has nothing left to send. Judged from the simulator: e-mails
 * accepted per mailbox, refusals by a limit (429 per minute, per day, concurrency), the
 * rate between the first and the last accepted e-mail against the limit, people planned
 * but never mailed (lost) and people mailed twice (duplicates).
 * <p>
 * Time scale: Exchange allows 30 messages a minute per mailbox, so 20,000 e-mails over
 * two take about 5.5 hours. {@code --mailbox-per-minute M} raises the simulator's
 * per-minute limit to M and Herald's pace ({@code herald.email.mailbox-rate-per-minute})
 * to {@code M × 29/30} (Herald's own margin at the real limit;
 * {@code --herald-per-minute} overrides). The 10,000 recipients a day per mailbox stay
 * real: 20,000 over two mailboxes reach it exactly, so Herald must spread them evenly.
 * Prints as its last line one JSON object.
 */
public final class EmailBench {

	private static final JsonMapper JSON = JsonMapper.shared();

	private EmailBench() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = parse(args);
		int people = Integer.parseInt(options.getOrDefault("people", "20000"));
		int perMinute = Integer.parseInt(options.getOrDefault("mailbox-per-minute", "30"));
		double heraldPerMinute = Double
			.parseDouble(options.getOrDefault("herald-per-minute", String.valueOf(perMinute * 29.0 / 30.0)));
		int mailboxes = Integer.parseInt(options.getOrDefault("mailboxes", "2"));
		String xmx = options.getOrDefault("xmx", "512m");

		System.setProperty("teams-simulator.bind-address", "127.0.0.1");
		// Teams is not what is measured: its limits are off, and every person blocked the
		// bot, so the send ends at once with all of them 'blocked'.
		TeamsSimulator simulator = TeamsSimulator.start(SimulatorConfig.defaults()
			// The realistic tenant has rooms, leavers, guests besides people: enough more
			// accounts that N people (not guests: the default audience leaves them out)
			// remain.
			.withUsers((int) Math.ceil((people + mailboxes) * 1.15) + 20)
			.withLimits(SimulatorConfig.Limits.off()));
		simulator.setRequireInstall(false);
		simulator.setMailPerMinute(perMinute);
		Set<String> permissions = new HashSet<>(SimulatorConfig.DEFAULT_GRAPH_PERMISSIONS);
		permissions.add("Mail.Send");
		simulator.setGraphPermissions(simulator.botAppId(), permissions);

		Path work = Path.of("bench", "out",
				"email-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
		Cluster cluster = Cluster.start(work, simulator);
		Thread cleanup = new Thread(cluster::close, "bench-cleanup");
		Runtime.getRuntime().addShutdownHook(cleanup);
		String json;
		int exit = 0;
		try {
			List<SimUser> everyone = simulator.tenant()
				.users()
				.stream()
				.filter(simulator.tenant()::reachable)
				.filter((u) -> !u.guest() && u.mail() != null && !u.mail().isBlank())
				.toList();
			if (everyone.size() < people + mailboxes) {
				throw new IllegalStateException(
						"The tenant has " + everyone.size() + " people, " + (people + mailboxes) + " needed");
			}
			List<SimUser> audience = everyone.subList(0, people);
			List<String> senders = everyone.subList(people, people + mailboxes)
				.stream()
				.map((u) -> u.mail().toLowerCase(Locale.ROOT))
				.toList();
			audience.forEach((u) -> simulator.block(u.id()));

			Map<String, String> tuning = new LinkedHashMap<>();
			tuning.put("herald.dispatch.rate-per-second", "0");
			tuning.put("herald.email.transport", "graph");
			tuning.put("herald.email.graph-mailboxes", String.join(",", senders));
			tuning.put("herald.email.mailbox-rate-per-minute", String.valueOf(heraldPerMinute));
			tuning.put("herald.email.unsubscribe-secret", "bench-unsubscribe-secret-0123456789abcdef");
			tuning.put("herald.email.public-url", "https://herald.bench.test");
			tuning.put("logging.level.dev.herald.email", "INFO");
			Cluster.Node herald = cluster.launch("herald-0", tuning,
					List.of("-Xmx" + xmx, "-Xms" + xmx, "-XX:+UseParallelGC"));
			herald.awaitReady(Duration.ofMinutes(5));

			log("Syncing the directory (%,d accounts) and seeding %,d chats", simulator.tenant().users().size(),
					people);
			post(herald, "/api/v1/admin/directory/sync", Duration.ofMinutes(15));
			cluster.seedConversations(audience);
			cluster.settleDatabase();

			long id = cluster
				.api(herald, "POST", "/api/v1/announcements",
						"{\"title\":\"E-mail benchmark\",\"summary\":\"The **fallback** at scale: "
								+ "[details](https://example.com/details)\",\"emailFallback\":true,"
								+ "\"buttons\":[{\"title\":\"Open\",\"url\":\"https://example.com/open\"}]}")
				.path("id")
				.asLong();
			double expectedMinutes = people / (mailboxes * heraldPerMinute);
			log("Sending announcement %d to %,d people; e-mail at %.1f a minute per mailbox (limit %d): about %.1f min",
					id, people, heraldPerMinute, perMinute, expectedMinutes);
			long start = System.nanoTime();
			Instant startedAt = Instant.now();
			cluster.api(herald, "POST", "/api/v1/announcements/" + id + "/send", null);
			long deadline = start + Duration.ofSeconds((long) (expectedMinutes * 60 * 1.5) + 600).toNanos();
			while (cluster.queryLong("SELECT count(*) FROM announcement WHERE id = ? AND status = 'sent'", id) == 0) {
				check(deadline, herald, "the Teams send");
				Cluster.sleep(500);
			}
			double teamsSeconds = (System.nanoTime() - start) / 1e9;
			while (cluster.queryLong("SELECT count(*) FROM email_plan WHERE announcement_id = ?", id) == 0) {
				check(deadline, herald, "the fallback's plan");
				Cluster.sleep(500);
			}
			log("Teams send done in %.1f s; fallback planned: %,d e-mails", teamsSeconds,
					cluster.queryLong("SELECT queued FROM email_plan WHERE announcement_id = ?", id));
			long lastLog = System.nanoTime();
			boolean finished = true;
			while (cluster.queryLong(
					"SELECT count(*) FROM email_delivery WHERE announcement_id = ? AND state IN ('queued', 'sending')",
					id) > 0) {
				if (System.nanoTime() > deadline || !herald.isAlive()) {
					finished = false;
					break;
				}
				if (System.nanoTime() - lastLog > Duration.ofSeconds(30).toNanos()) {
					log("%,d e-mails accepted by the simulator",
							((Number) simulator.mailStats().get("accepted")).longValue());
					lastLog = System.nanoTime();
				}
				Cluster.sleep(1000);
			}
			double totalSeconds = (System.nanoTime() - start) / 1e9;
			// Nothing more arrives after the ledger is done (a late duplicate would).
			Cluster.sleep(3000);

			Map<String, Object> result = new LinkedHashMap<>();
			result.put("people", people);
			result.put("mailboxes", mailboxes);
			result.put("limit_per_minute_per_mailbox", perMinute);
			result.put("time_scale", perMinute / 30.0);
			result.put("herald_per_minute_per_mailbox", heraldPerMinute);
			result.put("recipients_per_day_per_mailbox", 10_000);
			result.put("finished", finished);

			// Judged from the simulator: what each mailbox accepted, and to whom.
			Map<String, Object> stats = simulator.mailStats();
			@SuppressWarnings("unchecked")
			Map<String, Map<String, Object>> boxes = (Map<String, Map<String, Object>>) stats.get("mailboxes");
			Map<String, Integer> mailedTimes = new HashMap<>();
			Map<String, Object> perBox = new LinkedHashMap<>();
			long accepted = 0;
			Instant first = null;
			Instant last = null;
			double rateSum = 0;
			for (String sender : senders) {
				Map<String, Object> box = boxes.getOrDefault(sender, Map.of());
				long sent = (box.get("sent") instanceof Number n) ? n.longValue() : 0;
				accepted += sent;
				simulator.mailRecipients(sender).forEach((to, n) -> mailedTimes.merge(to, n, Integer::sum));
				Map<String, Object> out = new LinkedHashMap<>();
				out.put("accepted", sent);
				out.put("peak_in_flight", box.get("peakInFlight"));
				if (box.get("firstAcceptedAt") != null && sent > 1) {
					Instant f = Instant.parse((String) box.get("firstAcceptedAt"));
					Instant l = Instant.parse((String) box.get("lastAcceptedAt"));
					first = (first == null || f.isBefore(first)) ? f : first;
					last = (last == null || l.isAfter(last)) ? l : last;
					double rate = (sent - 1) * 60_000.0 / Math.max(1, Duration.between(f, l).toMillis());
					rateSum += rate;
					out.put("seconds", round(Duration.between(f, l).toMillis() / 1000.0));
					out.put("rate_per_minute", round(rate));
					out.put("rate_vs_limit", round(rate / perMinute));
				}
				perBox.put(sender, out);
			}
			result.put("accepted_per_mailbox", perBox);
			result.put("accepted", accepted);
			Map<String, Object> exceeded = new LinkedHashMap<>();
			exceeded.put("total", stats.get("limitExceeded"));
			exceeded.put("per_minute_429", stats.get("minuteExceeded"));
			exceeded.put("per_day_refused", stats.get("dayExceeded"));
			exceeded.put("concurrency_429", stats.get("concurrencyExceeded"));
			result.put("limit_exceeded", exceeded);
			// The rate while e-mails were flowing, against the limit of all mailboxes:
			// each mailbox's rate between its first and last accepted e-mail, summed.
			result.put("rate_per_minute", round(rateSum));
			result.put("limit_per_minute", perMinute * mailboxes);
			result.put("rate_vs_limit", round(rateSum / (perMinute * mailboxes)));
			if (first != null) {
				result.put("email_seconds", round(Duration.between(first, last).toMillis() / 1000.0));
				result.put("first_email_after_send_seconds",
						round(Duration.between(startedAt, first).toMillis() / 1000.0));
			}
			result.put("teams_send_seconds", round(teamsSeconds));
			result.put("total_seconds", round(totalSeconds));

			// Planned (queued at plan time, with an address) against mailed.
			List<String> planned = addresses(cluster, id);
			long lost = planned.stream().filter((a) -> !mailedTimes.containsKey(a)).count();
			long duplicates = mailedTimes.values().stream().filter((n) -> n > 1).count();
			Set<String> plannedSet = new HashSet<>(planned);
			long strangers = mailedTimes.keySet().stream().filter((a) -> !plannedSet.contains(a)).count();
			result.put("planned", planned.size());
			result.put("without_address",
					cluster.queryLong("SELECT without_address FROM email_plan WHERE announcement_id = ?", id));
			result.put("mailed_people", mailedTimes.size());
			result.put("lost", lost);
			result.put("duplicates", duplicates);
			result.put("mailed_outside_plan", strangers);
			result.put("ledger", ledger(cluster, id));
			// How the Teams send ended (who the fallback was for): the report's counts.
			Map<String, Object> teams = new LinkedHashMap<>();
			cluster.api(herald, "GET", "/api/v1/announcements/" + id + "/report", null).properties().forEach((e) -> {
				if (e.getValue().isNumber() && e.getValue().asLong() != 0) {
					teams.put(e.getKey(), e.getValue().asLong());
				}
			});
			result.put("teams", teams);
			long excess = ((Number) stats.get("limitExceeded")).longValue();
			boolean ok = finished && excess == 0 && lost == 0 && duplicates == 0 && strangers == 0
					&& rateSum / (perMinute * mailboxes) >= 0.95;
			result.put("ok", ok);
			result.put("load_average", Math
				.round(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() * 100)
					/ 100.0);
			result.put("logs", work.toString());
			json = JSON.writeValueAsString(result);
			exit = ok ? 0 : 1;
			herald.stop();
		}
		finally {
			cluster.close();
			Runtime.getRuntime().removeShutdownHook(cleanup);
			simulator.close();
			Cluster.deleteRecursively(work.resolve("pgdata"));
		}
		System.out.flush();
		System.err.flush();
		System.out.println(json);
		System.exit(exit);
	}

	/** Addresses of the people the fallback planned to mail (queued when planned). */
	private static List<String> addresses(Cluster cluster, long id) throws SQLException {
		List<String> out = new ArrayList<>();
		try (Connection con = cluster.connect();
				PreparedStatement ps = con.prepareStatement(
						"SELECT lower(address) FROM email_delivery WHERE announcement_id = ? AND address IS NOT NULL")) {
			ps.setLong(1, id);
			try (ResultSet rs = ps.executeQuery()) {
				while (rs.next()) {
					out.add(rs.getString(1));
				}
			}
		}
		return out;
	}

	/** Herald's own view: e-mail rows per state (and reason when not sent). */
	private static Map<String, Long> ledger(Cluster cluster, long id) throws SQLException {
		Map<String, Long> out = new LinkedHashMap<>();
		try (Connection con = cluster.connect(); PreparedStatement ps = con.prepareStatement("""
				SELECT state || COALESCE(': ' || reason, ''), count(*) FROM email_delivery
				WHERE announcement_id = ? GROUP BY 1 ORDER BY 2 DESC
				""")) {
			ps.setLong(1, id);
			try (ResultSet rs = ps.executeQuery()) {
				while (rs.next()) {
					out.put(rs.getString(1), rs.getLong(2));
				}
			}
		}
		return out;
	}

	private static void check(long deadline, Cluster.Node herald, String what) {
		if (!herald.isAlive()) {
			throw new IllegalStateException("Herald exited during " + what + "; see " + herald.log());
		}
		if (System.nanoTime() > deadline) {
			throw new IllegalStateException("Timed out waiting for " + what + "; see " + herald.log());
		}
	}

	/** An admin POST with a long timeout (a directory sync of a large tenant). */
	private static void post(Cluster.Node node, String path, Duration timeout) throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
				.timeout(timeout)
				.header("Authorization", "Bearer " + TestIdentityProvider.accessToken("bench-admin", "Herald.Admin"))
				.POST(HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			throw new IllegalStateException(
					"POST " + path + " answered " + response.statusCode() + ": " + response.body());
		}
	}

	private static double round(double value) {
		return Math.round(value * 1000) / 1000.0;
	}

	private static void log(String format, Object... args) {
		System.err.printf(Locale.ROOT, "[email-bench] " + format + "%n", args);
	}

	private static Map<String, String> parse(String[] args) {
		Map<String, String> options = new LinkedHashMap<>();
		for (int i = 0; i + 1 < args.length; i += 2) {
			options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
		}
		return options;
	}

}
