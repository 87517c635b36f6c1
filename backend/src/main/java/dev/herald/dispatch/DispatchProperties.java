package dev.herald.dispatch;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Tuning of the dispatcher.
 *
 * @param enabled whether this instance sends at all
 * @param ratePerSecond the tenant budget of Bot Connector calls per second (Teams: 50); 0
 * means unlimited
 * @param concurrency calls in flight at once; enough to hide Connector latency at the
 * budget
 * @param batchSize ledger rows claimed per query
 * @param lease how long a claimed row belongs to this instance before another may retry
 * it
 * @param maxAttempts attempts for transient failures (412, 5xx, timeouts) before a row
 * fails
 * @param maxThrottledAttempts attempts for a row that keeps getting 429
 * @param initialBackoff first retry delay of transient failures (then exponential,
 * jittered)
 * @param pollInterval how often an idle dispatcher looks for work
 */
@Validated
@ConfigurationProperties("herald.dispatch")
public record DispatchProperties(@DefaultValue("true") boolean enabled,
		@Min(0) @Max(10_000) @DefaultValue("50") int ratePerSecond,
		@Min(1) @Max(1024) @DefaultValue("64") int concurrency, @Min(1) @Max(10_000) @DefaultValue("500") int batchSize,
		@NotNull @DefaultValue("2m") Duration lease, @Min(1) @DefaultValue("5") int maxAttempts,
		@Min(1) @DefaultValue("20") int maxThrottledAttempts, @NotNull @DefaultValue("1s") Duration initialBackoff,
		@NotNull @DefaultValue("250ms") Duration pollInterval) {
}
