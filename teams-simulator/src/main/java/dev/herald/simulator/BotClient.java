package dev.herald.simulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Posts signed activities to the bot's messaging endpoint, like Teams does: a callback
 * the bot does not answer 2xx is re-posted once, after 15 s ({@link Callbacks}), then
 * dropped; activities can be delivered twice with the same id.
 */
final class BotClient implements AutoCloseable {

	private final TeamsSimulator sim;

	/** Second copies of activities, posted alongside the first. */
	private final ExecutorService copies;

	private final HttpClient http;

	private final ExecutorService posters;

	private final ScheduledExecutorService retries;

	/** Result of one synchronous post. */
	record Result(int status, String body, String error) {

		boolean ok() {
			return this.status >= 200 && this.status < 300;
		}

	}

	BotClient(TeamsSimulator sim) {
		this.sim = sim;
		AtomicInteger n = new AtomicInteger();
		this.posters = Executors.newFixedThreadPool(16, (r) -> daemon(r, "teams-sim-poster-" + n.incrementAndGet()));
		this.retries = Executors.newSingleThreadScheduledExecutor((r) -> daemon(r, "teams-sim-retry"));
		AtomicInteger c = new AtomicInteger();
		this.copies = Executors.newCachedThreadPool((r) -> daemon(r, "teams-sim-duplicate-" + c.incrementAndGet()));
		this.http = HttpClient.newBuilder()
			.connectTimeout(Duration.ofSeconds(5))
			// The client keeps its own executor: posters block in send(), and completions
			// queued behind them would deadlock.
			.version(HttpClient.Version.HTTP_1_1)
			.build();
	}

	private static Thread daemon(Runnable r, String name) {
		Thread t = new Thread(r, name);
		t.setDaemon(true);
		return t;
	}

	/**
	 * Posts one activity now, synchronously, as Teams does: a second copy (same id) at
	 * the same time when duplicates are on, and the answer to an invoke checked (the
	 * copy's too). Never throws; the result is the first copy's.
	 */
	Result post(Map<String, Object> activity, Duration timeout) {
		CompletableFuture<Result> copy = null;
		if (this.sim.callbacks.duplicate && !this.copies.isShutdown()) {
			this.sim.callbacks.duplicatesPosted.incrementAndGet();
			copy = CompletableFuture.supplyAsync(() -> send(activity, timeout), this.copies);
		}
		Result result = send(activity, timeout);
		this.sim.callbacks.checkInvokeAnswer(activity, result);
		if (copy != null) {
			this.sim.callbacks.checkInvokeAnswer(activity, copy.join());
		}
		return result;
	}

