package dev.herald.simulator;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jwt.JWTClaimsSet;

import dev.herald.simulator.Http.Kind;
import dev.herald.simulator.Http.Req;
import dev.herald.simulator.Http.Resp;
import dev.herald.simulator.Http.Router;

/**
 * The Teams client for personal tabs: a host page per person that loads a static tab of
 * the uploaded app in an iframe and answers {@code @microsoft/teams-js} as Teams does
 * (teams-protocol.md, "Added 2026-12-06", A4), and the SSO token Teams gets from Entra
 * for {@code authentication.getAuthToken} (A3), signed with the simulator's Entra key.
 */
final class TabHost {

	/** Teams web's Entra client id, the {@code azp} of an SSO token obtained there. */
	static final String TEAMS_WEB_CLIENT = "5e3ce6c0-2b1f-4285-8d4b-75ee78787346";

	/** Teams desktop and mobile's Entra client id. */
	static final String TEAMS_DESKTOP_MOBILE_CLIENT = "1fec8e78-bce4-4aaf-ab1b-5451cc387264";

	static final String SCOPE = "access_as_user";

	private static final int LIFETIME_SECONDS = 3599;

	private static final Set<String> THEMES = Set.of("default", "dark", "contrast");

	private static final Set<String> CLIENT_TYPES = Set.of("web", "desktop", "android", "ios");

	/** Scheme and authority of a content URL; the rest as it is. */
	private static final Pattern URL = Pattern.compile("^(https?)://([^/?#]+)(.*)$", Pattern.CASE_INSENSITIVE);

	private static final Pattern GUID = Pattern
		.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

	/**
	 * The Application ID URI an SSO tab needs: {@code api://{fqdn}/{appId}}, domain in
	 * lower case (tab-sso-register-aad.md); a port is allowed, as local tools use.
	 */
	private static final Pattern RESOURCE = Pattern
		.compile("^api://([a-z0-9-]+(?:\\.[a-z0-9-]+)*(?::[0-9]{1,5})?)/([^/?#]+)$");

	/**
	 * The runtime Teams announces in its {@code initialize} answer: API version 4, and
	 * the capabilities a personal tab uses (authentication among them).
	 */
	static final Map<String, Object> RUNTIME = Json.obj("apiVersion", 4, "hostVersionsInfo",
			Json.obj("adaptiveCardSchemaVersion", Json.obj("majorVersion", 1, "minorVersion", 5)), "isLegacyTeams",
			false, "supports",
			Json.obj("appInstallDialog", Json.obj(), "authentication", Json.obj(), "pages",
					Json.obj("appButton", Json.obj(), "tabs", Json.obj(), "config", Json.obj(), "backStack", Json.obj(),
							"fullTrust", Json.obj()),
					"teamsCore", Json.obj()));

	/** The SDK version Teams says it supports in its {@code initialize} answer. */
	static final String CLIENT_SUPPORTED_SDK_VERSION = "2.0.1";

	private final TeamsSimulator sim;

	TabHost(TeamsSimulator sim) {
		this.sim = sim;
	}

	void register(Router r) {
		r.add("GET", "/_sim/teams/users/{aad}/apps/{appId}/tabs/{entityId}", Kind.SIM, this::page);
		r.add("POST", "/_sim/teams/users/{aad}/apps/{appId}/token", Kind.SIM, this::token);
		r.add("GET", "/_sim/app/manifest", Kind.SIM, (req) -> {
			Map<String, Object> manifest = this.sim.appManifest();
			return (manifest != null) ? Resp.json(200, manifest) : Resp.json(404, Json.obj("error",
					Json.obj("code", "NotFound", "message", "No app package uploaded and no manifest set")));
		});
		// Tests that never upload a package (most backend tests do not build one) set
		// the manifest directly: the catalog then holds it as if uploaded.
		r.add("PUT", "/_sim/app/manifest", Kind.SIM, (req) -> {
			Map<String, Object> manifest = req.json();
			if (manifest == null) {
				return Resp.json(400, Json.obj("error",
						Json.obj("code", "BadRequest", "message", "expected the manifest.json object as the body")));
			}
			this.sim.setAppManifest(manifest);
			return Resp.json(200, this.sim.appManifest());
		});
	}

