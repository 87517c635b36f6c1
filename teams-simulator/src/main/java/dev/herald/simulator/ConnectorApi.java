package dev.herald.simulator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import dev.herald.simulator.Http.Kind;
import dev.herald.simulator.Http.Req;
import dev.herald.simulator.Http.Resp;
import dev.herald.simulator.Http.Router;
import dev.herald.simulator.SimulatorConfig.Faults;

/** Bot Framework Connector v3 under {@code /{region}/v3/...}. */
final class ConnectorApi {

	private static final String BAD_CREATE = "Incorrect conversation creation parameters";

	private final TeamsSimulator sim;

	ConnectorApi(TeamsSimulator sim) {
		this.sim = sim;
	}

	void register(Router r) {
		r.add("POST", "/{region}/v3/conversations", Kind.CONNECTOR, this::create);
		r.add("GET", "/{region}/v3/conversations", Kind.CONNECTOR, this::list);
		r.add("POST", "/{region}/v3/conversations/{id}/activities", Kind.CONNECTOR, (req) -> send(req, null));
		r.add("POST", "/{region}/v3/conversations/{id}/activities/{activityId}", Kind.CONNECTOR,
				(req) -> send(req, req.param(2)));
		r.add("PUT", "/{region}/v3/conversations/{id}/activities/{activityId}", Kind.CONNECTOR, this::update);
		r.add("DELETE", "/{region}/v3/conversations/{id}/activities/{activityId}", Kind.CONNECTOR, this::delete);
		r.add("GET", "/{region}/v3/conversations/{id}/members", Kind.CONNECTOR, this::members);
		r.add("GET", "/{region}/v3/conversations/{id}/members/{memberId}", Kind.CONNECTOR, this::member);
		r.add("GET", "/{region}/v3/conversations/{id}/pagedmembers", Kind.CONNECTOR, this::pagedMembers);
		r.add("GET", "/{region}/v3/teams/{id}", Kind.CONNECTOR, this::team);
		r.add("GET", "/{region}/v3/teams/{id}/conversations", Kind.CONNECTOR, this::teamConversations);
	}

	static Resp error(int status, String code, String message) {
		return Resp.json(status, Json.obj("error", Json.obj("code", code, "message", message)));
	}

	static Resp throttled(long waitMillis) {
		return error(429, "Throttled", "Too many requests.").header("Retry-After",
				Integer.toString(SlidingWindows.retryAfterSeconds(waitMillis)));
	}

	/** A 429, without Retry-After for the configured share of them. */
	private Resp throttledMaybeBare(long waitMillis) {
		if (ThreadLocalRandom.current().nextDouble() < this.sim.retryAfterAbsentShare) {
			this.sim.stats.throttledWithoutRetryAfter.incrementAndGet();
			return error(429, "Throttled", "Too many requests.");
		}
		return throttled(waitMillis);
	}

