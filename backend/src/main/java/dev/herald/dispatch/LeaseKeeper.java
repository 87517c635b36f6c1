package dev.herald.dispatch;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.announcement.Announcements;
import dev.herald.settings.AppSettings;

import org.springframework.stereotype.Component;

/**
 * The lease thread: renews the tenant {@link SendLease}, follows the admin's send rate,
 * recovers what a previous holder left in flight when the lease is won, starts scheduled
 * sends, and completes sends that have nothing left.
 */
@Component
class LeaseKeeper {

	private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

	private final DispatchProperties properties;

	private final SendLease lease;

	private final Pacer pacer;

	private final Ledger ledger;

	private final Announcements announcements;

	private final AppSettings settings;

	private final MeterRegistry meters;

	/** The send rate last applied to the pacer (the admin's, else the configured one). */
	private int appliedRate = -1;

	LeaseKeeper(DispatchProperties properties, SendLease lease, Pacer pacer, Ledger ledger, Announcements announcements,
			AppSettings settings, MeterRegistry meters) {
		this.properties = properties;
		this.lease = lease;
		this.pacer = pacer;
		this.ledger = ledger;
		this.announcements = announcements;
		this.settings = settings;
		this.meters = meters;
		meters.gauge("herald.dispatch.lease.held", lease, (l) -> l.isHeld() ? 1 : 0);
		meters.gauge("herald.dispatch.pace", pacer, Pacer::currentRate);
	}

	void run(Shift shift) {
		long renewEvery = Math.max(200, this.properties.sendLease().toMillis() / 5);
		while (shift.isDraining()) {
			try {
				followRateSetting();
				SendLease.Renewal renewal = this.lease.renew();
				if (renewal == SendLease.Renewal.ACQUIRED) {
					takeOver();
				}
				if (renewal != SendLease.Renewal.OTHER) {
					// Scheduled starts and freezes have threads of their own
					// (ScheduledStarts, Freezer): nothing slow holds the lease up.
					for (long id : this.ledger.sendingAnnouncements()) {
						this.announcements.markSentIfComplete(id);
					}
				}
			}
			catch (RuntimeException ex) {
				// The database may be down for a while: the lease lapses by our own
				// clock, so nothing is sent meanwhile, and nothing is lost.
				log.warn("Send lease renewal or housekeeping failed: {}", ex.getMessage());
			}
			if (!Shift.sleep(Duration.ofMillis(renewEvery))) {
				return;
			}
		}
	}

	private void takeOver() {
		// The previous holder's last second of calls still counts in Teams' one-second
		// window: start after it has passed.
		this.pacer.pause(Duration.ofSeconds(1));
		// Whatever a previous holder left in flight is ours to finish now.
		Ledger.Recovered recovered = this.ledger.recoverForeign(this.lease.instanceId());
		Counter.builder("herald.dispatch.recovered")
			.tag("flagged", "true")
			.register(this.meters)
			.increment(recovered.flagged());
		Counter.builder("herald.dispatch.recovered")
			.tag("flagged", "false")
			.register(this.meters)
			.increment(recovered.unflagged());
		log.info(
				"Holding the send lease as {}; recovered {} rows left in flight ({} flagged as possibly "
						+ "duplicated, {} never started)",
				this.lease.instanceId(), recovered.flagged() + recovered.unflagged(), recovered.flagged(),
				recovered.unflagged());
	}

	/**
	 * The send rate an admin saved, else the configured one, applied when it changes.
	 * Read from the database, so whichever instance holds the lease follows a change made
	 * through any other.
	 */
	private void followRateSetting() {
		int rate = this.settings.getInt(DispatchProperties.RATE_SETTING)
			.filter((r) -> r > 0)
			.orElse(this.properties.ratePerSecond());
		if (rate != this.appliedRate) {
			if (this.appliedRate >= 0) {
				log.info("Send rate is now {} calls per second", rate);
			}
			this.appliedRate = rate;
			this.pacer.setBudget(rate);
		}
	}

}
