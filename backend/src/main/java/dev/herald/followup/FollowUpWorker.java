package dev.herald.followup;

import java.time.Duration;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.announcement.Announcements;
import dev.herald.dispatch.CallEngine;
import dev.herald.dispatch.CallLedger;
import dev.herald.dispatch.PacedCalls;
import dev.herald.dispatch.RecalledSends;
import dev.herald.dispatch.SendLease;
import dev.herald.worker.WorkerThreads;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Plans operations on copies already sent while this instance holds the tenant send
 * lease: a housekeeping loop recovers items a dead holder left, plans copies delivered
 * late, recalls expired announcements, starts automatic reminders and completes
 * operations. The calls themselves are made by the paced-call engine's rooms, the same as
 * the sends' ({@link PacedCalls} over the {@link FollowUpLedger}, each call built by
 * {@link FollowUpCalls}), on the one tenant pacer.
 */
@Component
class FollowUpWorker implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(FollowUpWorker.class);

	private final FollowUpLedger ledger;

	private final FollowUps followUps;

	private final FollowUpProperties properties;

	private final SendLease lease;

	private final RecalledSends recalledSends;

	private final Announcements announcements;

	private final PacedCalls<FollowUpLedger.Item> calls;

	private final WorkerThreads housekeeper = new WorkerThreads();

	FollowUpWorker(FollowUpLedger ledger, FollowUps followUps, FollowUpProperties properties, SendLease lease,
			RecalledSends recalledSends, Announcements announcements, CallEngine engine, FollowUpCalls calls) {
		this.recalledSends = recalledSends;
		this.ledger = ledger;
		this.followUps = followUps;
		this.properties = properties;
		this.lease = lease;
		this.announcements = announcements;
		this.calls = engine.lane(
				new PacedCalls.Lane("follow-up", "herald.follow.up", properties.concurrency(), properties.batchSize(),
						Math.max(properties.batchSize(), properties.concurrency()) * 2, Duration.ofMillis(250)),
				ledger, calls, engine.retryPolicy(properties.maxAttempts(), properties.maxThrottledAttempts()));
	}

	@Override
	public void start() {
		this.housekeeper.start("herald-follow-up-housekeeping", this::housekeepingLoop);
		this.calls.start();
	}

	/**
	 * Stops before the dispatcher hands the send lease back; queued items go back to
	 * pending, calls in the air finish and are recorded.
	 */
	@Override
	public void stop() {
		this.housekeeper.requestStop();
		this.calls.stop();
		this.housekeeper.awaitStop(Duration.ofSeconds(20));
	}

	@Override
	public boolean isRunning() {
		return this.housekeeper.isRunning();
	}

	private void housekeepingLoop() {
		while (this.housekeeper.isRunning()) {
			if (this.lease.isHeld()) {
				try {
					housekeeping();
				}
				catch (RuntimeException ex) {
					log.warn("Follow-up housekeeping failed: {}", ex.getMessage());
				}
			}
			if (!sleep(this.properties.tick())) {
				return;
			}
		}
	}

	void housekeeping() {
		CallLedger.Recovered recovered = this.ledger.recoverForeign(this.lease.instanceId());
		if (recovered.flagged() + recovered.unflagged() > 0) {
			log.info("Recovered {} follow-up items left in flight ({} flagged as possibly done twice)",
					recovered.flagged() + recovered.unflagged(), recovered.flagged());
		}
		for (long id : this.announcements.recallDueExpired()) {
			log.info("Announcement {}: expired, recalled", id);
		}
		for (Map.Entry<Long, String> due : this.announcements.takeDueAutoReminders()) {
			try {
				this.followUps.remind(due.getKey(), due.getValue(), "auto-reminder");
			}
			catch (RuntimeException ex) {
				log.warn("Announcement {}: automatic reminder not sent: {}", due.getKey(), ex.getMessage());
			}
		}
		this.recalledSends.cancelLeftovers();
		for (long op : this.ledger.planning()) {
			int added = this.ledger.planCopies(op);
			if (added > 0) {
				log.info("Operation {}: {} copies delivered meanwhile added", op, added);
			}
			this.ledger.endPlanningIfSettled(op);
		}
		for (long op : this.ledger.completeFinished()) {
			log.info("Operation {} done", op);
		}
	}

	private static boolean sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
