package dev.herald.dispatch;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.announcement.Announcements;
import dev.herald.conversation.ConversationStatus;
import dev.herald.conversation.Conversations;

import org.springframework.stereotype.Component;

/**
 * The writer thread: records outcomes in batches (one statement moves the row states and
 * the live counts), hands back claimed rows that were not sent, marks blocked
 * conversations, pauses a send whose failures pile up, and completes finished sends.
 */
@Component
class OutcomeWriter {

	private static final Logger log = LoggerFactory.getLogger(OutcomeWriter.class);

	/** Outcomes the writer takes in one statement. */
	private static final int WRITE_BATCH = 2000;

	private final Ledger ledger;

	private final SendLease lease;

	private final Announcements announcements;

	private final Conversations conversations;

	private final FailureWatch failures;

	private final MeterRegistry meters;

	private final BlockingQueue<Ledger.Result> results = new LinkedBlockingQueue<>();

	/** Claimed jobs that were not sent and go back to pending. */
	private final BlockingQueue<Ledger.Job> releases = new LinkedBlockingQueue<>();

	OutcomeWriter(DispatchProperties properties, Ledger ledger, SendLease lease, Announcements announcements,
			Conversations conversations, MeterRegistry meters) {
		this.ledger = ledger;
		this.lease = lease;
		this.announcements = announcements;
		this.conversations = conversations;
		this.meters = meters;
		this.failures = new FailureWatch(properties.failureWindow(), properties.failureThreshold());
	}

	/** An outcome to record. */
	void record(Ledger.Result result) {
		this.results.add(result);
	}

	/** A claimed job that was not sent: its row goes back (pending, or canceled). */
	void giveBack(Ledger.Job job) {
		this.releases.add(job);
	}

	void giveBack(Collection<Ledger.Job> jobs) {
		this.releases.addAll(jobs);
	}

	/** Jobs given back and not yet written, at shutdown. */
	List<Ledger.Job> drainGivenBack() {
		List<Ledger.Job> left = new ArrayList<>();
		this.releases.drainTo(left);
		return left;
	}

	void run(Shift shift) {
		List<Ledger.Result> batch = new ArrayList<>();
		List<Ledger.Job> unsent = new ArrayList<>();
		while (shift.isDraining() || !this.results.isEmpty()) {
			try {
				Ledger.Result first = this.results.poll(50, TimeUnit.MILLISECONDS);
				if (first != null) {
					batch.add(first);
					this.results.drainTo(batch, WRITE_BATCH - 1);
				}
				this.releases.drainTo(unsent);
				if (!batch.isEmpty() || !unsent.isEmpty()) {
					write(batch, unsent);
					batch.clear();
					unsent.clear();
				}
			}
			catch (InterruptedException ex) {
				// Stopping: one last try; outcomes not recorded leave their rows in
				// flight
				// and the next lease holder retries them (flagged).
				this.results.drainTo(batch);
				this.releases.drainTo(unsent);
				try {
					this.ledger.record(batch, this.lease.instanceId());
					this.ledger.release(unsent, this.lease.instanceId());
				}
				catch (RuntimeException failed) {
					log.warn("Could not record {} outcomes at shutdown: {}", batch.size(), failed.getMessage());
				}
				return;
			}
		}
	}

	private void write(List<Ledger.Result> batch, List<Ledger.Job> unsent) throws InterruptedException {
		while (true) {
			try {
				this.ledger.record(batch, this.lease.instanceId());
				this.ledger.release(unsent, this.lease.instanceId());
				break;
			}
			catch (RuntimeException ex) {
				// Keep the outcomes until the database takes them: losing them would
				// resend.
				log.warn("Recording {} outcomes failed, retrying: {}", batch.size(), ex.getMessage());
				Thread.sleep(1000);
			}
		}
		Set<Long> touched = new HashSet<>();
		for (Ledger.Result result : batch) {
			long id = result.job().announcementId();
			touched.add(id);
			try {
				followUp(id, result);
			}
			catch (RuntimeException ex) {
				log.warn("Follow-up of an outcome failed (recorded anyway): {}", ex.getMessage());
			}
		}
		for (long id : touched) {
			try {
				if (this.announcements.markSentIfComplete(id)) {
					this.failures.forget(id);
				}
			}
			catch (RuntimeException ex) {
				log.warn("Completion check failed: {}", ex.getMessage());
			}
		}
	}

	private void followUp(long announcementId, Ledger.Result result) {
		if (result.state() == DeliveryState.BLOCKED) {
			this.conversations.markStatus(result.job().conversationRef(), ConversationStatus.BLOCKED);
		}
		if (result.tally() == RetryPolicy.Tally.NOT_COUNTED) {
			return;
		}
		String reason = this.failures.record(announcementId, result.tally() == RetryPolicy.Tally.FAILURE,
				result.reason());
		if (reason != null && this.announcements.pauseAutomatically(announcementId, reason)) {
			log.warn("Announcement {}: {}", announcementId, reason);
			this.meters.counter("herald.dispatch.auto.paused").increment();
		}
	}

}