	/** One HTTP post of an activity; never throws. */
	private Result send(Map<String, Object> activity, Duration timeout) {
		String endpoint = this.sim.botEndpoint();
		if (endpoint == null) {
			return new Result(0, null, "no bot endpoint configured");
		}
		try {
			String serviceUrl = (String) activity.get("serviceUrl");
			String conversationId = Json.str(Json.path(activity, "conversation", "id"));
			HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint))
				.timeout(timeout)
				.header("Content-Type", "application/json; charset=utf-8")
				.header("Authorization", "Bearer " + this.sim.keys.channelToken(this.sim.botAppId(), serviceUrl))
				.header("x-ms-tenant-id", this.sim.tenantId())
				.header("User-Agent", "Microsoft-SkypeBotApi (Microsoft-BotFramework 3.0) teams-simulator")
				.POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(activity)));
			if (conversationId != null) {
				request.header("x-ms-conversation-id", conversationId);
			}
			HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			return new Result(response.statusCode(), response.body(), null);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new Result(0, null, "interrupted");
		}
		catch (Exception ex) {
			return new Result(0, null, ex.getClass().getSimpleName() + ": " + ex.getMessage());
		}
	}

	/**
	 * Delivers activities in order; the returned future completes after the first attempt
	 * (true when all were accepted). What the bot did not take is re-posted once, in the
	 * background after {@link Callbacks#retryDelay}, then dropped, as Teams does.
	 */
	CompletableFuture<Boolean> deliver(List<Map<String, Object>> activities) {
		if (this.sim.botEndpoint() == null) {
			this.sim.stats.callbacksSkipped.addAndGet(activities.size());
			return CompletableFuture.completedFuture(false);
		}
		CompletableFuture<Boolean> first = new CompletableFuture<>();
		this.posters.execute(() -> attempt(new ArrayList<>(activities), 0, first));
		return first;
	}

	private void attempt(List<Map<String, Object>> pending, int retry, CompletableFuture<Boolean> first) {
		while (!pending.isEmpty()) {
			Result r = post(pending.get(0), Duration.ofSeconds(15));
			if (!r.ok()) {
				this.sim.stats.callbacksFailed.incrementAndGet();
				first.complete(false);
				if (retry == 0 && !this.posters.isShutdown()) {
					this.sim.stats.callbacksRetried.incrementAndGet();
					this.sim.callbacks.rePosted.incrementAndGet();
					this.retries.schedule(() -> this.posters.execute(() -> attempt(pending, retry + 1, first)),
							this.sim.callbacks.retryDelay.toMillis(), TimeUnit.MILLISECONDS);
				}
				else {
					this.sim.callbacks.dropped.addAndGet(pending.size());
				}
				return;
			}
			this.sim.stats.callbacksDelivered.incrementAndGet();
			pending.remove(0);
		}
		first.complete(true);
	}

	/** Runs tasks on the poster pool. */
	<T> CompletableFuture<T> async(Supplier<T> task) {
		return CompletableFuture.supplyAsync(task, this.posters);
	}

	@Override
	public void close() {
		this.retries.shutdownNow();
		this.posters.shutdownNow();
		this.copies.shutdownNow();
	}

	// ---- activity builders ----

	Map<String, Object> base(String type, String id, SimUser user) {
		Map<String, Object> a = Json.obj("type", type, "id", id, "timestamp", Instant.now().toString(),
				"localTimestamp", Instant.now().toString(), "channelId", "msteams", "serviceUrl",
				this.sim.serviceUrl());
		a.put("from", Json.obj("id", user.teamsUserId(), "name", user.displayName(), "aadObjectId", user.id()));
		a.put("conversation", Json.obj("conversationType", "personal", "tenantId", this.sim.tenantId(), "id",
				this.sim.personalConversationId(user)));
		a.put("recipient", Json.obj("id", "28:" + this.sim.botAppId(), "name", "Herald"));
		a.put("locale", user.teamsLocale());
		a.put("entities", List.of(Json.obj("type", "clientInfo", "locale", user.teamsLocale(), "country",
				user.country(), "platform", "Web", "timezone", "UTC")));
		a.put("channelData", Json.obj("tenant", Json.obj("id", this.sim.tenantId())));
		return a;
	}

	static String eventId() {
		return "f:" + UUID.randomUUID();
	}

	List<Map<String, Object>> installActivities(SimUser user) {
		Map<String, Object> install = base("installationUpdate", eventId(), user);
		install.put("action", "add");
		((Map<String, Object>) install.get("channelData")).put("source", Json.obj("name", "message"));
		Map<String, Object> update = base("conversationUpdate", eventId(), user);
		update.put("membersAdded", List.of(Json.obj("id", "28:" + this.sim.botAppId()),
				Json.obj("id", user.teamsUserId(), "aadObjectId", user.id())));
		return List.of(install, update);
	}

	/** The conversationUpdate Teams posts when the app is added to a team. */
	Map<String, Object> teamInstallActivity(SimTeam team, SimUser by) {
		Map<String, Object> update = base("conversationUpdate", eventId(), by);
		update.put("membersAdded", List.of(Json.obj("id", "28:" + this.sim.botAppId())));
		update.put("conversation", Json.obj("isGroup", true, "conversationType", "channel", "tenantId",
				this.sim.tenantId(), "id", team.general().id()));
		update.put("channelData",
				Json.obj("team",
						Json.obj("id", team.threadId(), "name", team.displayName(), "aadGroupId", team.groupId()),
						"eventType", "teamMemberAdded", "tenant", Json.obj("id", this.sim.tenantId())));
		return update;
	}

	/**
	 * A team {@code conversationUpdate} (on the General channel, {@code channelData.team}
	 * and {@code eventType}) with the given members added or removed.
	 */
	Map<String, Object> teamEvent(SimTeam team, SimUser by, String eventType, List<Map<String, Object>> added,
			List<Map<String, Object>> removed) {
		Map<String, Object> update = base("conversationUpdate", eventId(), by);
		if (!added.isEmpty()) {
			update.put("membersAdded", added);
		}
		if (!removed.isEmpty()) {
			update.put("membersRemoved", removed);
		}
		update.put("conversation", Json.obj("isGroup", true, "conversationType", "channel", "tenantId",
				this.sim.tenantId(), "id", team.general().id()));
		update.put("channelData",
				Json.obj("team",
						Json.obj("id", team.threadId(), "name", team.displayName(), "aadGroupId", team.groupId()),
						"eventType", eventType, "tenant", Json.obj("id", this.sim.tenantId())));
		return update;
	}

	/** What Teams posts when the app is removed from a team. */
	List<Map<String, Object>> teamUninstallActivities(SimTeam team, SimUser by) {
		Map<String, Object> install = base("installationUpdate", eventId(), by);
		install.put("action", "remove");
		install.put("conversation", Json.obj("isGroup", true, "conversationType", "channel", "tenantId",
				this.sim.tenantId(), "id", team.general().id()));
		install.put("channelData",
				Json.obj("team",
						Json.obj("id", team.threadId(), "name", team.displayName(), "aadGroupId", team.groupId()),
						"channel", Json.obj("id", team.general().id()), "tenant", Json.obj("id", this.sim.tenantId()),
						"source", Json.obj("name", "message")));
		Map<String, Object> update = teamEvent(team, by, "teamMemberRemoved", List.of(),
				List.of(Json.obj("id", "28:" + this.sim.botAppId())));
		return List.of(install, update);
	}

	List<Map<String, Object>> uninstallActivities(SimUser user) {
		Map<String, Object> install = base("installationUpdate", eventId(), user);
		install.put("action", "remove");
		Map<String, Object> update = base("conversationUpdate", eventId(), user);
		update.put("membersRemoved", List.of(Json.obj("id", "28:" + this.sim.botAppId())));
		return List.of(install, update);
	}

}
