package dev.herald.simulator;

/**
 * A channel of a team.
 *
 * @param id channel id ({@code 19:...@thread.tacv2}); the General channel's id equals the
 * team thread id
 * @param displayName display name
 * @param teamId owning team id (GUID)
 * @param general whether this is the General channel
 */
public record SimChannel(String id, String displayName, String teamId, boolean general) {
}
