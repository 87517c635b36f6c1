package dev.herald.bot;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The periodic re-read of the rosters of the teams Herald is in, which catches membership
 * changes whose {@code teamMemberAdded}/{@code teamMemberRemoved} events were lost.
 *
 * @param interval how old a roster may get before it is read again; {@code 0} switches
 * the refresh off
 * @param tick how often an instance looks for one due team; at most one team's roster is
 * read per tick, and each of its pages takes a slot of the Connector budget, so the
 * refresh never competes with a broadcast for more than a trickle
 */
@Validated
@ConfigurationProperties("herald.bot.roster-refresh")
public record RosterRefreshProperties(@NotNull @DefaultValue("24h") Duration interval,
		@NotNull @DefaultValue("1m") Duration tick) {
}
