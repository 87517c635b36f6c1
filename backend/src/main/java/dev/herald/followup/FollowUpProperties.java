package dev.herald.followup;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Updates, deletions and reminders of copies already sent ({@code herald.follow-up.*}).
 * Their calls share the tenant budget with sends (one pacer for every Connector call).
 *
 * @param concurrency calls in the air at most
 * @param batchSize items per claim query
 * @param maxAttempts attempts for 412/502/503/504/timeouts
 * @param maxThrottledAttempts 429s one item may collect before it fails
 * @param editMargin after an edit, copies whose call started up to this long after it are
 * updated as well: a sender may have rendered the old content just before (the dispatcher
 * re-renders every 2 s)
 * @param tick how often the lease holder plans operations, recalls expired announcements
 * and starts automatic reminders
 */
@Validated
@ConfigurationProperties("herald.follow-up")
public record FollowUpProperties(@Min(1) @Max(256) @DefaultValue("16") int concurrency,
		@Min(1) @Max(5000) @DefaultValue("200") int batchSize, @Min(1) @DefaultValue("5") int maxAttempts,
		@Min(1) @DefaultValue("20") int maxThrottledAttempts, @NotNull @DefaultValue("5s") Duration editMargin,
		@NotNull @DefaultValue("500ms") Duration tick) {
}
