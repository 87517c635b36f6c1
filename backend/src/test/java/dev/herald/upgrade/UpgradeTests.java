package dev.herald.upgrade;

import java.net.http.HttpResponse;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.herald.HeraldApplication;
import dev.herald.api.ApiHttp;
import dev.herald.support.HeraldTestProperties;
import dev.herald.support.TestDatabase;
import dev.herald.support.TestIdentityProvider;
import dev.herald.support.TestSimulator;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upgrade as an operator does it: a database written by the second wave of Herald
 * (schema V79, filled by {@code upgrade/v79-seed.sql} with announcements in every state,
 * their ledger, responses, follow-ups, approvals and audit rows) is handed to the current
 * Herald, whose Flyway applies the newer migrations at start-up. Every row of every table
 * that existed before must still be there (by primary key) and the API must read it back.
 */
class UpgradeTests {

	/** The schema of the last release before this one (main at ad04220). */
	private static final String PREVIOUS_RELEASE = "79";

	@Test
	void databaseOfThePreviousReleaseUpgradesWithEveryRowKeptAndReadable() throws Exception {
		TestDatabase.Connection server = TestDatabase.get();
		String database = "upgrade_" + Long.toHexString(System.nanoTime());
		try (var admin = DriverManager.getConnection(server.jdbcUrl(), server.username(), server.password())) {
			admin.createStatement().execute("CREATE DATABASE " + database);
		}
		String url = server.jdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + database + "$1");
		SimpleDriverDataSource dataSource = new SimpleDriverDataSource(new org.postgresql.Driver(), url,
				server.username(), server.password());
		JdbcClient db = JdbcClient.create(dataSource);

		Flyway.configure()
			.dataSource(url, server.username(), server.password())
			.locations("classpath:db/migration")
			.target(PREVIOUS_RELEASE)
			.load()
			.migrate();
		new ResourceDatabasePopulator(new ClassPathResource("upgrade/v79-seed.sql")).execute(dataSource);
		Map<String, Set<String>> before = rowsByTable(db);
		assertThat(before.get("announcement")).hasSize(8);
		assertThat(before.get("delivery")).hasSize(49);

		try (ConfigurableApplicationContext herald = start(url, server)) {
			int port = ((WebServerApplicationContext) herald).getWebServer().getPort();
			String newest = db.sql("SELECT max(version::int)::text FROM flyway_schema_history WHERE success")
				.query(String.class)
				.single();
			assertThat(Integer.parseInt(newest)).as("migrated past the previous release")
				.isGreaterThanOrEqualTo(Integer.parseInt(PREVIOUS_RELEASE));

			Map<String, Set<String>> after = rowsByTable(db);
			before.forEach((table, keys) -> assertThat(after.get(table)).as("rows of " + table + " after the upgrade")
				.isNotNull()
				.containsAll(keys));

			readBackThroughTheApi(new ApiHttp("http://localhost:" + port));
		}
	}

	private static void readBackThroughTheApi(ApiHttp api) {
		String admin = TestIdentityProvider.accessToken("upgrade-admin-cli", "Herald.Admin");
		Map<Long, String> states = new TreeMap<>(Map.of(101L, "draft", 102L, "scheduled", 103L, "sending", 104L,
				"paused", 105L, "sent", 106L, "canceled", 107L, "recalled", 108L, "sent"));
		states.forEach((id, status) -> {
			HttpResponse<String> one = api.call("GET", "/api/v1/announcements/" + id, admin, null);
			assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
			JsonNode body = ApiHttp.read(one);
			assertThat(body.toString()).contains("Upgrade ").contains("\"" + status + "\"");
		});

		HttpResponse<String> report = api.call("GET", "/api/v1/announcements/105/report", admin, null);
		assertThat(report.statusCode()).as(report.body()).isEqualTo(200);
		JsonNode counts = ApiHttp.read(report);
		assertThat(counts.path("recipients").asInt()).isEqualTo(19);
		assertThat(counts.path("delivered").asInt()).isEqualTo(16);
		assertThat(counts.path("failed").asInt()).isEqualTo(1);
		assertThat(counts.path("blocked").asInt()).isEqualTo(1);
		assertThat(counts.path("optedOut").asInt()).isEqualTo(1);
		assertThat(counts.toString()).contains("Pasta").contains("Salad");

		HttpResponse<String> csv = api.call("GET", "/api/v1/announcements/105/deliveries.csv", admin, null,
				Map.of("Accept", "text/csv"));
		assertThat(csv.statusCode()).as(csv.body()).isEqualTo(200);
		assertThat(csv.body().lines()).hasSize(1 + 19).anyMatch((line) -> line.contains("up-user-18"));

		HttpResponse<String> audit = api.call("GET", "/api/v1/admin/audit?announcement=105", admin, null);
		assertThat(audit.statusCode()).as(audit.body()).isEqualTo(200);
		assertThat(audit.body()).contains("seeded before the upgrade");

		HttpResponse<String> followUps = api.call("GET", "/api/v1/announcements/105/follow-ups", admin, null);
		assertThat(followUps.statusCode()).as(followUps.body()).isEqualTo(200);
		assertThat(followUps.body()).contains("remind");
	}

	private static ConfigurableApplicationContext start(String url, TestDatabase.Connection server) {
		Map<String, Object> properties = new LinkedHashMap<>();
		HeraldTestProperties.apply((key, value) -> properties.put(key, value.get()), TestSimulator.get(),
				TestIdentityProvider.issuerUrl());
		properties.put("server.port", 0);
		properties.put("spring.datasource.url", url);
		properties.put("spring.datasource.username", server.username());
		properties.put("spring.datasource.password", server.password());
		// Reading, not sending: the upgraded rows must stay as the upgrade left them.
		properties.put("herald.dispatch.enabled", false);
		properties.put("spring.jmx.enabled", false);
		// As command-line arguments: they outrank application.yml, default properties do
		// not.
		return new SpringApplicationBuilder(HeraldApplication.class).run(properties.entrySet()
			.stream()
			.map((e) -> "--" + e.getKey() + "=" + e.getValue())
			.toArray(String[]::new));
	}

	/** Every table's rows by primary key (or by the whole row where a table has none). */
	private static Map<String, Set<String>> rowsByTable(JdbcClient db) {
		List<String> tables = db.sql("""
				SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
				WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> 'flyway_schema_history'
				  AND NOT c.relispartition
				ORDER BY 1
				""").query(String.class).list();
		Map<String, Set<String>> rows = new TreeMap<>();
		for (String table : tables) {
			List<String> key = db.sql("""
					SELECT a.attname FROM pg_index i
					JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
					WHERE i.indrelid = CAST(:table AS regclass) AND i.indisprimary
					ORDER BY array_position(i.indkey::int2[], a.attnum)
					""").param("table", table).query(String.class).list();
			List<String> quoted = new ArrayList<>();
			key.forEach((column) -> quoted.add("CAST(\"" + column + "\" AS text)"));
			String row = key.isEmpty() ? "CAST(t AS text)" : String.join(" || '|' || ", quoted);
			rows.put(table,
					Set.copyOf(db.sql("SELECT " + row + " FROM \"" + table + "\" t").query(String.class).list()));
		}
		return rows;
	}

}
