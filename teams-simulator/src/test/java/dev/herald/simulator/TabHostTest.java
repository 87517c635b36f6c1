package dev.herald.simulator;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.herald.simulator.SimulatorConfig.Limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Teams host page for personal tabs and its SSO tokens, over real HTTP: shown only
 * where Teams shows the tab, tokens signed with the simulator's Entra key in the v2 and
 * v1 forms.
 */
class TabHostTest {

	/** Where the tab would live; nothing needs to listen there for these tests. */
	static final String TAB_HOST = "127.0.0.1:18443";

	TeamsSimulator sim;

	SimHttp http;

	SimUser person;

	SimUser other;

	@BeforeEach
	void start() {
		this.sim = TeamsSimulator.start(SimulatorConfig.defaults().withUsers(60).withLimits(Limits.off()));
		this.http = new SimHttp(this.sim);
		List<SimUser> people = this.sim.tenant().users().stream().filter(this.sim.tenant()::reachable).toList();
		this.person = people.stream().filter((u) -> u.preferredLanguage().startsWith("fr")).findFirst().orElseThrow();
		this.other = people.stream().filter((u) -> !u.id().equals(this.person.id())).findFirst().orElseThrow();
		this.sim.installForUser(this.person.id());
	}

	@AfterEach
	void stop() {
		this.sim.close();
	}

	/** The manifest Herald's package will carry (the contract with the tab's side). */
	Map<String, Object> manifest(String tabHost) {
		String appId = this.sim.botAppId();
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("manifestVersion", "1.17");
		m.put("id", this.sim.teamsAppExternalId());
		m.put("name", Map.of("short", "Herald"));
		m.put("staticTabs", List.of(
				Map.of("entityId", "announcements", "name", "Announcements", "contentUrl",
						"http://" + tabHost
								+ "/tab?locale={locale}&theme={theme}&subEntityId={subEntityId}&hint={loginHint}",
						"scopes", List.of("personal")),
				Map.of("entityId", "teamonly", "name", "Team only", "contentUrl", "http://" + tabHost + "/team",
						"scopes", List.of("team"))));
		m.put("webApplicationInfo", Map.of("id", appId, "resource", "api://" + tabHost + "/" + appId));
		m.put("validDomains", List.of(tabHost));
		return m;
	}

	SimHttp.Response putManifest(Map<String, Object> manifest) {
		return this.http.put(this.sim.baseUrl() + "/_sim/app/manifest", null, manifest);
	}

	SimHttp.Response page(SimUser u, String query) {
		return this.http.get(this.sim.tabHostUrl(u.id(), "announcements") + query, null);
	}

	static Map<String, Object> hostConfig(String html) {
		String open = "<script type=\"application/json\" id=\"sim-host-config\">";
		int from = html.indexOf(open) + open.length();
		return SimHttp.JSON.readValue(html.substring(from, html.indexOf("</script>", from)), Map.class);
	}

	static String refusal(SimHttp.Response r) {
		String marker = "data-code=\"";
		int at = r.body().indexOf(marker);
		return (at < 0) ? null : r.body().substring(at + marker.length(), r.body().indexOf('"', at + marker.length()));
	}

