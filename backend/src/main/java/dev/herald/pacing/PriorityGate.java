package dev.herald.pacing;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Lets one caller at a time take the next slot of a pacer, choosing which when callers of
 * several classes wait (class 0 first). Each class has a share of the rate: a class that
 * took fewer slots in the last second than its share (at least one) is <em>entitled</em>,
 * and the next slot goes to the first entitled class with callers waiting, else to the
 * first class with callers waiting. So a class is served before the ones after it, but
 * while it has callers waiting every class keeps its share: a later class cannot be
 * starved by an earlier one, nor can it take more than its share from an earlier one that
 * waits. What a class leaves unused goes to the others in order. Callers of one class go
 * first come, first served.
 * <p>
 * The choice is made when the slot before has been granted, so a caller of an earlier
 * class that comes while another waits for its slot gets the one after (at most one
 * interval later).
 */
public final class PriorityGate {

	private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

	/** The pacer behind the gate: blocks until the slot, returns the call's number. */
	@FunctionalInterface
	public interface Pace {

		long acquire() throws InterruptedException;

	}

	private final ReentrantLock lock = new ReentrantLock();

	private final double[] shares;

	private final ArrayDeque<Condition>[] waiting;

	/** Grant times of the last second per class, oldest first. */
	private final ArrayDeque<Long>[] recent;

	private final long[] granted;

	/** Whether a caller is past the gate, waiting for its slot. */
	private boolean busy;

	/**
	 * The pacer's rate as last told by a caller. Every choice reads this one value: with
	 * each waiter judging by the rate it came with, two waiters that came before and
	 * after a change of the pace (the side share opened) each found the other one chosen
	 * and passed the turn back and forth, and a whole class starved (bench/dispatch.sh
	 * --recall: a broadcast stuck while a recall ran at its share).
	 */
	private double rate;

	/**
	 * @param shares each class's share of the rate (class 0 first); their sum should not
	 * pass 1
	 */
	@SuppressWarnings("unchecked")
	public PriorityGate(double[] shares) {
		this.shares = shares.clone();
		this.waiting = new ArrayDeque[shares.length];
		this.recent = new ArrayDeque[shares.length];
		for (int i = 0; i < shares.length; i++) {
			this.waiting[i] = new ArrayDeque<>();
			this.recent[i] = new ArrayDeque<>();
		}
		this.granted = new long[shares.length];
	}

	/**
	 * Waits for this class's turn, then for the pacer's slot.
	 * @param rate the pacer's rate now, in calls per second (0 = unlimited: order only)
	 * @return what the pacer returned
	 */
	public long acquire(int cls, double rate, Pace pace) throws InterruptedException {
		this.lock.lockInterruptibly();
		try {
			this.rate = rate;
			Condition turn = this.lock.newCondition();
			this.waiting[cls].add(turn);
			try {
				while (this.busy || chosen(this.rate, System.nanoTime()) != turn) {
					// Entitlement moves with time: the caller chosen now may not be the
					// one woken, so the baton is passed on (and a bounded wait is the
					// backstop).
					wakeChosen(this.rate);
					turn.await(50, TimeUnit.MILLISECONDS);
				}
			}
			catch (InterruptedException ex) {
				this.waiting[cls].remove(turn);
				wakeChosen(this.rate);
				throw ex;
			}
			this.waiting[cls].poll();
			this.busy = true;
		}
		finally {
			this.lock.unlock();
		}
		boolean got = false;
		try {
			long ticket = pace.acquire();
			got = true;
			return ticket;
		}
		finally {
			this.lock.lock();
			try {
				this.busy = false;
				if (got) {
					long now = System.nanoTime();
					this.recent[cls].add(now);
					this.granted[cls]++;
					usedLastSecond(cls, now);
				}
				wakeChosen(this.rate);
			}
			finally {
				this.lock.unlock();
			}
		}
	}

	private void wakeChosen(double rate) {
		if (!this.busy) {
			Condition next = chosen(rate, System.nanoTime());
			if (next != null) {
				next.signal();
			}
		}
	}

	/** The caller that takes the next slot: see the class comment. */
	private Condition chosen(double rate, long now) {
		int fallback = -1;
		for (int cls = 0; cls < this.waiting.length; cls++) {
			if (this.waiting[cls].isEmpty()) {
				continue;
			}
			if (entitled(cls, rate, now)) {
				return this.waiting[cls].peek();
			}
			if (fallback < 0) {
				fallback = cls;
			}
		}
		return (fallback < 0) ? null : this.waiting[fallback].peek();
	}

	private boolean entitled(int cls, double rate, long now) {
		if (rate <= 0) {
			return true;
		}
		return usedLastSecond(cls, now) < Math.max(1, this.shares[cls] * rate);
	}

	private int usedLastSecond(int cls, long now) {
		ArrayDeque<Long> times = this.recent[cls];
		while (!times.isEmpty() && now - times.peek() >= WINDOW_NANOS) {
			times.poll();
		}
		return times.size();
	}

	/** Slots each class took in the last second. */
	public int[] lastSecond() {
		this.lock.lock();
		try {
			long now = System.nanoTime();
			int[] counts = new int[this.shares.length];
			for (int cls = 0; cls < counts.length; cls++) {
				counts[cls] = usedLastSecond(cls, now);
			}
			return counts;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Slots each class took since the gate was made. */
	public long[] granted() {
		this.lock.lock();
		try {
			return Arrays.copyOf(this.granted, this.granted.length);
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Callers of each class waiting now. */
	public int[] waiting() {
		this.lock.lock();
		try {
			int[] counts = new int[this.waiting.length];
			for (int cls = 0; cls < counts.length; cls++) {
				counts[cls] = this.waiting[cls].size();
			}
			return counts;
		}
		finally {
			this.lock.unlock();
		}
	}

}
