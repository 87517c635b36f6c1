package dev.herald.graph;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.audience.Api;
import dev.herald.simulator.SimTeam;
import dev.herald.simulator.SimUser;
import dev.herald.simulator.SimulatorConfig;
import dev.herald.support.Await;
import dev.herald.support.IntegrationTest;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Herald with exactly the README's Graph application permissions (the simulator's default
 * grant), and with one of them taken away: the feature that needs it fails with a message
 * naming the permission, through real HTTP to the simulator's Graph.
 */
class GraphPermissionTests extends IntegrationTest {

	private static final Pattern ROW = Pattern.compile("^\\| `([A-Za-z.]+)` \\|", Pattern.MULTILINE);

	@Autowired
	GraphToken token;

	@Autowired
	TeamsAppCatalog catalog;

	@AfterEach
	void grantTheTableAgain() {
		this.simulator.setGraphPermissions(this.simulator.botAppId(), SimulatorConfig.DEFAULT_GRAPH_PERMISSIONS);
		// Herald holds a token issued while a permission was missing; a new token lists
		// the grant (in production the next 403 drops it the same way).
		this.token.source().invalidate();
	}

	@Test
	void theSimulatorGrantsExactlyTheReadmeTable() throws IOException {
		String readme = Files.readString(Path.of("..", "README.md"));
		String table = readme.substring(readme.indexOf("<!-- graph-permissions:start -->"),
				readme.indexOf("<!-- graph-permissions:end -->"));
		List<String> listed = new ArrayList<>();
		Matcher m = ROW.matcher(table);
		while (m.find()) {
			listed.add(m.group(1));
		}
		assertThat(listed).containsExactlyInAnyOrderElementsOf(SimulatorConfig.DEFAULT_GRAPH_PERMISSIONS);
		assertThat(this.simulator.graphPermissions(this.simulator.botAppId()))
			.containsExactlyInAnyOrderElementsOf(listed);
	}

	@Test
	void eachPickerNamesThePermissionItLacks() {
		Api author = Api.author(baseUrl());
		SimTeam team = this.simulator.tenant().teams().get(0);
		Map<String, String> pickers = Map.of("Team.ReadBasic.All", "/api/v1/audiences/teams?q=",
				"Channel.ReadBasic.All", "/api/v1/audiences/teams/" + team.id() + "/channels", "GroupMember.Read.All",
				"/api/v1/audiences/groups?q=");
		pickers.forEach((permission, path) -> {
			author.json("GET", path, null, 200);
			this.simulator.revokeGraphPermission(this.simulator.botAppId(), permission);
			try {
				assertNamed(author.call("GET", path, null, null), permission);
				// the same for the browser's twin of the picker is covered by the shared
				// GraphDirectory; an author cannot make Herald use another permission
			}
			finally {
				grantTheTableAgain();
			}
			author.json("GET", path, null, 200);
		});
	}

	@Test
	void teamAudiencesNameTeamMemberReadAll() {
		Api author = Api.author(baseUrl());
		SimTeam team = this.simulator.tenant().teams().get(1);
		Map<String, Object> audience = Map.of("entries",
				List.of(Map.of("kind", "TEAM", "ref", team.id(), "label", team.displayName())));
		this.simulator.revokeGraphPermission(this.simulator.botAppId(), "TeamMember.Read.All");
		assertNamed(author.call("POST", "/api/v1/audiences/preview", "application/json",
				JsonMapper.shared().writeValueAsString(audience)), "TeamMember.Read.All");
		grantTheTableAgain();
		author.json("POST", "/api/v1/audiences/preview", audience, 200);
	}

	@Test
	void directorySyncNamesUserReadAll() {
		Api admin = Api.admin(baseUrl());
		this.simulator.revokeGraphPermission(this.simulator.botAppId(), "User.Read.All");
		HttpResponse<String> response;
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		do {
			response = admin.call("POST", "/api/v1/admin/directory/sync", null, null);
		}
		while (response.statusCode() == 409 && System.nanoTime() < deadline && pause());
		assertNamed(response, "User.Read.All");
		assertThat(this.jdbc.sql("SELECT last_error FROM directory_sync WHERE id = 1").query(String.class).single())
			.contains("lacks the Graph application permission User.Read.All");
		grantTheTableAgain();
		admin.syncDirectory();
	}

	@Test
	void installsNameThePermissionTheyLackAsEachPersonsReason() {
		Api admin = Api.admin(baseUrl());
		admin.syncDirectory();
		List<SimUser> candidates = peopleOnlyAnInstallReaches();
		// the second and third last such people (ProactiveInstallTests takes the last)
		assertThat(candidates).hasSizeGreaterThanOrEqualTo(3);
		List<SimUser> people = candidates.subList(candidates.size() - 3, candidates.size() - 1);

		// The install itself.
		String reason = sendAndReason(people.get(0), "TeamsAppInstallation.ReadWriteSelfForUser.All");
		assertThat(reason)
			.contains("lacks the Graph application permission TeamsAppInstallation.ReadWriteSelfForUser.All");
		assertThat(this.simulator.isInstalled(people.get(0).id())).isFalse();

		// The catalog lookup before it (the cached catalog id forgotten, as after a 404).
		this.catalog.forget();
		reason = sendAndReason(people.get(1), "AppCatalog.Read.All");
		assertThat(reason).contains("lacks the Graph application permission AppCatalog.Read.All")
			.contains("herald.graph.teams-app-catalog-id");
		assertThat(this.catalog.catalogId()).isPresent();
		assertThat(this.simulator.graphPermissionDenials()).anyMatch((d) -> d.startsWith("GET /v1.0/appCatalogs"));
	}

	private String sendAndReason(SimUser person, String revoked) {
		Api author = Api.author(baseUrl());
		String marker = "permission-" + UUID.randomUUID();
		long id = author.json("POST", "/api/v1/announcements", Map.of("title", marker), 201).path("id").asLong();
		author.json("PUT", "/api/v1/announcements/" + id + "/audience",
				Map.of("entries", List.of(Map.of("kind", "PERSON", "ref", person.id()))), 200);
		this.simulator.revokeGraphPermission(this.simulator.botAppId(), revoked);
		try {
			author.json("POST", "/api/v1/announcements/" + id + "/send", null, 202);
			Await.until(Duration.ofSeconds(60), "announcement sent", () -> "sent"
				.equals(author.json("GET", "/api/v1/announcements/" + id, null, 200).path("status").asString()));
		}
		finally {
			grantTheTableAgain();
		}
		JsonNode counts = author.json("GET", "/api/v1/announcements/" + id, null, 200).path("counts");
		assertThat(counts.path("failed").asInt()).isEqualTo(1);
		assertThat(this.simulator.inbox(person.id())).noneMatch((a) -> a.toString().contains(marker));
		return this.jdbc.sql("SELECT reason FROM delivery WHERE announcement_id = :id")
			.param("id", id)
			.query(String.class)
			.single();
	}

	private static void assertNamed(HttpResponse<String> response, String permission) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(502);
		JsonNode problem = JsonMapper.shared().readTree(response.body());
		assertThat(problem.path("detail").asString())
			.contains("Herald's app registration lacks the Graph application permission " + permission);
		if (problem.has("permission")) {
			assertThat(problem.path("permission").asString()).isEqualTo(permission);
		}
	}

	private static boolean pause() {
		try {
			Thread.sleep(200);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return true;
	}

}
