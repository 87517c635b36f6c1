package dev.herald.conversation;

/**
 * A team channel the bot can post to.
 *
 * @param tenantId the tenant
 * @param teamId the team ({@code 19:...@thread.tacv2}, equal to its General channel's id)
 * @param channelId the channel; also the conversation id to post to
 * @param serviceUrl where the Connector for this team lives
 * @param name the channel name; Teams gives none for General
 * @param aadGroupId the team's Graph (Entra group) id, where known: what Graph installs
 * the app into
 */
public record ChannelConversation(String tenantId, String teamId, String channelId, String serviceUrl, String name,
		String aadGroupId) {

	public ChannelConversation(String tenantId, String teamId, String channelId, String serviceUrl, String name) {
		this(tenantId, teamId, channelId, serviceUrl, name, null);
	}

}
