package dev.herald.dispatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.announcement.AnnouncementEvents;
import dev.herald.announcement.Announcements;
import dev.herald.audience.AudienceResolver;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Acts on lifecycle events inside the transaction that published them: a started send
 * gets its ledger, a canceled one loses its pending rows.
 */
@Component
class Freezer {

	private static final Logger log = LoggerFactory.getLogger(Freezer.class);

	/** Rows frozen at once from which the ledger's statistics are refreshed. */
	private static final int LARGE_FREEZE = 10_000;

	private final Ledger ledger;

	private final Announcements announcements;

	private final AudienceResolver audiences;

	private final RenditionAssignment renditions;

	Freezer(Ledger ledger, Announcements announcements, AudienceResolver audiences, RenditionAssignment renditions) {
		this.ledger = ledger;
		this.renditions = renditions;
		this.announcements = announcements;
		this.audiences = audiences;
	}

	@EventListener
	void on(AnnouncementEvents.SendStarted event) {
		if (AnnouncementEvents.SendStarted.GIVEN_RECIPIENTS.equals(event.audience())) {
			// Frozen by the caller (GivenRecipients) before the start: nothing to add.
			this.renditions.assign(event.announcementId());
			this.announcements.markSentIfComplete(event.announcementId());
			return;
		}
		// An announcement with a stored audience is resolved from it; one without goes to
		// everyone who has the app, as before audiences existed.
		int recipients = this.audiences.freeze(event.announcementId())
			.map(AudienceResolver.Frozen::recipients)
			.orElseGet(() -> this.ledger.freezeInstalledAudience(event.announcementId()));
		// Each person's language variant, chosen once, before anything is claimed.
		this.renditions.assign(event.announcementId());
		log.info("Announcement {}: audience frozen at {} recipients", event.announcementId(), recipients);
		// An empty audience is complete at once.
		this.announcements.markSentIfComplete(event.announcementId());
	}

	/**
	 * After a large freeze, fresh planner statistics for the ledger, once the rows are
	 * committed. Without them PostgreSQL still believed the table small and planned each
	 * claim of 500 rows as a scan and sort of the whole new ledger: the first 40 s of a
	 * 1M-recipient send ran at 400 deliveries/s until autovacuum's own analyze came
	 * round.
	 */
	@TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
	void analyzeAfterLargeFreeze(AnnouncementEvents.SendStarted event) {
		if (this.ledger.recipients(event.announcementId()) >= LARGE_FREEZE) {
			this.ledger.analyze();
		}
	}

	@EventListener
	void on(AnnouncementEvents.SendCanceled event) {
		int canceled = this.ledger.cancelPending(event.announcementId());
		log.info("Announcement {}: canceled, {} pending deliveries dropped", event.announcementId(), canceled);
	}

}
