package dev.herald.simulator;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.herald.simulator.Http.Req;
import dev.herald.simulator.Http.Resp;

/**
 * Teams' activity feed as Graph serves it (teams-protocol.md, "Added 2026-12-06", C):
 * {@code POST /teamwork/sendActivityNotificationToRecipients} (at most 100 recipients,
 * 202, 2 calls a second per app and tenant) and {@code POST
 * /users/{id}/teamwork/sendActivityNotification} (204, 5 a second). The access token must
 * have at least 45 minutes of life left (else 412); the activity type must be declared in
 * the manifest in the catalog, or be the reserved {@code systemDefault} (else 400); the
 * app must be installed for the recipient (personally or in a team they belong to): the
 * bulk call silently skips the others, the single call answers 403. More than 10
 * notifications a minute to one person are throttled: dropped in bulk (the 202 says
 * nothing per recipient), 429 for the single call. Every notification shown lands in the
 * person's feed, newest first.
 */
final class ActivityFeed {

	static final int MAX_RECIPIENTS = 100;

	static final long MIN_TOKEN_LIFE_SECONDS = 45 * 60;

	static final int PER_PERSON_PER_MINUTE = 10;

	static final int PREVIEW_CHARS = 150;

	static final String SYSTEM_DEFAULT = "systemDefault";

	private static final int FEED_KEEP = 200;

	private final TeamsSimulator sim;

	private final Map<String, Deque<Map<String, Object>>> feeds = new ConcurrentHashMap<>();

	private final Map<String, SlidingWindows> perPerson = new ConcurrentHashMap<>();

	private volatile SlidingWindows bulkWindow = SlidingWindows.perSecond(2);

	private volatile SlidingWindows singleWindow = SlidingWindows.perSecond(5);

	private volatile int bulkPerSecond = 2;

	private volatile int singlePerSecond = 5;

	final AtomicLong bulkCalls = new AtomicLong();

	final AtomicLong singleCalls = new AtomicLong();

	final AtomicLong notified = new AtomicLong();

	final AtomicLong skippedNotInstalled = new AtomicLong();

	final AtomicLong skippedThrottled = new AtomicLong();

	final AtomicLong skippedUnknown = new AtomicLong();

	final AtomicLong throttled429 = new AtomicLong();

	final AtomicLong preconditionFailed412 = new AtomicLong();

	final AtomicLong badRequest400 = new AtomicLong();

	final AtomicLong notInstalled403 = new AtomicLong();

	/** Bulk calls by the window's margin when they arrived: the client's jitter. */
	private final WindowMargins bulkMargins = new WindowMargins();

	/**
	 * When the first and the last accepted bulk call arrived (epoch ms, 0 = none yet): a
	 * client's call rate is judged over that span, not over a send's whole life.
	 */
	private final AtomicLong firstBulkAt = new AtomicLong();

	private final AtomicLong lastBulkAt = new AtomicLong();

	/** Bulk calls per epoch second (last 10 minutes), to judge a client's pace. */
	private final Map<Long, AtomicLong> bulkPerEpochSecond = new ConcurrentHashMap<>();

	ActivityFeed(TeamsSimulator sim) {
		this.sim = sim;
	}

	/** Calls per second per app and tenant: bulk (Graph: 2), single (5); 0 = off. */
	void setLimits(int bulk, int single) {
		this.bulkPerSecond = bulk;
		this.singlePerSecond = single;
		this.bulkWindow = SlidingWindows.perSecond(Math.max(1, bulk));
		this.singleWindow = SlidingWindows.perSecond(Math.max(1, single));
	}

	int bulkPerSecond() {
		return this.bulkPerSecond;
	}

	int singlePerSecond() {
		return this.singlePerSecond;
	}

	void reset() {
		this.feeds.clear();
		this.perPerson.clear();
		this.bulkPerEpochSecond.clear();
		this.bulkMargins.reset();
		this.firstBulkAt.set(0);
		this.lastBulkAt.set(0);
		setLimits(this.bulkPerSecond, this.singlePerSecond);
		for (AtomicLong c : List.of(this.bulkCalls, this.singleCalls, this.notified, this.skippedNotInstalled,
				this.skippedThrottled, this.skippedUnknown, this.throttled429, this.preconditionFailed412,
				this.badRequest400, this.notInstalled403)) {
			c.set(0);
		}
	}

