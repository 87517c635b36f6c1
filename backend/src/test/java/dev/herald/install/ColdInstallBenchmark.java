package dev.herald.install;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import dev.herald.HeraldApplication;
import dev.herald.announcement.AnnouncementContent;
import dev.herald.announcement.AnnouncementStatus;
import dev.herald.announcement.Announcements;
import dev.herald.audience.AnnouncementAudiences;
import dev.herald.audience.AudienceDefinition;
import dev.herald.audience.AudienceEntry;
import dev.herald.audience.AudienceKind;
import dev.herald.audience.DirectorySync;
import dev.herald.simulator.SimTeam;
import dev.herald.simulator.SimulatorConfig;
import dev.herald.simulator.TeamsSimulator;
import dev.herald.support.HeraldTestProperties;
import dev.herald.support.TestDatabase;
import dev.herald.support.TestIdentityProvider;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Cold-install benchmark ({@code bench/cold-install.sh}): a tenant of N people where
 * nobody has Herald, one announcement to everyone, Graph's 30 installs/s limit enforced
 * by the simulator. Prints one JSON line last; lost and duplicates come from what the
 * simulator received, not from Herald's own counts.
 */
public final class ColdInstallBenchmark {

	private ColdInstallBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int users = 2000;
		double knownFromRoster = 0;
		for (int i = 0; i < args.length - 1; i++) {
			if (args[i].equals("--users")) {
				users = Integer.parseInt(args[i + 1]);
			}
			if (args[i].equals("--known-from-roster")) {
				knownFromRoster = Double.parseDouble(args[i + 1]);
			}
		}
		TestDatabase.Connection db = TestDatabase.startEmbedded(null);
		TeamsSimulator simulator = TeamsSimulator.start(SimulatorConfig.defaults().withUsers(users));
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("server.port", 0);
		properties.put("spring.datasource.url", db.jdbcUrl());
		properties.put("spring.datasource.username", db.username());
		properties.put("spring.datasource.password", db.password());
		HeraldTestProperties.apply((key, value) -> properties.put(key, value.get()), simulator,
				TestIdentityProvider.issuerUrl());
		properties.put("herald.audience.sync-interval", "0");
		properties.put("logging.level.root", "WARN");
		properties.forEach((key, value) -> System.setProperty(key, String.valueOf(value)));
		ConfigurableApplicationContext herald = new SpringApplication(HeraldApplication.class).run();
		int port = ((WebServerApplicationContext) herald).getWebServer().getPort();
		simulator.setBotEndpoint("http://localhost:" + port + "/api/messages");

		herald.getBean(DirectorySync.class).syncNow();
		JdbcClient jdbc = herald.getBean(JdbcClient.class);
		// Herald joins department teams (every user is in exactly one) until the share of
		// people known from a roster is reached; Teams posts the team conversationUpdate
		// and Herald reads the roster.
		long known = 0;
		for (SimTeam team : simulator.tenant().teams()) {
			if (known >= knownFromRoster * users || !team.displayName().startsWith("Dept ")) {
				continue;
			}
			simulator.installInTeam(team.id());
			known += team.memberUserIds().size();
		}
		long deadlineRoster = System.nanoTime() + 300_000_000_000L;
		while (jdbc.sql("SELECT count(*) FROM team_member").query(Long.class).single() < known
				&& System.nanoTime() < deadlineRoster) {
			Thread.sleep(200);
		}
		// Team welcomes and roster reads are done; count from here.
		Thread.sleep(2000);
		long createdBefore = ((Number) simulator.stats().get("conversationsCreated")).longValue();
		long graphInstallsBefore = ((Number) simulator.stats().get("graphInstalls")).longValue();
		Announcements announcements = herald.getBean(Announcements.class);
		String marker = "cold-" + UUID.randomUUID();
		long id = announcements.create(new AnnouncementContent(marker, "Cold install benchmark", null, null, null),
				"bench");
		herald.getBean(AnnouncementAudiences.class)
			.set(id, new AudienceDefinition(List.of(new AudienceEntry(AudienceKind.EVERYONE, null, null, "Everyone"))));
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		long heapMax = 0;
		long started = System.nanoTime();
		announcements.startSend(id);
		long deadline = started + (long) ((users / 30.0) * 3 + 120) * 1_000_000_000L;
		while (announcements.require(id).status() != AnnouncementStatus.SENT && System.nanoTime() < deadline) {
			heapMax = Math.max(heapMax, memory.getHeapMemoryUsage().getUsed());
			Thread.sleep(200);
		}
		double seconds = (System.nanoTime() - started) / 1e9;
		long installed = ((Number) simulator.stats().get("graphInstalls")).longValue() - graphInstallsBefore;
		long created = ((Number) simulator.stats().get("conversationsCreated")).longValue() - createdBefore;
		double installSeconds = jdbc
			.sql("SELECT EXTRACT(EPOCH FROM max(installed_at) - min(created_at)) FROM app_install")
			.query(Double.class)
			.optional()
			.orElse(0.0);
		var counts = announcements.require(id).counts();
		long expected = simulator.tenant()
			.users()
			.stream()
			.filter((u) -> !u.guest() && simulator.tenant().reachable(u))
			.count();
		Map<String, Object> received = simulator.deliveries(marker);
		long conversations = ((Number) received.get("conversations")).longValue();
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("users", users);
		result.put("known_from_roster", knownFromRoster);
		result.put("people_known_from_roster", known);
		result.put("recipients", counts.recipients());
		result.put("installed", installed);
		result.put("conversations_created", created);
		result.put("delivered", counts.delivered());
		result.put("failed", counts.failed());
		result.put("lost", expected - conversations);
		result.put("duplicates", ((Number) received.get("duplicated")).longValue());
		result.put("install_limit_per_s", 30);
		result.put("install_per_s", round((installSeconds > 0) ? installed / installSeconds : 0));
		result.put("people_per_s", round(counts.delivered() / seconds));
		result.put("target_people_per_s", (knownFromRoster >= 1.0) ? 38.0 : 28.5);
		Map<?, ?> throttled = (Map<?, ?>) simulator.stats().get("throttled429");
		result.put("throttled_429", throttled.get("total"));
		result.put("throttled_429_graph_installs", throttled.get("graphInstalls"));
		result.put("seconds", round(seconds));
		result.put("target_seconds", round(1.05 * users / 30.0));
		result.put("heap_max_mb", heapMax / (1024 * 1024));
		result.put("status", announcements.require(id).status().dbValue());
		herald.close();
		simulator.close();
		String json = result.entrySet()
			.stream()
			.map((e) -> "\"" + e.getKey() + "\":"
					+ ((e.getValue() instanceof String s) ? "\"" + s + "\"" : String.valueOf(e.getValue())))
			.collect(Collectors.joining(",", "{", "}"));
		// Written to a file as well: shutdown hooks may still log to stdout after this.
		java.nio.file.Files.writeString(java.nio.file.Path.of(System.getProperty("bench.result", "bench-result.json")),
				json + "\n");
		System.out.println(json);
		System.exit(0);
	}

	private static double round(double value) {
		return Math.round(value * 100) / 100.0;
	}

}
