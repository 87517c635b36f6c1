package dev.herald.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads of one background worker: named daemon threads, each running a loop that
 * goes on while {@link #isRunning()} (the worker's own {@code while} loop, with its own
 * error handling and backoff). A stop turns the flag off, interrupts the threads (unless
 * the worker drains: {@link #requestStop()}, then {@link #awaitStop(Duration)}) and waits
 * for them, bounded: a thread still busy after the wait is left to end on its own, as a
 * daemon.
 * <p>
 * A loop that lets an exception escape ends its thread (it is not restarted); the
 * exception is logged with the thread's name, never lost.
 */
public final class WorkerThreads {

	private static final Logger log = LoggerFactory.getLogger(WorkerThreads.class);

	/** Started and not yet seen ended (pruned on the next start). */
	private final List<Thread> threads = new ArrayList<>();

	private volatile boolean running;

	/**
	 * Starts one named daemon thread running {@code loop}; {@link #isRunning()} is true
	 * before the loop begins.
	 */
	public synchronized void start(String name, Runnable loop) {
		if (!this.running) {
			this.threads.removeIf((thread) -> !thread.isAlive());
		}
		this.running = true;
		Thread thread = new Thread(loop, name);
		thread.setDaemon(true);
		thread.setUncaughtExceptionHandler(
				(t, ex) -> log.error("Worker thread {} ended on an uncaught exception", t.getName(), ex));
		thread.start();
		this.threads.add(thread);
	}

	/**
	 * Starts {@code count} threads running {@code loop}, named {@code namePrefix}
	 * followed by 0, 1, ….
	 */
	public synchronized void start(String namePrefix, int count, Runnable loop) {
		for (int i = 0; i < count; i++) {
			start(namePrefix + i, loop);
		}
	}

	/**
	 * Named daemon threads for an executor a worker owns (a daemon never keeps the JVM up
	 * after Spring stopped): {@code name}, then {@code name-2}, {@code name-3}, ….
	 */
	public static ThreadFactory daemons(String name) {
		AtomicInteger made = new AtomicInteger();
		return (task) -> {
			int n = made.incrementAndGet();
			Thread thread = new Thread(task, (n == 1) ? name : name + "-" + n);
			thread.setDaemon(true);
			return thread;
		};
	}

	/** Whether the loops should go on: started and not asked to stop. */
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Asks the loops to end after their current pass ({@link #isRunning()} turns false),
	 * without interrupting them.
	 */
	public void requestStop() {
		this.running = false;
	}

	/** Interrupts every thread still alive. */
	public synchronized void interrupt() {
		for (Thread thread : this.threads) {
			if (thread.isAlive()) {
				thread.interrupt();
			}
		}
	}

	/**
	 * Waits for every thread to end, at most {@code timeout} for all of them together (no
	 * wait at all when it is zero). An interrupt of the waiting thread ends the wait and
	 * is kept.
	 * @return whether every thread has ended
	 */
	public boolean awaitStop(Duration timeout) {
		List<Thread> started;
		synchronized (this) {
			started = List.copyOf(this.threads);
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		boolean ended = true;
		for (Thread thread : started) {
			try {
				// timedJoin does not wait when the time left is 0 or less (join(0) would
				// wait forever).
				TimeUnit.NANOSECONDS.timedJoin(thread, deadline - System.nanoTime());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
			ended &= !thread.isAlive();
		}
		return ended;
	}

	/**
	 * The plain stop: the flag off, every thread interrupted, then at most
	 * {@code timeout} of waiting for all of them.
	 * @return whether every thread has ended
	 */
	public boolean stop(Duration timeout) {
		requestStop();
		interrupt();
		return awaitStop(timeout);
	}

}