	@Test
	@SuppressWarnings("unchecked")
	void theHostPageLoadsTheTabWithTeamsPlaceholdersFilledForAnInstalledPerson() {
		assertThat(putManifest(manifest(TAB_HOST)).status()).isEqualTo(200);
		SimHttp.Response r = page(this.person, "?theme=dark&subEntityId=msg%2042");
		assertThat(r.status()).isEqualTo(200);
		assertThat(r.header("Content-Type")).startsWith("text/html");
		// Only the tab's origin may be framed; no script without the page's nonce.
		assertThat(r.header("Content-Security-Policy")).contains("frame-src http://" + TAB_HOST + ";")
			.contains("script-src 'nonce-")
			.contains("connect-src 'self'");
		Map<String, Object> config = hostConfig(r.body());
		String locale = this.person.teamsLocale().toLowerCase(java.util.Locale.ROOT);
		assertThat(locale).startsWith("fr-");
		assertThat(config.get("contentUrl")).isEqualTo("http://" + TAB_HOST + "/tab?locale=" + locale
				+ "&theme=dark&subEntityId=msg%2042&hint=" + SimHttp.enc(this.person.userPrincipalName()));
		Map<String, Object> context = (Map<String, Object>) config.get("context");
		assertThat(context).containsEntry("locale", locale)
			.containsEntry("theme", "dark")
			.containsEntry("entityId", "announcements")
			.containsEntry("subEntityId", "msg 42")
			.containsEntry("userObjectId", this.person.id())
			.containsEntry("tid", this.sim.tenantId())
			.containsEntry("loginHint", this.person.userPrincipalName())
			.containsEntry("userPrincipalName", this.person.userPrincipalName())
			.containsEntry("hostClientType", "web")
			.containsEntry("frameContext", "content")
			.containsKeys("appSessionId", "sessionId");
		assertThat(config.get("validDomains")).isEqualTo(List.of(TAB_HOST));
		Map<String, Object> runtime = SimHttp.JSON.readValue((String) config.get("runtime"), Map.class);
		assertThat(runtime).containsEntry("apiVersion", 4);
		assertThat((Map<String, Object>) runtime.get("supports")).containsKey("authentication");
		// The catalog id names the same app; Android is a client type Teams has.
		SimHttp.Response byCatalogId = this.http.get(this.sim.baseUrl() + "/_sim/teams/users/" + this.person.id()
				+ "/apps/" + this.sim.teamsAppCatalogId() + "/tabs/announcements?hostClientType=android", null);
		assertThat(byCatalogId.status()).isEqualTo(200);
		assertThat(((Map<String, Object>) hostConfig(byCatalogId.body()).get("context")))
			.containsEntry("hostClientType", "android")
			.containsEntry("theme", "default");
	}

	@Test
	void theManifestOfAnUploadedPackageIsTheOneTheHostReads() throws Exception {
		SimHttp.Response before = page(this.person, "");
		assertThat(before.status()).isEqualTo(409);
		assertThat(refusal(before)).isEqualTo("NoAppPackage");
		ByteArrayOutputStream zip = new ByteArrayOutputStream();
		try (ZipOutputStream out = new ZipOutputStream(zip)) {
			out.putNextEntry(new ZipEntry("manifest.json"));
			out.write(SimHttp.JSON.writeValueAsBytes(manifest(TAB_HOST)));
			out.closeEntry();
		}
		SimHttp.Response upload = SimHttp.send(HttpRequest.newBuilder(URI.create(this.sim.baseUrl() + "/_sim/app"))
			.header("Content-Type", "application/zip")
			.POST(HttpRequest.BodyPublishers.ofByteArray(zip.toByteArray()))
			.build());
		assertThat(upload.status()).isEqualTo(200);
		assertThat(page(this.person, "").status()).isEqualTo(200);
		assertThat(this.http.get(this.sim.baseUrl() + "/_sim/app/manifest", null).json()).containsEntry("validDomains",
				List.of(TAB_HOST));
	}

