package dev.herald.dispatch;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.herald.teams.CallBudget;

import static org.assertj.core.api.Assertions.assertThat;

class PacerTests {

	@Test
	void spacesCallsEvenlyAtTheRate() throws InterruptedException {
		Pacer pacer = new Pacer(100);
		long start = System.nanoTime();
		for (int i = 0; i < 51; i++) {
			pacer.acquire(CallBudget.Kind.SEND);
		}
		long elapsedMs = (System.nanoTime() - start) / 1_000_000;
		// 51 calls at 100/s need 50 intervals of 10 ms: never faster, so no window sees a
		// burst.
		assertThat(elapsedMs).isGreaterThanOrEqualTo(495);
	}

	@Test
	void aSlotTakenAheadIsUsedAtOnceWhileFresh() throws InterruptedException {
		Pacer pacer = new Pacer(10);
		CallBudget.Slot ahead = pacer.acquire(CallBudget.Kind.SEND);
		long start = System.nanoTime();
		assertThat(pacer.confirm(ahead)).isSameAs(ahead);
		assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(50);
	}

	@Test
	void aSlotUsedAFewMillisecondsLateIsKeptRatherThanWastingAnInterval() throws InterruptedException {
		Pacer pacer = new Pacer(10);
		CallBudget.Slot ahead = pacer.acquire(CallBudget.Kind.SEND);
		// A busy core held the caller up briefly: well inside a quarter of the interval.
		Thread.sleep(5);
		assertThat(pacer.confirm(ahead)).isSameAs(ahead);
	}

	@Test
	void aSlotTakenAheadAndLeftToGoStaleIsReplacedByAFreshOne() throws InterruptedException {
		Pacer pacer = new Pacer(10);
		CallBudget.Slot ahead = pacer.acquire(CallBudget.Kind.SEND);
		long granted = System.nanoTime();
		// The call is held up (a GC pause, a cold client): it must not leave on its old
		// slot together with the calls behind it, but take the next one, 100 ms later.
		// (Stale: older than a quarter of the 100 ms interval.)
		Thread.sleep(40);
		assertThat(pacer.confirm(ahead)).isNotSameAs(ahead);
		// (2 ms of slack: the clock is read after the first acquire() has returned, past
		// the priority gate's bookkeeping; a loaded core stretches that.)
		assertThat((System.nanoTime() - granted) / 1_000_000).isGreaterThanOrEqualTo(93);
	}

	@Test
	void pauseHoldsEveryCallerBack() throws InterruptedException {
		Pacer pacer = new Pacer(0);
		pacer.pause(Duration.ofMillis(300));
		assertThat(pacer.isPaused()).isTrue();
		long start = System.nanoTime();
		pacer.acquire(CallBudget.Kind.SEND);
		assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(290);
		assertThat(pacer.isPaused()).isFalse();
	}

	@Test
	void unlimitedDoesNotWait() throws InterruptedException {
		Pacer pacer = new Pacer(0);
		long start = System.nanoTime();
		for (int i = 0; i < 10_000; i++) {
			pacer.acquire(CallBudget.Kind.SEND);
		}
		assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1000);
	}

	@Test
	void aThrottleWithoutRetryAfterBacksOffOnceForTheCallsInTheAirAndLongerNextTime() throws InterruptedException {
		Pacer pacer = new Pacer(0);
		long start = System.nanoTime();
		// Teams left Retry-After out: 1 s (±20%) of backoff; the 429s of two more calls
		// that were already in the air belong to the same episode and do not double it.
		pacer.throttled(null, "send");
		pacer.throttled(null, "send");
		pacer.throttled(null, "send");
		assertThat(pacer.isPaused()).isTrue();
		pacer.acquire(CallBudget.Kind.SEND);
		long firstMs = (System.nanoTime() - start) / 1_000_000;
		// Escalated three times it would be 4 s (at least 3.2 s with the jitter).
		assertThat(firstMs).isGreaterThanOrEqualTo(790).isLessThan(3_000);

		// The next episode, after the pause, waits twice as long: at least 1.6 s.
		long again = System.nanoTime();
		pacer.throttled(null, "send");
		pacer.acquire(CallBudget.Kind.SEND);
		assertThat((System.nanoTime() - again) / 1_000_000).isGreaterThanOrEqualTo(1_590);
	}

	@Test
	void aThrottleWithRetryAfterWaitsExactlyThatAndLeavesTheBackoffAlone() throws InterruptedException {
		Pacer pacer = new Pacer(0);
		pacer.throttled(Duration.ofMillis(200), "send");
		long start = System.nanoTime();
		pacer.acquire(CallBudget.Kind.SEND);
		assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(190);
		// The first backoff without Retry-After is still the first step (1 s ±20%), not
		// the second.
		long bare = System.nanoTime();
		pacer.throttled(null, "send");
		pacer.acquire(CallBudget.Kind.SEND);
		assertThat((System.nanoTime() - bare) / 1_000_000).isGreaterThanOrEqualTo(790).isLessThan(1_590);
	}

	@Test
	void aReplyWaitingGetsTheNextSlotBeforeTheCallsQueuedAheadOfIt() throws Exception {
		Pacer pacer = new Pacer(10);
		pacer.acquire(CallBudget.Kind.SEND);
		java.util.List<CallBudget.Kind> order = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
		java.util.List<Thread> callers = new java.util.ArrayList<>();
		for (CallBudget.Kind kind : new CallBudget.Kind[] { CallBudget.Kind.WELCOME, CallBudget.Kind.SEND,
				CallBudget.Kind.SEND, CallBudget.Kind.INTERACTIVE }) {
			Thread caller = new Thread(() -> {
				try {
					pacer.acquire(kind);
					order.add(kind);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
			caller.start();
			callers.add(caller);
			Thread.sleep(15);
		}
		for (Thread caller : callers) {
			caller.join(5000);
		}
		// The welcome came first and was waiting for its slot when the others came; then
		// the reply, though it came last, then the sends.
		assertThat(order).containsExactly(CallBudget.Kind.WELCOME, CallBudget.Kind.INTERACTIVE, CallBudget.Kind.SEND,
				CallBudget.Kind.SEND);
	}

}
