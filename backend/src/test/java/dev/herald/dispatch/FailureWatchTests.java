package dev.herald.dispatch;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The automatic pause's window: it trips on a full window of mostly failures, and the
 * calls that were claimed before it tripped cannot trip it again after a resume (seen as
 * a send paused twice in DispatchIntegrationTests under load).
 */
class FailureWatchTests {

	@Test
	void tripsOnAFullWindowOfMostlyFailures() {
		FailureWatch watch = new FailureWatch(10, 0.5);
		long claimed = System.nanoTime();
		for (int i = 0; i < 9; i++) {
			assertThat(watch.record(1, claimed, true, "HTTP 503")).isNull();
		}
		assertThat(watch.record(1, claimed, true, "HTTP 503")).startsWith("Paused automatically: 10 of the last 10")
			.contains("HTTP 503");
	}

	@Test
	void halfFailedIsNotMoreThanHalf() {
		FailureWatch watch = new FailureWatch(10, 0.5);
		long claimed = System.nanoTime();
		for (int i = 0; i < 10; i++) {
			assertThat(watch.record(1, claimed, i % 2 == 0, null)).isNull();
		}
	}

	@Test
	void callsClaimedBeforeTheTripDoNotCountAfterIt() {
		FailureWatch watch = new FailureWatch(10, 0.5);
		long before = System.nanoTime();
		for (int i = 0; i < 10; i++) {
			watch.record(1, before, true, null);
		}
		// the calls still in the air when it tripped come back failed: left out
		for (int i = 0; i < 25; i++) {
			assertThat(watch.record(1, before, true, null)).isNull();
		}
		// after the resume: a new window of new calls, healthy, then failing again
		long after = System.nanoTime();
		for (int i = 0; i < 10; i++) {
			assertThat(watch.record(1, after, false, null)).isNull();
		}
		String again = null;
		for (int i = 0; i < 10 && again == null; i++) {
			again = watch.record(1, after, true, null);
		}
		assertThat(again).as("new calls that fail still pause it").isNotNull();
	}

	@Test
	void eachAnnouncementHasItsOwnWindow() {
		FailureWatch watch = new FailureWatch(10, 0.5);
		long claimed = System.nanoTime();
		for (int i = 0; i < 9; i++) {
			watch.record(1, claimed, true, null);
			watch.record(2, claimed, false, null);
		}
		assertThat(watch.record(2, claimed, false, null)).isNull();
		assertThat(watch.record(1, claimed, true, null)).isNotNull();
	}

	@Test
	void offAtAThresholdOfOne() {
		FailureWatch watch = new FailureWatch(10, 1.0);
		for (int i = 0; i < 50; i++) {
			assertThat(watch.record(1, System.nanoTime(), true, null)).isNull();
		}
	}

}
