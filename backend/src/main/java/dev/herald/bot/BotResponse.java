package dev.herald.bot;

import java.util.Map;

/**
 * What {@code /api/messages} answers: a status and, for invokes, a JSON body.
 *
 * @param status the HTTP status
 * @param body the JSON body, or null for none
 */
record BotResponse(int status, Map<String, Object> body) {

	static final BotResponse OK = new BotResponse(200, null);

	/** Unhandled invokes, as the Bot Framework SDKs answer them. */
	static final BotResponse NOT_IMPLEMENTED = new BotResponse(501, null);

	static BotResponse invoke(Map<String, Object> body) {
		return new BotResponse(200, body);
	}

	static BotResponse invokeError(int status, String code, String message) {
		return new BotResponse(status, BotCards.errorInvokeResponse(status, code, message));
	}

}
