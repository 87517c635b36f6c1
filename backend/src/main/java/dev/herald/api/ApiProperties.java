package dev.herald.api;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Limits of the public API.
 *
 * @param maxJsonBody the largest JSON request body accepted (413 above); a card Teams
 * accepts is at most 100 KB, so more is a mistake or an attack
 * @param maxUploadBody the largest multipart upload (images, CSV files); 413 above
 * @param maxTextBody the largest body of any other type ({@code text/csv},
 * {@code text/plain}...); 413 above
 * @param maxRecipients the most recipients one notification may name (larger groups are
 * audiences)
 * @param idempotencyRetention how long an Idempotency-Key is remembered; a retry after
 * that is a new request
 * @param defaultPerMinute notifications per client and minute unless the client's
 * registration says otherwise
 * @param defaultPerDay notifications per client and day (rolling 24 hours) unless the
 * client's registration says otherwise
 */
@Validated
@ConfigurationProperties("herald.api")
public record ApiProperties(@NotNull @DefaultValue("256KB") DataSize maxJsonBody,
		@NotNull @DefaultValue("6MB") DataSize maxUploadBody, @NotNull @DefaultValue("5MB") DataSize maxTextBody,
		@Min(1) @Max(100_000) @DefaultValue("1000") int maxRecipients,
		@NotNull @DefaultValue("24h") Duration idempotencyRetention, @Min(1) @DefaultValue("60") int defaultPerMinute,
		@Min(1) @DefaultValue("10000") int defaultPerDay) {
}
