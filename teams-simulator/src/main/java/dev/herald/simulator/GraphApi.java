package dev.herald.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.herald.simulator.Http.Kind;
import dev.herald.simulator.Http.Req;
import dev.herald.simulator.Http.Resp;
import dev.herald.simulator.Http.Router;

/** Microsoft Graph v1.0 under {@code /v1.0}. */
final class GraphApi {

	static final String CONTENT_TYPE = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

	/** Office 365 E3 (ENTERPRISEPACK). */
	static final String E3_SKU = "6fd2c87f-b296-42f0-b197-1e91e994b900";

	/** The Teams service plan (TEAMS1, service {@code TeamspaceAPI}). */
	static final String TEAMS1_PLAN = "57ff2da0-773e-42df-b2af-ffb7a2317929";

	private static final List<String> DEFAULT_USER_PROPERTIES = List.of("businessPhones", "displayName", "givenName",
			"id", "jobTitle", "mail", "mobilePhone", "officeLocation", "preferredLanguage", "surname",
			"userPrincipalName");

	private static final Pattern EQ = Pattern.compile("^([\\w/]+)\\s+eq\\s+(?:'((?:[^']|'')*)'|(true|false|null))$",
			Pattern.CASE_INSENSITIVE);

	private static final Pattern IN = Pattern.compile("^([\\w/]+)\\s+in\\s+\\((.*)\\)$", Pattern.CASE_INSENSITIVE);

	private static final Pattern STARTSWITH = Pattern
		.compile("^startswith\\(\\s*([\\w/]+)\\s*,\\s*'((?:[^']|'')*)'\\s*\\)$", Pattern.CASE_INSENSITIVE);

	private final TeamsSimulator sim;

	GraphApi(TeamsSimulator sim) {
		this.sim = sim;
	}

	void register(Router r) {
		r.add("POST", "/v1.0/$batch", Kind.GRAPH, this::batch);
		r.add("GET", "/v1.0/users", Kind.GRAPH, this::users);
		r.add("GET", "/v1.0/users/delta", Kind.GRAPH, this::usersDelta);
		r.add("GET", "/v1.0/users/delta()", Kind.GRAPH, this::usersDelta);
		r.add("GET", "/v1.0/users/{id}", Kind.GRAPH, this::user);
		r.add("POST", "/v1.0/users/{id}/teamwork/installedApps", Kind.GRAPH, this::install);
		r.add("GET", "/v1.0/users/{id}/teamwork/installedApps", Kind.GRAPH, this::installedApps);
		r.add("GET", "/v1.0/users/{id}/teamwork/installedApps/{installId}", Kind.GRAPH, this::installedApp);
		r.add("DELETE", "/v1.0/users/{id}/teamwork/installedApps/{installId}", Kind.GRAPH, this::uninstall);
		r.add("GET", "/v1.0/users/{id}/teamwork/installedApps/{installId}/chat", Kind.GRAPH, this::chat);
		r.add("GET", "/v1.0/groups", Kind.GRAPH, this::groups);
		r.add("GET", "/v1.0/groups/{id}", Kind.GRAPH, this::group);
		r.add("GET", "/v1.0/groups/{id}/members", Kind.GRAPH, (req) -> members(req, false, false));
		r.add("GET", "/v1.0/groups/{id}/members/microsoft.graph.user", Kind.GRAPH, (req) -> members(req, false, true));
		r.add("GET", "/v1.0/groups/{id}/transitiveMembers", Kind.GRAPH, (req) -> members(req, true, false));
		r.add("GET", "/v1.0/groups/{id}/transitiveMembers/microsoft.graph.user", Kind.GRAPH,
				(req) -> members(req, true, true));
		r.add("GET", "/v1.0/groups/{id}/transitiveMembers/graph.user", Kind.GRAPH, (req) -> members(req, true, true));
		r.add("GET", "/v1.0/groups/{id}/members/graph.user", Kind.GRAPH, (req) -> members(req, false, true));
		r.add("GET", "/v1.0/teams", Kind.GRAPH, this::teams);
		r.add("GET", "/v1.0/teams/{id}", Kind.GRAPH, this::team);
		r.add("GET", "/v1.0/teams/{id}/members", Kind.GRAPH, this::teamMembers);
		r.add("GET", "/v1.0/teams/{id}/channels", Kind.GRAPH, this::channels);
		r.add("POST", "/v1.0/teams/{id}/installedApps", Kind.GRAPH, this::installInTeam);
		r.add("GET", "/v1.0/teams/{id}/channels/{channelId}", Kind.GRAPH, this::channel);
		r.add("GET", "/v1.0/appCatalogs/teamsApps", Kind.GRAPH, this::teamsApps);
		r.add("POST", "/v1.0/appCatalogs/teamsApps", Kind.GRAPH, this::publishApp);
		r.add("GET", "/v1.0/appCatalogs/teamsApps/{id}", Kind.GRAPH, this::teamsApp);
		r.add("POST", "/v1.0/teamwork/sendActivityNotificationToRecipients", Kind.GRAPH, (req) -> feed(req, true));
		r.add("POST", "/v1.0/users/{id}/teamwork/sendActivityNotification", Kind.GRAPH, (req) -> feed(req, false));
	}

