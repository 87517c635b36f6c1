package dev.herald.pacing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EvenPacerTests {

	@Test
	void eachThrottlingEpisodeEasesThePaceOffByHalfAPercentDownToEightyFivePercent() {
		EvenPacer pacer = new EvenPacer(50);
		pacer.throttled(Duration.ZERO);
		assertThat(pacer.currentRate()).isCloseTo(49.75, org.assertj.core.data.Offset.offset(0.001));
		for (int i = 0; i < 40; i++) {
			pacer.throttled(Duration.ZERO);
		}
		assertThat(pacer.currentRate()).isCloseTo(42.5, org.assertj.core.data.Offset.offset(0.001));
	}

	@Test
	void throttlesOfCallsAlreadyInTheAirDuringThePauseCountOnce() {
		EvenPacer pacer = new EvenPacer(50);
		pacer.throttled(Duration.ofSeconds(1));
		pacer.throttled(Duration.ofSeconds(1));
		pacer.throttled(Duration.ofSeconds(1));
		assertThat(pacer.currentRate()).isCloseTo(49.75, org.assertj.core.data.Offset.offset(0.001));
	}

	@Test
	void callsAreSpacedByTheIntervalAndNoWindowHoldsMoreThanTheRate() throws InterruptedException {
		EvenPacer pacer = new EvenPacer(100);
		long[] at = new long[151];
		for (int i = 0; i < at.length; i++) {
			pacer.acquire();
			at[i] = System.nanoTime();
		}
		for (int i = 100; i < at.length; i++) {
			// 101 consecutive calls never fit in one second. The times are read after
			// acquire() returns, so a caller descheduled right then reads late: 5 ms of
			// slack (half the 10 ms interval; a busy 2-core host deschedules for 3 ms)
			// for the reading, not the pacer (1% faster calls would be 10 ms short).
			assertThat(at[i] - at[i - 100]).isGreaterThanOrEqualTo(1_000_000_000L - 5_000_000L);
		}
	}

	@Test
	void aThrottleHoldsEveryCallerForItsRetryAfter() throws InterruptedException {
		EvenPacer pacer = new EvenPacer(1000);
		long start = System.nanoTime();
		pacer.throttled(Duration.ofMillis(200));
		boolean pausedRightAfter = pacer.isPaused();
		pacer.acquire();
		long waitedMs = (System.nanoTime() - start) / 1_000_000;
		assertThat(pausedRightAfter).isTrue();
		assertThat(waitedMs).isGreaterThanOrEqualTo(199);
		assertThat(pacer.isPaused()).isFalse();
	}

	@Test
	void aCallThatLeftLateHoldsBackTheCallAWindowLater() throws InterruptedException {
		EvenPacer pacer = new EvenPacer(10);
		long first = pacer.acquire();
		long slot = System.nanoTime();
		// The first call only reached the wire 300 ms after its slot: the eleventh call
		// may not go before 300 ms + ten intervals (1 s), or Teams would count eleven
		// calls in one second.
		pacer.departed(first, slot + 300_000_000L);
		for (int i = 0; i < 10; i++) {
			pacer.acquire();
		}
		assertThat(System.nanoTime() - slot).isGreaterThanOrEqualTo(1_290_000_000L);
	}

	@Test
	void aCallThatLeftLateStillHoldsBackTheCallAWindowLaterWhenTheRateChanges() throws InterruptedException {
		EvenPacer pacer = new EvenPacer(10);
		long first = pacer.acquire();
		long slot = System.nanoTime();
		pacer.departed(first, slot + 300_000_000L);
		// The share grew: twelve a second now. The twelfth call after the late one would
		// otherwise go about a second after the first's slot, 0.3 s early.
		pacer.setRate(12);
		for (int i = 0; i < 12; i++) {
			pacer.acquire();
		}
		assertThat(System.nanoTime() - slot).isGreaterThanOrEqualTo(1_290_000_000L);
	}

	@Test
	void settingTheRateStartsAfresh() {
		EvenPacer pacer = new EvenPacer(30);
		pacer.throttled(Duration.ZERO);
		pacer.setRate(20);
		assertThat(pacer.currentRate()).isEqualTo(20.0);
	}

	@Test
	void afterA429ThePaceHoldsForAQuietMinuteThenClimbsBackATenthOfAPercentPerTenSeconds() {
		long[] now = { 1_000_000_000_000L };
		EvenPacer pacer = new EvenPacer(50, () -> now[0]);
		pacer.throttled(Duration.ofSeconds(1));
		assertThat(pacer.currentRate()).isCloseTo(49.75, OFFSET);
		now[0] += TimeUnit.SECONDS.toNanos(59);
		assertThat(pacer.currentRate()).as("held for a minute").isCloseTo(49.75, OFFSET);
		now[0] += TimeUnit.SECONDS.toNanos(1);
		assertThat(pacer.currentRate()).as("first step up").isCloseTo(49.80, OFFSET);
		now[0] += TimeUnit.SECONDS.toNanos(5);
		assertThat(pacer.currentRate()).as("not before ten more seconds").isCloseTo(49.80, OFFSET);
		for (int i = 0; i < 10; i++) {
			now[0] += TimeUnit.SECONDS.toNanos(10);
			pacer.currentRate();
		}
		assertThat(pacer.currentRate()).as("back to the rate, never above")
			.isCloseTo(50.0, OFFSET)
			.isLessThanOrEqualTo(50.0);
	}

	@Test
	void a429DuringTheHoldEasesFurtherAndRestartsTheHold() {
		long[] now = { 1_000_000_000_000L };
		EvenPacer pacer = new EvenPacer(50, () -> now[0]);
		pacer.throttled(Duration.ofSeconds(1));
		now[0] += TimeUnit.SECONDS.toNanos(40);
		pacer.throttled(Duration.ofSeconds(1));
		assertThat(pacer.currentRate()).isCloseTo(49.5, OFFSET);
		now[0] += TimeUnit.SECONDS.toNanos(50);
		assertThat(pacer.currentRate()).as("90 s after the first 429, 50 s after the second").isCloseTo(49.5, OFFSET);
		now[0] += TimeUnit.SECONDS.toNanos(10);
		assertThat(pacer.currentRate()).isCloseTo(49.55, OFFSET);
		// a 429 of a call in the air while paused is the same episode
		pacer.throttled(Duration.ofSeconds(1));
		pacer.throttled(Duration.ofSeconds(1));
		assertThat(pacer.currentRate()).isCloseTo(49.3, OFFSET);
	}

	private static final org.assertj.core.data.Offset<Double> OFFSET = org.assertj.core.data.Offset.offset(0.001);

}
