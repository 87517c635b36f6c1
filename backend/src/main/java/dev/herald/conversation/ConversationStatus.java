package dev.herald.conversation;

import java.util.Locale;

/** Whether Herald may post to a conversation. */
public enum ConversationStatus {

	ACTIVE, UNINSTALLED, BLOCKED;

	public String dbValue() {
		return name().toLowerCase(Locale.ROOT);
	}

}
