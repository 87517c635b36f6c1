package dev.herald.simulator;

import java.util.List;

/**
 * A team. Graph addresses it by {@link #id()} (equal to the backing group id), the Bot
 * Connector by {@link #threadId()} (equal to the General channel id).
 *
 * @param id team id (= group id, GUID)
 * @param groupId backing group id
 * @param displayName display name
 * @param threadId Bot Framework team id ({@code 19:...@thread.tacv2})
 * @param channels channels, General first
 * @param memberUserIds member user ids (transitive members of the group)
 * @param ownerUserIds owner user ids (subset of members)
 */
public record SimTeam(String id, String groupId, String displayName, String threadId, List<SimChannel> channels,
		List<String> memberUserIds, List<String> ownerUserIds) {

	public SimChannel general() {
		return this.channels.get(0);
	}

}