	/** Why Teams does not show a tab, or gives no token. */
	static final class Refused extends IllegalStateException {

		final int status;

		final String code;

		Refused(int status, String code, String message) {
			super(code + ": " + message);
			this.status = status;
			this.code = code;
		}

		String detail() {
			return getMessage().substring(this.code.length() + 2);
		}

	}

	// ---- the host page ----

	private Resp page(Req req) {
		String theme = (req.q("theme") != null) ? req.q("theme") : "default";
		String clientType = (req.q("hostClientType") != null) ? req.q("hostClientType") : "web";
		String subEntityId = (req.q("subEntityId") != null) ? req.q("subEntityId") : "";
		try {
			if (!THEMES.contains(theme)) {
				throw new Refused(400, "BadTheme", "theme must be one of default, dark, contrast");
			}
			if (!CLIENT_TYPES.contains(clientType)) {
				throw new Refused(400, "BadHostClientType", "hostClientType must be one of web, desktop, android, ios");
			}
			int version = tokenVersion(req.q("tokenVersion"));
			SimUser u = user(req.param(0));
			Map<String, Object> manifest = installedApp(u, req.param(1));
			Map<String, Object> tab = staticTab(manifest, req.param(2));
			Map<String, Object> context = context(u, manifest, req.param(2), subEntityId, theme, clientType);
			String contentUrl = contentUrl(manifest, tab, context);
			return hostPage(u, manifest, tab, context, contentUrl, req.param(1), version);
		}
		catch (Refused ex) {
			return refusedPage(ex);
		}
	}

	private int tokenVersion(String given) {
		if (given == null || given.isEmpty()) {
			return this.sim.accessTokenAcceptedVersion();
		}
		if (!"1".equals(given) && !"2".equals(given)) {
			throw new Refused(400, "BadTokenVersion", "tokenVersion must be 1 or 2");
		}
		return Integer.parseInt(given);
	}

	private SimUser user(String aad) {
		SimUser u = this.sim.tenant.user(aad);
		if (u == null) {
			throw new Refused(404, "UserNotFound", "No person '" + aad + "' in the tenant.");
		}
		return u;
	}

	/**
	 * The manifest of the app the person opens, as Teams finds it: in the catalog (by its
	 * manifest id or catalog id) and installed for the person.
	 */
	Map<String, Object> installedApp(SimUser u, String appId) {
		Map<String, Object> manifest = this.sim.appManifest();
		if (manifest == null) {
			throw new Refused(409, "NoAppPackage",
					"The catalog holds no app package: upload one (POST /v1.0/appCatalogs/teamsApps or POST /_sim/app) "
							+ "or set its manifest (PUT /_sim/app/manifest).");
		}
		String manifestId = Json.str(manifest.get("id"));
		if (!appId.equalsIgnoreCase(this.sim.teamsAppCatalogId()) && !appId.equalsIgnoreCase(manifestId)
				&& !appId.equalsIgnoreCase(this.sim.teamsAppExternalId())) {
			throw new Refused(404, "AppNotFound", "No app '" + appId + "' in the catalog (it holds "
					+ ((manifestId != null) ? manifestId : this.sim.teamsAppExternalId()) + ").");
		}
		if (!this.sim.isInstalled(u.id())) {
			throw new Refused(409, "AppNotInstalled", u.displayName() + " (" + u.id()
					+ ") has not installed the app: Teams shows its details page with \"Add\", not its tabs.");
		}
		return manifest;
	}

	/** The personal static tab with this entity id; Teams shows no other. */
	static Map<String, Object> staticTab(Map<String, Object> manifest, String entityId) {
		List<Object> tabs = Json.list(manifest.get("staticTabs"));
		if (tabs != null) {
			for (Object each : tabs) {
				Map<String, Object> tab = Json.map(each);
				List<Object> scopes = (tab != null) ? Json.list(tab.get("scopes")) : null;
				if (tab != null && entityId.equals(Json.str(tab.get("entityId"))) && scopes != null
						&& scopes.contains("personal")) {
					return tab;
				}
			}
		}
		throw new Refused(404, "TabNotFound", "The app has no personal static tab with entityId '" + entityId + "'.");
	}

