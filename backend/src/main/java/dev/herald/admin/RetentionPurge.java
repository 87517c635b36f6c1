package dev.herald.admin;

import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.announcement.AnnouncementImages;
import dev.herald.audience.AudienceRetention;
import dev.herald.audit.AuditAction;
import dev.herald.audit.AuditLog;
import dev.herald.dispatch.LedgerRetention;
import dev.herald.followup.FollowUpRetention;
import dev.herald.link.LinkClicks;
import dev.herald.notification.NotificationRetention;
import dev.herald.security.Actor;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Deletes, for announcements that finished more than the configured number of days ago,
 * every row that names a person: the ledger (deliveries) and the urgent lane's feed
 * alerts, card responses (acknowledgements and votes), test-copy button presses, the
 * recipients an API client named (UPNs, mail addresses), and the people and CSV addresses
 * picked for the audience. Besides, read receipts not updated for that long, uploaded
 * images no announcement or template uses any more, and the directory entries of people
 * who left the organisation that long ago; and the items of updates, deletions and
 * reminders (who each reached). The counts on the announcement stay, so reports keep
 * their totals; the announcement is marked with when its details were purged. The admin
 * page lists exactly this. Each row is deleted by the module that owns its table, in this
 * one transaction.
 */
@Component
class RetentionPurge {

	private static final Logger log = LoggerFactory.getLogger(RetentionPurge.class);

	private final LedgerRetention ledger;

	private final ApplicationEventPublisher events;

	private final NotificationRetention notifications;

	private final AudienceRetention audiences;

	private final AnnouncementImages images;

	private final AdminSettings settings;

	private final AuditLog audit;

	private final FollowUpRetention followUps;

	private final LinkClicks clicks;

	RetentionPurge(LedgerRetention ledger, ApplicationEventPublisher events, NotificationRetention notifications,
			AudienceRetention audiences, AnnouncementImages images, AdminSettings settings, AuditLog audit,
			FollowUpRetention followUps, LinkClicks clicks) {
		this.followUps = followUps;
		this.clicks = clicks;
		this.ledger = ledger;
		this.events = events;
		this.notifications = notifications;
		this.audiences = audiences;
		this.images = images;
		this.settings = settings;
		this.audit = audit;
	}

	/** Runs every night at 03:17 (server time); does nothing while retention is 0. */
	@Scheduled(cron = "${herald.retention.cron:0 17 3 * * *}")
	void nightly() {
		int days = SettingsForm.retentionDays(this.settings);
		if (days > 0) {
			Result result = purge(days, Actor.system("retention job"));
			log.info("Retention purge: personal data of {} announcements older than {} days deleted ({} deliveries, "
					+ "{} other rows)", result.announcements(), days, result.deliveries(), result.otherRows());
		}
	}

	/** Purges and records one audit row (also when nothing was old enough). */
	@Transactional
	Result purge(int days, Actor actor) {
		LedgerRetention.Purged purged = this.ledger.purge(days);
		PersonalDataExpired expired = new PersonalDataExpired(purged.announcementIds(), days, new AtomicInteger());
		this.events.publishEvent(expired);
		int other = expired.deleted().get() + purged.urgentAlerts() + this.notifications.purge(purged.announcementIds())
				+ this.audiences.purge(purged.announcementIds(), days) + this.images.purgeUnreferenced(days)
				+ this.followUps.purge(purged.announcementIds()) + this.clicks.purge(purged.announcementIds());
		Result result = new Result(purged.announcementIds().size(), purged.deliveries(), other);
		this.audit.record(actor, AuditAction.RETENTION_PURGE, null,
				"personal data of " + result.announcements() + " announcements finished over " + days
						+ " days ago deleted (" + result.deliveries() + " deliveries, " + other + " other rows)");
		return result;
	}

	/**
	 * What a purge deleted.
	 *
	 * @param announcements announcements whose per-recipient details went
	 * @param deliveries their ledger rows
	 * @param otherRows every other personal-data row deleted
	 */
	record Result(int announcements, int deliveries, int otherRows) {
	}

}
