package dev.herald.dispatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The send engine, shaped like listmonk's manager: it only starts and stops the rooms,
 * one class per thread role, around the bounded {@link JobQueue}. While this instance
 * holds the tenant {@link SendLease} ({@link LeaseKeeper}), the {@link Claimer} fills the
 * queue from the ledger; N {@link Sender}s take a job each, have its start recorded by
 * the {@link StartMarker} (one statement for all calls starting at about the same
 * moment), take their {@link Pacer} slot and call Teams; the {@link OutcomeWriter}
 * records what {@link RetryPolicy} made of each reply.
 */
@Component
class DispatchEngine implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(DispatchEngine.class);

	private final DispatchProperties properties;

	private final SendLease lease;

	private final LeaseKeeper leaseKeeper;

	private final Claimer claimer;

	private final StartMarker marker;

	private final Sender sender;

	private final OutcomeWriter writer;

	private final JobQueue queue;

	private final Ledger ledger;

	private final Shift shift = new Shift();

	private final List<Thread> senders = new ArrayList<>();

	private final List<Thread> services = new ArrayList<>();

	DispatchEngine(DispatchProperties properties, SendLease lease, LeaseKeeper leaseKeeper, Claimer claimer,
			StartMarker marker, Sender sender, OutcomeWriter writer, JobQueue queue, Ledger ledger) {
		this.properties = properties;
		this.lease = lease;
		this.leaseKeeper = leaseKeeper;
		this.claimer = claimer;
		this.marker = marker;
		this.sender = sender;
		this.writer = writer;
		this.queue = queue;
		this.ledger = ledger;
	}

	@Override
	public void start() {
		if (!this.properties.enabled()) {
			return;
		}
		this.shift.begin();
		startThread(this.services, "herald-lease", this.leaseKeeper::run);
		startThread(this.services, "herald-claimer", this.claimer::run);
		startThread(this.services, "herald-marker", this.marker::run);
		startThread(this.services, "herald-writer", this.writer::run);
		for (int i = 0; i < this.properties.concurrency(); i++) {
			startThread(this.senders, "herald-sender-" + i, this.sender::run);
		}
	}

	private void startThread(List<Thread> group, String name, Consumer<Shift> room) {
		Thread thread = new Thread(() -> room.accept(this.shift), name);
		thread.setDaemon(true);
		thread.start();
		group.add(thread);
	}

	/**
	 * A clean stop: no new call starts, calls in the air finish and are recorded, claimed
	 * rows that were not sent go back to pending, and the lease is handed over at once.
	 */
	@Override
	public void stop() {
		if (!this.shift.isOpen()) {
			return;
		}
		this.shift.close();
		// Senders notice within their poll; one waiting for the pacer gets its slot, sees
		// the stop and sends nothing.
		joinAll(this.senders, Duration.ofSeconds(20));
		this.shift.endDraining();
		this.services.forEach(Thread::interrupt);
		joinAll(this.services, Duration.ofSeconds(10));
		try {
			List<Ledger.Job> unsent = new ArrayList<>(this.queue.drain());
			unsent.addAll(this.writer.drainGivenBack());
			this.ledger.release(unsent, this.lease.instanceId());
			this.lease.release();
		}
		catch (RuntimeException ex) {
			log.warn("Could not hand back claimed rows at shutdown; the next lease holder recovers them: {}",
					ex.getMessage());
		}
	}

	private static void joinAll(List<Thread> threads, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		for (Thread thread : threads) {
			try {
				thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			if (thread.isAlive()) {
				thread.interrupt();
			}
		}
		threads.clear();
	}

	@Override
	public boolean isRunning() {
		return this.shift.isOpen();
	}

}
