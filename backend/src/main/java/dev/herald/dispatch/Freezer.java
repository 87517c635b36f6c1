package dev.herald.dispatch;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.announcement.AnnouncementEvents;
import dev.herald.announcement.Announcements;
import dev.herald.announcement.SendPolicy;
import dev.herald.audience.AudienceEvents;
import dev.herald.audience.AudienceResolver;
import dev.herald.settings.AppSettings;
import dev.herald.worker.WorkerThreads;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Freezes the audience of preparing announcements into the ledger, in the background, so
 * that starting a send answers at once whatever the audience size. One thread per
 * instance takes one announcement at a time under a {@link FreezeClaims lease}: the
 * audience module takes its snapshot (Graph pages committed one by one, outside any
 * transaction), then one transaction moves it into the ledger, counts it and makes the
 * announcement {@code sending}. A crash before that commit leaves nothing in the ledger;
 * whoever takes the lease next starts over. A freeze that cannot be done (a group that
 * cannot be read) pauses its announcement with the reason; the send lease thread is never
 * involved.
 */
@Component
class Freezer implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(Freezer.class);

	/** Rows frozen at once from which the ledger's statistics are refreshed. */
	private static final int LARGE_FREEZE = 10_000;

	private final Ledger ledger;

	private final Announcements announcements;

	private final AudienceResolver audiences;

	private final AppSettings settings;

	private final FreezeClaims claims;

	private final TransactionTemplate transactions;

	private final ApplicationEventPublisher events;

	private final DispatchProperties properties;

	private final RenditionAssignment renditions;

	private final UrgentAlerts urgent;

	private final SendPolicy policy;

	private final UUID me = UUID.randomUUID();

	private final Semaphore wake = new Semaphore(0);

	/** The announcement being frozen, for the heartbeat; null when idle. */
	private volatile Long current;

	/** Another instance took the current job over: stop it. */
	private volatile boolean lost;

	private final WorkerThreads threads = new WorkerThreads();

	private ScheduledExecutorService heartbeat;

	Freezer(Ledger ledger, Announcements announcements, AudienceResolver audiences, FreezeClaims claims,
			PlatformTransactionManager transactionManager, ApplicationEventPublisher events,
			DispatchProperties properties, AppSettings settings, RenditionAssignment renditions, SendPolicy policy,
			UrgentAlerts urgent) {
		this.urgent = urgent;
		this.ledger = ledger;
		this.policy = policy;
		this.settings = settings;
		this.renditions = renditions;
		this.announcements = announcements;
		this.audiences = audiences;
		this.claims = claims;
		this.transactions = new TransactionTemplate(transactionManager);
		this.events = events;
		this.properties = properties;
	}

	@Override
	public void start() {
		if (!this.properties.enabled()) {
			return;
		}
		this.heartbeat = Executors.newSingleThreadScheduledExecutor(WorkerThreads.daemons("herald-freezer-lease"));
		long every = Math.max(100, this.properties.freezeLease().toMillis() / 5);
		this.heartbeat.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
		this.threads.start("herald-freezer", this::work);
	}

	@Override
	public void stop() {
		if (!this.threads.isRunning()) {
			return;
		}
		this.threads.requestStop();
		this.wake.release();
		// A freeze in its last transaction finishes; one reading Graph stops at its
		// next page and is redone by whoever takes it next.
		this.threads.awaitStop(Duration.ofSeconds(20));
		this.heartbeat.shutdownNow();
	}

	@Override
	public boolean isRunning() {
		return this.threads.isRunning();
	}

	@TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
	void wakeOn(AnnouncementEvents.SendStarted event) {
		this.wake.release();
	}

	@TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
	void wakeOn(AnnouncementEvents.SendResumed event) {
		this.wake.release();
	}

	/** Named recipients are frozen by the caller: the send may be complete at once. */
	@EventListener
	void on(AnnouncementEvents.SendStarted event) {
		if (AnnouncementEvents.SendStarted.GIVEN_RECIPIENTS.equals(event.audience())) {
			// Frozen by the caller (GivenRecipients) before the start: each person's
			// language variant, in the caller's transaction, before anything is claimed.
			this.renditions.assign(event.announcementId());
			this.urgent.enqueue(event.announcementId());
			this.announcements.markSentIfComplete(event.announcementId());
		}
	}

	/**
	 * After the cancel (or recall) has committed: no row is claimed any more (claims need
	 * a sending announcement), and the ledger rows are changed outside the transaction
	 * that locked the announcement. If this fails, the follow-up housekeeping's sweep
	 * ({@link RecalledSends}) cancels what is left.
	 */
	@TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
	void on(AnnouncementEvents.SendCanceled event) {
		int canceled = this.ledger.cancelPending(event.announcementId());
		log.info("Announcement {}: canceled, {} pending deliveries dropped", event.announcementId(), canceled);
	}

	private void work() {
		while (this.threads.isRunning()) {
			Optional<Long> next;
			try {
				next = this.claims.claim(this.me, this.properties.freezeLease());
			}
			catch (RuntimeException ex) {
				log.warn("Looking for audiences to freeze failed: {}", ex.getMessage());
				next = Optional.empty();
			}
			if (next.isPresent()) {
				freeze(next.get());
				continue;
			}
			try {
				this.wake.tryAcquire(this.properties.pollInterval().toMillis() * 4, TimeUnit.MILLISECONDS);
				this.wake.drainPermits();
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	private void freeze(long id) {
		this.lost = false;
		this.current = id;
		long started = System.nanoTime();
		boolean done = false;
		try {
			// The gate's backstop, once per send (never per message): whatever path
			// started it, what is frozen must be what was approved, when approval
			// applies (#23).
			Optional<String> refused = this.policy.unapproved(id);
			if (refused.isPresent()) {
				done = true;
				this.announcements.refuseStart(id, refused.get());
				log.warn("Announcement {}: not frozen: {}", id, refused.get());
				return;
			}
			Optional<AudienceResolver.Snapshot> snapshot = this.audiences.snapshot(id,
					(people) -> this.threads.isRunning() && !this.lost
							&& this.announcements.reportPrepared(id, people));
			// An approval binds the audience as resolved, with its size: a group that
			// grew from 5 to 1,837 since is not what was approved (#23).
			Optional<String> grown = snapshot.flatMap((s) -> this.policy.outgrown(id, s.recipients()));
			if (grown.isPresent()) {
				done = true;
				this.announcements.refuseStart(id, grown.get());
				log.warn("Announcement {}: not frozen: {}", id, grown.get());
				return;
			}
			Ledger.Frozen frozen = this.transactions.execute((status) -> {
				if (this.lost || !this.announcements.lockPreparing(id) || !this.claims.hold(id, this.me)) {
					return null;
				}
				Ledger.Frozen rows = snapshot.isPresent() ? this.ledger.moveSnapshot(id)
						: this.ledger.freezeInstalledAudience(id, this.settings.allowGuests());
				// Each person's language variant, chosen once, before anything is
				// claimed.
				this.renditions.assign(id);
				// An urgent announcement's feed alerts, with the ledger or not at all.
				this.urgent.enqueue(id);
				this.announcements.markFrozen(id);
				if (rows.installing() > 0) {
					// Install requests join this transaction: the send and its installs
					// start together or not at all.
					this.events.publishEvent(new AudienceEvents.InstallsNeeded(id, rows.installing()));
				}
				return rows;
			});
			done = true;
			if (frozen == null) {
				log.info("Announcement {}: freeze abandoned (canceled, or taken over by another instance)", id);
				return;
			}
			log.info("Announcement {}: audience frozen at {} recipients ({} awaiting install, {} opted out) in {} ms",
					id, frozen.recipients(), frozen.installing(), frozen.optedOut(),
					TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
			if (frozen.recipients() >= LARGE_FREEZE) {
				// Fresh planner statistics once the rows are committed: without them
				// PostgreSQL still believed the table small and planned each claim of
				// 500 rows as a scan and sort of the whole new ledger (400/s for the
				// first 40 s of a 1M send). Not inside the freeze's transaction: tried,
				// the claims of a 10k send were then planned for one row (1.5 s each).
				this.ledger.analyze();
			}
			// An empty audience is complete at once.
			this.announcements.markSentIfComplete(id);
		}
		catch (AudienceResolver.SnapshotAbandonedException ex) {
			done = true;
			log.info("Announcement {}: freeze stopped (canceled, shutting down or taken over)", id);
		}
		catch (DataAccessException ex) {
			// The database is away: the claim lapses and the freeze is redone later.
			log.warn("Announcement {}: freezing the audience failed, will retry: {}", id, ex.getMessage());
			sleep(Duration.ofSeconds(1));
		}
		catch (RuntimeException ex) {
			done = true;
			// A group that cannot be read, a failed directory sync: the author sees why.
			String reason = (ex instanceof AudienceResolver.AudienceResolutionException) ? ex.getMessage()
					: "The audience could not be prepared: " + ex.getMessage();
			log.warn("Announcement {}: {}", id, reason);
			try {
				this.announcements.pauseUnprepared(id, reason);
			}
			catch (RuntimeException failed) {
				log.warn("Announcement {}: could not pause: {}", id, failed.getMessage());
				done = false;
			}
		}
		finally {
			this.current = null;
			if (!this.lost) {
				cleanUp(id, done);
			}
		}
	}

	/**
	 * The snapshot is in the ledger (or not needed any more); the claim is handed back
	 * either way, so an unfinished freeze is taken up again at once rather than after its
	 * lease.
	 */
	private void cleanUp(long id, boolean done) {
		try {
			if (done) {
				this.audiences.discard(id);
			}
			this.claims.release(id, this.me);
		}
		catch (RuntimeException ex) {
			log.warn("Announcement {}: could not clean up its audience snapshot: {}", id, ex.getMessage());
		}
	}

	private void renew() {
		Long id = this.current;
		if (id == null) {
			return;
		}
		try {
			if (!this.claims.renew(id, this.me, this.properties.freezeLease())) {
				this.lost = true;
			}
		}
		catch (RuntimeException ex) {
			log.debug("Renewing the freeze lease failed: {}", ex.getMessage());
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
