package dev.herald.install;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.audience.AudienceEvents;
import dev.herald.settings.AppSettings;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Turns a freeze's waiting people into install requests, in the freeze's own transaction:
 * the send and its installs start together or not at all.
 */
@Component
class InstallRequests {

	private static final Logger log = LoggerFactory.getLogger(InstallRequests.class);

	private final InstallQueue queue;

	private final TeamInstalls teams;

	private final AppSettings settings;

	InstallRequests(InstallQueue queue, TeamInstalls teams, AppSettings settings) {
		this.queue = queue;
		this.teams = teams;
		this.settings = settings;
	}

	@EventListener
	void on(AudienceEvents.InstallsNeeded event) {
		int requested = this.queue.enqueue(event.announcementId());
		int teams = this.teams.enqueue(event.announcementId());
		if (!this.settings.proactiveInstall()) {
			// Only people known from a team roster can still be reached (a created chat).
			this.queue.failQueued(Installer.SWITCHED_OFF);
			this.queue.failFromInstalls();
			this.teams.failQueued(Installer.TEAM_SWITCHED_OFF);
			this.teams.failFromInstalls();
			log.info("Announcement {}: {} people wait for Herald; proactive install is off, so only those known "
					+ "from a team roster are reached", event.announcementId(), event.people());
			return;
		}
		log.info("Announcement {}: {} people and channels wait for Herald, {} new install requests, {} teams to "
				+ "add Herald to", event.announcementId(), event.people(), requested, teams);
	}

}
