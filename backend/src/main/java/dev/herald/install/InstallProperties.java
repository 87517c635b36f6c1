package dev.herald.install;

import java.time.Duration;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The installer. Whether installs happen at all is an admin setting; {@code enabled} only
 * says whether this instance takes part.
 *
 * @param enabled whether this instance runs installs
 * @param ratePerSecond Graph's per-tenant limit for app installs, shared by all instances
 * (and for the GETs of the chat-id fallback, a separate budget)
 * @param utilization share of the limit used, below 1 so network jitter never makes Graph
 * see a burst over it
 * @param concurrency install calls in flight at once (enough to hide Graph latency)
 * @param batchSize installs claimed per query
 * @param lease how long a claimed install belongs to this instance
 * @param conversationWait how long to wait for Teams' conversationUpdate after an install
 * before asking Graph for the chat id
 * @param pollInterval how often waiting ledger rows are matched with new conversations
 * @param maxAttempts attempts for transient failures before an install fails
 * @param maxThrottledAttempts attempts for an install that keeps getting 429
 * @param initialBackoff first retry delay (then exponential)
 * @param createConcurrency conversation creations in flight at once (the roster route)
 */
@Validated
@ConfigurationProperties("herald.install")
public record InstallProperties(@DefaultValue("true") boolean enabled,
		@Min(1) @Max(10_000) @DefaultValue("30") int ratePerSecond,
		@DecimalMin("0.1") @DecimalMax("1.0") @DefaultValue("0.98") double utilization,
		@Min(1) @Max(256) @DefaultValue("16") int concurrency, @Min(1) @Max(5_000) @DefaultValue("200") int batchSize,
		@NotNull @DefaultValue("2m") Duration lease, @NotNull @DefaultValue("10s") Duration conversationWait,
		@NotNull @DefaultValue("200ms") Duration pollInterval, @Min(1) @DefaultValue("5") int maxAttempts,
		@Min(1) @DefaultValue("20") int maxThrottledAttempts, @NotNull @DefaultValue("2s") Duration initialBackoff,
		@Min(1) @Max(64) @DefaultValue("4") int createConcurrency) {

	double pacedRate() {
		return this.ratePerSecond * this.utilization;
	}

}
