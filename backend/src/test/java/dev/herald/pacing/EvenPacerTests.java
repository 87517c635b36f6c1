package dev.herald.pacing;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EvenPacerTests {

	@Test
	void eachThrottleEasesThePaceOffByTwoPercentDownToEightyFivePercent() {
		EvenPacer pacer = new EvenPacer(50);
		pacer.throttled(Duration.ZERO);
		assertThat(pacer.currentRate()).isCloseTo(49.0, org.assertj.core.data.Offset.offset(0.001));
		for (int i = 0; i < 20; i++) {
			pacer.throttled(Duration.ZERO);
		}
		assertThat(pacer.currentRate()).isCloseTo(42.5, org.assertj.core.data.Offset.offset(0.001));
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
	void settingTheRateStartsAfresh() {
		EvenPacer pacer = new EvenPacer(30);
		pacer.throttled(Duration.ZERO);
		pacer.setRate(20);
		assertThat(pacer.currentRate()).isEqualTo(20.0);
	}

}
