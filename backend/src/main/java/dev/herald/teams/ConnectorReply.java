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

	public boolean isSuccess() {
		return this.status >= 200 && this.status < 300;
	}

}
