package dev.herald.conversation;

/**
 * What Teams told us about a person's 1:1 chat with the bot.
 *
 * @param tenantId the tenant
 * @param aadObjectId the person's Entra object id
 * @param teamsUserId the person's Teams id ({@code 29:...})
 * @param conversationId the chat ({@code a:...} or a Graph chat id)
 * @param serviceUrl where the Connector for this conversation lives
 * @param locale the client's locale, if known
 * @param displayName the person's name, if known
 */
public record PersonalConversation(String tenantId, String aadObjectId, String teamsUserId, String conversationId,
		String serviceUrl, String locale, String displayName) {
}
