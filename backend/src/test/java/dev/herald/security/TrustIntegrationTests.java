package dev.herald.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.Test;

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

}
