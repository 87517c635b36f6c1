package dev.herald.dispatch;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.bench.Cluster;
import dev.herald.simulator.SimUser;
import dev.herald.simulator.SimulatorConfig;
import dev.herald.simulator.TeamsSimulator;
import dev.herald.support.Await;
import dev.herald.support.TestIdentityProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Teams' Connector limit is one budget per app and tenant: two Herald processes on one
 * database, doing every kind of call at once (a broadcast, a recall, welcomes after
 * installs, a command reply, a test copy), stay together within it. The judge is the
 * simulator's count of Connector calls in each second (10/s here, so the test is short),
 * and every call is done.
 */
@Tag("slow")
class SharedConnectorBudgetProcessTests {

	private static final List<String> JVM = List.of("-Xmx384m", "-XX:TieredStopAtLevel=1", "-Xss512k");

	private static final int LIMIT = 10;

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static TeamsSimulator simulator;

	private static Cluster cluster;

	@BeforeAll
	static void startCluster() {
		simulator = TeamsSimulator.start(SimulatorConfig.defaults().withUsers(160));
		simulator.setRequireInstall(false);
		simulator.setLimits(SimulatorConfig.Limits.teams().withTenantPerSecond(LIMIT));
		cluster = Cluster.start(Path.of("target", "connector-budget-processes"), simulator);
	}

	@AfterAll
	static void stopCluster() {
		Cluster.close(cluster, simulator);
	}

	@Test
	void twoInstancesDoingEveryKindOfCallStayWithinOneTenantBudget() throws Exception {
		// At 10/s the default 0.5% headroom leaves 5 ms of arrival jitter before the
		// simulator's sliding window refuses a call: this test is about the sum of two
		// instances, not about tuning the last percent.
		Map<String, String> tuning = Map.of("herald.dispatch.rate-per-second", String.valueOf(LIMIT),
				"herald.dispatch.side-share", "0.2", "herald.install.enabled", "false", "herald.dispatch.rate-headroom",
				"0.05");
		// a starts first and takes the send lease; b does its calls on the side share.
		Cluster.Node a = cluster.launch("budget-a", tuning, JVM);
		a.awaitReady(Duration.ofSeconds(300));
		Cluster.Node b = cluster.launch("budget-b", tuning, JVM);
		b.awaitReady(Duration.ofSeconds(300));
		simulator.setBotEndpoint(b.baseUrl() + "/api/messages");
		List<SimUser> people = simulator.tenant().users().stream().filter((u) -> !u.guest()).toList();
		List<SimUser> known = people.subList(0, 60);
		List<SimUser> newcomers = people.subList(60, 80);
		cluster.seedConversations(known);
		SimUser author = known.get(0);
		String token = TestIdentityProvider.accessToken("budget-author", Map.of("oid", author.id()), "Herald.Author");
		String audience = "{\"entries\":[" + String.join(",",
				known.stream().map((u) -> "{\"kind\":\"PERSON\",\"ref\":\"" + u.id() + "\"}").toList()) + "]}";
		long first = announcement(b, token, "First", audience);
		long second = announcement(b, token, "Second", audience);
		// Its own draft: a test copy carries the announcement's marker, and would count
		// as a duplicate of a sent one.
		long tested = announcement(b, token, "Tried out", audience);
		long startSecond = System.currentTimeMillis() / 1000;
		long throttledBefore = throttled();

		call(b, token, "POST", "/api/v1/announcements/" + first + "/send", null);
		Await.until(Duration.ofSeconds(120), "first sent", () -> cluster
			.queryLong("SELECT count(*) FROM announcement WHERE id = ? AND status = 'sent'", first) == 1);
		// Now everything at once: the second broadcast, the recall of the first, twenty
		// installs (welcomes), commands and a test copy through the instance without
		// the lease.
		call(b, token, "POST", "/api/v1/announcements/" + second + "/send", null);
		call(b, token, "POST", "/api/v1/announcements/" + first + "/recall", null);
		List<CompletableFuture<Void>> installs = new ArrayList<>();
		for (SimUser newcomer : newcomers) {
			installs.add(CompletableFuture.runAsync(() -> simulator.installForUser(newcomer.id())));
		}
		for (SimUser asker : known.subList(1, 4)) {
			System.out.println("help from " + asker.id() + ": "
					+ simulate("POST", "/_sim/users/" + asker.id() + "/messages", "{\"text\":\"help\"}"));
		}
		call(b, token, "POST", "/api/v1/announcements/" + tested + "/test", null);
		CompletableFuture.allOf(installs.toArray(new CompletableFuture[0])).join();

		Await.until(Duration.ofSeconds(180), "second sent, first recalled, every welcome sent", () -> cluster
			.queryLong("SELECT count(*) FROM announcement WHERE id = ? AND status = 'sent'", second) == 1
				&& cluster.queryLong("SELECT count(*) FROM follow_up WHERE announcement_id = ? AND status = 'done'",
						first) == 1
				&& cluster.queryLong("SELECT count(*) FROM bot_welcome WHERE status = 'sent'") >= newcomers.size());

		JsonNode received = cluster.deliveries(second);
		assertThat(received.path("conversations").asLong()).as("people who received the second")
			.isEqualTo(known.size());
		assertThat(received.path("duplicated").asLong()).isZero();
		assertThat(cluster.deliveries(first).path("conversations").asLong()).as("copies of the first left").isZero();
		// The replies go out through the outbox, after the commands' turns have answered.
		List<String> helpTitles = helpTitles();
		Await.until(Duration.ofSeconds(60), "every command answered",
				() -> known.subList(1, 4)
					.stream()
					.allMatch((asker) -> helpTitles.stream().anyMatch(inboxText(asker)::contains)));
		assertThat(inboxText(author)).as("the test copy").contains("Tried out");

		Map<?, ?> perSecond = (Map<?, ?>) simulator.stats().get("connectorPerSecond");
		System.out.println("Connector calls per second: " + perSecond);
		long calls = 0;
		for (Map.Entry<?, ?> bucket : perSecond.entrySet()) {
			if (Long.parseLong(bucket.getKey().toString()) >= startSecond) {
				long count = ((Number) bucket.getValue()).longValue();
				assertThat(count).as("Connector calls in second " + bucket.getKey()).isLessThanOrEqualTo(LIMIT);
				calls += count;
			}
		}
		assertThat(calls).as("calls counted").isGreaterThan(2L * known.size() + newcomers.size());
		assertThat(throttled() - throttledBefore).as("calls refused for passing the tenant limit")
			.isLessThanOrEqualTo(calls / 100);
		a.stop();
		b.stop();
	}

