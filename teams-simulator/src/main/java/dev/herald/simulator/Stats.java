package dev.herald.simulator;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/** Counters exposed by {@code GET /_sim/stats}. */
final class Stats {

	final AtomicLong requests = new AtomicLong();

	final AtomicLong connectorRequests = new AtomicLong();

	final AtomicLong graphRequests = new AtomicLong();

	final AtomicLong tokensIssued = new AtomicLong();

	final AtomicLong activitiesDelivered = new AtomicLong();

	final AtomicLong activitiesUpdated = new AtomicLong();

	final AtomicLong activitiesDeleted = new AtomicLong();

	/** Updates and deletes of a message that is not (or no longer) there. */
	final AtomicLong activityMissing404 = new AtomicLong();

	final AtomicLong conversationsCreated = new AtomicLong();

	final AtomicLong installs = new AtomicLong();

	final AtomicLong uninstalls = new AtomicLong();

	final AtomicLong graphInstalls = new AtomicLong();

	final AtomicLong throttledThread = new AtomicLong();

	final AtomicLong throttledTenant = new AtomicLong();

	final AtomicLong throttledGraphInstalls = new AtomicLong();

	/** Connector 429s sent without Retry-After (the retry-after-absent knob). */
	final AtomicLong throttledWithoutRetryAfter = new AtomicLong();

	final AtomicLong throttledGraphReads = new AtomicLong();

	final AtomicLong fault5xx = new AtomicLong();

	final AtomicLong faultTimeout = new AtomicLong();

	final AtomicLong faultReset = new AtomicLong();

	final AtomicLong fault412 = new AtomicLong();

	final AtomicLong forbidden403 = new AtomicLong();

	/** Channel posts refused because the app is not installed in the channel's team. */
	final AtomicLong botNotInRoster403 = new AtomicLong();

	/** Graph installs of the app into a team ({@code POST /teams/{id}/installedApps}). */
	final AtomicLong graphTeamInstalls = new AtomicLong();

	/** Graph team installs refused with 403 (the deny-team-install knob). */
	final AtomicLong graphTeamInstallsDenied = new AtomicLong();

	final AtomicLong unauthorized401 = new AtomicLong();

	/** SSO tokens handed to tabs ({@code getAuthToken}), by form, and refusals. */
	final AtomicLong tabTokensV1 = new AtomicLong();

	final AtomicLong tabTokensV2 = new AtomicLong();

	final AtomicLong tabTokensRefused = new AtomicLong();

	final AtomicLong callbacksDelivered = new AtomicLong();

	final AtomicLong callbacksFailed = new AtomicLong();

	final AtomicLong callbacksRetried = new AtomicLong();

	final AtomicLong callbacksSkipped = new AtomicLong();

	/** Connector calls by the tenant window's margin when they arrived. */
	private final WindowMargins tenantMargins = new WindowMargins();

	void tenantMargin(long ms) {
		this.tenantMargins.record(ms);
	}

	/** Connector requests per second, ring of 8 one-second buckets. */
	private final AtomicLongArray buckets = new AtomicLongArray(8);

	private final AtomicLongArray bucketSecond = new AtomicLongArray(8);

	/** Connector requests per second, the last {@value #HISTORY} seconds. */
	private static final int HISTORY = 600;

	private final AtomicLongArray history = new AtomicLongArray(HISTORY);

	private final AtomicLongArray historySecond = new AtomicLongArray(HISTORY);

	void tick() {
		long second = System.currentTimeMillis() / 1000;
		int h = (int) (second % HISTORY);
		if (this.historySecond.get(h) != second) {
			synchronized (this) {
				if (this.historySecond.get(h) != second) {
					this.history.set(h, 0);
					this.historySecond.set(h, second);
				}
			}
		}
		this.history.incrementAndGet(h);
		int i = (int) (second % 8);
		if (this.bucketSecond.get(i) != second) {
			synchronized (this) {
				if (this.bucketSecond.get(i) != second) {
					this.buckets.set(i, 0);
					this.bucketSecond.set(i, second);
				}
			}
		}
		this.buckets.incrementAndGet(i);
	}

	/** Connector requests during the last complete second. */
	long currentRate() {
		long previous = System.currentTimeMillis() / 1000 - 1;
		int i = (int) (previous % 8);
		return (this.bucketSecond.get(i) == previous) ? this.buckets.get(i) : 0;
	}

