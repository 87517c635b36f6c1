package dev.herald.bot;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.teams.TeamsProperties;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Re-reads one due team's roster per tick ({@link RosterRefreshProperties}): teams lose
 * events (a missed callback, Herald down during Teams' one re-post), and a stale roster
 * means 1:1 chats created for people who left, or people who joined never reached by the
 * roster route.
 */
@Component
class RosterRefresh {

	private static final Logger log = LoggerFactory.getLogger(RosterRefresh.class);

	private final TeamRosters rosters;

	private final TeamSync sync;

	private final RosterRefreshProperties properties;

	private final String tenantId;

	RosterRefresh(TeamRosters rosters, TeamSync sync, RosterRefreshProperties properties, TeamsProperties teams) {
		this.rosters = rosters;
		this.sync = sync;
		this.properties = properties;
		this.tenantId = teams.tenantId();
	}

	@Scheduled(fixedDelayString = "${herald.bot.roster-refresh.tick:1m}",
			initialDelayString = "${herald.bot.roster-refresh.tick:1m}")
	void tick() {
		if (this.properties.interval().isZero()) {
			return;
		}
		try {
			this.rosters.claimDue(this.tenantId).ifPresent((due) -> {
				log.debug("Refreshing the roster of team {}", due.teamId());
				this.sync.sync(this.tenantId, due.teamId(), due.serviceUrl());
			});
		}
		catch (RuntimeException ex) {
			log.warn("Roster refresh failed: {}", ex.toString());
		}
	}

}