	private static long announcement(Cluster.Node node, String token, String title, String audience) {
		long id = call(node, token, "POST", "/api/v1/announcements",
				"{\"title\":\"" + title + "\",\"summary\":\"Budget run\"}")
			.path("id")
			.asLong();
		call(node, token, "PUT", "/api/v1/announcements/" + id + "/audience", audience);
		return id;
	}

	/** The help card's title in every language of the bot. */
	private static List<String> helpTitles() throws IOException {
		List<String> titles = new ArrayList<>();
		for (String bundle : List.of("bot", "bot_de", "bot_es", "bot_fr", "bot_zh_CN")) {
			java.util.Properties texts = new java.util.Properties();
			try (var in = SharedConnectorBudgetProcessTests.class
				.getResourceAsStream("/i18n/" + bundle + ".properties")) {
				texts.load(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
			}
			titles.add(texts.getProperty("bot.help.title"));
		}
		return titles;
	}

	private static long throttled() {
		return ((Number) ((Map<?, ?>) simulator.stats().get("throttled429")).get("tenant")).longValue();
	}

	private static String inboxText(SimUser user) {
		return simulator.inbox(user.id()).toString();
	}

	private static JsonNode call(Cluster.Node node, String token, String method, String path, String json) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
			.timeout(Duration.ofSeconds(60))
			.header("Authorization", "Bearer " + token)
			.header("Accept", "application/json");
		request = (json != null)
				? request.header("Content-Type", "application/json")
					.method(method, HttpRequest.BodyPublishers.ofString(json))
				: request.method(method, HttpRequest.BodyPublishers.noBody());
		return send(request.build(), method + " " + path);
	}

	private static JsonNode simulate(String method, String path, String json) {
		return send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + path))
			.header("Content-Type", "application/json")
			.method(method, HttpRequest.BodyPublishers.ofString(json))
			.build(), method + " " + path);
	}

	private static JsonNode send(HttpRequest request, String what) {
		try {
			HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as(what + ": " + response.body()).isLessThan(300);
			return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
