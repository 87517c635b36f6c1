package dev.herald.dispatch;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The marker thread: a group commit of call starts. Whoever is about to call waits for
 * one short statement that marks all the calls starting at about the same moment, instead
 * of one transaction per call (see {@link CallLedger#markStarted}).
 */
final class StartMarker<J extends CallLedger.Call> {

	private static final Logger log = LoggerFactory.getLogger(StartMarker.class);

	/** Starts marked in one statement at most. */
	private static final int BATCH = 256;

	private final CallLedger<J> ledger;

	private final SendLease lease;

	private final BlockingQueue<Request<J>> starts = new LinkedBlockingQueue<>();

	StartMarker(CallLedger<J> ledger, SendLease lease) {
		this.ledger = ledger;
		this.lease = lease;
	}

	/** What the ledger said about a call about to start. */
	enum Mark {

		/** Recorded as started: the call may leave. */
		SEND,
		/**
		 * Not ours to send any more: paused, canceled, the row recovered, or the lease
		 * lost.
		 */
		REFUSED,
		/** The database could not be asked: nothing was recorded, nothing may be sent. */
		UNKNOWN

	}

	/** Has this job's call start recorded; blocks until the marker's statement ran. */
	Mark mark(J job) throws InterruptedException {
		Request<J> request = new Request<>(job, new CompletableFuture<>());
		this.starts.add(request);
		try {
			return request.mark().get();
		}
		catch (ExecutionException ex) {
			log.debug("Could not mark the start of a call: {}", ex.getCause().getMessage());
			return Mark.UNKNOWN;
		}
	}

	void run(Shift shift) {
		List<Request<J>> batch = new ArrayList<>();
		while (shift.isDraining()) {
			try {
				Request<J> first = this.starts.poll(100, TimeUnit.MILLISECONDS);
				if (first == null) {
					continue;
				}
				batch.add(first);
				this.starts.drainTo(batch, BATCH - 1);
				try {
					Set<?> marked = this.ledger.markStarted(batch.stream().map(Request::job).toList(),
							this.lease.instanceId());
					batch.forEach((r) -> r.mark().complete(marked.contains(r.job().key()) ? Mark.SEND : Mark.REFUSED));
				}
				catch (RuntimeException ex) {
					batch.forEach((r) -> r.mark().completeExceptionally(ex));
				}
				batch.clear();
			}
			catch (InterruptedException ex) {
				break;
			}
		}
		List<Request<J>> left = new ArrayList<>();
		this.starts.drainTo(left);
		left.forEach((r) -> r.mark().complete(Mark.REFUSED));
	}

	private record Request<J>(J job, CompletableFuture<Mark> mark) {
	}

}
