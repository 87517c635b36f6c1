package dev.herald.dispatch;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The claimer thread of one ledger: while this instance holds the send lease, fills the
 * bounded {@link JobQueue} from the ledger ({@code FOR UPDATE SKIP LOCKED}, a batch at a
 * time), and every half second hands back queued jobs of groups (sends, operations)
 * stopped meanwhile.
 */
final class Claimer<J extends CallLedger.Call> {

	private static final Logger log = LoggerFactory.getLogger(Claimer.class);

	private static final long PURGE_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

	private final PacedCalls.Lane lane;

	private final CallLedger<J> ledger;

	private final SendLease lease;

	private final JobQueue<J> queue;

	private final StoppedSends stopped;

	private final OutcomeWriter<J> writer;

	Claimer(PacedCalls.Lane lane, CallLedger<J> ledger, SendLease lease, JobQueue<J> queue, StoppedSends stopped,
			OutcomeWriter<J> writer) {
		this.lane = lane;
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
				List<J> claimed = List.of();
				int room = this.queue.remainingCapacity();
				// Claim in batches, but only once half a batch of room is free, so the
				// claim query runs seldom and the queue never overflows.
				if (this.lease.isHeld() && room >= Math.min(this.lane.batchSize(), this.queue.size() + room) / 2) {
					claimed = this.ledger.claim(Math.min(room, this.lane.batchSize()), this.lease.instanceId());
					for (J job : claimed) {
						this.queue.put(job);
					}
				}
				if (claimed.isEmpty() && !Shift.sleep(this.lane.pollInterval())) {
					return;
				}
			}
			catch (InterruptedException ex) {
				return;
			}
			catch (RuntimeException ex) {
				log.warn("Claiming {} rows failed: {}", this.lane.name(), ex.getMessage());
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
		Set<Long> sending = new HashSet<>(this.ledger.running());
		// A pause that arrived while the database was being asked is newer than its
		// answer.
		this.stopped.reconcile(sending, asked);
		List<J> held = this.queue.removeIf((job) -> !sending.contains(job.group()));
		held.forEach((job) -> this.stopped.add(job.group()));
		this.writer.giveBack(held);
	}

}
