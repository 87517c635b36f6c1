package dev.herald.report;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The rate chart's bar width follows the length of the send. */
class RateChartTests {

	@Test
	void barsAreSecondsForShortSendsAndMinutesOrHoursForLongOnes() {
		assertThat(Reports.barWidth(Duration.ofSeconds(20))).isEqualTo(1);
		assertThat(Reports.barWidth(Duration.ofSeconds(60))).isEqualTo(1);
		assertThat(Reports.barWidth(Duration.ofSeconds(333))).isEqualTo(10);
		assertThat(Reports.barWidth(Duration.ofMinutes(33))).isEqualTo(60);
		assertThat(Reports.barWidth(Duration.ofHours(6))).isEqualTo(600);
		assertThat(Reports.barWidth(Duration.ofHours(60))).isEqualTo(3600);
		assertThat(Reports.barWidth(Duration.ofHours(61))).isEqualTo(7200);
		assertThat(Reports.barWidth(Duration.ofDays(400)))
			.isGreaterThanOrEqualTo(Duration.ofDays(400).toSeconds() / 60);
		assertThat(Reports.barWidth(Duration.ZERO)).isEqualTo(1);
	}

	@Test
	void theCaptionSaysTheWidthInItsUnit() {
		Instant t = Instant.parse("2026-01-01T00:00:00Z");
		assertThat(new Reports.Timeline(List.of(), 600).width()).isEqualTo(new Reports.Width(10, "min"));
		assertThat(new Reports.Timeline(List.of(), 7200).width()).isEqualTo(new Reports.Width(2, "h"));
		assertThat(new Reports.Timeline(List.of(), 15).width()).isEqualTo(new Reports.Width(15, "s"));
		Reports.Timeline timeline = new Reports.Timeline(
				List.of(new Reports.Bucket(t, 600), new Reports.Bucket(t.plusSeconds(1200), 300)), 600);
		assertThat(timeline.peakRate()).isEqualTo(1.0);
		List<Reports.Bar> bars = timeline.bars(600, 160);
		assertThat(bars).hasSize(2);
		assertThat(bars.get(1).x()).isGreaterThan(bars.get(0).x());
		assertThat(bars.get(1).height()).isEqualTo(80.0);
	}

}
