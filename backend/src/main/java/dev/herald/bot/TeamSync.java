package dev.herald.bot;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import dev.herald.conversation.ChannelConversation;
import dev.herald.conversation.Conversations;
import dev.herald.conversation.TeamMember;
import dev.herald.conversation.TeamMembers;
import dev.herald.teams.CallBudget;
import dev.herald.teams.ConnectorClient;
import dev.herald.teams.ConnectorReply;

import org.springframework.stereotype.Component;
import org.springframework.web.util.UriUtils;

/**
 * Learns a team when Herald is added to it: its channels (places Herald may post) and its
 * roster (people Herald may later reach 1:1).
 * <p>
 * Roster members are stored with what Teams gives (Teams user id, Entra object id, name)
 * in {@code team_member}, not as personal chats: creating a 1:1 chat per member here
 * would spend the tenant's Connector budget (create and send share it) on people who may
 * never be addressed, and make an install of a 5,000-person team take minutes. Teams
 * creates the same chat id for the same person whenever asked, so a sender can do it
 * lazily with {@code ConnectorClient.createPersonalConversation} when an announcement
 * targets a team.
 */
@Component
class TeamSync {

	private static final Logger log = LoggerFactory.getLogger(TeamSync.class);

	/** Install events come in pairs (installationUpdate + conversationUpdate). */
	private static final Duration RESYNC_GUARD = Duration.ofMinutes(1);

	/** A safety stop against a Connector that keeps returning continuation tokens. */
	private static final int MAX_PAGES = 2_000;

	private final ConnectorClient connector;

	private final Conversations conversations;

	private final TeamMembers members;

	private final BotOutbox outbox;

	private final BotProperties properties;

	private final Map<String, Instant> recentlySynced = new ConcurrentHashMap<>();

	private final TeamRosters rosters;

	TeamSync(ConnectorClient connector, Conversations conversations, TeamMembers members, BotOutbox outbox,
			BotProperties properties, TeamRosters rosters) {
		this.connector = connector;
		this.conversations = conversations;
		this.members = members;
		this.outbox = outbox;
		this.properties = properties;
		this.rosters = rosters;
	}

	/**
	 * Herald left the team: no roster refresh for it, and a later install syncs at once.
	 */
	void forget(String tenantId, String teamId) {
		this.recentlySynced.remove(tenantId + "|" + teamId);
		this.rosters.forget(tenantId, teamId);
	}

	/** Fetches channels and roster in the background, at most once a minute per team. */
	void syncLater(String tenantId, String teamId, String serviceUrl) {
		Instant now = Instant.now();
		String key = tenantId + "|" + teamId;
		Instant last = this.recentlySynced.get(key);
		if (last != null && last.plus(RESYNC_GUARD).isAfter(now)) {
			return;
		}
		this.recentlySynced.put(key, now);
		this.recentlySynced.values().removeIf((t) -> t.plus(RESYNC_GUARD).isBefore(now));
		this.outbox.run("sync team " + teamId, () -> sync(tenantId, teamId, serviceUrl));
	}

	void sync(String tenantId, String teamId, String serviceUrl) {
		// due again one interval from now, whether or not this read completes
		this.rosters.track(tenantId, teamId, serviceUrl);
		String team = UriUtils.encodePathSegment(teamId, StandardCharsets.UTF_8);
		ConnectorClient.JsonReply channels = this.connector.get(serviceUrl, "v3/teams/" + team + "/conversations",
				CallBudget.Kind.CONVERSATION);
		if (notInTeam(channels.reply())) {
			// Removed from the team while this read waited its turn (or since the last
			// refresh): nothing to read, and no refresh of it until it is installed
			// again.
			log.info("Team {}: Herald is no longer in it, its roster is not refreshed", teamId);
			forget(tenantId, teamId);
			return;
		}
		if (channels.reply().isSuccess() && channels.body() != null) {
			for (JsonNode channel : channels.body().path("conversations")) {
				String id = Activity.text(channel.path("id"));
				if (id != null) {
					this.conversations.recordChannel(new ChannelConversation(tenantId, teamId, id, serviceUrl,
							Activity.text(channel.path("name"))));
				}
			}
		}
		else {
			log.warn("Channels of team {} not fetched: {} {}", teamId, channels.reply().status(),
					channels.reply().errorCode());
		}
		Instant readBegan = this.members.clock();
		String token = null;
		int count = 0;
		Set<String> onRoster = new HashSet<>();
		for (int page = 0; page < MAX_PAGES; page++) {
			String path = "v3/conversations/" + team + "/pagedmembers?pageSize=" + this.properties.rosterPageSize()
					+ ((token != null) ? "&continuationToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8) : "");
			ConnectorClient.JsonReply reply = this.connector.get(serviceUrl, path, CallBudget.Kind.CONVERSATION);
			if (!reply.reply().isSuccess() || reply.body() == null) {
				log.warn("Roster page {} of team {} not fetched: {} {}", page, teamId, reply.reply().status(),
						reply.reply().errorCode());
				return;
			}
			for (JsonNode member : reply.body().path("members")) {
				Activity.Account account = Activity.Account.of(member);
				if (account.isPerson()) {
					this.members.record(new TeamMember(tenantId, teamId, account.id(), account.aadObjectId(),
							account.name(), TeamMember.Source.ROSTER));
					onRoster.add(account.id());
					count++;
				}
			}
			String next = Activity.text(reply.body().path("continuationToken"));
			if (next == null || next.isEmpty()) {
				// The whole roster was read: whoever is not on it has left the team.
				int left = onRoster.isEmpty() ? 0
						: this.members.markRemovedExcept(tenantId, teamId, onRoster, readBegan);
				this.rosters.synced(tenantId, teamId);
				log.info("Team {}: roster of {} members stored, {} gone", teamId, count, left);
				return;
			}
			if (next.equals(token)) {
				break;
			}
			token = next;
		}
		log.warn("Team {}: roster read stopped after {} members (continuation token repeated or too many pages)",
				teamId, count);
	}

	private static boolean notInTeam(ConnectorReply reply) {
		return reply.status() == 403 && "BotNotInConversationRoster".equals(reply.errorCode());
	}

}
