package dev.herald.dispatch;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import dev.herald.teams.CallBudget;

import org.springframework.boot.context.properties.ConfigurationProperties;
import dev.herald.teams.CallBudget;

import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Tuning of the dispatcher ({@code herald.dispatch.*}).
 *
 * @param enabled whether this instance competes for the send lease at all
 * @param ratePerSecond the tenant budget of Bot Connector calls per second, shared by
 * every call (Teams: 50 per bot per tenant); 0 means unlimited
 * @param rateHeadroom share of the budget left unused, so that the jitter between leaving
 * Herald and reaching Teams does not push a one-second window over the limit
 * @param concurrency calls in flight at once; enough to hide Connector latency at the
 * budget (50/s × 300 ms needs 15)
 * @param batchSize ledger rows claimed per query
 * @param queueCapacity claimed rows waiting for a sender; bounds memory whatever the
 * audience size
 * @param lease how long a claimed row stays marked as claimed (informational backstop;
 * recovery is driven by the send lease)
 * @param sendLease how long the instance holding the tenant send lease keeps it without
 * renewing; another instance takes over this long after a crash
 * @param maxAttempts attempts for transient failures (412, 502, 503, 504, timeouts)
 * before a row fails
 * @param maxThrottledAttempts 429 answers a single row may collect before it fails
 * @param initialBackoff first retry delay of transient failures (then doubling, jittered
 * ±50%)
 * @param maxBackoff longest retry delay, and the cap of the 429 backoff when Teams sends
 * no Retry-After
 * @param pollInterval how often an idle dispatcher looks for work
 * @param failureWindow outcomes per announcement the automatic pause looks at
 * @param failureThreshold share of failures in a full window that pauses the send; 1
 * disables the automatic pause
 * @param freezeLease how long an instance freezing an audience in the background keeps
 * that job without renewing (it renews every fifth of it); another instance redoes a
 * freeze this long after a crash
 * @param sideShare share of the Connector budget that instances without the send lease
 * call on (replies, welcomes, test copies and approval cards that happen there), shared
 * by all of them through the database; the holder leaves it unused only while they want
 * it
 * @param shares each call kind's share of the budget, guaranteed while it has calls
 * waiting (kinds not named keep {@link #DEFAULT_SHARES})
 */
@Validated
@ConfigurationProperties("herald.dispatch")
public record DispatchProperties(@DefaultValue("true") boolean enabled,
		@Min(0) @Max(10_000) @DefaultValue("50") int ratePerSecond,
		@DecimalMin("0.0") @DecimalMax("0.5") @DefaultValue("0.005") double rateHeadroom,
		@Min(1) @Max(1024) @DefaultValue("64") int concurrency, @Min(1) @Max(10_000) @DefaultValue("500") int batchSize,
		@Min(1) @Max(100_000) @DefaultValue("1000") int queueCapacity, @NotNull @DefaultValue("2m") Duration lease,
		@NotNull @DefaultValue("10s") Duration sendLease, @Min(1) @DefaultValue("5") int maxAttempts,
		@Min(1) @DefaultValue("20") int maxThrottledAttempts, @NotNull @DefaultValue("1s") Duration initialBackoff,
		@NotNull @DefaultValue("60s") Duration maxBackoff, @NotNull @DefaultValue("250ms") Duration pollInterval,
		@Min(10) @DefaultValue("200") int failureWindow,
		@DecimalMin("0.0") @DecimalMax("1.0") @DefaultValue("0.5") double failureThreshold,
		@NotNull @DefaultValue("15s") Duration freezeLease,
		@DecimalMin("0.01") @DecimalMax("0.5") @DefaultValue("0.1") double sideShare,
		Map<CallBudget.Kind, Double> shares) {

	/**
	 * Each kind's guaranteed share of the budget while it has calls waiting; what one
	 * leaves unused goes to the others in priority order.
	 */
	public static final Map<CallBudget.Kind, Double> DEFAULT_SHARES = Map.of(CallBudget.Kind.INTERACTIVE, 0.10,
			CallBudget.Kind.APPROVAL, 0.05, CallBudget.Kind.TEST, 0.05, CallBudget.Kind.FOLLOW_UP, 0.25,
			CallBudget.Kind.SEND, 0.35, CallBudget.Kind.CHANNEL, 0.05, CallBudget.Kind.CONVERSATION, 0.10,
			CallBudget.Kind.WELCOME, 0.05);

	/** The share of every kind: the configured ones over the defaults. */
	public Map<CallBudget.Kind, Double> kindShares() {
		Map<CallBudget.Kind, Double> all = new EnumMap<>(DEFAULT_SHARES);
		if (this.shares != null) {
			this.shares.forEach((kind, share) -> all.put(kind, Math.max(0, Math.min(1, share))));
		}
		return all;
	}

	/**
	 * The {@code app_setting} key of a send rate saved on the admin Settings page; it
	 * overrides {@link #ratePerSecond()}.
	 */
	public static final String RATE_SETTING = "dispatch.rate-per-second";

}
