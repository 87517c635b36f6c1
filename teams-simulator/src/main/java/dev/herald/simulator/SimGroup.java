package dev.herald.simulator;

import java.util.List;

/**
 * A generated Entra group.
 *
 * @param id object id (GUID)
 * @param displayName display name
 * @param mailNickname mail nickname
 * @param description description
 * @param memberUserIds direct user members
 * @param memberGroupIds direct nested group members
 * @param team whether the group backs a team
 */
public record SimGroup(String id, String displayName, String mailNickname, String description,
		List<String> memberUserIds, List<String> memberGroupIds, boolean team) {
}
