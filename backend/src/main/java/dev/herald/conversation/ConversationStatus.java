package dev.herald.conversation;

/** Whether Herald may post to a conversation. */
public enum ConversationStatus {

	ACTIVE, UNINSTALLED, BLOCKED;

	public String dbValue() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

}