	/**
	 * The legacy (flat) context Teams answers {@code getContext} with; the content URL's
	 * placeholders are filled from it too.
	 */
	Map<String, Object> context(SimUser u, Map<String, Object> manifest, String entityId, String subEntityId,
			String theme, String clientType) {
		Map<String, Object> c = new LinkedHashMap<>();
		// Teams' locale is lower case (en-us); the person's Teams language in their
		// country's form, as in the clientInfo of their activities.
		c.put("locale", u.teamsLocale().toLowerCase(Locale.ROOT));
		c.put("theme", theme);
		c.put("entityId", entityId);
		c.put("subEntityId", subEntityId);
		c.put("userObjectId", u.id());
		c.put("tid", this.sim.tenantId());
		c.put("loginHint", u.userPrincipalName());
		c.put("userPrincipalName", u.userPrincipalName());
		c.put("userDisplayName", u.displayName());
		c.put("userLicenseType", "Unknown");
		c.put("tenantSKU", "enterprise");
		c.put("hostClientType", clientType);
		c.put("hostName", "Teams");
		c.put("frameContext", "content");
		c.put("isFullScreen", false);
		c.put("appSessionId", UUID.randomUUID().toString());
		c.put("sessionId", UUID.randomUUID().toString());
		c.put("ringId", "general");
		String manifestId = Json.str(manifest.get("id"));
		if (manifestId != null && GUID.matcher(manifestId).matches()) {
			c.put("appId", manifestId);
		}
		String manifestVersion = Json.str(manifest.get("manifestVersion"));
		if (manifestVersion != null) {
			c.put("manifestVersion", manifestVersion);
		}
		return c;
	}

	/**
	 * The tab's content URL with Teams' placeholders filled, refused where Teams would
	 * not load it: not a web URL, or a host outside the app's {@code validDomains}. Teams
	 * requires https; http passes here because local runs and tests have no TLS.
	 */
	static String contentUrl(Map<String, Object> manifest, Map<String, Object> tab, Map<String, Object> context) {
		String raw = Json.str(tab.get("contentUrl"));
		if (raw == null || raw.isBlank()) {
			throw new Refused(409, "NoContentUrl", "The static tab has no contentUrl.");
		}
		String url = fill(raw, context);
		Matcher m = URL.matcher(url);
		if (!m.matches() || m.group(2).contains("@")) {
			throw new Refused(409, "ContentUrlInvalid",
					"The tab's contentUrl '" + raw + "' is not an https (or, here, http) URL: Teams does not load it.");
		}
		String authority = authority(m.group(1), m.group(2));
		List<String> domains = validDomains(manifest);
		if (!allowed(domains, authority)) {
			throw new Refused(409, "DomainNotValid", "The tab's contentUrl host '" + authority
					+ "' is not in the app's validDomains " + domains + ": Teams does not load it.");
		}
		return url;
	}

	/** Host and port as a browser's {@code URL.host} shows them (no default port). */
	static String authority(String scheme, String authority) {
		String a = authority.toLowerCase(Locale.ROOT);
		String s = scheme.toLowerCase(Locale.ROOT);
		if (("https".equals(s) && a.endsWith(":443")) || ("http".equals(s) && a.endsWith(":80"))) {
			a = a.substring(0, a.lastIndexOf(':'));
		}
		return a;
	}

	static List<String> validDomains(Map<String, Object> manifest) {
		List<String> result = new ArrayList<>();
		List<Object> list = Json.list(manifest.get("validDomains"));
		if (list != null) {
			for (Object each : list) {
				if (each instanceof String s && !s.isBlank()) {
					result.add(s.trim().toLowerCase(Locale.ROOT));
				}
			}
		}
		return result;
	}

	/**
	 * Whether a host (with its port, if any) matches a valid domain: equal, or {@code *}
	 * standing for exactly one label, never the last (the rule teams-js applies to
	 * origins too).
	 */
	static boolean allowed(List<String> domains, String host) {
		for (String pattern : domains) {
			if (matches(pattern, host)) {
				return true;
			}
		}
		return false;
	}

	private static boolean matches(String pattern, String host) {
		String[] p = pattern.split("\\.", -1);
		String[] h = host.split("\\.", -1);
		if (p.length != h.length) {
			return false;
		}
		boolean wildcard = false;
		for (int i = 0; i < p.length; i++) {
			if (p[i].equals(h[i])) {
				continue;
			}
			if (!"*".equals(p[i]) || i == p.length - 1 || wildcard || h[i].isEmpty()) {
				return false;
			}
			wildcard = true;
		}
		return true;
	}

