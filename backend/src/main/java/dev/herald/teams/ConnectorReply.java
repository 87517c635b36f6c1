package dev.herald.teams;

import java.time.Duration;

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

	public static ConnectorReply transportFailure(String detail) {
		return new ConnectorReply(0, null, "Transport", null, detail);
	}

	/** The call was not made at all (interrupted while waiting for the budget). */
	public static ConnectorReply notSent(String detail) {
		return new ConnectorReply(-1, null, "NotSent", null, detail);
	}

	/** False when the request never left, so Teams cannot have seen it. */
	public boolean wasSent() {
		return this.status >= 0;
	}

	public boolean isSuccess() {
		return this.status >= 200 && this.status < 300;
	}

	public Outcome outcome() {
		return Outcome.of(this);
	}

	/** How a reply is handled, per the Teams status-code table. */
	public enum Outcome {

		/** Delivered. */
		SUCCESS,
		/** 429: wait for Retry-After across the whole tenant budget, then retry. */
		THROTTLED,
		/** 412, 502, 503, 504, timeouts, resets: retry with backoff up to a limit. */
		TRANSIENT,
		/** 403 blocked or uninstalled: never retried; the conversation is marked. */
		BLOCKED,
		/** 400, 401, 403 (other), 404, 413, 500: final. */
		FINAL;

		static Outcome of(ConnectorReply reply) {
			int status = reply.status();
			if (reply.isSuccess()) {
				return SUCCESS;
			}
			if (status == 429) {
				return THROTTLED;
			}
			if (status == 0 || status == 412 || status == 502 || status == 503 || status == 504) {
				return TRANSIENT;
			}
			if (status == 403 && isBlockedCode(reply.errorCode())) {
				return BLOCKED;
			}
			return FINAL;
		}

		private static boolean isBlockedCode(String code) {
			return "ConversationBlockedByUser".equals(code) || "MessageWritesBlocked".equals(code)
					|| "ForbiddenOperationException".equals(code) || "BotNotInConversationRoster".equals(code)
					|| "209".equals(code);
		}

	}

}
