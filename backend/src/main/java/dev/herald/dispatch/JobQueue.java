package dev.herald.dispatch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * The bounded queue between the claimer and the senders of one ledger: claimed rows
 * waiting for a sender. Its bound keeps memory flat whatever the audience size. Jobs
 * whose start could not be marked (database away) wait beside it and are taken first.
 */
final class JobQueue<J> {

	private final BlockingQueue<J> jobs;

	private final ConcurrentLinkedQueue<J> deferred = new ConcurrentLinkedQueue<>();

	JobQueue(int capacity, String meterPrefix, MeterRegistry meters) {
		this.jobs = new ArrayBlockingQueue<>(capacity);
		meters.gauge(meterPrefix + ".queue", this.jobs, BlockingQueue::size);
	}

	void put(J job) throws InterruptedException {
		this.jobs.put(job);
	}

	/** The next job, deferred ones first; null when none came within the wait. */
	J poll(long timeout, TimeUnit unit) throws InterruptedException {
		J job = this.deferred.poll();
		return (job != null) ? job : this.jobs.poll(timeout, unit);
	}

	/** A job whose start could not be recorded: tried again before any other. */
	void defer(J job) {
		this.deferred.add(job);
	}

	int size() {
		return this.jobs.size();
	}

	int remainingCapacity() {
		return this.jobs.remainingCapacity();
	}

	boolean isEmpty() {
		return this.jobs.isEmpty();
	}

	/** Takes the queued jobs that match out of the queue. */
	List<J> removeIf(Predicate<J> filter) {
		List<J> removed = new ArrayList<>();
		this.jobs.removeIf((job) -> filter.test(job) && removed.add(job));
		return removed;
	}

	/** Everything still held, at shutdown. */
	List<J> drain() {
		List<J> left = new ArrayList<>();
		this.jobs.drainTo(left);
		J job;
		while ((job = this.deferred.poll()) != null) {
			left.add(job);
		}
		return left;
	}

}