	/** The activity feed (see {@link ActivityFeed}); the token's life matters there. */
	private Resp feed(Req req, boolean bulk) {
		Resp g = guard(req);
		if (g != null) {
			return g;
		}
		SimKeys.Validated token = this.sim.keys.validate(req.header("Authorization").substring(7).trim());
		// Stamped when the request arrived, before any simulated latency: Graph counts
		// arrivals against its one-second window.
		long arrived = TeamsSimulator.arrivedAt();
		return bulk ? this.sim.activityFeed.bulk(req, token, arrived)
				: this.sim.activityFeed.single(req, token, arrived);
	}

	static Resp error(int status, String code, String message) {
		String requestId = UUID.randomUUID().toString();
		Resp resp = new Resp(status, CONTENT_TYPE,
				Json.bytes(Json.obj("error",
						Json.obj("code", code, "message", message, "innerError",
								Json.obj("date", Instant.now().toString().replaceAll("\\.\\d+Z$", ""), "request-id",
										requestId, "client-request-id", requestId)))));
		return resp.header("request-id", requestId);
	}

	/** Graph's 429 with Retry-After in whole seconds. */
	static Resp throttled(long waitMillis) {
		String requestId = UUID.randomUUID().toString();
		return new Resp(429, CONTENT_TYPE,
				Json.bytes(Json.obj("error",
						Json.obj("code", "TooManyRequests", "innerError",
								Json.obj("code", "429", "date", Instant.now().toString().replaceAll("\\.\\d+Z$", ""),
										"message", "Please retry after", "request-id", requestId, "status", "429"),
								"message", "Please retry again later."))))
			.header("Retry-After", Integer.toString(SlidingWindows.retryAfterSeconds(waitMillis)))
			.header("request-id", requestId);
	}

	private static Resp ok(int status, Object body) {
		return new Resp(status, CONTENT_TYPE, Json.bytes(body)).header("request-id", UUID.randomUUID().toString());
	}

