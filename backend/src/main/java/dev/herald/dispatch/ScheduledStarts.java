package dev.herald.dispatch;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.announcement.Announcements;
import dev.herald.announcement.SendPolicy;
import dev.herald.worker.BackgroundWorker;

import org.springframework.stereotype.Component;

/**
 * Starts scheduled announcements when they are due, on a thread of its own (never the
 * send lease's), one transaction per announcement: a start that fails pauses that
 * announcement with its reason and the others still start. A start only makes the
 * announcement {@code preparing}; the {@link Freezer} freezes its audience. Any number of
 * instances may run this: each start takes its row with {@code SKIP LOCKED}.
 */
@Component
class ScheduledStarts extends BackgroundWorker {

	private static final Logger log = LoggerFactory.getLogger(ScheduledStarts.class);

	/** Due announcements looked at per round. */
	private static final int ROUND = 100;

	private final Announcements announcements;

	private final DispatchProperties properties;

	private final SendPolicy policy;

	ScheduledStarts(Announcements announcements, DispatchProperties properties, SendPolicy policy) {
		this.announcements = announcements;
		this.policy = policy;
		this.properties = properties;
	}

	@Override
	protected boolean enabled() {
		return this.properties.enabled();
	}

	@Override
	protected void startThreads() {
		this.threads.start("herald-scheduler", this::loop);
	}

	private void loop() {
		while (this.threads.isRunning()) {
			try {
				startDue();
			}
			catch (RuntimeException ex) {
				log.warn("Looking for scheduled announcements failed: {}", ex.getMessage());
			}
			try {
				Thread.sleep(1_000);
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	/** Starts every due announcement, each on its own. */
	void startDue() {
		List<Long> due = this.announcements.dueScheduled(ROUND);
		for (long id : due) {
			try {
				// The gate again at the time (#23): what changed since it was scheduled
				// (an audience grown past the approval threshold, say) needs approval.
				java.util.Optional<String> refused = this.policy.unapproved(id);
				if (refused.isPresent()) {
					if (this.announcements.refuseScheduledStart(id, refused.get())) {
						log.warn("Announcement {}: scheduled start refused: {}", id, refused.get());
					}
					continue;
				}
				if (this.announcements.startScheduled(id)) {
					log.info("Announcement {}: scheduled send started", id);
				}
			}
			catch (RuntimeException ex) {
				String reason = "The scheduled start failed: " + ex.getMessage();
				log.warn("Announcement {}: {}", id, reason);
				try {
					this.announcements.pauseUnprepared(id, reason);
				}
				catch (RuntimeException failed) {
					log.warn("Announcement {}: could not pause: {}", id, failed.getMessage());
				}
			}
		}
	}

}
