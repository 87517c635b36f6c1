package dev.herald.pacing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.herald.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances, each with its own {@link SharedPacer} over the same PostgreSQL (all they
 * share in production), call as fast as their pacers let them: together they stay within
 * one budget, in every one-second window, and use most of it.
 */
class SharedPacerTests extends IntegrationTest {

	@Test
	void twoInstancesTogetherStayWithinOneBudget() throws Exception {
		String budget = "test-" + UUID.randomUUID();
		int rate = 20;
		long runNanos = TimeUnit.SECONDS.toNanos(4);
		List<Long> calls = Collections.synchronizedList(new ArrayList<>());
		List<Thread> threads = new ArrayList<>();
		long start = System.nanoTime();
		for (int instance = 0; instance < 2; instance++) {
			SharedPacer pacer = new SharedPacer(this.jdbc, budget, rate);
			for (int caller = 0; caller < 4; caller++) {
				Thread thread = new Thread(() -> {
					try {
						while (System.nanoTime() - start < runNanos) {
							pacer.acquire();
							calls.add(System.nanoTime());
						}
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				});
				thread.start();
				threads.add(thread);
			}
		}
		for (Thread thread : threads) {
			thread.join(20_000);
		}
		List<Long> sorted = new ArrayList<>(calls);
		Collections.sort(sorted);
		int worst = 0;
		for (int i = 0, j = 0; i < sorted.size(); i++) {
			while (sorted.get(i) - sorted.get(j) >= TimeUnit.SECONDS.toNanos(1)) {
				j++;
			}
			worst = Math.max(worst, i - j + 1);
		}
		// Unshared, the two would make 2 × 20 calls in a second. The timestamps are taken
		// after each caller wakes up, so on a loaded host a late wake-up can bunch two
		// recorded calls: 10 % is allowed for that, not more.
		assertThat(worst).as("calls in the busiest second of both instances together")
			.isLessThanOrEqualTo(rate + rate / 10);
		assertThat(sorted.size()).as("calls in 4 s (unshared: 160)").isBetween(rate * 4 * 7 / 10, rate * 4 + rate / 2);
	}

	@Test
	void aThrottleOnOneInstanceShowsAsAPauseOnTheOther() throws Exception {
		String budget = "test-" + UUID.randomUUID();
		SharedPacer first = new SharedPacer(this.jdbc, budget, 2);
		SharedPacer second = new SharedPacer(this.jdbc, budget, 2);
		second.acquire();
		assertThat(first.use().paused()).isFalse();
		second.throttled(Duration.ofSeconds(30));
		SharedPacer.Use seen = first.use();
		assertThat(seen.paused()).as("the admin's page reached the instance that was not answered 429").isTrue();
		assertThat(seen.pausedForMillis()).isBetween(20_000L, 30_000L);
		assertThat(seen.throttled()).as("429s answered to this instance").isZero();
		assertThat(second.use().throttled()).isEqualTo(1);
	}

	@Test
	void aThrottleOnOneInstanceHoldsTheOtherBack() throws Exception {
		String budget = "test-" + UUID.randomUUID();
		SharedPacer first = new SharedPacer(this.jdbc, budget, 50);
		SharedPacer second = new SharedPacer(this.jdbc, budget, 50);
		first.acquire();
		first.throttled(Duration.ofMillis(1500));
		long asked = System.nanoTime();
		second.acquire();
		assertThat(Duration.ofNanos(System.nanoTime() - asked)).isGreaterThan(Duration.ofMillis(1200));
	}

}
