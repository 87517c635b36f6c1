package dev.herald.dispatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.worker.WorkerThreads;

/**
 * One lane of the paced-call engine: the rooms working through one {@link CallLedger}
 * while this instance holds the tenant send lease. The {@link Claimer} fills a bounded
 * {@link JobQueue}; N {@link Sender}s take a job each, have the {@link CallMaker} prepare
 * it, have its start recorded by the {@link StartMarker} (one statement for all calls
 * starting at about the same moment), take their slot of the one tenant {@link Pacer} and
 * call Teams; the {@link OutcomeWriter} records what {@link RetryPolicy} made of each
 * reply. Sends and follow-ups are two lanes of the same rooms, sharing the pacer.
 *
 * @param <J> a claimed row of the lane's ledger
 */
public final class PacedCalls<J extends CallLedger.Call> {

	private static final Logger log = LoggerFactory.getLogger(PacedCalls.class);

	private final Lane lane;

	private final CallLedger<J> ledger;

	private final SendLease lease;

	private final JobQueue<J> queue;

	private final Claimer<J> claimer;

	private final StartMarker<J> marker;

	private final Sender<J> sender;

	private final OutcomeWriter<J> writer;

	private final Shift shift = new Shift();

	private final WorkerThreads senders = new WorkerThreads();

	private final WorkerThreads services = new WorkerThreads();

	PacedCalls(Lane lane, CallLedger<J> ledger, CallMaker<J> maker, RetryPolicy policy, SendLease lease, Pacer pacer,
			StoppedSends stopped, MeterRegistry meters) {
		this.lane = lane;
		this.ledger = ledger;
		this.lease = lease;
		this.queue = new JobQueue<>(lane.queueCapacity(), lane.meterPrefix(), meters);
		this.writer = new OutcomeWriter<>(ledger, maker, lease);
		this.marker = new StartMarker<>(ledger, lease);
		this.claimer = new Claimer<>(lane, ledger, lease, this.queue, stopped, this.writer);
		this.sender = new Sender<>(lane, this.queue, this.marker, pacer, maker, policy, this.writer, stopped, meters);
	}

	/** Starts the lane's threads; they claim only while the send lease is held. */
	public void start() {
		this.shift.begin();
		String name = this.lane.name();
		// The rooms go on while the shift says so, not the threads' own flag.
		this.services.start("herald-" + name + "-claimer", () -> this.claimer.run(this.shift));
		this.services.start("herald-" + name + "-marker", () -> this.marker.run(this.shift));
		this.services.start("herald-" + name + "-writer", () -> this.writer.run(this.shift));
		this.senders.start("herald-" + name + "-", this.lane.concurrency(), () -> this.sender.run(this.shift));
	}

	/**
	 * A clean stop: no new call starts, calls in the air finish and are recorded, claimed
	 * rows that were not sent go back to pending.
	 */
	public void stop() {
		if (!this.shift.isOpen()) {
			return;
		}
		this.shift.close();
		// Senders notice within their poll; one waiting for the pacer gets its slot, sees
		// the stop and sends nothing.
		this.senders.requestStop();
		if (!this.senders.awaitStop(Duration.ofSeconds(20))) {
			this.senders.interrupt();
		}
		this.shift.endDraining();
		this.services.stop(Duration.ofSeconds(10));
		try {
			List<J> unsent = new ArrayList<>(this.queue.drain());
			unsent.addAll(this.writer.drainGivenBack());
			this.ledger.release(unsent, this.lease.instanceId());
		}
		catch (RuntimeException ex) {
			log.warn("Could not hand back claimed {} rows at shutdown; the next lease holder recovers them: {}",
					this.lane.name(), ex.getMessage());
		}
	}

	public boolean isRunning() {
		return this.shift.isOpen();
	}

	/**
	 * A lane's shape.
	 *
	 * @param name in thread names ({@code herald-<name>-…})
	 * @param meterPrefix of its metrics ({@code <prefix>.sends}, {@code .call},
	 * {@code .in.flight}, {@code .queue})
	 * @param concurrency senders (calls in the air at most)
	 * @param batchSize rows per claim query
	 * @param queueCapacity claimed rows waiting for a sender
	 * @param pollInterval idle poll of the claimer
	 */
	public record Lane(String name, String meterPrefix, int concurrency, int batchSize, int queueCapacity,
			Duration pollInterval) {
	}

}