	/** {@code POST /v1.0/teamwork/sendActivityNotificationToRecipients}. */
	Resp bulk(Req req, SimKeys.Validated token, long arrivedAt) {
		Resp refused = tokenLife(token);
		if (refused != null) {
			return refused;
		}
		if (this.bulkPerSecond > 0) {
			long wait;
			SlidingWindows w = this.bulkWindow;
			synchronized (w) {
				this.bulkMargins.record(w.margin(arrivedAt));
				wait = w.tryAcquire(arrivedAt);
			}
			if (wait > 0) {
				this.throttled429.incrementAndGet();
				return GraphApi.throttled(wait);
			}
		}
		this.bulkCalls.incrementAndGet();
		this.firstBulkAt.compareAndSet(0, arrivedAt);
		this.lastBulkAt.accumulateAndGet(arrivedAt, Math::max);
		countSecond(arrivedAt);
		Map<String, Object> body = req.json();
		if (body == null) {
			return bad("Empty request body.");
		}
		List<Object> recipients = Json.list(body.get("recipients"));
		if (recipients == null || recipients.isEmpty()) {
			return bad("The recipients collection must contain at least one recipient.");
		}
		if (recipients.size() > MAX_RECIPIENTS) {
			return bad("The number of recipients '" + recipients.size() + "' exceeds the maximum of " + MAX_RECIPIENTS
					+ ".");
		}
		List<String> userIds = new ArrayList<>();
		for (Object o : recipients) {
			Map<String, Object> r = Json.map(o);
			String type = (r != null) ? Json.str(r.get("@odata.type")) : null;
			String userId = (r != null) ? Json.str(r.get("userId")) : null;
			if (type == null || !type.replaceFirst("^#", "").equals("microsoft.graph.aadUserNotificationRecipient")
					|| userId == null || userId.isBlank()) {
				return bad("Only recipients of type 'microsoft.graph.aadUserNotificationRecipient' with a userId "
						+ "are supported for this operation.");
			}
			userIds.add(userId);
		}
		Notification n = notification(body, true);
		if (n.error() != null) {
			return bad(n.error());
		}
		for (String userId : userIds) {
			SimUser u = this.sim.tenant.user(userId);
			if (u == null) {
				this.skippedUnknown.incrementAndGet();
				continue;
			}
			if (!hasApp(u)) {
				// The bulk call says nothing per recipient: they simply get nothing.
				this.skippedNotInstalled.incrementAndGet();
				continue;
			}
			if (!personAllows(u, arrivedAt)) {
				this.skippedThrottled.incrementAndGet();
				continue;
			}
			deliver(u, n, "bulk", arrivedAt);
		}
		return Resp.empty(202).header("request-id", UUID.randomUUID().toString());
	}

	/** {@code POST /v1.0/users/{id}/teamwork/sendActivityNotification}. */
	Resp single(Req req, SimKeys.Validated token, long arrivedAt) {
		Resp refused = tokenLife(token);
		if (refused != null) {
			return refused;
		}
		if (this.singlePerSecond > 0) {
			long wait;
			SlidingWindows w = this.singleWindow;
			synchronized (w) {
				wait = w.tryAcquire(arrivedAt);
			}
			if (wait > 0) {
				this.throttled429.incrementAndGet();
				return GraphApi.throttled(wait);
			}
		}
		this.singleCalls.incrementAndGet();
		SimUser u = this.sim.tenant.user(req.param(0));
		if (u == null) {
			return GraphApi.error(404, "Request_ResourceNotFound", "Resource '" + req.param(0)
					+ "' does not exist or one of its queried reference-property objects " + "are not present.");
		}
		Map<String, Object> body = req.json();
		if (body == null) {
			return bad("Empty request body.");
		}
		Notification n = notification(body, false);
		if (n.error() != null) {
			return bad(n.error());
		}
		if (!hasApp(u)) {
			this.notInstalled403.incrementAndGet();
			return GraphApi.error(403, "Forbidden", "Application with AAD App Id '" + this.sim.botAppId()
					+ "' is not authorized to generate custom text notifications about '/users/" + u.id()
					+ "/teamwork/sendActivityNotification' to the recipient. Ensure that the expected Teams app is "
					+ "installed in the target scope (user, team, or chat).");
		}
		if (!personAllows(u, arrivedAt)) {
			this.throttled429.incrementAndGet();
			return GraphApi.throttled(60_000);
		}
		deliver(u, n, "single", arrivedAt);
		return Resp.empty(204).header("request-id", UUID.randomUUID().toString());
	}

