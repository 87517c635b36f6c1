package dev.herald.dispatch;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * The claimer thread: while this instance holds the send lease, fills the bounded
 * {@link JobQueue} from the ledger ({@code FOR UPDATE SKIP LOCKED}, a batch at a time),
 * and every half second hands back queued jobs of sends stopped meanwhile.
 */
@Component
class Claimer {

	private static final Logger log = LoggerFactory.getLogger(Claimer.class);

	private static final long PURGE_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

	private final DispatchProperties properties;

	private final Ledger ledger;

	private final SendLease lease;

	private final JobQueue queue;

	private final StoppedSends stopped;

	private final OutcomeWriter writer;

	Claimer(DispatchProperties properties, Ledger ledger, SendLease lease, JobQueue queue, StoppedSends stopped,
			OutcomeWriter writer) {
		this.properties = properties;
		this.ledger = ledger;
		this.lease = lease;
		this.queue = queue;
		this.stopped = stopped;
		this.writer = writer;
	}

	void run(Shift shift) {
		long lastPurge = System.nanoTime();
		while (shift.isOpen()) {
			try {
				if (System.nanoTime() - lastPurge > PURGE_EVERY_NANOS) {
					purgeStopped();
					lastPurge = System.nanoTime();
				}
				List<Ledger.Job> claimed = List.of();
				int room = this.queue.remainingCapacity();
				// Claim in batches, but only once half a batch of room is free, so the
				// claim query runs seldom and the queue never overflows.
				if (this.lease.isHeld()
						&& room >= Math.min(this.properties.batchSize(), this.queue.size() + room) / 2) {
					claimed = this.ledger.claim(Math.min(room, this.properties.batchSize()), this.properties.lease(),
							this.lease.instanceId());
					for (Ledger.Job job : claimed) {
						this.queue.put(job);
					}
				}
				if (claimed.isEmpty() && !Shift.sleep(this.properties.pollInterval())) {
					return;
				}
			}
			catch (InterruptedException ex) {
				return;
			}
			catch (RuntimeException ex) {
				log.warn("Claiming ledger rows failed: {}", ex.getMessage());
				if (!Shift.sleep(Duration.ofSeconds(1))) {
					return;
				}
			}
		}
	}

	/**
	 * Hands back queued jobs of announcements that were paused or canceled meanwhile, so
	 * their rows do not sit in flight while nothing sends them. (Were one left, its start
	 * mark would refuse it anyway.)
	 */
	private void purgeStopped() {
		if (this.queue.isEmpty() && this.stopped.isEmpty()) {
			return;
		}
		long asked = System.nanoTime();
		Set<Long> sending = new HashSet<>(this.ledger.sendingAnnouncements());
		// A pause that arrived while the database was being asked is newer than its
		// answer.
		this.stopped.reconcile(sending, asked);
		List<Ledger.Job> held = this.queue.removeIf((job) -> !sending.contains(job.announcementId()));
		held.forEach((job) -> this.stopped.add(job.announcementId()));
		this.writer.giveBack(held);
	}

}
