package dev.herald.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.simulator.SimUser;
import dev.herald.simulator.TeamsSimulator;
import dev.herald.support.HeraldTestProperties;
import dev.herald.support.TestIdentityProvider;

/**
 * Several Herald processes, one restartable embedded PostgreSQL (fixed port and data
 * directory, so it can be stopped and started again like a real server), one Teams
 * simulator and the local OpenID provider, all on loopback. Used by the process-level
 * dispatcher tests (kill -9, database outage, two instances) and by the benchmark.
 */
public final class Cluster implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.shared();

	private final Path workDir;

	private final TeamsSimulator simulator;

	private final int dbPort;

	private EmbeddedPostgres postgres;

	private final List<Node> nodes = new ArrayList<>();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private Cluster(Path workDir, TeamsSimulator simulator) throws IOException {
		this.workDir = workDir;
		this.simulator = simulator;
		this.dbPort = freePort();
		// A cluster starts from an empty database; only its own stops and starts keep
		// data.
		deleteRecursively(workDir.resolve("pgdata"));
		startDatabase();
	}

	public static Cluster start(Path workDir, TeamsSimulator simulator) {
		try {
			Files.createDirectories(workDir);
			return new Cluster(workDir, simulator);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public TeamsSimulator simulator() {
		return this.simulator;
	}

	// ---- database ----

	public void startDatabase() throws IOException {
		this.postgres = EmbeddedPostgres.builder()
			.setPort(this.dbPort)
			.setDataDirectory(this.workDir.resolve("pgdata"))
			.setCleanDataDirectory(false)
			.setServerConfig("listen_addresses", "127.0.0.1")
			.setServerConfig("max_connections", "100")
			.setServerConfig("fsync", "on")
			// The embedded default is off; the ledger's promises assume durable commits.
			.setServerConfig("synchronous_commit", "on")
			// PostgreSQL's own log next to the nodes' logs: plans of slow statements,
			// every autovacuum, lock waits; what explains a stall in a run.
			.setServerConfig("logging_collector", "on")
			.setServerConfig("log_directory", this.workDir.resolve("pglog").toAbsolutePath().toString())
			.setServerConfig("shared_preload_libraries", "auto_explain")
			.setServerConfig("auto_explain.log_min_duration", "250ms")
			.setServerConfig("auto_explain.log_analyze", "off")
			.setServerConfig("log_autovacuum_min_duration", "0")
			.setServerConfig("log_lock_waits", "on")
			.start();
		if (JUDGE_PRIORITY > 0) {
			// PostgreSQL is Herald's, not the judge's: back to the normal priority (its
			// backends fork from the postmaster and inherit it).
			String postmaster = Files.readAllLines(this.workDir.resolve("pgdata").resolve("postmaster.pid"))
				.get(0)
				.trim();
			List<String> pids = new ArrayList<>(List.of(postmaster));
			ProcessHandle.of(Long.parseLong(postmaster))
				.ifPresent((p) -> p.children().forEach((c) -> pids.add(Long.toString(c.pid()))));
			List<String> renice = new ArrayList<>(List.of("renice", "-n", "0", "-p"));
			renice.addAll(pids);
			try {
				new ProcessBuilder(renice).redirectErrorStream(true).start().waitFor();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * The benchmarks' judge (the Teams simulator in the driver JVM) may run at a higher
	 * CPU priority than Herald and its database ({@code -Dbench.judge-priority=N}: the
	 * driver runs at niceness -N, Herald and PostgreSQL at 0). Teams' servers do not
	 * share Herald's two cores; co-located, the simulator's arrival stamps would be late
	 * whenever Herald or PostgreSQL held the CPUs, and its one-second window would charge
	 * Herald for that. Off (0) in tests.
	 */
	private static final int JUDGE_PRIORITY = Integer.getInteger("bench.judge-priority", 0);

	/** Stops PostgreSQL (fast shutdown: open connections are closed). */
	public void stopDatabase() throws IOException {
		this.postgres.close();
	}

	public String jdbcUrl() {
		return "jdbc:postgresql://127.0.0.1:" + this.dbPort + "/postgres";
	}

	public Connection connect() throws SQLException {
		return DriverManager.getConnection(jdbcUrl(), "postgres", "postgres");
	}

	public long queryLong(String sql, Object... args) {
		try (Connection con = connect(); PreparedStatement ps = con.prepareStatement(sql)) {
			for (int i = 0; i < args.length; i++) {
				ps.setObject(i + 1, args[i]);
			}
			try (ResultSet rs = ps.executeQuery()) {
				rs.next();
				return rs.getLong(1);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Writes one active personal conversation per user straight into the database,
	 * pointing at the simulator (dispatcher tests skip the install callbacks of the bot
	 * module; the rows are what those callbacks would store).
	 */
	/**
	 * Vacuums and analyzes what the seeding wrote and checkpoints, as a database that has
	 * held these conversations for a while would be.
	 */
	public void settleDatabase() {
		try (Connection con = connect(); var statement = con.createStatement()) {
			statement.execute("VACUUM (ANALYZE) conversation");
			statement.execute("CHECKPOINT");
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public void seedConversations(List<SimUser> users) {
		try (Connection con = connect()) {
			int chunk = 10_000;
			for (int from = 0; from < users.size(); from += chunk) {
				List<SimUser> part = users.subList(from, Math.min(users.size(), from + chunk));
				try (PreparedStatement ps = con.prepareStatement("""
						INSERT INTO conversation (kind, tenant_id, aad_object_id, conversation_id, service_url)
						SELECT 'personal', ?, u.aad, u.conv, ? FROM unnest(?::text[], ?::text[]) AS u(aad, conv)
						ON CONFLICT DO NOTHING
						""")) {
					ps.setString(1, this.simulator.tenantId());
					ps.setString(2, this.simulator.serviceUrl());
					Array aads = con.createArrayOf("text", part.stream().map(SimUser::id).toArray());
					Array convs = con.createArrayOf("text",
							part.stream().map((u) -> this.simulator.conversationIdFor(u.id())).toArray());
					ps.setArray(3, aads);
					ps.setArray(4, convs);
					ps.executeUpdate();
				}
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	// ---- Herald processes ----

	/** Starts a Herald JVM and waits until it answers on its health endpoint. */
	public Node startNode(String name, Map<String, String> extra, List<String> jvmOptions) {
		Node node = launch(name, extra, jvmOptions);
		node.awaitReady(Duration.ofSeconds(120));
		return node;
	}

	public Node launch(String name, Map<String, String> extra, List<String> jvmOptions) {
		int port = freePort();
		Map<String, String> props = new LinkedHashMap<>();
		props.put("server.port", String.valueOf(port));
		props.put("server.address", "127.0.0.1");
		props.put("spring.datasource.url", jdbcUrl());
		props.put("spring.datasource.username", "postgres");
		props.put("spring.datasource.password", "postgres");
		props.put("spring.datasource.hikari.connection-timeout", "3000");
		props.put("spring.main.banner-mode", "off");
		HeraldTestProperties.apply((key, value) -> props.put(key, String.valueOf(value.get())), this.simulator,
				TestIdentityProvider.issuerUrl());
		// No directory sync unless asked: guests (known from the directory) would leave
		// the default audience halfway through a test's setup.
		props.put("herald.audience.sync-interval", "0");
		props.putAll(extra);
		List<String> command = new ArrayList<>();
		if (JUDGE_PRIORITY > 0) {
			// Relative to the driver's -N: Herald runs at the normal priority.
			command.addAll(List.of("nice", "-n", Integer.toString(JUDGE_PRIORITY)));
		}
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(jvmOptions);
		command.add("-cp");
		command.add(classPath());
		command.add(HeraldNode.class.getName());
		props.forEach((key, value) -> command.add("--" + key + "=" + value));
		Path log = this.workDir.resolve(name + ".log");
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
				.start();
			Node node = new Node(name, process, port, log);
			this.nodes.add(node);
			return node;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String classPath() {
		// Surefire hands its forked JVM a manifest-only jar; the real path is here.
		String surefire = System.getProperty("surefire.test.class.path");
		return (surefire != null && !surefire.isBlank()) ? surefire : System.getProperty("java.class.path");
	}

	// ---- API ----

	/** Creates an announcement through the public API of {@code node}; returns its id. */
	public long createAnnouncement(Node node, String title) {
		JsonNode created = api(node, "POST", "/api/v1/announcements",
				"{\"title\":\"" + title + "\",\"summary\":\"Dispatcher run\"}");
		return created.path("id").asLong();
	}

	/** An URGENT announcement, created by an Admin (authors need a guardrail's grant). */
	public long createUrgentAnnouncement(Node node, String title) {
		return api(node, "POST", "/api/v1/announcements",
				"{\"title\":\"" + title + "\",\"summary\":\"Dispatcher run\",\"importance\":\"URGENT\"}",
				TestIdentityProvider.accessToken("bench-admin", "Herald.Admin"))
			.path("id")
			.asLong();
	}

	/** Herald's Teams app package, as an admin downloads it. */
	public byte[] appPackage(Node node) {
		try {
			return HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/api/v1/admin/teams-app.zip"))
					.header("Authorization",
							"Bearer " + TestIdentityProvider.accessToken("bench-admin", "Herald.Admin"))
					.build(), HttpResponse.BodyHandlers.ofByteArray())
				.body();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	public JsonNode api(Node node, String method, String path, String json) {
		return api(node, method, path, json, TestIdentityProvider.accessToken("bench", "Herald.Author"));
	}

	public JsonNode api(Node node, String method, String path, String json, String token) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
			.timeout(Duration.ofSeconds(60))
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
			HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() >= 300) {
				throw new IllegalStateException(
						method + " " + path + " answered " + response.statusCode() + ": " + response.body());
			}
			return JSON.readTree(response.body());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * What the simulator received for an announcement: {conversations, duplicated,
	 * activities}.
	 */
	public JsonNode deliveries(long announcementId) {
		try {
			String marker = java.net.URLEncoder.encode("\"herald-announcement-" + announcementId + "\"",
					java.nio.charset.StandardCharsets.UTF_8);
			HttpResponse<String> response = this.http
				.send(HttpRequest.newBuilder(URI.create(this.simulator.baseUrl() + "/_sim/deliveries?marker=" + marker))
					.build(), HttpResponse.BodyHandlers.ofString());
			return JSON.readTree(response.body());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Closes a test class's cluster and simulator, either of which may not have started.
	 */
	public static void close(Cluster cluster, TeamsSimulator simulator) {
		if (cluster != null) {
			cluster.close();
		}
		if (simulator != null) {
			simulator.close();
		}
	}

	@Override
	public synchronized void close() {
		for (Node node : this.nodes) {
			node.kill();
		}
		this.nodes.clear();
		try {
			if (this.postgres != null) {
				this.postgres.close();
				this.postgres = null;
			}
		}
		catch (IOException ex) {
			// best effort
		}
	}

	static void deleteRecursively(Path directory) throws IOException {
		if (!Files.exists(directory)) {
			return;
		}
		try (var files = Files.walk(directory)) {
			for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
				Files.delete(file);
			}
		}
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** One Herald process. */
	public static final class Node {

		private final String name;

		private final Process process;

		private final int port;

		private final Path log;

		Node(String name, Process process, int port, Path log) {
			this.name = name;
			this.process = process;
			this.port = port;
			this.log = log;
		}

		public String baseUrl() {
			return "http://127.0.0.1:" + this.port;
		}

		public long pid() {
			return this.process.pid();
		}

		public Path log() {
			return this.log;
		}

		public boolean isAlive() {
			return this.process.isAlive();
		}

		public void awaitReady(Duration timeout) {
			HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
			long deadline = System.nanoTime() + timeout.toNanos();
			while (System.nanoTime() < deadline) {
				if (!this.process.isAlive()) {
					throw new IllegalStateException(
							this.name + " exited with " + this.process.exitValue() + "; see " + this.log);
				}
				try {
					HttpResponse<String> response = client.send(
							HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health")).build(),
							HttpResponse.BodyHandlers.ofString());
					if (response.statusCode() == 200) {
						return;
					}
				}
				catch (IOException ex) {
					// not up yet
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
				sleep(250);
			}
			throw new IllegalStateException(this.name + " did not start within " + timeout + "; see " + this.log);
		}

		/** SIGKILL: no shutdown hook, no last write. */
		public void kill() {
			this.process.destroyForcibly();
			waitFor();
		}

		/** SIGTERM: Herald's clean shutdown. */
		public void stop() {
			this.process.destroy();
			waitFor();
		}

		private void waitFor() {
			try {
				this.process.waitFor(60, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		public String name() {
			return this.name;
		}

		/** A GET of the admin API with an Admin token, as JSON. */
		public JsonNode adminGet(String path) {
			try {
				HttpResponse<String> response = HttpClient.newHttpClient()
					.send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
						.timeout(Duration.ofSeconds(5))
						.header("Authorization", "Bearer " + TestIdentityProvider.accessToken("bench", "Herald.Admin"))
						.header("Accept", "application/json")
						.build(), HttpResponse.BodyHandlers.ofString());
				return JSON.readTree(response.body());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

		/** Sum of a Prometheus metric on this node (all label sets), or NaN if absent. */
		public double metric(String name) {
			try {
				HttpResponse<String> response = HttpClient.newHttpClient()
					.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/prometheus"))
						.header("Authorization", "Bearer " + TestIdentityProvider.accessToken("bench", "Herald.Admin"))
						.build(), HttpResponse.BodyHandlers.ofString());
				double sum = Double.NaN;
				for (String line : response.body().split("\n")) {
					boolean matches = name.contains("{") ? line.startsWith(name)
							: (line.startsWith(name + "{") || line.startsWith(name + " "));
					if (matches) {
						double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
						sum = Double.isNaN(sum) ? value : sum + value;
					}
				}
				return sum;
			}
			catch (IOException ex) {
				return Double.NaN;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return Double.NaN;
			}
		}

	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
