package dev.herald.simulator;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.herald.simulator.SimulatorConfig.Limits;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real {@code @microsoft/teams-js} in a tab inside the simulator's Teams host page,
 * in headless chromium: initialize, context and SSO as a tab on another origin (Herald's
 * case) sees them. The tab passes the host page's origin to {@code app.initialize}, as
 * Herald does where it trusts the simulator; teams-js ignores any other non-Microsoft
 * origin.
 */
class TabHostBrowserTest {

	static final String TEAMS_JS = "teams-js/2.55.0/MicrosoftTeams.min.js";

	static final String TEAMS_JS_SHA256 = "ae7eec9ff85a9c439a8ea64ca54357c96d11eb277efa91203b727f545c730677";

	TeamsSimulator sim;

	HttpServer tabServer;

	WebDriver driver;

	Path profile;

	SimUser person;

	String tabHost;

	@BeforeEach
	void start() throws Exception {
		this.sim = TeamsSimulator.start(SimulatorConfig.defaults().withUsers(60).withLimits(Limits.off()));
		this.person = this.sim.tenant()
			.users()
			.stream()
			.filter(this.sim.tenant()::reachable)
			.filter((u) -> u.preferredLanguage().startsWith("fr"))
			.findFirst()
			.orElseThrow();
		this.sim.installForUser(this.person.id());
		this.tabServer = startTabServer();
		this.tabHost = "127.0.0.1:" + this.tabServer.getAddress().getPort();
		this.driver = chromium();
	}

	@AfterEach
	void stop() throws IOException {
		if (this.driver != null) {
			this.driver.quit();
		}
		if (this.profile != null) {
			try (Stream<Path> files = Files.walk(this.profile)) {
				files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
			}
		}
		if (this.tabServer != null) {
			this.tabServer.stop(0);
		}
		this.sim.close();
	}

