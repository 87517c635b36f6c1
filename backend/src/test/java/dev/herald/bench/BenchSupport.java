package dev.herald.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import dev.herald.simulator.TeamsSimulator;

/**
 * What the benches share: their options, their log, timing an endpoint, the last line
 * scripts read, and a run's cluster and simulator closed together.
 */
final class BenchSupport {

	private BenchSupport() {
	}

	/**
	 * {@code --name value} or {@code --name=value}; the names in {@code flags} take no
	 * value (they stand as {@code "true"}).
	 */
	static Map<String, String> options(String[] args, String... flags) {
		List<String> switches = List.of(flags);
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
			else if (switches.contains(arg.substring(2))) {
				options.put(arg.substring(2), "true");
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

	static void log(String format, Object... args) {
		System.err.printf("[bench] " + format + "%n", args);
	}

	/** To a tenth. */
	static double round(double value) {
		return Math.round(value * 10) / 10.0;
	}

	/**
	 * Times {@code requests} calls (each must answer 200) after {@code warmup} unmeasured
	 * ones: p50, p95 and max in ms.
	 */
	static Map<String, Object> time(int requests, int warmup, Supplier<Integer> call) {
		for (int i = 0; i < warmup; i++) {
			check(call.get());
		}
		double[] ms = new double[requests];
		for (int i = 0; i < requests; i++) {
			long start = System.nanoTime();
			check(call.get());
			ms[i] = (System.nanoTime() - start) / 1e6;
		}
		Arrays.sort(ms);
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("p50", round(ms[(int) Math.floor(0.50 * (requests - 1))]));
		figures.put("p95", round(ms[(int) Math.ceil(0.95 * (requests - 1))]));
		figures.put("max", round(ms[requests - 1]));
		return figures;
	}

	static void check(int status) {
		if (status != 200) {
			throw new IllegalStateException("Answered " + status);
		}
	}

	/** A JSON GET with a bearer token; returns the status. */
	static int get(HttpClient http, Cluster.Node node, String token, String path) {
		try {
			return http
				.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
					.header("Authorization", "Bearer " + token)
					.header("Accept", "application/json")
					.build(), HttpResponse.BodyHandlers.ofByteArray())
				.statusCode();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Downloads a CSV, counting lines as they stream in; returns the lines. */
	static long csv(HttpClient http, Cluster.Node node, String token, String path) {
		try {
			HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
				.header("Authorization", "Bearer " + token)
				.header("Accept", "text/csv")
				.build(), HttpResponse.BodyHandlers.ofInputStream());
			check(response.statusCode());
			long lines = 0;
			byte[] buffer = new byte[64 * 1024];
			try (InputStream in = response.body()) {
				int n;
				while ((n = in.read(buffer)) > 0) {
					for (int i = 0; i < n; i++) {
						if (buffer[i] == '\n') {
							lines++;
						}
					}
				}
			}
			return lines;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static void exec(Cluster cluster, String sql, Object... args) throws Exception {
		try (Connection con = cluster.connect()) {
			exec(con, sql, args);
		}
	}

	static void exec(Connection con, String sql, Object... args) throws Exception {
		try (PreparedStatement ps = con.prepareStatement(sql)) {
			for (int i = 0; i < args.length; i++) {
				ps.setObject(i + 1, args[i]);
			}
			ps.execute();
		}
	}

	/**
	 * The delivery-rate, failure and response tallies of a seeded announcement, built
	 * from its rows by the same statements as V69's backfill: a seed loads with triggers
	 * off, as a restore would.
	 */
	static void buildTallies(Connection con, long id) throws Exception {
		exec(con, """
				INSERT INTO delivery_rate (announcement_id, second, delivered)
				SELECT announcement_id, date_trunc('second', updated_at), count(*)
				FROM delivery WHERE state = 'delivered' AND announcement_id = ?
				GROUP BY 1, 2
				""", id);
		exec(con, """
				INSERT INTO failure_tally (announcement_id, state, status, reason, n)
				SELECT announcement_id, state, last_status, reason, count(*)
				FROM delivery WHERE state IN ('failed', 'blocked') AND announcement_id = ?
				GROUP BY 1, 2, 3, 4
				""", id);
		exec(con, """
				INSERT INTO response_tally (announcement_id, kind, choice, n)
				SELECT announcement_id, 'ack', '', count(*) FROM card_response
				WHERE acknowledged_at IS NOT NULL AND announcement_id = ? GROUP BY 1
				UNION ALL
				SELECT announcement_id, 'vote', choice, count(*) FROM card_response
				WHERE choice IS NOT NULL AND announcement_id = ? GROUP BY 1, 3
				""", id, id);
	}

	/** {@code bench/out/<name>-<time>}. */
	static Path workDir(String name) {
		return Path.of("bench", "out",
				name + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
	}

	/** Last, after the shutdown chatter: the one line scripts read. */
	static void printLast(String json, int exit) {
		System.out.flush();
		System.err.flush();
		System.out.println(json);
		System.exit(exit);
	}

	/**
	 * A bench's cluster in {@code work} and its simulator, closed together; interrupted
	 * (Ctrl-C, timeout), a shutdown hook takes the Herald processes and PostgreSQL along.
	 */
	static final class Run implements AutoCloseable {

		private final Path work;

		private final TeamsSimulator simulator;

		private final Cluster cluster;

		private final Thread cleanup;

		private final boolean keepDatabase;

		private Run(Path work, TeamsSimulator simulator, boolean keepDatabase) {
			this.work = work;
			this.simulator = simulator;
			this.keepDatabase = keepDatabase;
			this.cluster = Cluster.start(work, simulator);
			this.cleanup = new Thread(this.cluster::close, "bench-cleanup");
			Runtime.getRuntime().addShutdownHook(this.cleanup);
		}

		static Run start(Path work, TeamsSimulator simulator) {
			return new Run(work, simulator, false);
		}

		/** The database stays in {@code work/pgdata} after the run if asked to. */
		static Run start(Path work, TeamsSimulator simulator, boolean keepDatabase) {
			return new Run(work, simulator, keepDatabase);
		}

		Cluster cluster() {
			return this.cluster;
		}

		@Override
		public void close() throws IOException {
			this.cluster.close();
			Runtime.getRuntime().removeShutdownHook(this.cleanup);
			this.simulator.close();
			if (!this.keepDatabase) {
				Cluster.deleteRecursively(this.work.resolve("pgdata"));
			}
		}

	}

}
