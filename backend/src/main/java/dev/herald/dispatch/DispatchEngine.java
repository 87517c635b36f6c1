package dev.herald.dispatch;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.worker.WorkerThreads;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The send engine, shaped like listmonk's manager: it only starts and stops the rooms.
 * The {@link LeaseKeeper} holds the tenant {@link SendLease}; the delivery lane of the
 * paced-call engine ({@link PacedCalls} over the {@link DeliveryLedger}, calls made by
 * {@link DeliveryCalls}) sends while it is held.
 */
@Component
class DispatchEngine implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(DispatchEngine.class);

	private final DispatchProperties properties;

	private final SendLease lease;

	private final LeaseKeeper leaseKeeper;

	private final PacedCalls<Ledger.Job> deliveries;

	private final Shift shift = new Shift();

	private final WorkerThreads leaseThread = new WorkerThreads();

	DispatchEngine(DispatchProperties properties, SendLease lease, LeaseKeeper leaseKeeper, CallEngine engine,
			DeliveryLedger ledger, DeliveryCalls calls, StoppedSends stopped) {
		this.properties = properties;
		this.lease = lease;
		this.leaseKeeper = leaseKeeper;
		this.deliveries = engine.lane(
				new PacedCalls.Lane("sender", "herald.dispatch", properties.concurrency(), properties.batchSize(),
						properties.queueCapacity(), properties.pollInterval()),
				ledger, calls, RetryPolicy.of(properties), stopped);
	}

	@Override
	public void start() {
		if (!this.properties.enabled()) {
			return;
		}
		this.shift.begin();
		this.leaseThread.start("herald-lease", () -> this.leaseKeeper.run(this.shift));
		this.deliveries.start();
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
		this.deliveries.stop();
		this.shift.endDraining();
		this.leaseThread.stop(Duration.ofSeconds(10));
		try {
			this.lease.release();
		}
		catch (RuntimeException ex) {
			log.warn("Could not hand back the send lease at shutdown; it lapses: {}", ex.getMessage());
		}
	}

	@Override
	public boolean isRunning() {
		return this.shift.isOpen();
	}

}