	/** The test tab and the vendored teams-js, on their own origin (127.0.0.1:port). */
	HttpServer startTabServer() throws IOException {
		byte[] teamsJs;
		try (InputStream in = TabHostBrowserTest.class.getResourceAsStream(TEAMS_JS)) {
			teamsJs = in.readAllBytes();
		}
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
		String simOrigin = this.sim.baseUrl();
		String page = """
				<!DOCTYPE html>
				<html lang="en"><head><meta charset="utf-8"><title>Test tab</title>
				<script src="/MicrosoftTeams.min.js"></script></head>
				<body><p id="status">loading</p>
				<script>
				window.__tab = { themes: [] };
				microsoftTeams.app.initialize([SIM_ORIGIN]).then(function () {
				  microsoftTeams.app.registerOnThemeChangeHandler(function (theme) { window.__tab.themes.push(theme); });
				  microsoftTeams.app.notifySuccess();
				  return microsoftTeams.app.getContext();
				}).then(function (ctx) {
				  window.__tab.context = { locale: ctx.app.locale, theme: ctx.app.theme, userId: ctx.user.id,
				    tenantId: ctx.user.tenant ? ctx.user.tenant.id : null, loginHint: ctx.user.loginHint,
				    pageId: ctx.page.id, subPageId: ctx.page.subPageId, frameContext: ctx.page.frameContext,
				    clientType: ctx.app.host.clientType, url: location.href };
				  return microsoftTeams.authentication.getAuthToken();
				}).then(function (token) {
				  window.__tab.token = token;
				  return microsoftTeams.app.openLink('https://teams.microsoft.com/l/entity/app/announcements').then(
				    function () { window.__tab.linked = true; },
				    function (e) { window.__tab.linkError = String(e && e.message ? e.message : e); });
				}, function (e) { window.__tab.error = String(e && e.message ? e.message : e); });
				</script></body></html>
				"""
			.replace("SIM_ORIGIN", SimHttp.JSON.writeValueAsString(simOrigin));
		server.createContext("/", (exchange) -> {
			String path = exchange.getRequestURI().getPath();
			byte[] body;
			String type;
			if ("/MicrosoftTeams.min.js".equals(path)) {
				body = teamsJs;
				type = "text/javascript; charset=utf-8";
			}
			else if ("/tab".equals(path)) {
				body = page.getBytes(StandardCharsets.UTF_8);
				type = "text/html; charset=utf-8";
			}
			else {
				exchange.sendResponseHeaders(404, -1);
				exchange.close();
				return;
			}
			exchange.getResponseHeaders().set("Content-Type", type);
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		server.start();
		return server;
	}

	/** Debian's chromium and chromedriver, headless, as the backend's browser tests. */
	WebDriver chromium() throws IOException {
		assertThat(new File("/usr/bin/chromium")).as("Debian chromium (apt-get install chromium chromium-driver)")
			.exists();
		this.profile = Files.createTempDirectory("sim-chromium-");
		ChromeOptions options = new ChromeOptions();
		options.setBinary("/usr/bin/chromium");
		options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
				"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
				"--user-data-dir=" + this.profile, "--window-size=1280,900", "--lang=en-US");
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(new File("/usr/bin/chromedriver"))
			.usingAnyFreePort()
			.build();
		return new ChromeDriver(service, options);
	}

	Map<String, Object> manifest(boolean withSso) {
		String appId = this.sim.botAppId();
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("manifestVersion", "1.17");
		m.put("id", this.sim.teamsAppExternalId());
		m.put("name", Map.of("short", "Herald"));
		m.put("staticTabs",
				List.of(Map.of("entityId", "announcements", "name", "Announcements", "contentUrl",
						"http://" + this.tabHost + "/tab?locale={locale}&theme={theme}&subEntityId={subEntityId}",
						"scopes", List.of("personal"))));
		if (withSso) {
			m.put("webApplicationInfo", Map.of("id", appId, "resource", "api://" + this.tabHost + "/" + appId));
		}
		m.put("validDomains", List.of(this.tabHost));
		return m;
	}

	JavascriptExecutor js() {
		return (JavascriptExecutor) this.driver;
	}

	/** Opens the host page and waits in the tab's frame until the tab has its answer. */
	@SuppressWarnings("unchecked")
	Map<String, Object> openTab(String query) {
		this.driver.get(this.sim.tabHostUrl(this.person.id(), "announcements") + query);
		// The frame may be between documents (about:blank, then the tab) while polled.
		new WebDriverWait(this.driver, Duration.ofSeconds(20)).ignoring(WebDriverException.class).until((d) -> {
			d.switchTo().defaultContent();
			d.switchTo().frame("tab");
			return Boolean.TRUE
				.equals(js().executeScript("return !!(window.__tab && (window.__tab.token || window.__tab.error));"));
		});
		return (Map<String, Object>) js().executeScript("return window.__tab;");
	}

	@SuppressWarnings("unchecked")
	List<String> hostLog(String direction) {
		this.driver.switchTo().defaultContent();
		return (List<String>) js().executeScript("var direction = arguments[0];"
				+ " return window.__hostLog.filter(function (e) { return e.direction === direction; })"
				+ ".map(function (e) { return e.func; });", direction);
	}

	@Test
	void theVendoredLibraryIsTheOneItsReadmeNames() throws Exception {
		try (InputStream in = TabHostBrowserTest.class.getResourceAsStream(TEAMS_JS)) {
			String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
			assertThat(sha).isEqualTo(TEAMS_JS_SHA256);
		}
	}

	@Test
	@SuppressWarnings("unchecked")
	void teamsJsInitializesGetsThePersonsContextAndAnSsoTokenAndFollowsTheTheme() throws Exception {
		this.sim.setAppManifest(manifest(true));
		Map<String, Object> tab = openTab("?subEntityId=msg-42");
		assertThat(tab.get("error")).as("teams-js error").isNull();
		Map<String, Object> context = (Map<String, Object>) tab.get("context");
		String locale = this.person.teamsLocale().toLowerCase(Locale.ROOT);
		assertThat(context).containsEntry("locale", locale)
			.containsEntry("theme", "default")
			.containsEntry("userId", this.person.id())
			.containsEntry("tenantId", this.sim.tenantId())
			.containsEntry("loginHint", this.person.userPrincipalName())
			.containsEntry("pageId", "announcements")
			.containsEntry("subPageId", "msg-42")
			.containsEntry("frameContext", "content")
			.containsEntry("clientType", "web");
		assertThat((String) context.get("url"))
			.isEqualTo("http://" + this.tabHost + "/tab?locale=" + locale + "&theme=default&subEntityId=msg-42");

		SignedJWT jwt = SignedJWT.parse((String) tab.get("token"));
		JWKSet jwks = JWKSet.parse(
				new SimHttp(this.sim).get(this.sim.baseUrl() + "/" + this.sim.tenantId() + "/discovery/v2.0/keys", null)
					.body());
		RSAKey key = (RSAKey) jwks.getKeyByKeyId(jwt.getHeader().getKeyID());
		assertThat(jwt.verify(new RSASSAVerifier(key.toRSAPublicKey()))).isTrue();
		JWTClaimsSet claims = jwt.getJWTClaimsSet();
		assertThat(claims.getAudience()).containsExactly(this.sim.botAppId());
		assertThat(claims.getStringClaim("oid")).isEqualTo(this.person.id());
		assertThat(claims.getStringClaim("scp")).isEqualTo("access_as_user");
		assertThat(claims.getIssuer()).isEqualTo("https://login.microsoftonline.com/" + this.sim.tenantId() + "/v2.0");

		// The host's "dark" button reaches the tab's theme handler.
		this.driver.switchTo().defaultContent();
		this.driver.findElement(By.id("sim-theme-dark")).click();
		new WebDriverWait(this.driver, Duration.ofSeconds(10)).ignoring(WebDriverException.class).until((d) -> {
			d.switchTo().defaultContent();
			d.switchTo().frame("tab");
			// app.openLink (executeDeepLink) resolves on the host's [true] too.
			return ((List<Object>) js().executeScript("return window.__tab.themes;")).contains("dark")
					&& Boolean.TRUE.equals(js().executeScript("return window.__tab.linked === true;"));
		});
		assertThat(js().executeScript("return window.__tab.linkError || null;")).isNull();

		assertThat(hostLog("in")).contains("initialize", "getContext", "authentication.getAuthToken", "registerHandler",
				"appInitialization.success");
		assertThat(hostLog("out"))
			.contains("initialize", "getContext", "authentication.getAuthToken", "executeDeepLink")
			.doesNotContain("registerHandler", "appInitialization.success");
		assertThat(hostLog("event")).containsExactly("themeChange");
		assertThat(hostLog("refused")).isEmpty();
		assertThat(
				this.driver.findElements(By.cssSelector("#sim-host-log li[data-func='authentication.getAuthToken']")))
			.hasSize(2);
		assertThat(((Map<String, Object>) this.sim.stats().get("tabSsoTokens"))).containsEntry("v2", 1L);
	}

	@Test
	void withoutWebApplicationInfoGetAuthTokenFailsWithResourceDisabled() {
		this.sim.setAppManifest(manifest(false));
		Map<String, Object> tab = openTab("?theme=contrast");
		assertThat(tab.get("token")).isNull();
		assertThat(tab.get("error")).isEqualTo("resourceDisabled");
		assertThat(tab.get("context")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
			.containsEntry("theme", "contrast");
	}

}