	/**
	 * Fills Teams' content URL placeholders ({@code {locale}}, {@code {theme}},
	 * {@code {entityId}}, ...), URL-encoded; others stay as they are, braces encoded.
	 */
	static String fill(String raw, Map<String, Object> context) {
		Map<String, String> values = new LinkedHashMap<>();
		for (String key : List.of("locale", "theme", "entityId", "subEntityId", "loginHint", "userPrincipalName",
				"userObjectId", "tid", "hostClientType", "sessionId")) {
			values.put(key, String.valueOf(context.getOrDefault(key, "")));
		}
		values.put("tenantId", String.valueOf(context.get("tid")));
		StringBuilder out = new StringBuilder(raw.length() + 64);
		int i = 0;
		while (i < raw.length()) {
			char c = raw.charAt(i);
			int close = (c == '{') ? raw.indexOf('}', i) : -1;
			String name = (close > i) ? raw.substring(i + 1, close) : null;
			if (name != null && values.containsKey(name)) {
				out.append(URLEncoder.encode(values.get(name), StandardCharsets.UTF_8).replace("+", "%20"));
				i = close + 1;
			}
			else {
				out.append((c == '{') ? "%7B" : (c == '}') ? "%7D" : String.valueOf(c));
				i++;
			}
		}
		return out.toString();
	}

	private Resp hostPage(SimUser u, Map<String, Object> manifest, Map<String, Object> tab, Map<String, Object> context,
			String contentUrl, String appId, int version) {
		Matcher m = URL.matcher(contentUrl);
		m.matches();
		String tabOrigin = m.group(1).toLowerCase(Locale.ROOT) + "://" + authority(m.group(1), m.group(2));
		String nonce = nonce();
		String base = "/_sim/teams/users/" + enc(u.id()) + "/apps/" + enc(appId);
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("contentUrl", contentUrl);
		config.put("validDomains", validDomains(manifest));
		config.put("context", context);
		config.put("runtime", Json.string(RUNTIME));
		config.put("clientSupportedSDKVersion", CLIENT_SUPPORTED_SDK_VERSION);
		config.put("tokenUrl", base + "/token");
		config.put("tokenVersion", version);
		String tabName = (Json.str(tab.get("name")) != null) ? Json.str(tab.get("name")) : "Tab";
		String appName = (Json.str(Json.path(manifest, "name", "short")) != null)
				? Json.str(Json.path(manifest, "name", "short")) : "App";
		String theme = String.valueOf(context.get("theme"));
		StringBuilder h = new StringBuilder(8192);
		h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
			.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
			.append("<title>")
			.append(esc(tabName))
			.append(" | ")
			.append(esc(appName))
			.append(" | Teams (simulated)</title>\n")
			.append("<style nonce=\"")
			.append(nonce)
			.append("\">\n")
			.append(STYLE)
			.append("</style>\n</head>\n<body class=\"theme-")
			.append(esc(theme))
			.append("\">\n<header>\n<strong>Teams (simulated)</strong>\n<span id=\"sim-host-app\">")
			.append(esc(appName))
			.append(" &rsaquo; ")
			.append(esc(tabName))
			.append("</span>\n<span id=\"sim-host-user\">")
			.append(esc(u.displayName()))
			.append(" &lt;")
			.append(esc(u.userPrincipalName()))
			.append("&gt; ")
			.append(esc(String.valueOf(context.get("locale"))))
			.append(" ")
			.append(esc(String.valueOf(context.get("hostClientType"))))
			.append("</span>\n<span role=\"group\" aria-label=\"Theme\">\n");
		for (String t : List.of("default", "dark", "contrast")) {
			h.append("<button type=\"button\" id=\"sim-theme-")
				.append(t)
				.append("\" data-theme=\"")
				.append(t)
				.append("\">")
				.append(t)
				.append("</button>\n");
		}
		h.append("</span>\n</header>\n<main>\n<iframe id=\"tab\" name=\"tab\" title=\"")
			.append(esc(tabName))
			.append("\"></iframe>\n</main>\n<details id=\"sim-host-log-box\"><summary>Host log</summary>")
			.append("<ol id=\"sim-host-log\"></ol></details>\n")
			.append("<script type=\"application/json\" id=\"sim-host-config\">")
			.append(scriptSafe(Json.string(config)))
			.append("</script>\n<script nonce=\"")
			.append(nonce)
			.append("\">\n")
			.append(SCRIPT)
			.append("</script>\n</body>\n</html>\n");
		// Only the tab's origin may be framed and only this page's own origin fetched.
		String csp = "default-src 'none'; script-src 'nonce-" + nonce + "'; style-src 'nonce-" + nonce
				+ "'; connect-src 'self'; frame-src " + tabOrigin + "; base-uri 'none'; form-action 'none'";
		return Resp.text(200, "text/html; charset=utf-8", h.toString())
			.header("Content-Security-Policy", csp)
			.header("Cache-Control", "no-store")
			.header("X-Content-Type-Options", "nosniff");
	}

