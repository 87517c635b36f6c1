package dev.herald.audit;

import java.util.Locale;

/**
 * Every kind of state-changing act. Values used by features still being built (recall,
 * edit after send) are here already so that they record into the same log.
 */
public enum AuditAction {

	CREATE, EDIT, AUDIENCE_CHANGE, OWNER_ADD, DELETE, SUBMIT, APPROVE, REJECT, SEND, SCHEDULE, UNSCHEDULE, PAUSE,
	RESUME, CANCEL, RECALL, EDIT_AFTER_SEND, SETTINGS_CHANGE, ROLE_CHANGE, GUARDRAIL_CHANGE, OPT_OUT_CHANGE,
	API_CLIENT_CHANGE, NOTIFICATION, RETENTION_PURGE, AUDIT_PURGE,
	// After the send, templates and test copies (#23).
	REMINDER, FOLLOW_UP_PAUSE, FOLLOW_UP_RESUME, FOLLOW_UP_CANCEL, AFTER_SEND_CHANGE, TEMPLATE_SAVE, TEMPLATE_DELETE,
	TEST_SEND,
	/** An owner answered a person's question about an announcement (#24). */
	QUESTION_ANSWER,
	/** An act the governance gate refused (#23). */
	REFUSED;

	public String dbValue() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * The action for a request parameter ({@code send}, {@code SEND}); null if unknown.
	 */
	public static AuditAction parse(String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			return valueOf(value.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

}