	@Test
	void teamsShowsNoTabToSomeoneWithoutTheAppNorAnUnknownOrTeamOnlyTab() {
		putManifest(manifest(TAB_HOST));
		SimHttp.Response notInstalled = page(this.other, "");
		assertThat(notInstalled.status()).isEqualTo(409);
		assertThat(refusal(notInstalled)).isEqualTo("AppNotInstalled");
		assertThat(notInstalled.body()).doesNotContain("sim-host-config").doesNotContain("<iframe");

		SimHttp.Response unknownTab = this.http.get(this.sim.tabHostUrl(this.person.id(), "nope"), null);
		assertThat(unknownTab.status()).isEqualTo(404);
		assertThat(refusal(unknownTab)).isEqualTo("TabNotFound");

		SimHttp.Response teamOnly = this.http.get(this.sim.tabHostUrl(this.person.id(), "teamonly"), null);
		assertThat(teamOnly.status()).isEqualTo(404);
		assertThat(refusal(teamOnly)).isEqualTo("TabNotFound");

		SimHttp.Response otherApp = this.http.get(this.sim.baseUrl() + "/_sim/teams/users/" + this.person.id()
				+ "/apps/11111111-2222-3333-4444-555555555555/tabs/announcements", null);
		assertThat(otherApp.status()).isEqualTo(404);
		assertThat(refusal(otherApp)).isEqualTo("AppNotFound");

		SimHttp.Response nobody = this.http.get(this.sim.baseUrl() + "/_sim/teams/users/"
				+ "00000000-0000-0000-0000-000000000000/apps/" + this.sim.teamsAppExternalId() + "/tabs/announcements",
				null);
		assertThat(nobody.status()).isEqualTo(404);
		assertThat(refusal(nobody)).isEqualTo("UserNotFound");

		assertThat(page(this.person, "?theme=%3Cscript%3E").status()).isEqualTo(400);
		assertThat(page(this.person, "?hostClientType=teamsRoom").status()).isEqualTo(400);
	}

	@Test
	void aHostileEntityIdIsEscapedOnTheRefusalPage() {
		putManifest(manifest(TAB_HOST));
		SimHttp.Response r = this.http.get(this.sim.tabHostUrl(this.person.id(), "<script>alert(1)</script>"), null);
		assertThat(r.status()).isEqualTo(404);
		assertThat(r.body()).doesNotContain("<script>alert(1)").contains("&lt;script&gt;alert(1)&lt;/script&gt;");
		assertThat(r.header("Content-Security-Policy")).isEqualTo("default-src 'none'");
	}

	@Test
	void aContentUrlOutsideTheValidDomainsIsNotLoaded() {
		Map<String, Object> m = manifest(TAB_HOST);
		m.put("validDomains", List.of("herald.example.com"));
		putManifest(m);
		SimHttp.Response r = page(this.person, "");
		assertThat(r.status()).isEqualTo(409);
		assertThat(refusal(r)).isEqualTo("DomainNotValid");
		assertThat(r.body()).doesNotContain("<iframe");

		// The same host on another port is another domain.
		m.put("validDomains", List.of("127.0.0.1:18444"));
		putManifest(m);
		assertThat(refusal(page(this.person, ""))).isEqualTo("DomainNotValid");

		// A wildcard stands for one label, never the last.
		m.put("validDomains", List.of("*.example.com"));
		m.put("staticTabs", List.of(Map.of("entityId", "announcements", "name", "A", "contentUrl",
				"https://tab.example.com/t", "scopes", List.of("personal"))));
		putManifest(m);
		assertThat(page(this.person, "").status()).isEqualTo(200);
		m.put("staticTabs", List.of(Map.of("entityId", "announcements", "name", "A", "contentUrl",
				"https://a.tab.example.com/t", "scopes", List.of("personal"))));
		putManifest(m);
		assertThat(refusal(page(this.person, ""))).isEqualTo("DomainNotValid");

		// Tricks that name a listed host without loading from it.
		m.put("validDomains", List.of(TAB_HOST));
		for (String url : List.of("http://" + TAB_HOST + "@evil.example/t", "http://evil.example/?h=" + TAB_HOST,
				"javascript:alert(1)//" + TAB_HOST, "data:text/html,<p>" + TAB_HOST)) {
			m.put("staticTabs", List.of(Map.of("entityId", "announcements", "name", "A", "contentUrl", url, "scopes",
					List.of("personal"))));
			putManifest(m);
			SimHttp.Response refused = page(this.person, "");
			assertThat(refused.status()).as(url).isEqualTo(409);
			assertThat(refusal(refused)).as(url).isIn("DomainNotValid", "ContentUrlInvalid");
		}
	}

