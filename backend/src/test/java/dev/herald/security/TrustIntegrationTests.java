package dev.herald.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.api.ApiHttp;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;

import dev.herald.support.BrowserSession;
import dev.herald.support.HeraldTestProperties;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attacks on Herald's doors, each over real HTTP against the running application: tokens
 * minted for another API or tenant, bootstrap lists matched by a name anyone can take,
 * anonymous metrics, framing and script injection in the UI, forged forwarded headers.
 */
class TrustIntegrationTests extends IntegrationTest {

	@Test
	void apiTokensForAnotherAudienceOrTenantAreRefused() {
		String tenant = this.simulator.tenantId();
		// Any app of the tenant can mint itself a token with a roles claim: not for
		// Herald's API, so nothing of it counts.
		String otherApi = TestIdentityProvider.token("herald-cli", "some-other-api", tenant, "Herald.Admin");
		String otherTenant = TestIdentityProvider.token("herald-cli", TestIdentityProvider.API_AUDIENCE,
				"11111111-2222-3333-4444-555555555555", "Herald.Admin");
		String noTenant = TestIdentityProvider.token("herald-cli", TestIdentityProvider.API_AUDIENCE, null,
				"Herald.Admin");
		for (String token : new String[] { otherApi, otherTenant, noTenant }) {
			HttpResponse<String> refused = api("GET", "/api/v1/announcements", token, null);
			assertThat(refused.statusCode()).isEqualTo(401);
			assertThat(refused.headers().firstValue("Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
			assertThat(api("GET", "/api/v1/admin/clients", token, null).statusCode()).isEqualTo(401);
		}
		String good = TestIdentityProvider.token("herald-cli", TestIdentityProvider.API_AUDIENCE, tenant,
				"Herald.Admin");
		assertThat(api("GET", "/api/v1/announcements", good, null).statusCode()).isEqualTo(200);
	}

	@Test
	void bootstrapListsMatchObjectIdsNotNames() {
		String tenant = this.simulator.tenantId();
		String listed = HeraldTestProperties.BOOTSTRAP_ADMIN_OID;
		// Someone whose name or e-mail claim reads like the listed id is not that person.
		String impostor = TestIdentityProvider.token("impostor", TestIdentityProvider.API_AUDIENCE, tenant,
				Map.of("oid", "7e57e57e-0000-4000-8000-000000000001", "preferred_username", listed, "email", listed,
						"upn", listed, "scp", "access_as_user"));
		assertThat(api("GET", "/api/v1/admin/clients", impostor, null).statusCode()).isEqualTo(403);
		String admin = TestIdentityProvider.token("someone", TestIdentityProvider.API_AUDIENCE, tenant,
				Map.of("oid", listed, "scp", "access_as_user"));
		assertThat(api("GET", "/api/v1/admin/clients", admin, null).statusCode()).isEqualTo(200);
	}

	@Test
	void metricsNeedATokenAndHealthTellsNoDetails() throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		HttpResponse<String> anonymous = http.send(
				HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/prometheus")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(anonymous.statusCode()).isEqualTo(401);
		assertThat(anonymous.body()).doesNotContain("herald_");

		String author = TestIdentityProvider.accessToken("metrics-author", "Herald.Author");
		assertThat(api("GET", "/actuator/prometheus", author, null).statusCode()).isEqualTo(403);
		String admin = TestIdentityProvider.accessToken("metrics-scraper", "Herald.Admin");
		HttpResponse<String> scraped = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/prometheus"))
			.header("Authorization", "Bearer " + admin)
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(scraped.statusCode()).isEqualTo(200);
		assertThat(scraped.body()).contains("jvm_");

		HttpResponse<String> health = http.send(
				HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(health.body()).contains("\"status\":\"UP\"").doesNotContain("components").doesNotContain("details");
	}

	@Test
	void everyPageCarriesAContentSecurityPolicyWithoutInlineScript() {
		BrowserSession author = BrowserSession.signIn(baseUrl(), "csp-author", "Herald.Author");
		for (String page : new String[] { "/announcements", "/announcements/new" }) {
			HttpResponse<String> response = author.get(page);
			assertThat(response.statusCode()).isEqualTo(200);
			String csp = response.headers().firstValue("Content-Security-Policy").orElse("");
			assertThat(csp).contains("script-src 'self';")
				.contains("frame-ancestors 'none'")
				.contains("object-src 'none'")
				.doesNotContain("unsafe-eval");
			assertThat(csp.substring(csp.indexOf("script-src"))).startsWith("script-src 'self';");
			assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
			assertThat(response.headers().firstValue("Referrer-Policy")).hasValue("same-origin");
			// Every script is a file the policy allows: none inline.
			assertThat(response.body()).doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>");
		}
	}

	@Test
	void forwardedHeadersFromAnUnlistedPeerAreIgnored() throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/announcements"))
				.header("X-Forwarded-Host", "evil.example")
				.header("X-Forwarded-Proto", "https")
				.header("Forwarded", "host=evil.example;proto=https")
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(302);
		assertThat(response.headers().firstValue("Location").orElse("")).doesNotContain("evil.example")
			.doesNotStartWith("https:");
	}

	@Test
	void criticalIsAPermissionAndTheAllowedTopicIsTheOneStoredAndSigned() {
		String admin = TestIdentityProvider.accessToken("trust-admin", "Herald.Admin");
		String client = "payroll-" + UUID.randomUUID();
		HttpResponse<String> registered = api("POST", "/api/v1/admin/clients", admin, """
				{"clientId":"%s","displayName":"Payroll system","allowedTopics":["payroll"]}
				""".formatted(client));
		assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
		String token = TestIdentityProvider.accessToken(client);
		SimUser person = installApp(120, 1).get(0);
		// The person opted out of payroll news.
		this.jdbc.sql("""
				INSERT INTO opt_out (tenant_id, aad_object_id, topic, opted_out, source)
				VALUES (:tenant, :aad, 'payroll', true, 'command')
				""").param("tenant", this.simulator.tenantId()).param("aad", person.id()).update();
		String critical = """
				{"recipients":[{"aadObjectId":"%s"}],"topic":"payroll",
				 "card":{"title":"Pay day moved","summary":"Read this","importance":"CRITICAL"}}
				""".formatted(person.id());
		HttpResponse<String> refused = api("POST", "/api/v1/notifications", token, critical);
		assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
		assertThat(refused.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
		assertThat(this.jdbc.sql("SELECT count(*) FROM notification WHERE client_id = :c")
			.param("c", client)
			.query(Long.class)
			.single()).isZero();

		// The card names another topic and an author of its choosing: the allowed topic
		// is the one stored, so the opt-out holds, and the client's name signs it.
		String normal = """
				{"recipients":[{"aadObjectId":"%s"}],"topic":"payroll",
				 "card":{"title":"Pay slips are out","summary":"See the portal","topic":"canteen","author":"The CEO"}}
				""".formatted(person.id());
		HttpResponse<String> accepted = api("POST", "/api/v1/notifications", token, normal);
		assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
		long id = ApiHttp.read(accepted).path("id").asLong();
		assertThat(this.jdbc.sql("SELECT topic || '|' || author_line FROM announcement WHERE id = :id")
			.param("id", id)
			.query(String.class)
			.single()).isEqualTo("payroll|Payroll system");
		Await.until(Duration.ofSeconds(30), "notification finished",
				() -> this.jdbc.sql("SELECT state FROM delivery WHERE announcement_id = :id")
					.param("id", id)
					.query(String.class)
					.list()
					.equals(List.of("opted_out")));
		assertThat(cardsReceived(person.id(), id)).isZero();

		// Granted by an admin, critical reaches the person despite the opt-out, signed
		// with the client's name.
		HttpResponse<String> granted = api("PUT", "/api/v1/admin/clients/" + client, admin, """
				{"displayName":"Payroll system","allowedTopics":["payroll"],"maySendCritical":true}
				""");
		assertThat(granted.statusCode()).as(granted.body()).isEqualTo(200);
		HttpResponse<String> sent = api("POST", "/api/v1/notifications", token,
				critical.replace("\"importance\"", "\"author\":\"The CEO\",\"importance\""));
		assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
		long criticalId = ApiHttp.read(sent).path("id").asLong();
		Await.until(Duration.ofSeconds(30), "critical delivered", () -> cardsReceived(person.id(), criticalId) == 1);
		String received = JsonMapper.shared().writeValueAsString(this.simulator.inbox(person.id()));
		assertThat(received).contains("Payroll system").doesNotContain("\"The CEO\"");
		this.jdbc.sql("DELETE FROM opt_out WHERE aad_object_id = :aad").param("aad", person.id()).update();
	}

	@Test
	void whoOptedOutIsForAdminsOnly() {
		SimUser person = installApp(127, 1).get(0);
		this.jdbc.sql("""
				INSERT INTO opt_out (tenant_id, aad_object_id, topic, opted_out, source)
				VALUES (:tenant, :aad, 'all', true, 'command')
				""").param("tenant", this.simulator.tenantId()).param("aad", person.id()).update();
		String name = this.jdbc.sql("SELECT display_name FROM conversation WHERE aad_object_id = :aad")
			.param("aad", person.id())
			.query(String.class)
			.single();
		assertThat(name).isNotBlank();
		name = org.springframework.web.util.HtmlUtils.htmlEscape(name);
		String asAuthor = BrowserSession.signIn(baseUrl(), "overview-author", "Herald.Author")
			.get("/reports/opt-outs")
			.body();
		assertThat(asAuthor).contains("optout-total").doesNotContain(name);
		String asAdmin = BrowserSession.signIn(baseUrl(), "overview-admin", "Herald.Admin")
			.get("/reports/opt-outs")
			.body();
		assertThat(asAdmin).contains(name);
		this.jdbc.sql("DELETE FROM opt_out WHERE aad_object_id = :aad").param("aad", person.id()).update();
	}

}
