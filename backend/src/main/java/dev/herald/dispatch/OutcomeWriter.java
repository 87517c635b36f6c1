package dev.herald.dispatch;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer thread of one ledger: records outcomes in batches (one statement moves the
 * row states and their group's counts), hands back claimed rows that were not sent, then
 * tells the {@link CallMaker} what was written (blocked chats, automatic pause,
 * completion).
 */
final class OutcomeWriter<J extends CallLedger.Call> {

	private static final Logger log = LoggerFactory.getLogger(OutcomeWriter.class);

	/** Outcomes the writer takes in one statement. */
	private static final int WRITE_BATCH = 2000;

	private final CallLedger<J> ledger;

	private final CallMaker<J> maker;

	private final SendLease lease;

	private final BlockingQueue<CallLedger.Outcome<J>> results = new LinkedBlockingQueue<>();

	/** Claimed jobs that were not sent and go back to pending. */
	private final BlockingQueue<J> releases = new LinkedBlockingQueue<>();

	OutcomeWriter(CallLedger<J> ledger, CallMaker<J> maker, SendLease lease) {
		this.ledger = ledger;
		this.maker = maker;
		this.lease = lease;
	}

	/** An outcome to record. */
	void record(J job, RetryPolicy.Decision decision) {
		this.results.add(new CallLedger.Outcome<>(job, decision));
	}

	/** A claimed job that was not sent: its row goes back (pending, or canceled). */
	void giveBack(J job) {
		this.releases.add(job);
	}

	void giveBack(Collection<J> jobs) {
		this.releases.addAll(jobs);
	}

	/** Jobs given back and not yet written, at shutdown. */
	List<J> drainGivenBack() {
		List<J> left = new ArrayList<>();
		this.releases.drainTo(left);
		return left;
	}

	void run(Shift shift) {
		List<CallLedger.Outcome<J>> batch = new ArrayList<>();
		List<J> unsent = new ArrayList<>();
		while (shift.isDraining() || !this.results.isEmpty()) {
			try {
				CallLedger.Outcome<J> first = this.results.poll(50, TimeUnit.MILLISECONDS);
				if (first != null) {
					batch.add(first);
					this.results.drainTo(batch, WRITE_BATCH - 1);
				}
				this.releases.drainTo(unsent);
				if (!batch.isEmpty() || !unsent.isEmpty()) {
					write(batch, unsent);
					batch = new ArrayList<>();
					unsent.clear();
				}
			}
			catch (InterruptedException ex) {
				// Stopping: one last try; outcomes not recorded leave their rows in
				// flight and the next lease holder retries them (flagged).
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

	private void write(List<CallLedger.Outcome<J>> batch, List<J> unsent) throws InterruptedException {
		while (true) {
			try {
				if (!batch.isEmpty()) {
					this.ledger.record(batch, this.lease.instanceId());
				}
				if (!unsent.isEmpty()) {
					this.ledger.release(unsent, this.lease.instanceId());
				}
				break;
			}
			catch (RuntimeException ex) {
				// Keep the outcomes until the database takes them: losing them would
				// redo the calls.
				log.warn("Recording {} outcomes failed, retrying: {}", batch.size(), ex.getMessage());
				Thread.sleep(1000);
			}
		}
		if (!batch.isEmpty()) {
			try {
				this.maker.written(batch);
			}
			catch (RuntimeException ex) {
				log.warn("Follow-up of outcomes failed (recorded anyway): {}", ex.getMessage());
			}
		}
	}

}