	/**
	 * Connector requests (answered or refused) in each second of the last ten minutes
	 * that had any: epoch second → count, oldest first.
	 */
	Map<String, Long> perSecond() {
		long now = System.currentTimeMillis() / 1000;
		Map<String, Long> m = new LinkedHashMap<>();
		for (long second = now - HISTORY + 1; second <= now; second++) {
			int h = (int) (second % HISTORY);
			if (this.historySecond.get(h) == second && this.history.get(h) > 0) {
				m.put(Long.toString(second), this.history.get(h));
			}
		}
		return m;
	}

	void reset() {
		for (int h = 0; h < HISTORY; h++) {
			this.historySecond.set(h, 0);
		}
		for (AtomicLong a : new AtomicLong[] { this.requests, this.connectorRequests, this.graphRequests,
				this.tokensIssued, this.activitiesDelivered, this.activitiesUpdated, this.activitiesDeleted,
				this.activityMissing404, this.conversationsCreated, this.installs, this.uninstalls, this.graphInstalls,
				this.throttledThread, this.throttledTenant, this.throttledGraphInstalls, this.throttledGraphReads,
				this.throttledWithoutRetryAfter, this.fault5xx, this.faultTimeout, this.faultReset, this.fault412,
				this.forbidden403, this.unauthorized401, this.callbacksDelivered, this.callbacksFailed,
				this.callbacksRetried, this.callbacksSkipped, this.botNotInRoster403, this.graphTeamInstalls,
				this.graphTeamInstallsDenied, this.tabTokensV1, this.tabTokensV2, this.tabTokensRefused }) {
			a.set(0);
		}
		this.tenantMargins.reset();
	}

	Map<String, Object> toMap() {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("requests", this.requests.get());
		m.put("connectorRequests", this.connectorRequests.get());
		m.put("graphRequests", this.graphRequests.get());
		m.put("tokensIssued", this.tokensIssued.get());
		m.put("activitiesDelivered", this.activitiesDelivered.get());
		m.put("activitiesUpdated", this.activitiesUpdated.get());
		m.put("activitiesDeleted", this.activitiesDeleted.get());
		m.put("activityMissing404", this.activityMissing404.get());
		m.put("conversationsCreated", this.conversationsCreated.get());
		m.put("installs", this.installs.get());
		m.put("uninstalls", this.uninstalls.get());
		m.put("graphInstalls", this.graphInstalls.get());
		Map<String, Object> throttled = new LinkedHashMap<>();
		throttled.put("thread", this.throttledThread.get());
		throttled.put("tenant", this.throttledTenant.get());
		throttled.put("graphInstalls", this.throttledGraphInstalls.get());
		throttled.put("withoutRetryAfter", this.throttledWithoutRetryAfter.get());
		// Graph reads above their family's limit; not in "total", which counts sends and
		// installs (the budgets Herald paces).
		throttled.put("graphReads", this.throttledGraphReads.get());
		throttled.put("total",
				this.throttledThread.get() + this.throttledTenant.get() + this.throttledGraphInstalls.get());
		m.put("throttled429", throttled);
		m.put("tenantWindowMarginMs", this.tenantMargins.toMap());
		Map<String, Object> faults = new LinkedHashMap<>();
		faults.put("serverError", this.fault5xx.get());
		faults.put("timeout", this.faultTimeout.get());
		faults.put("reset", this.faultReset.get());
		faults.put("preconditionFailed", this.fault412.get());
		faults.put("total",
				this.fault5xx.get() + this.faultTimeout.get() + this.faultReset.get() + this.fault412.get());
		m.put("injectedFaults", faults);
		m.put("forbidden403", this.forbidden403.get());
		m.put("botNotInConversationRoster403", this.botNotInRoster403.get());
		m.put("graphTeamInstalls", this.graphTeamInstalls.get());
		m.put("graphTeamInstallsDenied", this.graphTeamInstallsDenied.get());
		m.put("unauthorized401", this.unauthorized401.get());
		m.put("tabSsoTokens", Json.obj("v1", this.tabTokensV1.get(), "v2", this.tabTokensV2.get(), "total",
				this.tabTokensV1.get() + this.tabTokensV2.get(), "refused", this.tabTokensRefused.get()));
		Map<String, Object> callbacks = new LinkedHashMap<>();
		callbacks.put("delivered", this.callbacksDelivered.get());
		callbacks.put("failedAttempts", this.callbacksFailed.get());
		callbacks.put("retried", this.callbacksRetried.get());
		callbacks.put("skippedNoEndpoint", this.callbacksSkipped.get());
		m.put("callbacks", callbacks);
		m.put("currentRate", currentRate());
		m.put("connectorPerSecond", perSecond());
		return m;
	}

}
