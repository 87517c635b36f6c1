package dev.herald.tab;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.audience.Api;
import dev.herald.bot.Activities;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestChannelKeys;
import dev.herald.support.TestEntra;
import dev.herald.support.TestIdentityProvider;
import dev.herald.support.TestTopics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The personal tab (#24) through real HTTP and the real database: Teams sign-on tokens
 * (signed as Entra signs them, by a key of the tenant's JWKS) list exactly what the
 * person received, in their variant; acting from the tab writes the card's own records;
 * every other kind of token gets 401 on every tab endpoint.
 */
class TabIntegrationTests extends IntegrationTest {

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final Duration WAIT = Duration.ofSeconds(60);

	@Test
	void aPersonSeesWhatTheyReceivedInTheirVariantAndActsWithTheCardsRecords() {
		String marker = "tab-" + UUID.randomUUID();
		String topic = "Benefits " + marker.substring(4, 12);
		TestTopics.ensure(baseUrl(), topic);
		SimUser alice = install("fr-FR", 1).get(0);
		List<SimUser> english = install("en-US", 2);
		SimUser bob = english.get(0);
		SimUser carol = english.get(1);
		Api author = Api.author(baseUrl());

		long shared = send(author, content("Office move " + marker, "Onglet " + marker, topic), List.of(alice, bob));
		long bobsOnly = send(author, content("Bob only " + marker, null, null), List.of(bob));

		// Alice: the French variant of the shared one, and nothing of Bob's.
		JsonNode alicesPage = list(alice, "?q=" + marker);
		JsonNode mine = item(alicesPage, shared);
		assertThat(mine.path("content").path("title").asString()).isEqualTo("Onglet " + marker);
		assertThat(mine.path("content").path("language").asString()).isEqualTo("fr");
		assertThat(mine.path("content").path("poll").path("question").asString()).isEqualTo("Quel jour ?");
		assertThat(labelsAndValues(mine)).containsExactly("Lundi=Monday", "Mardi=Tuesday");
		assertThat(mine.path("unread").asBoolean()).isTrue();
		assertThat(mine.path("link").asString()).startsWith("https://teams.microsoft.com/l/entity/")
			.endsWith("/announcements?context=%7B%22subEntityId%22%3A%22" + shared + "%22%7D");
		assertThat(ids(alicesPage)).doesNotContain(bobsOnly);
		assertThat(alicesPage.toString()).doesNotContain("Bob only");
		assertThat(alicesPage.path("topics").toString()).contains(topic);
		// Never another person's announcement, whatever the id.
		for (String path : List.of("", "/read", "/acknowledge", "/vote")) {
			String method = path.isEmpty() ? "GET" : "POST";
			String body = path.equals("/vote") ? "{\"choice\":\"Yes\"}" : null;
			assertProblem(call(method, "/api/tab/announcements/" + bobsOnly + path, token(alice), body), 404);
			assertProblem(call(method, "/api/tab/announcements/987654321" + path, token(alice), body), 404);
		}
		// Bob: both, the shared one in English.
		JsonNode bobsPage = list(bob, "?q=" + marker);
		assertThat(ids(bobsPage)).contains(shared, bobsOnly);
		assertThat(item(bobsPage, shared).path("content").path("title").asString()).isEqualTo("Office move " + marker);
		// Carol received neither.
		assertThat(ids(list(carol, "?q=" + marker))).doesNotContain(shared, bobsOnly);
		assertProblem(call("GET", "/api/tab/announcements/" + shared, token(carol), null), 404);
		assertProblem(call("POST", "/api/tab/announcements/" + shared + "/acknowledge", token(carol), null), 404);

		// Filters: the topic, and a search in the text Alice received.
		assertThat(ids(list(alice, "?topic=" + encode(topic)))).contains(shared);
		assertThat(ids(list(alice, "?topic=" + encode("Nothing " + marker)))).doesNotContain(shared);
		assertThat(ids(list(alice, "?q=" + encode("Onglet " + marker)))).contains(shared);
		assertThat(ids(list(alice, "?q=" + encode("%_\\")))).doesNotContain(shared);
		assertProblem(call("GET", "/api/tab/announcements?q=" + "x".repeat(201), token(alice), null), 400);
		assertProblem(call("GET", "/api/tab/announcements?limit=51", token(alice), null), 400);

		// Reading from the tab clears the unread mark.
		JsonNode read = ok(call("POST", "/api/tab/announcements/" + shared + "/read", token(alice), null));
		assertThat(read.path("unread").asBoolean()).isFalse();
		assertThat(read.path("response").path("read").asBoolean()).isTrue();

		// "Got it" from the tab (with the object id in upper case, as a client might
		// send it), then from the card: the report counts one acknowledgement.
		String upper = token(
				TestEntra.claims(tenant(), this.simulator.botAppId(), alice.id().toUpperCase(Locale.ROOT)));
		JsonNode acked = ok(call("POST", "/api/tab/announcements/" + shared + "/acknowledge", upper, null));
		assertThat(acked.path("response").path("acknowledgedAt").asString()).isNotBlank();
		Activities activities = new Activities(this.simulator, baseUrl());
		assertThat(
				activities.post(activities.execute(alice, Map.of("action", "ack", "announcementId", shared))).status())
			.isEqualTo(200);
		ok(call("POST", "/api/tab/announcements/" + shared + "/acknowledge", token(alice), null));
		JsonNode report = author.json("GET", "/api/v1/announcements/" + shared + "/report", null, 200);
		assertThat(report.path("acknowledged").asLong()).isEqualTo(1);

		// A vote from the tab carries the default language's answer, as the card does.
		assertProblem(
				call("POST", "/api/tab/announcements/" + shared + "/vote", token(alice), "{\"choice\":\"Maybe\"}"),
				422);
		assertProblem(call("POST", "/api/tab/announcements/" + shared + "/vote", token(alice), "{}"), 422);
		JsonNode voted = ok(
				call("POST", "/api/tab/announcements/" + shared + "/vote", token(alice), "{\"choice\":\"Monday\"}"));
		assertThat(voted.path("response").path("choice").asString()).isEqualTo("Monday");
		assertThat(activities
			.post(activities.execute(alice, Map.of("action", "vote", "announcementId", shared, "choice", "Monday")))
			.status()).isEqualTo(200);
		report = author.json("GET", "/api/v1/announcements/" + shared + "/report", null, 200);
		assertThat(report.path("votes").path("Monday").asLong()).isEqualTo(1);
		// Nothing to acknowledge on Bob's: 409.
		assertProblem(call("POST", "/api/tab/announcements/" + bobsOnly + "/acknowledge", token(bob), null), 409);

		// An edit shows its current text.
		Map<String, Object> edited = content("Office move (new date) " + marker, "Onglet modifié " + marker, topic);
		author.json("PUT", "/api/v1/announcements/" + shared, edited, 200);
		JsonNode afterEdit = ok(call("GET", "/api/tab/announcements/" + shared, token(alice), null));
		assertThat(afterEdit.path("content").path("title").asString()).isEqualTo("Onglet modifié " + marker);
		assertThat(afterEdit.path("content").path("editedAt").asString()).isNotBlank();

		// A recall: withdrawn, when and by whom, without any of its content.
		author.json("POST", "/api/v1/announcements/" + bobsOnly + "/recall", null, 202);
		JsonNode withdrawn = ok(call("GET", "/api/tab/announcements/" + bobsOnly, token(bob), null));
		assertThat(withdrawn.path("withdrawn").path("at").asString()).isNotBlank();
		assertThat(withdrawn.path("withdrawn").path("expired").asBoolean()).isFalse();
		assertThat(withdrawn.path("withdrawn").path("by").asString()).isEqualTo("Internal Comms");
		assertThat(withdrawn.path("content").isNull()).isTrue();
		assertThat(withdrawn.toString()).doesNotContain("Bob only").doesNotContain("Please read");
		JsonNode bobsList = list(bob, "");
		assertThat(item(bobsList, bobsOnly).path("content").isNull()).isTrue();
		assertThat(bobsList.toString()).doesNotContain("Bob only " + marker);
		assertProblem(call("POST", "/api/tab/announcements/" + bobsOnly + "/acknowledge", token(bob), null), 409);
	}

	@Test
	void everyTokenButATeamsSignOnTokenForHeraldGets401OnEveryTabEndpoint() {
		String tenant = tenant();
		String app = this.simulator.botAppId();
		String oid = UUID.randomUUID().toString();
		Map<String, String> bad = new LinkedHashMap<>();
		bad.put("no token", null);
		bad.put("an API token (Herald's API audience)",
				TestIdentityProvider.accessToken("api-client", "Herald.Author"));
		bad.put("a person's API token", TestIdentityProvider.accessToken("someone",
				Map.of("scp", "access_as_user", "oid", oid), "Herald.Admin"));
		bad.put("audience Herald's API", signed(TestEntra.claims(tenant, TestIdentityProvider.API_AUDIENCE, oid)));
		bad.put("audience Graph", signed(TestEntra.claims(tenant, "https://graph.microsoft.com", oid)));
		bad.put("another app id URI", signed(TestEntra.claims(tenant, "api://evil.example/" + app, oid)));
		String other = "72f988bf-86f1-41af-91ab-2d7cd011db47";
		bad.put("another tenant", signed(TestEntra.claims(other, app, oid)));
		bad.put("another tenant's issuer",
				signed(with(TestEntra.claims(tenant, app, oid), (b) -> b.issuer(TestEntra.v2Issuer(other)))));
		bad.put("another tenant's tid", signed(with(TestEntra.claims(tenant, app, oid), (b) -> b.claim("tid", other))));
		bad.put("no tid", signed(with(TestEntra.claims(tenant, app, oid), (b) -> b.claim("tid", null))));
		bad.put("a foreign issuer",
				signed(with(TestEntra.claims(tenant, app, oid), (b) -> b.issuer(TestIdentityProvider.issuerUrl()))));
		bad.put("unsigned (alg none)", new PlainJWT(TestEntra.claims(tenant, app, oid).build()).serialize());
		bad.put("expired", signed(with(TestEntra.claims(tenant, app, oid),
				(b) -> b.expirationTime(Date.from(Instant.now().minusSeconds(600))))));
		bad.put("no expiry", signed(with(TestEntra.claims(tenant, app, oid), (b) -> b.expirationTime(null))));
		bad.put("not yet valid", signed(with(TestEntra.claims(tenant, app, oid),
				(b) -> b.notBeforeTime(Date.from(Instant.now().plusSeconds(3600))))));
		bad.put("no access_as_user scope",
				signed(with(TestEntra.claims(tenant, app, oid), (b) -> b.claim("scp", "User.Read"))));
		bad.put("app-only (roles, no scp)", signed(with(TestEntra.claims(tenant, app, oid),
				(b) -> b.claim("scp", null).claim("roles", List.of("access_as_user")))));
		bad.put("not from a Teams client",
				signed(with(TestEntra.claims(tenant, app, oid), (b) -> b.claim("azp", UUID.randomUUID().toString()))));
		bad.put("no oid", signed(with(TestEntra.claims(tenant, app, oid), (b) -> b.claim("oid", null))));
		bad.put("signed by a key Entra never published",
				TestChannelKeys.sign(TestEntra.stranger(), TestEntra.claims(tenant, app, oid).build()));
		bad.put("signed by the Bot Framework's key",
				TestChannelKeys.sign(TestChannelKeys.endorsed(), TestEntra.claims(tenant, app, oid).build()));
		bad.put("RS512 instead of RS256",
				TestChannelKeys.sign(TestEntra.key(), JWSAlgorithm.RS512, TestEntra.claims(tenant, app, oid).build()));
		bad.put("garbage", "not.a.jwt");
		String good = signed(TestEntra.claims(tenant, app, oid));
		bad.put("a good token with its signature cut", good.substring(0, good.lastIndexOf('.') + 1));
		List<String[]> endpoints = List.of(new String[] { "GET", "/api/tab/announcements", null },
				new String[] { "GET", "/api/tab/announcements/1", null },
				new String[] { "POST", "/api/tab/announcements/1/read", null },
				new String[] { "POST", "/api/tab/announcements/1/acknowledge", null },
				new String[] { "POST", "/api/tab/announcements/1/vote", "{\"choice\":\"Yes\"}" });
		for (Map.Entry<String, String> token : bad.entrySet()) {
			for (String[] endpoint : endpoints) {
				HttpResponse<String> response = call(endpoint[0], endpoint[1], token.getValue(), endpoint[2]);
				assertThat(response.statusCode()).as("%s on %s %s", token.getKey(), endpoint[0], endpoint[1])
					.isEqualTo(401);
				assertThat(response.headers().firstValue("Content-Type").orElse(""))
					.startsWith("application/problem+json");
				assertThat(JSON.readTree(response.body()).path("detail").asString()).contains("Teams");
			}
		}
		// The checks can pass: the good token, in its v2 and v1 forms.
		assertThat(call("GET", "/api/tab/announcements", good, null).statusCode()).isEqualTo(200);
		String v1 = signed(with(TestEntra.claims(tenant, "api://localhost/" + app, oid),
				(b) -> b.issuer(TestEntra.v1Issuer(tenant))
					.claim("azp", null)
					.claim("appid", "1fec8e78-bce4-4aaf-ab1b-5451cc387264")
					.claim("ver", "1.0")));
		assertThat(call("GET", "/api/tab/announcements", v1, null).statusCode()).isEqualTo(200);
		assertThat(call("GET", "/api/tab/announcements/1", good, null).statusCode()).isEqualTo(404);
		// And a tab token opens nothing of the public API.
		assertThat(call("GET", "/api/v1/announcements", good, null).statusCode()).isEqualTo(401);
		assertThat(call("GET", "/api/v1/admin/teams-app.zip", good, null).statusCode()).isEqualTo(401);
	}

	@Test
	void thePageIsPublicInTheTeamsLanguageAndOnlyTeamsMayFrameIt() {
		HttpResponse<String> page = page("/tab?locale=fr-fr&theme=dark&subEntityId=42");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("lang=\"fr\"", "data-theme=\"dark\"", "<h1>Annonces</h1>",
				"/vendor/teams-js/2.55.0/MicrosoftTeams.min.js", "/js/tab.js");
		String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
		assertThat(csp)
			.contains("frame-ancestors https://teams.microsoft.com https://*.teams.microsoft.com "
					+ "https://*.cloud.microsoft " + this.simulator.baseUrl())
			.contains("script-src 'self'")
			.doesNotContain("unsafe-inline");
		assertThat(page.headers().firstValue("X-Frame-Options")).isEmpty();
		assertThat(page.headers().firstValue("Set-Cookie")).isEmpty();
		// teams-js accepts the simulator's messages only because Herald is configured to
		// trust it (local mode, tests).
		assertThat(page.body()).contains("data-valid-origins=\"" + this.simulator.baseUrl() + "\"");
		assertThat(page("/tab?locale=zh-cn").body()).contains("lang=\"zh-CN\"", "<h1>公告</h1>");
		assertThat(page("/tab?locale=%7Blocale%7D&theme=%7Btheme%7D&subEntityId=%7BsubEntityId%7D").body())
			.contains("lang=\"en\"", "data-theme=\"default\"", "<h1>Announcements</h1>");
		assertThat(page("/tab?locale=de-de&theme=%22%3E%3Cscript%3E").body()).doesNotContain("<script>")
			.contains("data-theme=\"default\"");
		for (String asset : List.of("/vendor/teams-js/2.55.0/MicrosoftTeams.min.js", "/js/tab.js", "/css/tab.css")) {
			assertThat(page(asset).statusCode()).as(asset).isEqualTo(200);
		}
		// The admin UI stays unframable.
		HttpResponse<String> admin = page("/announcements");
		assertThat(admin.headers().firstValue("X-Frame-Options").orElse("")).isEqualTo("DENY");

		// The app package downloaded from Herald names this Herald as the tab's home.
		HttpResponse<byte[]> zip = bytes("/api/v1/admin/teams-app.zip",
				TestIdentityProvider.accessToken("it-admin", "Herald.Admin"));
		assertThat(zip.statusCode()).isEqualTo(200);
		JsonNode manifest = JSON.readTree(unzip(zip.body()).get("manifest.json"));
		assertThat(manifest.path("staticTabs").get(0).path("contentUrl").asString())
			.isEqualTo(baseUrl() + "/tab?locale={locale}&theme={theme}&subEntityId={subEntityId}");
		assertThat(manifest.path("webApplicationInfo").path("resource").asString())
			.isEqualTo("api://localhost/" + this.simulator.botAppId());
		assertThat(manifest.path("validDomains").get(0).asString()).isEqualTo("localhost:" + this.port);
	}

	// ---- helpers ----

	private static Map<String, Object> content(String title, String frenchTitle, String topic) {
		Map<String, Object> content = new LinkedHashMap<>();
		content.put("title", title);
		content.put("summary", "Please read " + title);
		content.put("author", "Internal Comms");
		content.put("language", "en");
		if (topic != null) {
			content.put("topic", topic);
		}
		if (frenchTitle != null) {
			content.put("acknowledge", true);
			content.put("pollQuestion", "Which day?");
			content.put("pollChoices", List.of("Monday", "Tuesday"));
			content.put("variants", Map.of("fr", Map.of("title", frenchTitle, "pollQuestion", "Quel jour ?",
					"pollChoices", List.of("Lundi", "Mardi"))));
		}
		return content;
	}

	private long send(Api author, Map<String, Object> content, List<SimUser> to) {
		long id = author.json("POST", "/api/v1/announcements", content, 201).path("id").asLong();
		List<Object> entries = new ArrayList<>();
		to.forEach((u) -> entries.add(Map.of("kind", "PERSON", "ref", u.id())));
		author.json("PUT", "/api/v1/announcements/" + id + "/audience", Map.of("entries", entries), 200);
		author.json("POST", "/api/v1/announcements/" + id + "/send", null, 202);
		Await.until(WAIT, "announcement " + id + " sent", () -> "sent"
			.equals(author.json("GET", "/api/v1/announcements/" + id, null, 200).path("status").asString()));
		for (SimUser u : to) {
			assertThat(cardsReceived(u.id(), id)).as("cards for %s", u.displayName()).isEqualTo(1);
		}
		return id;
	}

	/**
	 * People whose Teams client has this locale, installed afresh (their chat's locale is
	 * what chooses their variant).
	 */
	private List<SimUser> install(String locale, int count) {
		List<SimUser> users = new ArrayList<>(this.simulator.tenant().users());
		Collections.reverse(users);
		// Not people an earlier test opted out: they would get no card.
		java.util.Set<String> optedOut = new java.util.HashSet<>(
				this.jdbc.sql("SELECT lower(aad_object_id) FROM opt_out WHERE opted_out").query(String.class).list());
		List<SimUser> chosen = users.stream()
			.filter((u) -> !u.guest() && this.simulator.tenant().reachable(u) && u.teamsLocale().equals(locale)
					&& !optedOut.contains(u.id().toLowerCase(Locale.ROOT)))
			.skip(7)
			.limit(count)
			.toList();
		List<SimUser> reinstalled = chosen.stream().filter((u) -> this.simulator.isInstalled(u.id())).toList();
		reinstalled.forEach((u) -> this.simulator.uninstall(u.id()));
		Await.until(Duration.ofSeconds(20), "uninstalls stored",
				() -> reinstalled.stream().noneMatch((u) -> hasActiveChat(u.id())));
		chosen.forEach((u) -> this.simulator.installForUser(u.id()));
		Await.until(Duration.ofSeconds(20), "chats stored",
				() -> chosen.stream().allMatch((u) -> hasActiveChat(u.id())));
		return chosen;
	}

	private String tenant() {
		return this.simulator.tenantId();
	}

	private String token(SimUser user) {
		return token(TestEntra.claims(tenant(), this.simulator.botAppId(), user.id()));
	}

	private static String token(JWTClaimsSet.Builder claims) {
		return TestEntra.sign(claims.build());
	}

	private static String signed(JWTClaimsSet.Builder claims) {
		return TestEntra.sign(claims.build());
	}

	private static JWTClaimsSet.Builder with(JWTClaimsSet.Builder claims, UnaryOperator<JWTClaimsSet.Builder> change) {
		return change.apply(claims);
	}

	private JsonNode list(SimUser user, String query) {
		return ok(call("GET", "/api/tab/announcements" + query, token(user), null));
	}

	private static JsonNode item(JsonNode page, long id) {
		for (JsonNode item : page.path("items")) {
			if (item.path("id").asLong() == id) {
				return item;
			}
		}
		throw new AssertionError("announcement " + id + " not in " + page);
	}

	private static List<Long> ids(JsonNode page) {
		List<Long> ids = new ArrayList<>();
		page.path("items").forEach((item) -> ids.add(item.path("id").asLong()));
		return ids;
	}

	private static List<String> labelsAndValues(JsonNode item) {
		List<String> choices = new ArrayList<>();
		item.path("content")
			.path("poll")
			.path("choices")
			.forEach((c) -> choices.add(c.path("label").asString() + "=" + c.path("value").asString()));
		return choices;
	}

	private static String encode(String text) {
		return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8);
	}

	private HttpResponse<String> call(String method, String path, String token, String json) {
		return api(method, path, token, json);
	}

	/** A page or file as a browser asks for it, without signing in. */
	private HttpResponse<String> page(String path) {
		try {
			return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
				.header("Accept", "text/html,*/*;q=0.8")
				.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private HttpResponse<byte[]> bytes(String path, String token) {
		try {
			return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
				.header("Authorization", "Bearer " + token)
				.build(), HttpResponse.BodyHandlers.ofByteArray());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Map<String, byte[]> unzip(byte[] zip) {
		Map<String, byte[]> entries = new LinkedHashMap<>();
		try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(
				new java.io.ByteArrayInputStream(zip))) {
			java.util.zip.ZipEntry entry;
			while ((entry = in.getNextEntry()) != null) {
				entries.put(entry.getName(), in.readAllBytes());
			}
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
		return entries;
	}

	private static JsonNode ok(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return JSON.readTree(response.body());
	}

	private static void assertProblem(HttpResponse<String> response, int status) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
	}

}
