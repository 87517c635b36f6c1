package dev.herald.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How Teams posts to the bot, beyond the signature: one re-post of a callback the bot did
 * not take, activities delivered twice with the same id, and the check of the bot's
 * answer to an invoke.
 */
final class Callbacks {

	/** Teams re-posts a callback the bot did not answer 2xx once, after this long. */
	static final Duration TEAMS_RETRY_DELAY = Duration.ofSeconds(15);

	/** Body types Teams accepts in a 200 answer to {@code adaptiveCard/action}. */
	static final String CARD = "application/vnd.microsoft.card.adaptive";

	static final String MESSAGE = "application/vnd.microsoft.activity.message";

	/** Non-200 answer types (error, login, precondition failed, retry-after). */
	private static final Set<String> NON_OK_TYPES = Set.of("application/vnd.microsoft.error",
			"application/vnd.microsoft.activity.loginRequest", "application/vnd.microsoft.error.preconditionFailed",
			"application/vnd.microsoft.activity.retryAfter");

	volatile Duration retryDelay = TEAMS_RETRY_DELAY;

	/** Whether every activity posted to the bot is posted a second time, same id. */
	volatile boolean duplicate;

	final AtomicLong duplicatesPosted = new AtomicLong();

	final AtomicLong rePosted = new AtomicLong();

	final AtomicLong dropped = new AtomicLong();

	final AtomicLong invokesChecked = new AtomicLong();

	final AtomicLong invalidInvokeAnswers = new AtomicLong();

	private final Deque<Map<String, Object>> invokeErrors = new ConcurrentLinkedDeque<>();

	/**
	 * Checks the bot's answer to an {@code adaptiveCard/action} invoke as Teams reads it
	 * ({@code AdaptiveCardInvokeResponse {statusCode, type, value}}, the HTTP status
	 * equal to {@code statusCode}); a wrong one is recorded.
	 * @return why the answer is invalid, or null when Teams can use it
	 */
	String checkInvokeAnswer(Map<String, Object> activity, BotClient.Result result) {
		if (!"invoke".equals(activity.get("type")) || !"adaptiveCard/action".equals(activity.get("name"))) {
			return null;
		}
		this.invokesChecked.incrementAndGet();
		String problem = invokeProblem(result);
		if (problem != null) {
			this.invalidInvokeAnswers.incrementAndGet();
			Map<String, Object> error = new LinkedHashMap<>();
			error.put("at", Instant.now().toString());
			error.put("activityId", activity.get("id"));
			error.put("status", result.status());
			error.put("body", result.body());
			error.put("problem", problem);
			this.invokeErrors.addLast(error);
			while (this.invokeErrors.size() > 200) {
				this.invokeErrors.pollFirst();
			}
			System.err.println("teams-simulator: invalid invoke answer to " + activity.get("id") + ": " + problem);
		}
		return problem;
	}

	static String invokeProblem(BotClient.Result r) {
		if (r.status() == 0) {
			return "no answer: " + r.error();
		}
		if (r.body() == null || r.body().isBlank()) {
			return "HTTP " + r.status() + " without the AdaptiveCardInvokeResponse body";
		}
		Map<String, Object> body;
		try {
			body = Json.parseObject(r.body());
		}
		catch (RuntimeException ex) {
			return "body is not a JSON object";
		}
		if (body == null) {
			return "body is not a JSON object";
		}
		if (!(body.get("statusCode") instanceof Number code)) {
			return "statusCode missing or not a number";
		}
		if (code.intValue() != r.status()) {
			return "statusCode " + code + " differs from the HTTP status " + r.status();
		}
		if (!(body.get("type") instanceof String type)) {
			return "type missing";
		}
		if (!body.containsKey("value")) {
			return "value missing";
		}
		Object value = body.get("value");
		if (r.status() == 200) {
			if (CARD.equals(type)) {
				Map<String, Object> card = Json.map(value);
				return (card != null && "AdaptiveCard".equals(card.get("type"))) ? null
						: "value of a card answer is not an AdaptiveCard";
			}
			if (MESSAGE.equals(type)) {
				return (value instanceof String) ? null : "value of a message answer is not a string";
			}
			return "type '" + type + "' is not one Teams accepts with status 200";
		}
		if (r.status() >= 200 && r.status() < 300) {
			return "HTTP " + r.status() + ": Teams expects 200 for a handled invoke";
		}
		return NON_OK_TYPES.contains(type) ? null : "type '" + type + "' is not an error answer";
	}

	/** The invalid invoke answers seen, oldest first (at most 200). */
	List<Map<String, Object>> invokeErrors() {
		return new ArrayList<>(this.invokeErrors);
	}

	Map<String, Object> toMap() {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("retryDelayMillis", this.retryDelay.toMillis());
		m.put("duplicate", this.duplicate);
		m.put("duplicatesPosted", this.duplicatesPosted.get());
		m.put("rePosted", this.rePosted.get());
		m.put("dropped", this.dropped.get());
		m.put("invokesChecked", this.invokesChecked.get());
		m.put("invalidInvokeAnswers", this.invalidInvokeAnswers.get());
		m.put("invokeErrors", invokeErrors());
		return m;
	}

	void reset() {
		this.duplicatesPosted.set(0);
		this.rePosted.set(0);
		this.dropped.set(0);
		this.invokesChecked.set(0);
		this.invalidInvokeAnswers.set(0);
		this.invokeErrors.clear();
	}

}
