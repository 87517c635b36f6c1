package dev.herald.audience;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Audience resolution and directory sync.
 *
 * @param syncInterval how often the directory is synced with Graph delta; 0 turns the
 * schedule off (on-demand sync still works)
 * @param syncInitialDelay delay of the first scheduled sync after start-up
 * @param syncLease how long one sync may run before another instance may take over
 * @param pageSize Graph page size asked for (Graph allows up to 999)
 * @param upsertBatch directory rows written per statement
 * @param searchLimit results per picker search
 * @param maxCsvRows rows accepted in one CSV upload
 * @param maxCsvRowLength characters in one CSV row; longer rows are reported as bad rows
 * @param allowGuests default of the admin setting that lets guests receive announcements
 * @param maxDirectoryEntries groups, teams and channels in one audience (each is a Graph
 * expansion or check)
 * @param maxAttributeRules attribute rules in one audience (each is a scan of the
 * directory)
 */
@Validated
@ConfigurationProperties("herald.audience")
public record AudienceProperties(@NotNull @DefaultValue("6h") Duration syncInterval,
		@NotNull @DefaultValue("30s") Duration syncInitialDelay, @NotNull @DefaultValue("30m") Duration syncLease,
		@Min(1) @Max(999) @DefaultValue("999") int pageSize, @Min(1) @Max(10_000) @DefaultValue("1000") int upsertBatch,
		@Min(1) @Max(100) @DefaultValue("25") int searchLimit,
		@Min(1) @Max(1_000_000) @DefaultValue("100000") int maxCsvRows,
		@Min(100) @Max(100_000) @DefaultValue("1000") int maxCsvRowLength, @DefaultValue("false") boolean allowGuests,
		@Min(1) @Max(1000) @DefaultValue("50") int maxDirectoryEntries,
		@Min(1) @Max(100) @DefaultValue("10") int maxAttributeRules) {
}