	private Resp guard(Req req) {
		String auth = req.header("Authorization");
		if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7) || auth.length() <= 7) {
			this.sim.stats.unauthorized401.incrementAndGet();
			return error(401, "InvalidAuthenticationToken", "Access token is empty.");
		}
		SimKeys.Validated token = this.sim.keys.validate(auth.substring(7).trim());
		if (token == null) {
			this.sim.stats.unauthorized401.incrementAndGet();
			return error(401, "InvalidAuthenticationToken", "Access token validation failure.");
		}
		if (!SimKeys.GRAPH_AUDIENCE.equals(token.audience())) {
			this.sim.stats.unauthorized401.incrementAndGet();
			return error(401, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.");
		}
		return null;
	}

	private String context(String suffix) {
		return this.sim.graphBaseUrl() + "/$metadata#" + suffix;
	}

	// ---- query options ----

	private static int top(Req req, int dflt) {
		String t = req.q("$top");
		if (t == null) {
			return dflt;
		}
		int top;
		try {
			top = Integer.parseInt(t.trim());
		}
		catch (NumberFormatException ex) {
			throw new GraphError(400, "BadRequest",
					"Invalid page size specified: '" + t + "'. Must be between 1 and 999 inclusive.");
		}
		if (top < 1 || top > 999) {
			throw new GraphError(400, "Request_BadRequest",
					"Invalid page size specified: '" + top + "'. Must be between 1 and 999 inclusive.");
		}
		return top;
	}

	/** A Graph error raised from deep inside a handler. */
	static final class GraphError extends RuntimeException {

		final int status;

		final String code;

		GraphError(int status, String code, String message) {
			super(message);
			this.status = status;
			this.code = code;
		}

	}

	private static List<String> select(Req req) {
		String s = req.q("$select");
		if (s == null || s.isBlank()) {
			return null;
		}
		List<String> result = new ArrayList<>();
		for (String p : s.split(",")) {
			if (!p.isBlank()) {
				result.add(p.trim());
			}
		}
		return result;
	}

	/** Parses a small $filter subset: eq, in, startswith, joined by "and". */
	static <T> Predicate<T> filter(String filter, Function<T, Map<String, Object>> properties) {
		if (filter == null || filter.isBlank()) {
			return (t) -> true;
		}
		List<Predicate<Map<String, Object>>> clauses = new ArrayList<>();
		for (String clause : filter.trim().split("(?i)\\s+and\\s+")) {
			String c = clause.trim();
			while (c.startsWith("(") && c.endsWith(")") && !c.toLowerCase(Locale.ROOT).startsWith("startswith")) {
				c = c.substring(1, c.length() - 1).trim();
			}
			Matcher m = EQ.matcher(c);
			if (m.matches()) {
				String prop = m.group(1);
				String value = (m.group(2) != null) ? m.group(2).replace("''", "'") : m.group(3);
				clauses.add((p) -> {
					Object v = lookup(p, prop);
					return (v == null) ? "null".equals(value) : String.valueOf(v).equalsIgnoreCase(value);
				});
				continue;
			}
			m = IN.matcher(c);
			if (m.matches()) {
				String prop = m.group(1);
				Set<String> values = new HashSet<>();
				for (String v : m.group(2).split(",")) {
					values.add(v.trim().replaceAll("^'|'$", "").toLowerCase(Locale.ROOT));
				}
				clauses.add((p) -> {
					Object v = lookup(p, prop);
					return v != null && values.contains(String.valueOf(v).toLowerCase(Locale.ROOT));
				});
				continue;
			}
			m = STARTSWITH.matcher(c);
			if (m.matches()) {
				String prop = m.group(1);
				String value = m.group(2).replace("''", "'").toLowerCase(Locale.ROOT);
				clauses.add((p) -> {
					Object v = lookup(p, prop);
					return v != null && String.valueOf(v).toLowerCase(Locale.ROOT).startsWith(value);
				});
				continue;
			}
			throw new GraphError(400, "Request_UnsupportedQuery", "Unsupported Query.");
		}
		return (t) -> {
			Map<String, Object> p = properties.apply(t);
			for (Predicate<Map<String, Object>> c : clauses) {
				if (!c.test(p)) {
					return false;
				}
			}
			return true;
		};
	}

	private static Object lookup(Map<String, Object> properties, String path) {
		Object current = properties;
		for (String key : path.split("/")) {
			Map<String, Object> m = Json.map(current);
			if (m == null) {
				return null;
			}
			Object next = null;
			for (Map.Entry<String, Object> e : m.entrySet()) {
				if (e.getKey().equalsIgnoreCase(key)) {
					next = e.getValue();
				}
			}
			current = next;
		}
		return current;
	}

	private static Predicate<String> search(Req req) {
		String s = req.q("$search");
		if (s == null || s.isBlank()) {
			return (v) -> true;
		}
		String term = s.replace("\"", "");
		int colon = term.indexOf(':');
		String needle = ((colon >= 0) ? term.substring(colon + 1) : term).trim().toLowerCase(Locale.ROOT);
		return (v) -> v != null && v.toLowerCase(Locale.ROOT).contains(needle);
	}

	/**
	 * A page over a list: items from offset, with the offset of the next match (or -1).
	 */
	record Page<T>(List<T> items, int next, int total) {
	}

	static <T> Page<T> page(List<T> all, Predicate<T> include, int offset, int top, boolean count) {
		List<T> items = new ArrayList<>();
		int i = offset;
		for (; i < all.size() && items.size() < top; i++) {
			if (include.test(all.get(i))) {
				items.add(all.get(i));
			}
		}
		while (i < all.size() && !include.test(all.get(i))) {
			i++;
		}
		int total = -1;
		if (count) {
			total = 0;
			for (T t : all) {
				if (include.test(t)) {
					total++;
				}
			}
		}
		return new Page<>(items, (i < all.size()) ? i : -1, total);
	}

	private static int skip(Req req) {
		String t = req.q("$skiptoken");
		if (t == null) {
			return 0;
		}
		try {
			String decoded = new String(Base64.getUrlDecoder().decode(t), StandardCharsets.UTF_8);
			return Integer.parseInt(decoded.substring(decoded.indexOf(':') + 1));
		}
		catch (RuntimeException ex) {
			throw new GraphError(400, "Directory_ExpiredPageToken",
					"The specified page token value has expired and can no longer be included in your request.");
		}
	}

	/** Absolute nextLink: same path and query options, new $skiptoken. */
	private String nextLink(Req req, int next) {
		StringBuilder sb = new StringBuilder(this.sim.baseUrl()).append(req.rawPath).append('?');
		if (req.rawQuery != null) {
			for (String part : req.rawQuery.split("&")) {
				String name = Http.Req.percentDecode(part.split("=", 2)[0]);
				if (!part.isEmpty() && !"$skiptoken".equals(name)) {
					sb.append(part).append('&');
				}
			}
		}
		String token = Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(
					("X'" + Long.toHexString(System.nanoTime()) + "':" + next).getBytes(StandardCharsets.UTF_8));
		return sb.append("$skiptoken=").append(token).toString();
	}

	private <T> Resp collection(Req req, String context, List<T> all, Predicate<T> include, int defaultTop,
			Function<T, Object> render) {
		Resp g = guard(req);
		if (g != null) {
			return g;
		}
		try {
			int top = top(req, defaultTop);
			int offset = skip(req);
			boolean count = "true".equalsIgnoreCase(req.q("$count")) && req.q("$skiptoken") == null;
			Page<T> page = page(all, include, offset, top, count);
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("@odata.context", context(context));
			if (count) {
				body.put("@odata.count", page.total());
			}
			if (page.next() >= 0) {
				body.put("@odata.nextLink", nextLink(req, page.next()));
			}
			List<Object> value = new ArrayList<>();
			for (T t : page.items()) {
				value.add(render.apply(t));
			}
			body.put("value", value);
			return ok(200, body);
		}
		catch (GraphError ex) {
			return error(ex.status, ex.code, ex.getMessage());
		}
	}

	// ---- users ----

	Map<String, Object> userProperties(SimUser u) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("id", u.id());
		m.put("businessPhones", List.of());
		m.put("displayName", u.displayName());
		m.put("givenName", u.givenName());
		m.put("jobTitle", u.jobTitle());
		m.put("mail", u.mail());
		m.put("mobilePhone", null);
		m.put("officeLocation", u.officeLocation());
		m.put("preferredLanguage", u.preferredLanguage());
		m.put("surname", u.surname());
		m.put("userPrincipalName", u.userPrincipalName());
		m.put("userType", u.userType());
		m.put("department", u.department());
		m.put("country", u.country());
		m.put("usageLocation", u.country());
		m.put("accountEnabled", this.sim.tenant.accountEnabled(u));
		// Office 365 E3 with every plan, Teams (TEAMS1) included; E3 with Teams switched
		// off for the unlicensed; nothing for resource and shared mailboxes.
		SimTenant.AccountKind kind = this.sim.tenant.kind(u);
		boolean resource = !kind.person();
		m.put("assignedLicenses", resource ? List.of() : List
			.of(Json.obj("skuId", E3_SKU, "disabledPlans", kind.teamsLicence() ? List.of() : List.of(TEAMS1_PLAN))));
		m.put("assignedPlans",
				resource ? List.of()
						: List.of(Json.obj("assignedDateTime", "2024-01-15T09:00:00Z", "capabilityStatus",
								kind.teamsLicence() ? "Enabled" : "Deleted", "service", "TeamspaceAPI", "servicePlanId",
								TEAMS1_PLAN)));
		m.put("companyName", u.companyName());
		m.put("employeeType", u.employeeType());
		return m;
	}

	Map<String, Object> renderUser(SimUser u, List<String> select) {
		Map<String, Object> all = userProperties(u);
		Map<String, Object> m = new LinkedHashMap<>();
		List<String> props = (select != null) ? select : DEFAULT_USER_PROPERTIES;
		if (select != null && !select.contains("id")) {
			m.put("id", u.id());
		}
		for (String p : props) {
			String key = all.keySet().stream().filter((k) -> k.equalsIgnoreCase(p)).findFirst().orElse(p);
			m.put(key, all.get(key));
		}
		return m;
	}

	private Resp users(Req req) {
		try {
			List<String> select = select(req);
			Predicate<SimUser> f = filter(req.q("$filter"), this::userProperties);
			Predicate<String> s = search(req);
			Predicate<SimUser> include = (req.q("$search") == null) ? f
					: f.and((u) -> s.test(u.displayName()) || s.test(u.mail()));
			return collection(req, "users", this.sim.tenant.users(), include, 100, (u) -> renderUser(u, select));
		}
		catch (GraphError ex) {
			return error(ex.status, ex.code, ex.getMessage());
		}
	}

	private Resp user(Req req) {
		Resp g = guard(req);
		if (g != null) {
			return g;
		}
		SimUser u = this.sim.tenant.user(req.param(0));
		if (u == null) {
			return error(404, "Request_ResourceNotFound", "Resource '" + req.param(0)
					+ "' does not exist or one of its queried reference-property objects are not present.");
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("@odata.context", context("users/$entity"));
		body.putAll(renderUser(u, select(req)));
		return ok(200, body);
	}

	private Resp usersDelta(Req req) {
		Resp g = guard(req);
		if (g != null) {
			return g;
		}
		String deltaToken = req.q("$deltatoken");
		String skipToken = req.q("$skiptoken");
		Map<String, Object> state;
		try {
			if (deltaToken != null) {
				state = Json.parseObject(new String(Base64.getUrlDecoder().decode(deltaToken), StandardCharsets.UTF_8));
			}
			else if (skipToken != null) {
				state = Json.parseObject(new String(Base64.getUrlDecoder().decode(skipToken), StandardCharsets.UTF_8));
			}
			else {
				state = Json.obj("o", 0, "v", this.sim.tenant.version(), "s", req.q("$select"), "t", top(req, 100));
			}
		}
		catch (GraphError ex) {
			return error(ex.status, ex.code, ex.getMessage());
		}
		catch (RuntimeException ex) {
			return error(400, "BadRequest", "Invalid delta or skip token.");
		}
		String selectRaw = Json.str(state.get("s"));
		List<String> select = (selectRaw != null) ? List.of(selectRaw.split(",")) : null;
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("@odata.context", context("users(" + ((selectRaw != null) ? selectRaw : "") + ")"));
		List<Object> value = new ArrayList<>();
		long version = ((Number) state.get("v")).longValue();
		if (deltaToken != null) {
			long now = this.sim.tenant.version();
			Set<String> seen = new HashSet<>();
			for (SimTenant.Change c : this.sim.tenant.changesSince(version)) {
				seen.add(c.userId());
			}
			for (String id : seen) {
				SimUser u = this.sim.tenant.user(id);
				if (u != null) {
					value.add(renderUser(u, select));
				}
				else {
					value.add(Json.obj("id", id, "@removed", Json.obj("reason", "changed")));
				}
			}
			body.put("@odata.deltaLink", deltaLink(now, selectRaw));
		}
		else {
			int offset = ((Number) state.get("o")).intValue();
			int top = ((Number) state.get("t")).intValue();
			List<SimUser> all = this.sim.tenant.users();
			int end = Math.min(all.size(), offset + top);
			for (int i = offset; i < end; i++) {
				value.add(renderUser(all.get(i), select));
			}
			if (end < all.size()) {
				state.put("o", end);
				body.put("@odata.nextLink", this.sim.graphBaseUrl() + "/users/delta?$skiptoken="
						+ Base64.getUrlEncoder().withoutPadding().encodeToString(Json.bytes(state)));
			}
			else {
				body.put("@odata.deltaLink", deltaLink(version, selectRaw));
			}
		}
		body.put("value", value);
		return ok(200, body);
	}

	private String deltaLink(long version, String select) {
		return this.sim.graphBaseUrl() + "/users/delta?$deltatoken="
				+ Base64.getUrlEncoder()
					.withoutPadding()
					.encodeToString(Json.bytes(Json.obj("v", version, "s", select)));
	}

	// ---- installed apps ----

	private String installationId(SimUser u) {
		return Base64.getEncoder()
			.encodeToString((u.id() + "##" + this.sim.teamsAppCatalogId()).getBytes(StandardCharsets.UTF_8));
	}

	private Map<String, Object> teamsAppJson() {
		return Json.obj("id", this.sim.teamsAppCatalogId(), "externalId", this.sim.teamsAppExternalId(), "displayName",
				"Herald", "distributionMethod", "organization");
	}

	private Resp notFoundUser(String id) {
		return error(404, "NotFound", "User Id '" + id + "' not found.");
	}

	private Resp install(Req req) {
		Resp g = guard(req);
		if (g != null) {
			return g;
		}
		long wait = this.sim.acquireGraphInstall();
		if (wait > 0) {
			this.sim.stats.throttledGraphInstalls.incrementAndGet();
			return throttled(wait);
		}
		SimUser u = this.sim.tenant.user(req.param(0));
		if (u == null) {
			return notFoundUser(req.param(0));
		}
		Map<String, Object> body = req.json();
		String bind = (body != null) ? Json.str(body.get("teamsApp@odata.bind")) : null;
		if (bind == null) {
			return error(400, "BadRequest", "Invalid bind property name teamsApp in request.");
		}
		String appId = bind.substring(bind.lastIndexOf('/') + 1).replaceAll("^teamsApps\\('|'\\)$", "");
		if (!appId.equalsIgnoreCase(this.sim.teamsAppCatalogId())) {
			return error(404, "NotFound", "The app with id '" + appId + "' was not found in the app catalog.");
		}
		this.sim.countInstallRequest(u);
		if (this.sim.unlicensed(u)) {
			return error(403, "Forbidden",
					"Failed to get license information for the user. Ensure user has a valid Office365 license assigned to them.");
		}
		if (this.sim.isInstalled(u.id())) {
			return error(409, "Conflict", "App is already installed.");
		}
		this.sim.stats.graphInstalls.incrementAndGet();
		this.sim.installAsync(u);
		return Resp.empty(201).header("request-id", UUID.randomUUID().toString());
	}

	/**
	 * {@code POST /teams/{id}/installedApps}: adds the app to a team and posts the team's
	 * conversationUpdate to the bot (async), as Teams does; 409 when already there, 403
	 * when team installs are denied, 429 in the install budget shared with personal
	 * installs.
	 */
	private Resp installInTeam(Req req) {
		Resp g = guard(req);
		if (g != null) {
			return g;
		}
		long wait = this.sim.acquireGraphInstall();
		if (wait > 0) {
			this.sim.stats.throttledGraphInstalls.incrementAndGet();
			return throttled(wait);
		}
		SimTeam team = teamOf(req);
		if (team == null) {
			return teamNotFound(req);
		}
		Map<String, Object> body = req.json();
		String bind = (body != null) ? Json.str(body.get("teamsApp@odata.bind")) : null;
		if (bind == null) {
			return error(400, "BadRequest", "Invalid bind property name teamsApp in request.");
		}
		String appId = bind.substring(bind.lastIndexOf('/') + 1).replaceAll("^teamsApps\\('|'\\)$", "");
		if (!appId.equalsIgnoreCase(this.sim.teamsAppCatalogId())) {
			return error(404, "NotFound", "The app with id '" + appId + "' was not found in the app catalog.");
		}
		String denied = this.sim.teamInstallDenied;
		if (denied != null) {
			this.sim.stats.graphTeamInstallsDenied.incrementAndGet();
			return error(403, "Forbidden", denied);
		}
		if (this.sim.isInstalledInTeam(team.id())) {
			return error(409, "Conflict", "App is already installed in this team.");
		}
		this.sim.stats.graphTeamInstalls.incrementAndGet();
		this.sim.installInTeamAsync(team);
		return Resp.empty(201).header("request-id", UUID.randomUUID().toString());
	}

	private Map<String, Object> installationJson(SimUser u, boolean expand) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("id", installationId(u));
		m.put("consentedPermissionSet", null);
		if (expand) {
			m.put("teamsApp", teamsAppJson());
		}
		return m;
	}

	private Resp installedApps(Req req) {
		Resp g = guard(req);
		if (g != null) {
			return g;
		}
		SimUser u = this.sim.tenant.user(req.param(0));
		if (u == null) {
			return notFoundUser(req.param(0));
		}
		String expand = req.q("$expand");
		boolean expandApp = expand != null && expand.toLowerCase(Locale.ROOT).contains("teamsapp");
		List<Object> value = new ArrayList<>();
		if (this.sim.isInstalled(u.id())) {
			try {
				Predicate<SimUser> f = filter(req.q("$filter"),
						(x) -> Json.obj("id", installationId(x), "teamsApp", teamsAppJson()));
				if (f.test(u)) {
					value.add(installationJson(u, expandApp));
				}
			}
			catch (GraphError ex) {
				return error(ex.status, ex.code, ex.getMessage());
			}
		}
		return ok(200,
				Json.obj("@odata.context", context("users('" + u.id() + "')/teamwork/installedApps"), "value", value));
	}

	private SimUser installed(Req req) {
		SimUser u = this.sim.tenant.user(req.param(0));
		if (u == null || !this.sim.isInstalled(u.id()) || !installationId(u).equals(req.param(1))) {
			return null;
		}
		return u;
	}

	private Resp installedApp(Req req) {
		Resp g = guard(req);
		if (g != null) {
			return g;
		}
		SimUser u = installed(req);
		if (u == null) {
			return error(404, "NotFound", "Teams app installation '" + req.param(1) + "' not found.");
		}
		String expand = req.q("$expand");
		return ok(200, installationJson(u, expand != null && expand.toLowerCase(Locale.ROOT).contains("teamsapp")));
	}

	private Resp uninstall(Req req) {
		Resp g = guard(req);
		if (g != null) {
			return g;
		}
		SimUser u = installed(req);
		if (u == null) {
			return error(404, "NotFound", "Teams app installation '" + req.param(1) + "' not found.");
		}
		if (this.sim.uninstallQuietly(u)) {
			this.sim.bot.deliver(this.sim.bot.uninstallActivities(u));
		}
		return Resp.empty(204);
	}

	private Resp chat(Req req) {
		Resp g = guard(req);
		if (g != null) {
			return g;
		}
		SimUser u = installed(req);
		if (u == null) {
			return error(404, "NotFound", "Teams app installation '" + req.param(1) + "' not found.");
		}
		return ok(200, Json.obj("@odata.context", context("chats/$entity"), "id", this.sim.chatId(u), "topic", null,
				"chatType", "oneOnOne", "tenantId", this.sim.tenantId(), "webUrl", null));
	}

	// ---- groups and teams ----

	Map<String, Object> groupJson(SimGroup g) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("id", g.id());
		m.put("displayName", g.displayName());
		m.put("description", g.description());
		m.put("mailNickname", g.mailNickname());
		m.put("mail", g.team() ? g.mailNickname() + "@" + this.sim.tenant.domain() : null);
		m.put("mailEnabled", g.team());
		m.put("securityEnabled", !g.team());
		m.put("groupTypes", g.team() ? List.of("Unified") : List.of());
		m.put("resourceProvisioningOptions", g.team() ? List.of("Team") : List.of());
		m.put("visibility", g.team() ? "Private" : null);
		return m;
	}

	private static Map<String, Object> selected(Map<String, Object> all, List<String> select) {
		if (select == null) {
			return all;
		}
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("id", all.get("id"));
		for (String p : select) {
			if (all.containsKey(p)) {
				m.put(p, all.get(p));
			}
		}
		return m;
	}

	private Resp groups(Req req) {
		try {
			List<String> select = select(req);
			Predicate<SimGroup> f = filter(req.q("$filter"), this::groupJson);
			Predicate<String> s = search(req);
			return collection(req, "groups", this.sim.tenant.groups(), f.and((gr) -> s.test(gr.displayName())), 100,
					(gr) -> selected(groupJson(gr), select));
		}
		catch (GraphError ex) {
			return error(ex.status, ex.code, ex.getMessage());
		}
	}

	private Resp group(Req req) {
		Resp g = guard(req);
		if (g != null) {
			return g;
		}
		SimGroup group = this.sim.tenant.group(req.param(0));
		if (group == null) {
			return error(404, "Request_ResourceNotFound", "Resource '" + req.param(0)
					+ "' does not exist or one of its queried reference-property objects are not present.");
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("@odata.context", context("groups/$entity"));
		body.putAll(selected(groupJson(group), select(req)));
		return ok(200, body);
	}

	private Resp members(Req req, boolean transitive, boolean usersOnly) {
		SimGroup group = this.sim.tenant.group(req.param(0));
		if (group == null) {
			Resp g = guard(req);
			return (g != null) ? g : error(404, "Request_ResourceNotFound", "Resource '" + req.param(0)
					+ "' does not exist or one of its queried reference-property objects are not present.");
		}
		List<Object> objects = new ArrayList<>();
		List<String> groupIds = transitive ? this.sim.tenant.transitiveGroupIds(group.id()) : group.memberGroupIds();
		if (!usersOnly) {
			for (String id : groupIds) {
				SimGroup nested = this.sim.tenant.group(id);
				if (nested != null) {
					objects.add(nested);
				}
			}
		}
		Iterable<String> userIds = transitive ? this.sim.tenant.transitiveUserIds(group.id()) : group.memberUserIds();
		for (String id : userIds) {
			SimUser u = this.sim.tenant.user(id);
			if (u != null) {
				objects.add(u);
			}
		}
		try {
			List<String> select = select(req);
			Predicate<Object> f = filter(req.q("$filter"),
					(o) -> (o instanceof SimUser u) ? userProperties(u) : groupJson((SimGroup) o));
			String context = usersOnly ? "users" : "directoryObjects";
			return collection(req, context, objects, f, 100, (o) -> {
				Map<String, Object> m = new LinkedHashMap<>();
				if (o instanceof SimUser u) {
					m.put("@odata.type", "#microsoft.graph.user");
					m.putAll(renderUser(u, select));
				}
				else {
					m.put("@odata.type", "#microsoft.graph.group");
					m.putAll(selected(groupJson((SimGroup) o), select));
				}
				return m;
			});
		}
		catch (GraphError ex) {
			return error(ex.status, ex.code, ex.getMessage());
		}
	}

	private SimTeam teamOf(Req req) {
		SimTeam t = this.sim.tenant.team(req.param(0));
		return (t != null && t.id().equalsIgnoreCase(req.param(0))) ? t : null;
	}

	private Resp teamNotFound(Req req) {
		return error(404, "NotFound", "No team found with Group Id " + req.param(0));
	}

	/**
	 * List teams ($filter on displayName, $top, paged), as Graph v1.0 does since 2023.
	 */
	private Resp teams(Req req) {
		try {
			List<String> select = select(req);
			Predicate<SimTeam> f = filter(req.q("$filter"), this::teamJson);
			Predicate<String> s = search(req);
			return collection(req, "teams", this.sim.tenant.teams(), f.and((t) -> s.test(t.displayName())), 100,
					(t) -> selected(teamJson(t), select));
		}
		catch (GraphError ex) {
			return error(ex.status, ex.code, ex.getMessage());
		}
	}

	private Map<String, Object> teamJson(SimTeam t) {
		return Json.obj("id", t.id(), "displayName", t.displayName(), "description", t.displayName(), "internalId",
				t.threadId(), "tenantId", this.sim.tenantId(), "isArchived", false, "visibility", "private");
	}

	private Resp team(Req req) {
		Resp g = guard(req);
		if (g != null) {
			return g;
		}
		SimTeam t = teamOf(req);
		if (t == null) {
			return teamNotFound(req);
		}
		return ok(200,
				Json.obj("@odata.context", context("teams/$entity"), "id", t.id(), "displayName", t.displayName(),
						"description", t.displayName(), "internalId", t.threadId(), "tenantId", this.sim.tenantId(),
						"isArchived", false, "visibility", "private"));
	}

	private Resp teamMembers(Req req) {
		SimTeam t = teamOf(req);
		if (t == null) {
			Resp g = guard(req);
			return (g != null) ? g : teamNotFound(req);
		}
		Set<String> owners = new HashSet<>(t.ownerUserIds());
		List<SimUser> members = new ArrayList<>();
		for (String id : this.sim.teamMembers(t)) {
			SimUser u = this.sim.tenant.user(id);
			if (u != null) {
				members.add(u);
			}
		}
		return collection(req, "teams('" + t.id() + "')/members", members, (u) -> true, 100, (u) -> {
			Map<String, Object> m = new LinkedHashMap<>();
			m.put("@odata.type", "#microsoft.graph.aadUserConversationMember");
			m.put("id", Base64.getEncoder()
				.encodeToString(("0#" + t.id() + "##" + u.id()).getBytes(StandardCharsets.UTF_8)));
			m.put("roles", owners.contains(u.id()) ? List.of("owner") : (u.guest() ? List.of("guest") : List.of()));
			m.put("displayName", u.displayName());
			m.put("visibleHistoryStartDateTime", "0001-01-01T00:00:00Z");
			m.put("userId", u.id());
			m.put("email", u.mail());
			m.put("tenantId", this.sim.tenantId());
			return m;
		});
	}

	private Map<String, Object> channelJson(SimChannel c) {
		return Json.obj("id", c.id(), "createdDateTime", "2024-01-01T00:00:00Z", "displayName", c.displayName(),
				"description", c.general() ? "General channel" : c.displayName(), "isFavoriteByDefault", c.general(),
				"email", "", "tenantId", this.sim.tenantId(), "webUrl", null, "membershipType", "standard");
	}

	private Resp channels(Req req) {
		SimTeam t = teamOf(req);
		if (t == null) {
			Resp g = guard(req);
			return (g != null) ? g : teamNotFound(req);
		}
		return collection(req, "teams('" + t.id() + "')/channels", t.channels(), (c) -> true, 999, this::channelJson);
	}

	private Resp channel(Req req) {
		Resp g = guard(req);
		if (g != null) {
			return g;
		}
		SimTeam t = teamOf(req);
		SimChannel c = this.sim.tenant.channel(req.param(1));
		if (t == null || c == null || !c.teamId().equals(t.id())) {
			return error(404, "NotFound", "Channel not found.");
		}
		return ok(200, channelJson(c));
	}

	private Resp teamsApps(Req req) {
		try {
			List<Object> apps = List.of(teamsAppJson());
			Predicate<Object> f = filter(req.q("$filter"), Json::map);
			String expand = req.q("$expand");
			return collection(req, "appCatalogs/teamsApps", apps, f, 100, (a) -> appWithExpand(expand));
		}
		catch (GraphError ex) {
			return error(ex.status, ex.code, ex.getMessage());
		}
	}

	/**
	 * Publishes the app package to the organisation's catalog (body: the zip,
	 * {@code Content-Type: application/zip}); the simulator keeps its manifest.
	 */
	private Resp publishApp(Req req) {
		Resp g = guard(req);
		if (g != null) {
			return g;
		}
		String type = req.header("Content-Type");
		if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/zip")) {
			return error(415, "UnsupportedMediaType", "The app package must be sent as application/zip.");
		}
		this.sim.publishApp(req.body);
		return ok(201, teamsAppJson());
	}

	private Map<String, Object> appWithExpand(String expand) {
		Map<String, Object> app = teamsAppJson();
		if (expand != null && expand.toLowerCase(Locale.ROOT).contains("appdefinitions")) {
			app.put("appDefinitions",
					List.of(Json.obj("id", this.sim.teamsAppCatalogId() + "-def", "teamsAppId",
							this.sim.teamsAppCatalogId(), "displayName", "Herald", "version", "1.0.0",
							"publishingState", "published", "bot", Json.obj("id", this.sim.botAppId()))));
		}
		return app;
	}

	private Resp teamsApp(Req req) {
		Resp g = guard(req);
		if (g != null) {
			return g;
		}
		if (!req.param(0).equalsIgnoreCase(this.sim.teamsAppCatalogId())) {
			return error(404, "NotFound", "The app with id '" + req.param(0) + "' was not found in the app catalog.");
		}
		return ok(200, appWithExpand(req.q("$expand")));
	}

	// ---- $batch ----

	private Resp batch(Req req) {
		Resp g = guard(req);
		if (g != null) {
			return g;
		}
		Map<String, Object> body = req.json();
		List<Object> requests = (body != null) ? Json.list(body.get("requests")) : null;
		if (requests == null) {
			return error(400, "BadRequest", "Invalid batch payload format.");
		}
		if (requests.size() > 20) {
			return error(400, "BadRequest",
					"Unable to deserialize batch request: the number of requests exceeds the maximum of 20.");
		}
		Map<String, Integer> statusById = new LinkedHashMap<>();
		List<Object> responses = new ArrayList<>();
		for (Object o : requests) {
			Map<String, Object> item = Json.map(o);
			String id = (item != null) ? String.valueOf(item.get("id")) : null;
			String method = (item != null) ? Json.str(item.get("method")) : null;
			String url = (item != null) ? Json.str(item.get("url")) : null;
			if (id == null || method == null || url == null) {
				return error(400, "BadRequest", "Invalid batch payload format: id, method and url are required.");
			}
			boolean failedDependency = false;
			List<Object> dependsOn = Json.list(item.get("dependsOn"));
			if (dependsOn != null) {
				for (Object d : dependsOn) {
					Integer st = statusById.get(String.valueOf(d));
					if (st == null || st >= 400) {
						failedDependency = true;
					}
				}
			}
			Map<String, Object> out = new LinkedHashMap<>();
			out.put("id", id);
			if (failedDependency) {
				out.put("status", 424);
				out.put("body", Json.obj("error", Json.obj("code", "FailedDependency", "message",
						"The request was not executed because a request it depends on failed.")));
				statusById.put(id, 424);
				responses.add(out);
				continue;
			}
			Map<String, String> headers = new LinkedHashMap<>();
			Map<String, Object> h = Json.map(item.get("headers"));
			if (h != null) {
				h.forEach((k, v) -> headers.put(k, String.valueOf(v)));
			}
			Object itemBody = item.get("body");
			byte[] bytes = (itemBody == null) ? null
					: (itemBody instanceof String s) ? s.getBytes(StandardCharsets.UTF_8) : Json.bytes(itemBody);
			String path = url.startsWith("/") ? url : "/" + url;
			if (path.startsWith("/v1.0/")) {
				path = path.substring(5);
			}
			Req inner = new Req(method, "/v1.0" + path, headers, bytes, req.exchange);
			Resp r = this.sim.dispatch(inner, true);
			if (r == Resp.HOLD || r == Resp.RESET) {
				r = error(504, "GatewayTimeout", "The request timed out.");
			}
			out.put("status", r.status);
			Map<String, Object> outHeaders = new LinkedHashMap<>(r.headers);
			out.put("headers", outHeaders);
			if (r.body.length > 0) {
				String ct = r.headers.getOrDefault("Content-Type", "");
				out.put("body", ct.contains("json") ? Json.parseObject(r.body) : r.bodyString());
			}
			statusById.put(id, r.status);
			responses.add(out);
		}
		return ok(200, Json.obj("responses", responses));
	}

}