	private static Resp refusedPage(Refused ex) {
		String html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + esc(ex.code)
				+ " | Teams (simulated)</title>\n</head>\n<body>\n<h1 id=\"sim-host-refused\" data-code=\""
				+ esc(ex.code) + "\">This tab cannot be shown</h1>\n<p id=\"sim-host-reason\">" + esc(ex.detail())
				+ "</p>\n</body>\n</html>\n";
		return Resp.text(ex.status, "text/html; charset=utf-8", html)
			.header("Content-Security-Policy", "default-src 'none'")
			.header("Cache-Control", "no-store");
	}

	// ---- the SSO token ----

	private Resp token(Req req) {
		Map<String, Object> body = req.json();
		Object givenVersion = (body != null) ? body.get("version") : null;
		String clientType = (body != null && Json.str(body.get("hostClientType")) != null)
				? Json.str(body.get("hostClientType")) : "web";
		try {
			int version = tokenVersion((givenVersion != null) ? String.valueOf(givenVersion) : req.q("version"));
			if (!CLIENT_TYPES.contains(clientType)) {
				throw new Refused(400, "BadHostClientType", "hostClientType must be one of web, desktop, android, ios");
			}
			SimUser u = user(req.param(0));
			String token = ssoToken(u, installedApp(u, req.param(1)), version, clientType);
			return Resp.json(200, Json.obj("token", token, "version", version));
		}
		catch (Refused ex) {
			this.sim.stats.tabTokensRefused.incrementAndGet();
			return Resp.json(ex.status, Json.obj("error", ex.code, "message", ex.detail()));
		}
	}

	/** The token Teams obtains for the person, as the Java API hands it out. */
	String ssoToken(String aadObjectId, int version) {
		if (version != 1 && version != 2) {
			throw new IllegalArgumentException("version must be 1 or 2");
		}
		try {
			SimUser u = user(aadObjectId);
			return ssoToken(u, installedApp(u, this.sim.teamsAppCatalogId()), version, "web");
		}
		catch (Refused ex) {
			this.sim.stats.tabTokensRefused.incrementAndGet();
			throw ex;
		}
	}