	Map<String, Object> tokenResponse(SimUser u, Map<String, Object> body) {
		SimHttp.Response r = this.http.post(this.sim.baseUrl() + "/_sim/teams/users/" + u.id() + "/apps/"
				+ this.sim.teamsAppExternalId() + "/token", null, body);
		Map<String, Object> json = r.json();
		json.put("status", r.status());
		return json;
	}

	JWTClaimsSet verified(String token) throws Exception {
		SimHttp.Response keys = this.http.get(this.sim.baseUrl() + "/" + this.sim.tenantId() + "/discovery/v2.0/keys",
				null);
		JWKSet jwks = JWKSet.parse(keys.body());
		SignedJWT jwt = SignedJWT.parse(token);
		RSAKey key = (RSAKey) jwks.getKeyByKeyId(jwt.getHeader().getKeyID());
		assertThat(key).as("the token's kid is in the simulator's Entra JWKS").isNotNull();
		assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("RS256");
		assertThat(jwt.verify(new RSASSAVerifier(key.toRSAPublicKey()))).isTrue();
		return jwt.getJWTClaimsSet();
	}

	@Test
	@SuppressWarnings("unchecked")
	void theV2TokenCarriesTheClaimsOfTeamsSso() throws Exception {
		putManifest(manifest(TAB_HOST));
		Map<String, Object> r = tokenResponse(this.person, Map.of("hostClientType", "web"));
		assertThat(r.get("status")).isEqualTo(200);
		JWTClaimsSet c = verified((String) r.get("token"));
		String tid = this.sim.tenantId();
		assertThat(c.getIssuer()).isEqualTo("https://login.microsoftonline.com/" + tid + "/v2.0");
		assertThat(c.getAudience()).containsExactly(this.sim.botAppId());
		assertThat(c.getStringClaim("scp")).isEqualTo("access_as_user");
		assertThat(c.getStringClaim("azp")).isEqualTo("5e3ce6c0-2b1f-4285-8d4b-75ee78787346");
		assertThat(c.getStringClaim("azpacr")).isEqualTo("0");
		assertThat(c.getStringClaim("name")).isEqualTo(this.person.displayName());
		assertThat(c.getStringClaim("oid")).isEqualTo(this.person.id());
		assertThat(c.getStringClaim("preferred_username")).isEqualTo(this.person.userPrincipalName());
		assertThat(c.getStringClaim("tid")).isEqualTo(tid);
		assertThat(c.getStringClaim("ver")).isEqualTo("2.0");
		assertThat(c.getClaims()).doesNotContainKeys("appid", "unique_name", "roles");
		long now = System.currentTimeMillis();
		assertThat(c.getIssueTime().getTime()).isBetween(now - 60_000, now + 1_000);
		assertThat(c.getNotBeforeTime().getTime()).isLessThanOrEqualTo(now + 1_000);
		assertThat(c.getExpirationTime().getTime()).isBetween(now + 50 * 60_000, now + 61 * 60_000);
		// The same through the Java API.
		assertThat(verified(this.sim.tabSsoToken(this.person.id())).getStringClaim("oid")).isEqualTo(this.person.id());
		Map<String, Object> stats = (Map<String, Object>) this.http.get(this.sim.baseUrl() + "/_sim/stats", null)
			.json()
			.get("tabSsoTokens");
		assertThat(stats).containsEntry("v2", 2).containsEntry("v1", 0).containsEntry("refused", 0);
	}

