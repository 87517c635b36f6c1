package dev.herald.dispatch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * The bounded queue between the claimer and the senders: claimed rows waiting for a
 * sender. Its bound keeps memory flat whatever the audience size. Jobs whose start could
 * not be marked (database away) wait beside it and are taken first.
 */
@Component
class JobQueue {

	private final BlockingQueue<Ledger.Job> jobs;

	private final ConcurrentLinkedQueue<Ledger.Job> deferred = new ConcurrentLinkedQueue<>();

	JobQueue(DispatchProperties properties, MeterRegistry meters) {
		this.jobs = new ArrayBlockingQueue<>(properties.queueCapacity());
		meters.gauge("herald.dispatch.queue", this.jobs, BlockingQueue::size);
	}

	void put(Ledger.Job job) throws InterruptedException {
		this.jobs.put(job);
	}

	/** The next job, deferred ones first; null when none came within the wait. */
	Ledger.Job poll(long timeout, TimeUnit unit) throws InterruptedException {
		Ledger.Job job = this.deferred.poll();
		return (job != null) ? job : this.jobs.poll(timeout, unit);
	}

	/** A job whose start could not be recorded: tried again before any other. */
	void defer(Ledger.Job job) {
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
	List<Ledger.Job> removeIf(Predicate<Ledger.Job> filter) {
		List<Ledger.Job> removed = new ArrayList<>();
		this.jobs.removeIf((job) -> filter.test(job) && removed.add(job));
		return removed;
	}

	/** Everything still held, at shutdown. */
	List<Ledger.Job> drain() {
		List<Ledger.Job> left = new ArrayList<>();
		this.jobs.drainTo(left);
		Ledger.Job job;
		while ((job = this.deferred.poll()) != null) {
			left.add(job);
		}
		return left;
	}

}
