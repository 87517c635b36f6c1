package dev.herald.simulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.herald.simulator.Http.Kind;
import dev.herald.simulator.Http.Req;
import dev.herald.simulator.Http.Resp;
import dev.herald.simulator.Http.Router;
import dev.herald.simulator.SimulatorConfig.Faults;
import dev.herald.simulator.SimulatorConfig.Latency;
import dev.herald.simulator.SimulatorConfig.Limits;

/** The simulator's own inspection and control endpoints under {@code /_sim}. */
final class AdminApi {

	private final TeamsSimulator sim;

	private final UserActions actions;

	AdminApi(TeamsSimulator sim) {
		this.sim = sim;
		this.actions = new UserActions(sim);
	}

	void register(Router r) {
		r.add("GET", "/_sim/tenant", Kind.SIM, this::tenant);
		r.add("GET", "/_sim/stats", Kind.SIM, (req) -> Resp.json(200, this.sim.stats()));
		r.add("GET", "/_sim/config", Kind.SIM, (req) -> Resp.json(200, this.sim.runtimeOptions()));
		r.add("POST", "/_sim/config", Kind.SIM, this::config);
		// The Graph application permissions an app registration holds: GET lists them,
		// PUT replaces them with {"permissions":[...]}.
		r.add("GET", "/_sim/apps/{clientId}/graph-permissions", Kind.SIM, (req) -> Resp.json(200,
				Json.obj("permissions", new java.util.TreeSet<>(this.sim.graphPermissions(req.param(0))))));
		r.add("PUT", "/_sim/apps/{clientId}/graph-permissions", Kind.SIM, (req) -> {
			Map<String, Object> body = req.json();
			List<Object> list = (body != null) ? Json.list(body.get("permissions")) : null;
			if (list == null) {
				return Resp.json(400, Json.obj("error", "expected {\"permissions\":[...]}"));
			}
			this.sim.setGraphPermissions(req.param(0), list.stream().map(String::valueOf).toList());
			return Resp.json(200,
					Json.obj("permissions", new java.util.TreeSet<>(this.sim.graphPermissions(req.param(0)))));
		});
		r.add("GET", "/_sim/deliveries", Kind.SIM, this::deliveries);
		r.add("GET", "/_sim/conversations", Kind.SIM, this::conversations);
		r.add("GET", "/_sim/users", Kind.SIM, this::users);
		r.add("GET", "/_sim/users/{aad}", Kind.SIM, this::userInfo);
		r.add("GET", "/_sim/users/{aad}/inbox", Kind.SIM, this::userInbox);
		r.add("GET", "/_sim/users/{aad}/feed", Kind.SIM,
				(req) -> Resp.json(200, this.sim.activityFeed(user(req).id())));
		r.add("GET", "/_sim/channels/{id}/inbox", Kind.SIM,
				(req) -> Resp.json(200, this.sim.channelInbox(req.param(0))));
		r.add("POST", "/_sim/reset", Kind.SIM, (req) -> {
			this.sim.reset();
			return Resp.json(200, Json.obj("reset", true));
		});
		r.add("POST", "/_sim/install", Kind.SIM, this::install);
		r.add("POST", "/_sim/users/{aad}/install", Kind.SIM, (req) -> {
			this.sim.installForUser(user(req).id());
			return Resp.json(200, Json.obj("installed", true));
		});
		r.add("POST", "/_sim/users/{aad}/block", Kind.SIM, (req) -> {
			this.sim.block(user(req).id());
			return Resp.json(200, Json.obj("blocked", true));
		});
		r.add("POST", "/_sim/users/{aad}/unblock", Kind.SIM, (req) -> {
			this.sim.unblock(user(req).id());
			return Resp.json(200, Json.obj("blocked", false));
		});
		r.add("POST", "/_sim/users/{aad}/actions", Kind.SIM,
				(req) -> botResult(this.actions.act(user(req), requireJson(req))));
		r.add("POST", "/_sim/users/{aad}/messages", Kind.SIM,
				(req) -> botResult(this.actions.message(user(req), Json.str(requireJson(req).get("text")))));
		r.add("POST", "/_sim/teams/{teamId}/install", Kind.SIM,
				(req) -> this.sim.installInTeam(req.param(0))
						? Resp.json(200, Json.obj("team", req.param(0), "installed", true))
						: Resp.json(404, Json.obj("error", Json.obj("code", "NotFound", "message", "Unknown team"))));
		r.add("POST", "/_sim/app", Kind.SIM, (req) -> {
			this.sim.publishApp(req.body);
			return Resp.json(200, Json.obj("readReceipts", this.sim.appHasPermission(UserActions.READ_RECEIPT_RSC)));
		});
		r.add("POST", "/_sim/users/{aad}/read-receipts", Kind.SIM, (req) -> {
			Map<String, Object> body = requireJson(req);
			boolean on = !Boolean.FALSE.equals(body.get("enabled"));
			this.sim.setReadReceipts(user(req).id(), on);
			return Resp.json(200, Json.obj("readReceipts", on));
		});
		r.add("POST", "/_sim/users/{aad}/read", Kind.SIM, (req) -> {
			Map<String, Object> body = req.json();
			return botResult(this.actions.readReceipt(user(req),
					(body != null) ? Json.str(body.get("lastReadMessageId")) : null));
		});
		r.add("GET", "/_sim/users/{aad}/inbox.html", Kind.SIM, (req) -> Resp.text(200, "text/html; charset=utf-8",
				CardRenderer.inbox(this.sim.inboxForPage(user(req).id()))));
		r.add("GET", "/_sim", Kind.SIM, this::page);
		r.add("GET", "/_sim/", Kind.SIM, this::page);
		r.add("GET", "/", Kind.SIM, (req) -> Resp.empty(302).header("Location", "/_sim/"));
		r.add("POST", "/_sim/users/{aad}/uninstall", Kind.SIM, (req) -> {
			this.sim.uninstall(user(req).id());
			return Resp.json(200, Json.obj("installed", false));
		});
	}