	@Test
	@SuppressWarnings("unchecked")
	void theV1FormIsChosenByTheAppRegistration() throws Exception {
		putManifest(manifest(TAB_HOST));
		assertThat(this.http.post(this.sim.baseUrl() + "/_sim/config", null, Map.of("accessTokenAcceptedVersion", 1))
			.json()).containsEntry("accessTokenAcceptedVersion", 1);
		Map<String, Object> r = tokenResponse(this.person, Map.of("hostClientType", "android"));
		assertThat(r.get("status")).isEqualTo(200);
		JWTClaimsSet c = verified((String) r.get("token"));
		String tid = this.sim.tenantId();
		assertThat(c.getIssuer()).isEqualTo("https://sts.windows.net/" + tid + "/");
		assertThat(c.getAudience()).containsExactly("api://" + TAB_HOST + "/" + this.sim.botAppId());
		assertThat(c.getStringClaim("appid")).isEqualTo("1fec8e78-bce4-4aaf-ab1b-5451cc387264");
		assertThat(c.getStringClaim("unique_name")).isEqualTo(this.person.userPrincipalName());
		assertThat(c.getStringClaim("scp")).isEqualTo("access_as_user");
		assertThat(c.getStringClaim("oid")).isEqualTo(this.person.id());
		assertThat(c.getStringClaim("tid")).isEqualTo(tid);
		assertThat(c.getStringClaim("ver")).isEqualTo("1.0");
		assertThat(c.getClaims()).doesNotContainKeys("azp", "azpacr", "preferred_username");
		// A page may ask for the other form, and a bad version is refused.
		assertThat(
				verified((String) tokenResponse(this.person, Map.of("version", 2)).get("token")).getStringClaim("ver"))
			.isEqualTo("2.0");
		assertThat(tokenResponse(this.person, Map.of("version", 3)).get("status")).isEqualTo(400);
		assertThat(this.http.post(this.sim.baseUrl() + "/_sim/config", null, Map.of("accessTokenAcceptedVersion", 7))
			.status()).isEqualTo(400);
		assertThat(this.sim.accessTokenAcceptedVersion()).isEqualTo(1);
		Map<String, Object> stats = (Map<String, Object>) this.sim.stats().get("tabSsoTokens");
		assertThat(stats).containsEntry("v1", 1L).containsEntry("v2", 1L).containsEntry("refused", 1L);
	}

	@Test
	void noTokenWithoutAnApplicationIdUriTeamsAccepts() {
		String appId = this.sim.botAppId();
		Map<String, Object> m = manifest(TAB_HOST);
		m.remove("webApplicationInfo");
		putManifest(m);
		Map<String, Object> r = tokenResponse(this.person, Map.of());
		assertThat(r).containsEntry("status", 409)
			.containsEntry("error", "resourceDisabled")
			.doesNotContainKey("token");
		for (String resource : List.of("api://HERALD.example.com/" + appId, "https://" + TAB_HOST + "/" + appId,
				"api://" + TAB_HOST + "/11111111-2222-3333-4444-555555555555", "api://" + TAB_HOST)) {
			m.put("webApplicationInfo", Map.of("id", appId, "resource", resource));
			putManifest(m);
			assertThat(tokenResponse(this.person, Map.of())).as(resource).containsEntry("error", "resourceDisabled");
		}
		m.put("webApplicationInfo", Map.of("id", "not-a-guid", "resource", "api://" + TAB_HOST + "/not-a-guid"));
		putManifest(m);
		assertThat(tokenResponse(this.person, Map.of())).containsEntry("error", "resourceDisabled");
		assertThatThrownBy(() -> this.sim.tabSsoToken(this.person.id())).isInstanceOf(IllegalStateException.class)
			.hasMessageStartingWith("resourceDisabled");
	}

	@Test
	void noTokenForSomeoneWithoutTheApp() {
		putManifest(manifest(TAB_HOST));
		Map<String, Object> r = tokenResponse(this.other, Map.of());
		assertThat(r).containsEntry("status", 409).containsEntry("error", "AppNotInstalled").doesNotContainKey("token");
		assertThatThrownBy(() -> this.sim.tabSsoToken(this.other.id())).hasMessageStartingWith("AppNotInstalled");
		SimHttp.Response bad = SimHttp.send(HttpRequest
			.newBuilder(URI.create(this.sim.baseUrl() + "/_sim/teams/users/" + this.person.id() + "/apps/"
					+ this.sim.teamsAppExternalId() + "/token"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{not json", StandardCharsets.UTF_8))
			.build());
		assertThat(bad.status()).isEqualTo(400);
	}

}
