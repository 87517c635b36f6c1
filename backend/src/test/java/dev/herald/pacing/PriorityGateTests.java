package dev.herald.pacing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PriorityGateTests {

	@Test
	void waitingCallersGoInPriorityOrderWhateverTheOrderTheyCameIn() throws Exception {
		PriorityGate gate = new PriorityGate(new double[] { 0.3, 0.3, 0.4 });
		CountDownLatch holding = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		List<Integer> order = Collections.synchronizedList(new ArrayList<>());
		// A first caller is past the gate, waiting for its slot.
		Thread first = start(() -> gate.acquire(2, 10, () -> {
			holding.countDown();
			release.await();
			return 0;
		}));
		assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
		List<Thread> callers = new ArrayList<>();
		for (int cls : new int[] { 2, 1, 0, 2, 0 }) {
			callers.add(start(() -> gate.acquire(cls, 10, () -> {
				order.add(cls);
				return 0;
			})));
			awaitWaiting(gate, callers.size());
		}
		release.countDown();
		first.join(5000);
		for (Thread caller : callers) {
			caller.join(5000);
		}
		assertThat(order).containsExactly(0, 0, 1, 2, 2);
	}

	@Test
	void aLaterClassKeepsItsShareWhileAnEarlierOneFloods() throws Exception {
		// Class 0 (replies) has priority; class 1 (welcomes) is guaranteed 30%.
		long[] got = flood(new double[] { 0.7, 0.3 }, 20, new boolean[] { true, true });
		double welcomes = (double) got[1] / (got[0] + got[1]);
		assertThat(welcomes).as("welcomes' part of the slots").isBetween(0.2, 0.4);
		assertThat(got[0] + got[1]).as("slots in 2 s at 20/s").isBetween(36L, 42L);
	}

	@Test
	void anEarlierClassCannotTakeMoreThanItsShareFromALaterOneThatWaits() throws Exception {
		// Replies flood beyond their 10%: sends (90%) still get theirs.
		long[] got = flood(new double[] { 0.1, 0.9 }, 20, new boolean[] { true, true });
		double replies = (double) got[0] / (got[0] + got[1]);
		assertThat(replies).as("replies' part of the slots").isBetween(0.05, 0.2);
	}

	@Test
	void whatAClassLeavesUnusedGoesToTheOthers() throws Exception {
		long[] got = flood(new double[] { 0.5, 0.1, 0.4 }, 20, new boolean[] { false, true, false });
		assertThat(got[1]).as("the only class waiting takes every slot").isBetween(36L, 42L);
	}

	@Test
	void anInterruptedWaiterLeavesItsPlaceToTheNext() throws Exception {
		PriorityGate gate = new PriorityGate(new double[] { 0.5, 0.5 });
		CountDownLatch holding = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Thread first = start(() -> gate.acquire(1, 10, () -> {
			holding.countDown();
			release.await();
			return 0;
		}));
		assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
		List<Integer> order = Collections.synchronizedList(new ArrayList<>());
		Thread interrupted = start(() -> gate.acquire(0, 10, () -> {
			order.add(0);
			return 0;
		}));
		awaitWaiting(gate, 1);
		Thread next = start(() -> gate.acquire(1, 10, () -> {
			order.add(1);
			return 0;
		}));
		awaitWaiting(gate, 2);
		interrupted.interrupt();
		interrupted.join(5000);
		release.countDown();
		first.join(5000);
		next.join(5000);
		assertThat(order).containsExactly(1);
		assertThat(gate.waiting()).containsOnly(0);
	}

	/**
	 * As in a broadcast with a recall beside it: many callers of two classes, each of
	 * which makes a call of 50-300 ms after its slot before it asks again. The gate hands
	 * every slot of the pace on (it is not the bottleneck), and each class gets at least
	 * its share.
	 */
	@Test
	void callersThatCallBetweenSlotsGetThePaceAndTheirShares() throws Exception {
		long[] got = callersWithCalls(50, 50);
		assertThat(got[0] + got[1]).as("slots in 3 s at 50/s").isGreaterThanOrEqualTo(140L);
		assertThat(got[0]).as("recall's slots").isGreaterThanOrEqualTo(35L);
		assertThat(got[1]).as("broadcast's slots").isGreaterThanOrEqualTo(50L);
	}

	/**
	 * The pace changed while callers waited (the holder opened the side share: 50/s to
	 * 45/s), so the callers that came before and after bring different rates. The gate
	 * judges every choice by one rate: before, each side found the other chosen, passed
	 * the turn back and forth, and the broadcast starved.
	 */
	@Test
	void callersThatCameBeforeAndAfterAChangeOfPaceAllGetTheirShares() throws Exception {
		long[] got = callersWithCalls(50, 45);
		assertThat(got[0] + got[1]).as("slots in 3 s at 45-50/s").isGreaterThanOrEqualTo(125L);
		assertThat(got[1]).as("broadcast's slots").isGreaterThanOrEqualTo(40L);
	}

	/**
	 * 16 callers of class 0 (a recall, share 25 %) telling the gate {@code rate0}, 25 of
	 * class 1 (a broadcast, 35 %) telling it {@code rate1}, on a pace of 50/s; each makes
	 * a call of 50-300 ms after its slot. Slots per class over 3 s.
	 */
	private static long[] callersWithCalls(double rate0, double rate1) throws Exception {
		double rate = 50;
		PriorityGate gate = new PriorityGate(new double[] { 0.25, 0.35 });
		EvenPacer pace = new EvenPacer(rate);
		AtomicLongArray got = new AtomicLongArray(2);
		long from = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
		long until = from + TimeUnit.SECONDS.toNanos(3);
		List<Thread> threads = new ArrayList<>();
		java.util.Random random = new java.util.Random(7);
		for (int cls = 0; cls < 2; cls++) {
			int c = cls;
			for (int t = 0; t < ((cls == 0) ? 16 : 25); t++) {
				long seed = random.nextLong();
				threads.add(start(() -> {
					java.util.Random latency = new java.util.Random(seed);
					while (System.nanoTime() < until) {
						gate.acquire(c, (c == 0) ? rate0 : rate1, pace::acquire);
						long now = System.nanoTime();
						if (now >= from && now < until) {
							got.incrementAndGet(c);
						}
						Thread.sleep(50 + latency.nextInt(250));
					}
					return 0;
				}));
			}
		}
		for (Thread thread : threads) {
			thread.join(10_000);
		}
		return new long[] { got.get(0), got.get(1) };
	}

	/** Callers of the flagged classes keep waiting for 2 s; slots taken per class. */
	private static long[] flood(double[] shares, double rate, boolean[] busy) throws Exception {
		PriorityGate gate = new PriorityGate(shares);
		EvenPacer pace = new EvenPacer(rate);
		AtomicLongArray got = new AtomicLongArray(shares.length);
		long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
		List<Thread> threads = new ArrayList<>();
		for (int cls = 0; cls < shares.length; cls++) {
			if (!busy[cls]) {
				continue;
			}
			int c = cls;
			for (int t = 0; t < 3; t++) {
				threads.add(start(() -> {
					while (System.nanoTime() < until) {
						gate.acquire(c, rate, pace::acquire);
						if (System.nanoTime() < until) {
							got.incrementAndGet(c);
						}
					}
					return 0;
				}));
			}
		}
		for (Thread thread : threads) {
			thread.join(10_000);
		}
		long[] counts = new long[shares.length];
		for (int i = 0; i < counts.length; i++) {
			counts[i] = got.get(i);
		}
		return counts;
	}

	private static void awaitWaiting(PriorityGate gate, int count) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (java.util.Arrays.stream(gate.waiting()).sum() < count && System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
		assertThat(java.util.Arrays.stream(gate.waiting()).sum()).isEqualTo(count);
	}

	private interface Body {

		long run() throws Exception;

	}

	private static Thread start(Body body) {
		Thread thread = new Thread(() -> {
			try {
				body.run();
			}
			catch (InterruptedException ex) {
				// expected by the interrupt test
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

}