	/** Auth, injected faults and the per-tenant limit; null when the call may proceed. */
	private Resp guard(Req req, boolean write) {
		String auth = req.header("Authorization");
		if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
			this.sim.stats.unauthorized401.incrementAndGet();
			return error(401, "Unauthorized", "Authorization has been denied for this request.");
		}
		SimKeys.Validated token = this.sim.keys.validate(auth.substring(7).trim());
		if (token == null || !SimKeys.BOTFRAMEWORK_AUDIENCE.equals(token.audience())) {
			this.sim.stats.unauthorized401.incrementAndGet();
			return error(401, "Unauthorized", "Authorization has been denied for this request.");
		}
		if (!this.sim.botAppId().equalsIgnoreCase(token.appId())) {
			this.sim.stats.unauthorized401.incrementAndGet();
			return error(401, "BotNotRegistered", "No registration found for this bot.");
		}
		if (write && this.sim.appBlockedByAdmin) {
			this.sim.stats.forbidden403.incrementAndGet();
			return error(403, "BotDisabledByAdmin", "The tenant admin disabled this bot");
		}
		Faults f = this.sim.config().faults();
		double draw = ThreadLocalRandom.current().nextDouble();
		if (draw < f.serverErrorShare()) {
			this.sim.stats.fault5xx.incrementAndGet();
			return switch (ThreadLocalRandom.current().nextInt(3)) {
				case 0 -> error(502, "ServiceError", "Bad gateway.");
				case 1 -> Resp.text(503, "text/html", "<html><body>Service Unavailable</body></html>");
				default -> Resp.text(504, "text/html", "<html><body>Gateway Timeout</body></html>");
			};
		}
		draw -= f.serverErrorShare();
		if (draw >= 0 && draw < f.timeoutShare()) {
			this.sim.stats.faultTimeout.incrementAndGet();
			return Resp.HOLD;
		}
		draw -= f.timeoutShare();
		if (draw >= 0 && draw < f.resetShare()) {
			this.sim.stats.faultReset.incrementAndGet();
			return Resp.RESET;
		}
		draw -= f.resetShare();
		if (write && draw >= 0 && draw < this.sim.preconditionFailedShare) {
			this.sim.stats.fault412.incrementAndGet();
			return error(412, "PreconditionFailed", "Precondition failed, please try again.");
		}
		long wait = this.sim.acquireTenant();
		if (wait > 0) {
			this.sim.stats.throttledTenant.incrementAndGet();
			return throttledMaybeBare(wait);
		}
		return null;
	}

	private Resp threadLimit(Conversation c) {
		long wait = this.sim.acquireThread(c);
		if (wait > 0) {
			this.sim.stats.throttledThread.incrementAndGet();
			return throttledMaybeBare(wait);
		}
		return null;
	}

	/** 400/413/403 checks of an activity to deliver to a conversation; null when fine. */
	private Resp checkActivity(Conversation c, Map<String, Object> activity, int utf16Bytes) {
		if (activity == null) {
			return error(400, "BadArgument", "Activity cannot be null");
		}
		if (Json.str(activity.get("type")) == null) {
			return error(400, "BadArgument", "Activity type cannot be null");
		}
		if (utf16Bytes > this.sim.maxMessageBytes) {
			return error(413, "MessageSizeTooBig", "Message size too large.");
		}
		if (c.personal()) {
			return forbidden(c.user);
		}
		if (c.channel != null && !botInTeam(c.channel.teamId())) {
			return notInRoster();
		}
		if (c.channel != null && this.sim.tenant.moderated(c.channel.id())) {
			// A moderated channel whose "Allow bots to submit messages" is off: Teams
			// answers as for a blocked chat (botbuilder-js #4665).
			this.sim.stats.forbidden403.incrementAndGet();
			return error(403, "ConversationBlockedByUser", "User blocked the conversation with the bot.");
		}
		return null;
	}

	private Resp forbidden(SimUser u) {
		if (this.sim.blocked(u)) {
			this.sim.stats.forbidden403.incrementAndGet();
			if (this.sim.blockedShapeLegacy(u)) {
				return Resp.json(403, Json.obj("errorCode", 209, "message",
						"{\r\n  \"subCode\": \"MessageWritesBlocked\",\r\n  \"details\": \"Thread is blocked from message writes.\",\r\n  \"errorCode\": null,\r\n  \"errorSubCode\": null\r\n}"));
			}
			return error(403, "ConversationBlockedByUser", "User blocked the conversation with the bot.");
		}
		if (this.sim.requireInstall && !this.sim.isInstalled(u.id())) {
			this.sim.stats.forbidden403.incrementAndGet();
			return error(403, "ForbiddenOperationException", "Bot is not installed in user's personal scope");
		}
		return null;
	}

	private static int utf16Bytes(Object value) {
		return (value instanceof String s) ? s.length() * 2 : Json.string(value).length() * 2;
	}

	private Resp create(Req req) {
		Resp g = guard(req, true);
		if (g != null) {
			return g;
		}
		Map<String, Object> body = req.json();
		if (body == null) {
			return error(400, "BadSyntax", BAD_CREATE);
		}
		String tenantId = Json.str(body.get("tenantId"));
		if (tenantId == null) {
			tenantId = Json.str(Json.path(body, "channelData", "tenant", "id"));
		}
		boolean isGroup = Boolean.TRUE.equals(body.get("isGroup"));
		String channelId = Json.str(Json.path(body, "channelData", "channel", "id"));
		Map<String, Object> activity = Json.map(body.get("activity"));
		if (tenantId != null && !tenantId.equalsIgnoreCase(this.sim.tenantId())) {
			return error(403, "Forbidden", "The tenant '" + tenantId + "' is not valid for this bot.");
		}
		if (isGroup || channelId != null) {
			if (!isGroup || channelId == null || activity == null) {
				return error(400, "BadSyntax", BAD_CREATE);
			}
			SimChannel channel = this.sim.tenant.channel(channelId);
			if (channel == null) {
				return error(404, "ConversationNotFound", "Conversation not found.");
			}
			Conversation c = this.sim.channel(channel);
			Resp limited = threadLimit(c);
			if (limited != null) {
				return limited;
			}
			Resp bad = checkActivity(c, activity, utf16Bytes(activity));
			if (bad != null) {
				return bad;
			}
			String id = this.sim.store(c, activity, null);
			this.sim.stats.conversationsCreated.incrementAndGet();
			return Resp.json(201, Json.obj("id", channel.id() + ";messageid=" + id, "activityId", id));
		}
		List<Object> members = Json.list(body.get("members"));
		if (members == null || members.size() != 1 || Json.map(members.get(0)) == null) {
			return error(400, "BadSyntax", BAD_CREATE);
		}
		if (tenantId == null) {
			return error(400, "BadSyntax", BAD_CREATE + ": tenantId is required");
		}
		String memberId = Json.str(Json.map(members.get(0)).get("id"));
		SimUser user = null;
		if (memberId != null && memberId.startsWith("29:")) {
			user = this.sim.tenant.userByTeamsId(memberId);
		}
		else if (memberId != null && memberId.startsWith("8:orgid:")) {
			user = this.sim.tenant.user(memberId.substring(8));
		}
		if (user == null) {
			return error(400, "BadArgument", "Failed to decrypt pairwise id");
		}
		Conversation c = this.sim.personal(user);
		Resp limited = threadLimit(c);
		if (limited != null) {
			return limited;
		}
		// Teams creates the 1:1 only for someone who has the app personally or shares a
		// team with the installed bot; creating it then puts the bot in their chat list.
		if (this.sim.requireInstall && !this.sim.isInstalled(user.id())) {
			if (!this.sim.sharesTeamWithBot(user) || this.sim.unlicensed(user)) {
				this.sim.stats.forbidden403.incrementAndGet();
				return error(403, "BotNotInConversationRoster", "The bot isn't part of the conversation roster.");
			}
			this.sim.markInstalled(user);
		}
		if (activity != null) {
			Resp bad = checkActivity(c, activity, utf16Bytes(activity));
			if (bad != null) {
				return bad;
			}
			this.sim.store(c, activity, null);
		}
		this.sim.stats.conversationsCreated.incrementAndGet();
		return Resp.json(201, Json.obj("id", c.id));
	}

	private Resp send(Req req, String replyToId) {
		Resp g = guard(req, true);
		if (g != null) {
			return g;
		}
		Conversation c = this.sim.resolve(req.param(1));
		if (c == null) {
			return error(404, "ConversationNotFound", "Conversation not found.");
		}
		Resp limited = threadLimit(c);
		if (limited != null) {
			return limited;
		}
		Map<String, Object> activity = req.json();
		String body = req.bodyString();
		Resp bad = checkActivity(c, activity, body.length() * 2);
		if (bad != null) {
			return bad;
		}
		String conversationId = req.param(1);
		if (replyToId == null && !c.personal()) {
			int i = conversationId.indexOf(";messageid=");
			if (i > 0) {
				replyToId = conversationId.substring(i + ";messageid=".length());
			}
		}
		String id = this.sim.store(c, activity, replyToId, body);
		return Resp.json(201, Json.obj("id", id));
	}

	private Resp update(Req req) {
		Resp g = guard(req, true);
		if (g != null) {
			return g;
		}
		Conversation c = this.sim.resolve(req.param(1));
		if (c == null) {
			return error(404, "ConversationNotFound", "Conversation not found.");
		}
		Resp limited = threadLimit(c);
		if (limited != null) {
			return limited;
		}
		Conversation.Entry entry = c.find(req.param(2));
		if (entry == null || entry.deleted) {
			this.sim.stats.activityMissing404.incrementAndGet();
			return error(404, "ActivityNotFoundInConversation", "Conversation not found.");
		}
		Map<String, Object> activity = req.json();
		Resp bad = checkActivity(c, activity, req.bodyString().length() * 2);
		if (bad != null) {
			return bad;
		}
		// Teams keeps the message's id, place and time; the client marks it "Edited".
		Map<String, Object> stored = new LinkedHashMap<>(activity);
		Object timestamp = entry.activity().get("timestamp");
		stored.put("id", entry.id);
		if (timestamp != null) {
			stored.put("timestamp", timestamp);
		}
		entry.replace(stored);
		entry.edited();
		this.sim.stats.activitiesUpdated.incrementAndGet();
		return Resp.json(200, Json.obj("id", entry.id));
	}

	private Resp delete(Req req) {
		Resp g = guard(req, true);
		if (g != null) {
			return g;
		}
		Conversation c = this.sim.resolve(req.param(1));
		if (c == null) {
			return error(404, "ConversationNotFound", "Conversation not found.");
		}
		Resp limited = threadLimit(c);
		if (limited != null) {
			return limited;
		}
		Conversation.Entry entry = c.find(req.param(2));
		if (entry == null || entry.deleted) {
			// A second delete of the same message: counted, so benchmarks see doubles.
			this.sim.stats.activityMissing404.incrementAndGet();
			return error(404, "ActivityNotFoundInConversation", "Conversation not found.");
		}
		entry.deleted = true;
		this.sim.stats.activitiesDeleted.incrementAndGet();
		return Resp.empty(200);
	}

	Map<String, Object> account(SimUser u) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("id", u.teamsUserId());
		m.put("name", u.displayName());
		m.put("aadObjectId", u.id());
		m.put("objectId", u.id());
		m.put("givenName", u.givenName());
		m.put("surname", u.surname());
		m.put("email", u.mail());
		m.put("userPrincipalName", u.userPrincipalName());
		m.put("tenantId", this.sim.tenantId());
		m.put("userRole", u.guest() ? "guest" : "user");
		return m;
	}

	private List<SimUser> membersOf(Conversation c) {
		List<SimUser> result = new ArrayList<>();
		if (c.personal()) {
			result.add(c.user);
			return result;
		}
		SimTeam team = this.sim.tenant.team(c.channel.teamId());
		for (String id : this.sim.teamMembers(team)) {
			SimUser u = this.sim.tenant.user(id);
			if (u != null) {
				result.add(u);
			}
		}
		return result;
	}

	private Resp members(Req req) {
		Resp g = guard(req, false);
		if (g != null) {
			return g;
		}
		Conversation c = this.sim.resolve(req.param(1));
		if (c == null) {
			return error(404, "ConversationNotFound", "Conversation not found.");
		}
		if (c.channel != null && !botInTeam(c.channel.teamId())) {
			return notInRoster();
		}
		List<Object> list = new ArrayList<>();
		for (SimUser u : membersOf(c)) {
			list.add(account(u));
		}
		return Resp.json(200, list);
	}

	private Resp member(Req req) {
		Resp g = guard(req, false);
		if (g != null) {
			return g;
		}
		Conversation c = this.sim.resolve(req.param(1));
		if (c == null) {
			return error(404, "ConversationNotFound", "Conversation not found.");
		}
		if (c.channel != null && !botInTeam(c.channel.teamId())) {
			return notInRoster();
		}
		String memberId = req.param(2);
		for (SimUser u : membersOf(c)) {
			if (u.teamsUserId().equals(memberId) || u.id().equalsIgnoreCase(memberId)
					|| u.userPrincipalName().equalsIgnoreCase(memberId)) {
				return Resp.json(200, account(u));
			}
		}
		return error(404, "MemberNotFoundInConversation", "The member was not found in the conversation.");
	}

	private Resp pagedMembers(Req req) {
		Resp g = guard(req, false);
		if (g != null) {
			return g;
		}
		Conversation c = this.sim.resolve(req.param(1));
		if (c == null) {
			return error(404, "ConversationNotFound", "Conversation not found.");
		}
		if (c.channel != null && !botInTeam(c.channel.teamId())) {
			return notInRoster();
		}
		int pageSize = 200;
		if (req.q("pageSize") != null) {
			pageSize = Math.max(50, Math.min(500, Integer.parseInt(req.q("pageSize"))));
		}
		Integer forced = this.sim.rosters.pageSize;
		if (forced != null) {
			// a test's small page, so that a small team's roster spans several pages
			pageSize = Math.min(pageSize, forced);
		}
		int offset = 0;
		String token = req.q("continuationToken");
		if (token != null && !token.isEmpty()) {
			offset = Integer.parseInt(token.replaceFirst("^p", ""));
		}
		// Teams pages in an order of its own, not join order: someone who joins during a
		// read may land on a page already read.
		List<SimUser> all = membersOf(c);
		all.sort(Comparator.comparing(SimUser::id));
		List<Object> page = new ArrayList<>();
		for (int i = offset; i < Math.min(all.size(), offset + pageSize); i++) {
			page.add(account(all.get(i)));
		}
		Map<String, Object> result = new LinkedHashMap<>();
		if (offset + pageSize < all.size()) {
			result.put("continuationToken", "p" + (offset + pageSize));
		}
		result.put("members", page);
		return Resp.json(200, result);
	}

	private Resp list(Req req) {
		Resp g = guard(req, false);
		if (g != null) {
			return g;
		}
		List<Object> conversations = new ArrayList<>();
		for (Conversation c : this.sim.conversations()) {
			if (c.personal()) {
				conversations.add(Json.obj("id", c.id, "members", List.of(account(c.user))));
			}
			else {
				conversations.add(Json.obj("id", c.id, "members", List.of()));
			}
		}
		return Resp.json(200, Json.obj("conversations", conversations));
	}

	private Resp team(Req req) {
		Resp g = guard(req, false);
		if (g != null) {
			return g;
		}
		SimTeam t = this.sim.tenant.team(req.param(1));
		if (t == null) {
			return error(404, "NotFound", "Team not found.");
		}
		if (!botInTeam(t.id())) {
			return notInRoster();
		}
		return Resp.json(200, Json.obj("id", t.threadId(), "name", t.displayName(), "aadGroupId", t.groupId()));
	}

	private Resp teamConversations(Req req) {
		Resp g = guard(req, false);
		if (g != null) {
			return g;
		}
		SimTeam t = this.sim.tenant.team(req.param(1));
		if (t == null) {
			return error(404, "NotFound", "Team not found.");
		}
		if (!botInTeam(t.id())) {
			return notInRoster();
		}
		List<Object> list = new ArrayList<>();
		for (SimChannel ch : t.channels()) {
			list.add(Json.obj("id", ch.id(), "name", ch.general() ? null : ch.displayName()));
		}
		return Resp.json(200, Json.obj("conversations", list));
	}

	/**
	 * Teams answers posts to a team's channels and reads of the team (its details,
	 * channels, roster) only while the bot is in it; else 403.
	 */
	private boolean botInTeam(String teamId) {
		return !this.sim.requireTeamInstall || this.sim.isInstalledInTeam(teamId);
	}

	private Resp notInRoster() {
		this.sim.stats.forbidden403.incrementAndGet();
		this.sim.stats.botNotInRoster403.incrementAndGet();
		return error(403, "BotNotInConversationRoster", "The bot isn't part of the conversation roster.");
	}

}