	/** Graph refuses a token with less than 45 minutes left (412 Precondition Failed). */
	private Resp tokenLife(SimKeys.Validated token) {
		long left = token.expiresAtSecond() - System.currentTimeMillis() / 1000;
		if (left < MIN_TOKEN_LIFE_SECONDS) {
			this.preconditionFailed412.incrementAndGet();
			return GraphApi.error(412, "PreconditionFailed", "The access token must be valid for at least 45 "
					+ "minutes to send activity feed notifications; it expires in " + left + " seconds.");
		}
		return null;
	}

	private Resp bad(String message) {
		this.badRequest400.incrementAndGet();
		return GraphApi.error(400, "BadRequest", message);
	}

	/** Installed for them personally, or in a team they belong to. */
	boolean hasApp(SimUser u) {
		return this.sim.isInstalled(u.id()) || this.sim.sharesTeamWithBot(u);
	}

	private boolean personAllows(SimUser u, long now) {
		SlidingWindows w = this.perPerson.computeIfAbsent(u.id(),
				(k) -> new SlidingWindows(new long[][] { { 60_000, PER_PERSON_PER_MINUTE } }));
		synchronized (w) {
			return w.tryAcquire(now) == 0;
		}
	}

	private void countSecond(long at) {
		long second = at / 1000;
		this.bulkPerEpochSecond.computeIfAbsent(second, (k) -> new AtomicLong()).incrementAndGet();
		if (this.bulkPerEpochSecond.size() > 660) {
			this.bulkPerEpochSecond.keySet().removeIf((s) -> s < second - 600);
		}
	}

	private record Notification(String activityType, String text, String previewText, String topicSource,
			String topicValue, String webUrl, Map<String, String> parameters, Object chainId, String error) {

		static Notification refused(String why) {
			return new Notification(null, null, null, null, null, null, null, null, why);
		}

	}

	/** Reads and checks the request's notification (type, topic, preview, parameters). */
	private Notification notification(Map<String, Object> body, boolean bulk) {
		String type = Json.str(body.get("activityType"));
		if (type == null || type.isBlank()) {
			return Notification.refused("activityType is required.");
		}
		Map<String, Object> topic = Json.map(body.get("topic"));
		String source = (topic != null) ? Json.str(topic.get("source")) : null;
		String value = (topic != null) ? Json.str(topic.get("value")) : null;
		String webUrl = (topic != null) ? Json.str(topic.get("webUrl")) : null;
		if (source == null || value == null) {
			return Notification.refused("topic with source and value is required.");
		}
		if ("text".equalsIgnoreCase(source)) {
			if (webUrl == null || !teamsUrl(webUrl)) {
				return Notification.refused("topic.webUrl is required when topic.source is 'text' and must be a "
						+ "Teams deep link (https://teams.microsoft.com/l/...).");
			}
		}
		else if ("entityUrl".equalsIgnoreCase(source)) {
			String lower = value.toLowerCase(Locale.ROOT);
			if (bulk && !lower.contains("/appcatalogs/teamsapps/")) {
				return Notification.refused("Only teamsCatalogApp entity URLs are supported as the topic of a "
						+ "notification to several recipients.");
			}
		}
		else {
			return Notification.refused("topic.source must be 'entityUrl' or 'text'.");
		}
		Map<String, String> parameters = new LinkedHashMap<>();
		List<Object> params = Json.list(body.get("templateParameters"));
		if (params != null) {
			for (Object o : params) {
				Map<String, Object> p = Json.map(o);
				if (p != null && Json.str(p.get("name")) != null) {
					parameters.put(Json.str(p.get("name")), String.valueOf(p.get("value")));
				}
			}
		}
		String template;
		if (SYSTEM_DEFAULT.equals(type)) {
			template = parameters.get("systemDefaultText");
			if (template == null) {
				return Notification.refused("systemDefault needs the template parameter 'systemDefaultText'.");
			}
		}
		else {
			template = declaredTemplate(type);
			if (template == null) {
				return Notification.refused("Activity type '" + type + "' is not declared in the app manifest "
						+ "(activities.activityTypes) of the app in the catalog.");
			}
		}
		String text = template.replace("{actor}", appName());
		for (Map.Entry<String, String> p : parameters.entrySet()) {
			text = text.replace("{" + p.getKey() + "}", p.getValue());
		}
		Map<String, Object> preview = Json.map(body.get("previewText"));
		String previewText = (preview != null) ? Json.str(preview.get("content")) : null;
		if (previewText != null && previewText.length() > PREVIEW_CHARS) {
			previewText = previewText.substring(0, PREVIEW_CHARS);
		}
		return new Notification(type, text, previewText, source, value, webUrl, parameters, body.get("chainId"), null);
	}

