package dev.herald.teams;

import java.time.Duration;
import java.util.Set;

/**
 * What the Bot Connector answered to one call, reduced to what the caller decides on.
 *
 * @param status HTTP status, 0 when no reply arrived (timeout, reset, refused), or -1
 * when the call was never made
 * @param id the resource id of a success (activity or conversation id)
 * @param errorCode the Connector's error code or sub-code, if any
 * @param retryAfter the Retry-After of a 429 or 503, if given
 * @param detail short text for the ledger (never contains credentials)
 */
public record ConnectorReply(int status, String id, String errorCode, Duration retryAfter, String detail) {

	/** The 403 codes (and the numeric error 209) that mean blocked or uninstalled. */
	private static final Set<String> BLOCKED_CODES = Set.of("ConversationBlockedByUser", "MessageWritesBlocked",
			"ForbiddenOperationException", "BotNotInConversationRoster", "209");

	public static ConnectorReply transportFailure(String detail) {
		return new ConnectorReply(0, null, "Transport", null, detail);
	}

	/** The call was not made at all (interrupted while waiting for the budget). */
	public static ConnectorReply notSent(String detail) {
		return new ConnectorReply(-1, null, "NotSent", null, detail);
	}

	public boolean isSuccess() {
		return this.status >= 200 && this.status < 300;
	}

	/** What this reply means, per Teams' status table. */
	public Kind kind() {
		return Kind.of(this);
	}

	/** Short text for a ledger's reason column: status, code and detail, at most 500. */
	public String describe() {
		StringBuilder text = new StringBuilder();
		text.append((this.status == 0) ? "No reply" : "HTTP " + this.status);
		if (this.errorCode != null) {
			text.append(' ').append(this.errorCode);
		}
		if (this.detail != null) {
			text.append(": ").append(this.detail);
		}
		return (text.length() > 500) ? text.substring(0, 500) : text.toString();
	}

	/**
	 * How a reply is handled, per Teams' status-code table (teams-protocol.md §1.5): the
	 * only reader of the Connector's status codes. What a kind means for a ledger row
	 * (attempt limits, backoff) is decided by the caller's retry policy.
	 */
	public enum Kind {

		/** 2xx: done. */
		SUCCESS,
		/** 429: wait for Retry-After across the whole tenant budget, then retry. */
		THROTTLED,
		/**
		 * 412, 502, 503, 504, and no reply at all (status 0: timeout, reset, refused):
		 * retry with backoff up to a limit. Without a reply Teams may have taken the
		 * call, so the retry is flagged possibly duplicated.
		 */
		TRANSIENT,
		/** 403 blocked or uninstalled: never retried; the conversation is marked. */
		BLOCKED,
		/**
		 * 403 {@code BotDisabledByAdmin}: the tenant admin blocked the app, so every call
		 * fails alike until it is allowed again. Not the recipient's doing: a send pauses
		 * with the reason and is resumed after the block is lifted.
		 */
		APP_DISABLED,
		/** 400, 401, 403 (other), 404, 413, 500 and anything unlisted: final. */
		FINAL,
		/** The request never left (status -1): Teams cannot have seen it. */
		NOT_SENT;

		public static Kind of(ConnectorReply reply) {
			int status = reply.status();
			if (status < 0) {
				return NOT_SENT;
			}
			if (status >= 200 && status < 300) {
				return SUCCESS;
			}
			if (status == 429) {
				return THROTTLED;
			}
			if (status == 0 || status == 412 || status == 502 || status == 503 || status == 504) {
				return TRANSIENT;
			}
			if (status == 403 && "BotDisabledByAdmin".equals(reply.errorCode())) {
				return APP_DISABLED;
			}
			if (status == 403 && reply.errorCode() != null && BLOCKED_CODES.contains(reply.errorCode())) {
				return BLOCKED;
			}
			return FINAL;
		}

	}

}