	/**
	 * An Entra access token for the app's API on behalf of the person, as Teams gets it
	 * for {@code getAuthToken} (A3): v2 ({@code aud} = the app id, {@code azp}) or v1
	 * ({@code aud} = the Application ID URI, {@code appid}, {@code unique_name}), as the
	 * app registration's {@code accessTokenAcceptedVersion} says. Refused with
	 * {@code resourceDisabled} when the manifest's {@code webApplicationInfo} is missing
	 * or its resource is not {@code api://{domain}/{id}}.
	 */
	String ssoToken(SimUser u, Map<String, Object> manifest, int version, String clientType) {
		Map<String, Object> info = Json.map(manifest.get("webApplicationInfo"));
		String appId = (info != null) ? Json.str(info.get("id")) : null;
		String resource = (info != null) ? Json.str(info.get("resource")) : null;
		if (appId == null || !GUID.matcher(appId).matches() || resource == null) {
			throw new Refused(409, "resourceDisabled", "The app's manifest has no webApplicationInfo with an app id "
					+ "and a resource: Teams answers getAuthToken with resourceDisabled.");
		}
		Matcher m = RESOURCE.matcher(resource);
		if (!m.matches() || !m.group(2).equalsIgnoreCase(appId)) {
			throw new Refused(409, "resourceDisabled",
					"webApplicationInfo.resource '" + resource
							+ "' is not the Application ID URI api://{domain in lower case}/" + appId
							+ ": Teams answers getAuthToken with resourceDisabled.");
		}
		String tid = this.sim.tenantId();
		String client = "web".equals(clientType) ? TEAMS_WEB_CLIENT : TEAMS_DESKTOP_MOBILE_CLIENT;
		Instant now = Instant.now();
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issueTime(Date.from(now))
			.notBeforeTime(Date.from(now))
			.expirationTime(Date.from(now.plusSeconds(LIFETIME_SECONDS)))
			.claim("name", u.displayName())
			.claim("oid", u.id())
			.claim("scp", SCOPE)
			.subject(pairwiseSubject(u.id(), appId))
			.claim("tid", tid)
			.claim("uti", Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(16)));
		if (version == 1) {
			claims.issuer("https://sts.windows.net/" + tid + "/")
				.audience(resource)
				.claim("appid", client)
				.claim("appidacr", "0")
				.claim("given_name", u.givenName())
				.claim("family_name", u.surname())
				.claim("unique_name", u.userPrincipalName())
				.claim("upn", u.userPrincipalName())
				.claim("ver", "1.0");
			this.sim.stats.tabTokensV1.incrementAndGet();
		}
		else {
			claims.issuer("https://login.microsoftonline.com/" + tid + "/v2.0")
				.audience(appId)
				.claim("azp", client)
				.claim("azpacr", "0")
				.claim("preferred_username", u.userPrincipalName())
				.claim("ver", "2.0");
			this.sim.stats.tabTokensV2.incrementAndGet();
		}
		return this.sim.keys.sign(claims.build());
	}

	/** Entra's {@code sub}: stable per person and app, and different across apps. */
	private static String pairwiseSubject(String oid, String appId) {
		try {
			byte[] d = MessageDigest.getInstance("SHA-256")
				.digest((oid + "|" + appId.toLowerCase(Locale.ROOT)).getBytes(StandardCharsets.UTF_8));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	// ---- helpers ----

	private static byte[] randomBytes(int n) {
		byte[] b = new byte[n];
		ThreadLocalRandom.current().nextBytes(b);
		return b;
	}

	private static String nonce() {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(18));
	}

	private static String enc(String s) {
		return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
	}

	static String esc(String s) {
		if (s == null) {
			return "";
		}
		StringBuilder b = new StringBuilder(s.length() + 16);
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			switch (c) {
				case '<' -> b.append("&lt;");
				case '>' -> b.append("&gt;");
				case '&' -> b.append("&amp;");
				case '"' -> b.append("&quot;");
				case '\'' -> b.append("&#39;");
				default -> b.append(c);
			}
		}
		return b.toString();
	}

	/** JSON inside a script element: nothing in it may close the element. */
	private static String scriptSafe(String json) {
		return json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
	}

	private static final String STYLE = """
			html, body { height: 100%; margin: 0; }
			body { display: flex; flex-direction: column; font: 14px system-ui, sans-serif; background: #f5f5f5; color: #242424; }
			body.theme-dark { background: #1f1f1f; color: #fff; }
			body.theme-contrast { background: #000; color: #ff0; }
			header { display: flex; flex-wrap: wrap; gap: 0.5em 1em; align-items: center; padding: 0.4em 0.8em; background: #464775; color: #fff; }
			main { flex: 1; display: flex; min-height: 0; }
			iframe { flex: 1; border: 0; width: 100%; background: transparent; }
			details { max-height: 10em; overflow: auto; font: 12px monospace; padding: 0 0.8em; }
			""";

	/**
	 * The host side of teams-js' postMessage protocol (A4). Accepts messages only from
	 * the tab's frame, from an origin in the app's validDomains; answers with the
	 * request's numeric id and uuidAsString, posted to that origin only.
	 */
	private static final String SCRIPT = """
			(function () {
			  'use strict';
			  var cfg = JSON.parse(document.getElementById('sim-host-config').textContent);
			  var frame = document.getElementById('tab');
			  var list = document.getElementById('sim-host-log');
			  var context = cfg.context;
			  var log = [];
			  var tabOrigin = null;
			  window.__hostLog = log;

			  function hostMatches(pattern, host) {
			    var p = pattern.split('.'), h = host.split('.'), wildcard = false;
			    if (p.length !== h.length) { return false; }
			    for (var i = 0; i < p.length; i++) {
			      if (p[i] === h[i]) { continue; }
			      if (p[i] !== '*' || i === p.length - 1 || wildcard || h[i] === '') { return false; }
			      wildcard = true;
			    }
			    return true;
			  }
			  function allowedOrigin(origin) {
			    var url;
			    try { url = new URL(origin); } catch (e) { return false; }
			    if (url.protocol !== 'https:' && url.protocol !== 'http:') { return false; }
			    var host = url.host.toLowerCase();
			    return cfg.validDomains.some(function (d) { return hostMatches(d, host); });
			  }
			  function record(direction, func, id, args, origin) {
			    var entry = { direction: direction, func: func, id: id, args: args, origin: origin, at: Date.now() };
			    log.push(entry);
			    var li = document.createElement('li');
			    li.setAttribute('data-direction', direction);
			    li.setAttribute('data-func', func);
			    li.textContent = direction + ' ' + func + (typeof id === 'number' ? ' #' + id : '');
			    list.appendChild(li);
			  }
			  function reply(msg, origin, args) {
			    frame.contentWindow.postMessage({ id: msg.id, uuidAsString: msg.uuidAsString, args: args }, origin);
			    record('out', msg.func, msg.id, args, origin);
			  }
			  function send(func, args) {
			    if (!tabOrigin) { return false; }
			    frame.contentWindow.postMessage({ func: func, args: args }, tabOrigin);
			    record('event', func, undefined, args, tabOrigin);
			    return true;
			  }
			  function setTheme(theme) {
			    context.theme = theme;
			    document.body.className = 'theme-' + theme;
			    return send('themeChange', [theme]);
			  }
			  function getAuthToken(msg, origin) {
			    var a = Array.isArray(msg.args) ? msg.args : [];
			    fetch(cfg.tokenUrl, {
			      method: 'POST',
			      headers: { 'Content-Type': 'application/json' },
			      body: JSON.stringify({ version: cfg.tokenVersion, hostClientType: context.hostClientType,
			        resources: a[0] || null, silent: a[2] === undefined ? null : a[2], tenantId: a[3] || null })
			    }).then(function (r) { return r.json(); }).then(function (body) {
			      reply(msg, origin, body.token ? [true, body.token] : [false, body.error || 'unknownError']);
			    }).catch(function (e) { reply(msg, origin, [false, String(e)]); });
			  }
			  window.addEventListener('message', function (evt) {
			    if (!frame.contentWindow || evt.source !== frame.contentWindow) { return; }
			    var msg = evt.data;
			    if (!msg || typeof msg !== 'object' || typeof msg.func !== 'string') { return; }
			    if (!allowedOrigin(evt.origin)) { record('refused', msg.func, msg.id, msg.args, evt.origin); return; }
			    tabOrigin = evt.origin;
			    record('in', msg.func, msg.id, msg.args, evt.origin);
			    if (typeof msg.id !== 'number') { return; }
			    switch (msg.func) {
			      case 'initialize':
			        reply(msg, evt.origin, [context.frameContext, context.hostClientType, cfg.runtime, cfg.clientSupportedSDKVersion]);
			        break;
			      case 'getContext':
			        reply(msg, evt.origin, [context]);
			        break;
			      case 'authentication.getAuthToken':
			        getAuthToken(msg, evt.origin);
			        break;
			      case 'executeDeepLink':
			        reply(msg, evt.origin, [true]);
			        break;
			      default:
			        // appInitialization.*, registerHandler and the rest: fire-and-forget.
			        break;
			    }
			  });
			  Array.prototype.forEach.call(document.querySelectorAll('button[data-theme]'), function (b) {
			    b.addEventListener('click', function () { setTheme(b.getAttribute('data-theme')); });
			  });
			  window.__simHost = { setTheme: setTheme, send: send, context: context, log: log,
			    tabOrigin: function () { return tabOrigin; } };
			  frame.src = cfg.contentUrl;
			})();
			""";

}