	private static boolean teamsUrl(String url) {
		String lower = url.toLowerCase(Locale.ROOT);
		return lower.startsWith("https://teams.microsoft.com/") || lower.startsWith("https://teams.microsoft.us/")
				|| lower.startsWith("https://teams.cloud.microsoft/");
	}

	/** The templateText of a declared activity type, or null. */
	private String declaredTemplate(String type) {
		Map<String, Object> manifest = this.sim.appManifest();
		Map<String, Object> activities = (manifest != null) ? Json.map(manifest.get("activities")) : null;
		List<Object> types = (activities != null) ? Json.list(activities.get("activityTypes")) : null;
		if (types == null) {
			return null;
		}
		for (Object o : types) {
			Map<String, Object> t = Json.map(o);
			if (t != null && type.equals(Json.str(t.get("type")))) {
				String template = Json.str(t.get("templateText"));
				return (template != null) ? template : "";
			}
		}
		return null;
	}

	private String appName() {
		Map<String, Object> manifest = this.sim.appManifest();
		Map<String, Object> name = (manifest != null) ? Json.map(manifest.get("name")) : null;
		String shortName = (name != null) ? Json.str(name.get("short")) : null;
		return (shortName != null) ? shortName : "App";
	}

	private void deliver(SimUser u, Notification n, String via, long at) {
		Map<String, Object> entry = new LinkedHashMap<>();
		entry.put("id", UUID.randomUUID().toString());
		entry.put("at", Instant.ofEpochMilli(at).toString());
		entry.put("via", via);
		entry.put("activityType", n.activityType());
		entry.put("text", n.text());
		entry.put("previewText", n.previewText());
		entry.put("topic", Json.obj("source", n.topicSource(), "value", n.topicValue(), "webUrl", n.webUrl()));
		entry.put("templateParameters", n.parameters());
		entry.put("chainId", n.chainId());
		Deque<Map<String, Object>> feed = this.feeds.computeIfAbsent(u.id(), (k) -> new ArrayDeque<>());
		synchronized (feed) {
			feed.addFirst(entry);
			while (feed.size() > FEED_KEEP) {
				feed.removeLast();
			}
		}
		this.notified.incrementAndGet();
	}

	/** A person's feed, newest first (at most the last 200 notifications). */
	List<Map<String, Object>> feed(SimUser u) {
		Deque<Map<String, Object>> feed = this.feeds.get(u.id());
		if (feed == null) {
			return List.of();
		}
		synchronized (feed) {
			return feed.stream().map(Json::copy).toList();
		}
	}

	Map<String, Object> stats() {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("bulkCalls", this.bulkCalls.get());
		m.put("singleCalls", this.singleCalls.get());
		m.put("notified", this.notified.get());
		m.put("skippedNotInstalled", this.skippedNotInstalled.get());
		m.put("skippedThrottledPerson", this.skippedThrottled.get());
		m.put("skippedUnknownUser", this.skippedUnknown.get());
		m.put("throttled429", this.throttled429.get());
		m.put("preconditionFailed412", this.preconditionFailed412.get());
		m.put("badRequest400", this.badRequest400.get());
		m.put("notInstalled403", this.notInstalled403.get());
		Map<String, Object> perSecond = new java.util.TreeMap<>();
		this.bulkPerEpochSecond.forEach((s, n) -> perSecond.put(Long.toString(s), n.get()));
		m.put("bulkPerSecond", perSecond);
		m.put("bulkWindowMarginMs", this.bulkMargins.toMap());
		m.put("firstBulkCallAt", this.firstBulkAt.get());
		m.put("lastBulkCallAt", this.lastBulkAt.get());
		return m;
	}

}