	private Map<String, Object> requireJson(Req req) {
		Map<String, Object> body = req.json();
		if (body == null) {
			throw new IllegalArgumentException("JSON body expected");
		}
		return body;
	}

	private Resp botResult(Map<String, Object> result) {
		if (this.sim.botEndpoint() == null) {
			return Resp.json(409, Json.obj("error", Json.obj("code", "NoBotEndpoint", "message",
					"No bot endpoint configured (setBotEndpoint or POST /_sim/config {\"botEndpoint\":...})")));
		}
		return Resp.json(200, result);
	}

	private Resp page(Req req) throws java.io.IOException {
		try (java.io.InputStream in = AdminApi.class.getResourceAsStream("sim.html")) {
			return new Resp(200, "text/html; charset=utf-8", in.readAllBytes());
		}
	}

	private SimUser user(Req req) {
		return this.sim.requireUser(req.param(0));
	}

	private Resp tenant(Req req) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("tenantId", this.sim.tenantId());
		m.put("botAppId", this.sim.botAppId());
		m.put("teamsAppExternalId", this.sim.teamsAppExternalId());
		m.put("teamsAppCatalogId", this.sim.teamsAppCatalogId());
		m.put("baseUrl", this.sim.baseUrl());
		m.put("serviceUrl", this.sim.serviceUrl());
		m.put("graphBaseUrl", this.sim.graphBaseUrl());
		m.put("tokenUrl", this.sim.tokenUrl());
		m.put("botFrameworkTokenUrl", this.sim.botFrameworkTokenUrl());
		m.put("openIdMetadataUrl", this.sim.openIdMetadataUrl());
		m.put("botEndpoint", this.sim.botEndpoint());
		m.put("domain", this.sim.tenant.domain());
		long guests = this.sim.tenant.users().stream().filter(SimUser::guest).count();
		m.put("counts",
				Json.obj("users", this.sim.tenant.users().size(), "guests", guests, "groups",
						this.sim.tenant.groups().size(), "teams", this.sim.tenant.teams().size(), "installedAtStart",
						this.sim.installedAtStart().size()));
		List<Object> teams = new ArrayList<>();
		for (SimTeam t : this.sim.tenant.teams()) {
			List<Object> channels = new ArrayList<>();
			for (SimChannel c : t.channels()) {
				channels.add(Json.obj("id", c.id(), "displayName", c.displayName()));
			}
			teams.add(Json.obj("id", t.id(), "threadId", t.threadId(), "displayName", t.displayName(), "members",
					t.memberUserIds().size(), "channels", channels));
		}
		m.put("teams", teams);
		// The realistic tenant: who is not a person, or not reachable, and where bots may
		// not post.
		Map<String, Object> realistic = new LinkedHashMap<>();
		for (SimTenant.AccountKind kind : SimTenant.AccountKind.values()) {
			if (kind != SimTenant.AccountKind.PERSON) {
				realistic.put(kind.name(), this.sim.tenant.accounts(kind).stream().map(SimUser::id).toList());
			}
		}
		realistic.put("moderatedChannels", List.copyOf(this.sim.tenant.moderatedChannels()));
		m.put("realisticTenant", realistic);
		return Resp.json(200, m);
	}

	Map<String, Object> userJson(SimUser u) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("id", u.id());
		m.put("displayName", u.displayName());
		m.put("userPrincipalName", u.userPrincipalName());
		m.put("mail", u.mail());
		m.put("userType", u.userType());
		m.put("preferredLanguage", u.preferredLanguage());
		m.put("department", u.department());
		m.put("country", u.country());
		m.put("teamsUserId", u.teamsUserId());
		m.put("conversationId", this.sim.personalConversationId(u));
		m.put("chatId", this.sim.chatId(u));
		m.put("installed", this.sim.isInstalled(u.id()));
		m.put("blocked", this.sim.blocked(u));
		m.put("unlicensed", this.sim.unlicensed(u));
		m.put("accountKind", this.sim.tenant.kind(u).name());
		m.put("accountEnabled", this.sim.tenant.accountEnabled(u));
		Conversation c = this.sim.conversation(this.sim.personalConversationId(u));
		m.put("activities", (c != null) ? c.size() : 0);
		m.put("activityFeedReaches", this.sim.activityFeed.hasApp(u));
		m.put("feedNotifications", this.sim.activityFeed.feed(u).size());
		return m;
	}

	private Resp users(Req req) {
		String search = req.q("search");
		int top = (req.q("top") != null) ? Integer.parseInt(req.q("top")) : 50;
		String needle = (search != null) ? search.toLowerCase(java.util.Locale.ROOT) : null;
		List<Object> result = new ArrayList<>();
		for (SimUser u : this.sim.tenant.users()) {
			if (result.size() >= top) {
				break;
			}
			if (needle == null || u.displayName().toLowerCase(java.util.Locale.ROOT).contains(needle)
					|| u.userPrincipalName().toLowerCase(java.util.Locale.ROOT).contains(needle)
					|| u.id().startsWith(needle)) {
				result.add(userJson(u));
			}
		}
		return Resp.json(200, Json.obj("users", result));
	}

	private Resp userInfo(Req req) {
		SimUser u = this.sim.tenant.user(req.param(0));
		if (u == null) {
			return Resp.json(404, Json.obj("error", Json.obj("code", "NotFound", "message", "Unknown user")));
		}
		return Resp.json(200, userJson(u));
	}

	private Resp userInbox(Req req) {
		SimUser u = this.sim.tenant.user(req.param(0));
		if (u == null) {
			return Resp.json(404, Json.obj("error", Json.obj("code", "NotFound", "message", "Unknown user")));
		}
		return Resp.json(200, this.sim.inbox(u.id()));
	}

	private Resp deliveries(Req req) {
		String marker = req.q("marker");
		if (marker == null || marker.isEmpty()) {
			return Resp.json(400, Json.obj("error", Json.obj("code", "BadRequest", "message", "marker is required")));
		}
		return Resp.json(200, this.sim.deliveries(marker));
	}

	private Resp conversations(Req req) {
		List<Object> list = new ArrayList<>();
		for (Conversation c : this.sim.conversations()) {
			int n = c.size();
			if (n == 0 && !"true".equals(req.q("all"))) {
				continue;
			}
			list.add(Json.obj("id", c.id, "kind", c.personal() ? "personal" : "channel", "user",
					c.personal() ? c.user.id() : null, "channelId", c.personal() ? null : c.channel.id(), "activities",
					n));
		}
		return Resp.json(200, Json.obj("conversations", list));
	}

	private Resp install(Req req) {
		Map<String, Object> body = req.json();
		if (body != null && Boolean.TRUE.equals(body.get("existing"))) {
			int n = this.sim.installForExisting();
			return Resp.json(200, Json.obj("installed", n));
		}
		List<Object> users = (body != null) ? Json.list(body.get("users")) : null;
		if (users == null) {
			return Resp.json(400, Json.obj("error",
					Json.obj("code", "BadRequest", "message", "expected {\"users\":[...]} or {\"existing\":true}")));
		}
		int n = 0;
		for (Object o : users) {
			this.sim.installForUser(this.sim.requireUser(String.valueOf(o)).id());
			n++;
		}
		return Resp.json(200, Json.obj("installed", n));
	}

	private Resp config(Req req) {
		Map<String, Object> body = req.json();
		if (body == null) {
			return Resp.json(400, Json.obj("error", Json.obj("code", "BadRequest", "message", "JSON body expected")));
		}
		// Checked first: a bad value (400) leaves every other option as it was.
		if (body.containsKey("accessTokenAcceptedVersion")) {
			this.sim.setAccessTokenAcceptedVersion(integer(body, "accessTokenAcceptedVersion", 0));
		}
		if (body.containsKey("tokenLifetimeSeconds")) {
			this.sim.setTokenLifetimeSeconds(integer(body, "tokenLifetimeSeconds", 0));
		}
		Map<String, Object> feedLimits = Json.map(body.get("activityFeedLimits"));
		if (feedLimits != null) {
			this.sim.setActivityFeedLimits(integer(feedLimits, "bulkPerSecond", this.sim.activityFeed.bulkPerSecond()),
					integer(feedLimits, "singlePerSecond", this.sim.activityFeed.singlePerSecond()));
		}
		Map<String, Object> mailLimits = Json.map(body.get("mailLimits"));
		if (mailLimits != null) {
			// Only the per-minute limit scales (benchmarks); the day and the concurrency
			// are Exchange's.
			this.sim.setMailPerMinute(integer(mailLimits, "perMinute", this.sim.mailPerMinute()));
		}
		SimulatorConfig c = this.sim.config();
		Limits limits = c.limits();
		Map<String, Object> l = Json.map(body.get("limits"));
		if (l != null) {
			limits = new Limits(bool(l, "perThread", limits.perThread()),
					integer(l, "tenantPerSecond", limits.tenantPerSecond()),
					integer(l, "graphInstallsPerSecond", limits.graphInstallsPerSecond()));
		}
		Latency latency = c.latency();
		Map<String, Object> la = Json.map(body.get("latency"));
		if (la != null) {
			String distribution = Json.str(la.get("distribution"));
			latency = new Latency(integer(la, "minMs", latency.minMs()), integer(la, "maxMs", latency.maxMs()),
					(distribution != null) ? Latency.Distribution.valueOf(distribution.toUpperCase(Locale.ROOT))
							: latency.distribution());
		}
		Faults faults = c.faults();
		Map<String, Object> f = Json.map(body.get("faults"));
		if (f != null) {
			faults = new Faults(dbl(f, "serverErrorShare", faults.serverErrorShare()),
					dbl(f, "timeoutShare", faults.timeoutShare()), dbl(f, "resetShare", faults.resetShare()),
					dbl(f, "blockedUserShare", faults.blockedUserShare()),
					dbl(f, "unlicensedShare", faults.unlicensedShare()));
		}
		boolean strict = bool(body, "strictAuth", c.strictAuth());
		String endpoint = body.containsKey("botEndpoint") ? Json.str(body.get("botEndpoint")) : this.sim.botEndpoint();
		Limits fl = limits;
		Latency fla = latency;
		Faults ff = faults;
		this.sim.updateConfig((old) -> old.withLimits(fl)
			.withLatency(fla)
			.withFaults(ff)
			.withStrictAuth(strict)
			.withBotEndpoint(endpoint));
		this.sim.maxMessageBytes = integer(body, "maxMessageBytes", this.sim.maxMessageBytes);
		this.sim.timeoutHoldMillis = integer(body, "timeoutHoldMillis", (int) this.sim.timeoutHoldMillis);
		this.sim.preconditionFailedShare = dbl(body, "preconditionFailedShare", this.sim.preconditionFailedShare);
		this.sim.setRetryAfterAbsentShare(dbl(body, "retryAfterAbsentShare", this.sim.retryAfterAbsentShare));
		this.sim.requireInstall = bool(body, "requireInstall", this.sim.requireInstall);
		this.sim.requireTeamInstall = bool(body, "requireTeamInstall", this.sim.requireTeamInstall);
		this.sim.appBlockedByAdmin = bool(body, "appBlockedByAdmin", this.sim.appBlockedByAdmin);
		if (body.containsKey("teamInstallDenied")) {
			Object denied = body.get("teamInstallDenied");
			this.sim.teamInstallDenied = (denied instanceof Boolean b) ? (b ? TeamsSimulator.TEAM_INSTALL_DENIED : null)
					: Json.str(denied);
		}
		return Resp.json(200, this.sim.runtimeOptions());
	}

	private static boolean bool(Map<String, Object> m, String key, boolean dflt) {
		Object v = m.get(key);
		return (v instanceof Boolean b) ? b : dflt;
	}

	private static int integer(Map<String, Object> m, String key, int dflt) {
		Object v = m.get(key);
		return (v instanceof Number n) ? n.intValue() : dflt;
	}

	private static double dbl(Map<String, Object> m, String key, double dflt) {
		Object v = m.get(key);
		return (v instanceof Number n) ? n.doubleValue() : dflt;
	}

}
