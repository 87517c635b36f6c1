package dev.herald.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import io.github.resilience4j.core.IntervalFunction;

import dev.herald.teams.ConnectorReply;

/**
 * What a Bot Connector reply means for a ledger row: the only place that reads Teams'
 * status codes (the table in teams-protocol.md §1.5). Pure: a job and its reply in, the
 * row's next state out; the time and the backoff are given, so every branch is a unit
 * test.
 */
public final class RetryPolicy {

	/** The 403 codes (and the numeric error 209) that mean blocked or uninstalled. */
	private static final Set<String> BLOCKED_CODES = Set.of("ConversationBlockedByUser", "MessageWritesBlocked",
			"ForbiddenOperationException", "BotNotInConversationRoster", "209");

	private final int maxAttempts;

	private final int maxThrottledAttempts;

	private final IntervalFunction backoff;

	/**
	 * @param maxAttempts calls per row for 412/502/503/504 and timeouts
	 * @param maxThrottledAttempts 429s one row may collect before it fails
	 * @param backoff wait before retry n (n from 1), for retries without a Retry-After
	 */
	RetryPolicy(int maxAttempts, int maxThrottledAttempts, IntervalFunction backoff) {
		this.maxAttempts = maxAttempts;
		this.maxThrottledAttempts = maxThrottledAttempts;
		this.backoff = backoff;
	}

	static RetryPolicy of(DispatchProperties properties) {
		// Resilience4j's jittered exponential backoff: initial, ×2, ±50%, capped.
		return new RetryPolicy(properties.maxAttempts(), properties.maxThrottledAttempts(), IntervalFunction
			.ofExponentialRandomBackoff(properties.initialBackoff(), 2.0, 0.5, properties.maxBackoff()));
	}

	/**
	 * The outcome of one call of {@code job} answered by {@code reply} at {@code now}.
	 * {@code job.attempts()} and {@code job.throttles()} count the calls before this one.
	 */
	Ledger.Result decide(Ledger.Job job, ConnectorReply reply, Instant now) {
		Kind kind = Kind.of(reply);
		Integer status = reply.status();
		return switch (kind) {
			case SUCCESS ->
				new Ledger.Result(job, DeliveryState.DELIVERED, kind, status, null, reply.id(), null, Tally.OK, false);
			case THROTTLED -> {
				// The pacer already holds every sender back for the Retry-After; this row
				// is due again when that has passed. 429s are Teams' pacing, not the
				// recipient's failure: they do not count towards the automatic pause.
				int throttles = job.throttles() + 1;
				if (throttles >= this.maxThrottledAttempts) {
					yield new Ledger.Result(job, DeliveryState.FAILED, kind, status,
							"Throttled (429) " + throttles + " times, gave up", null, null, Tally.NOT_COUNTED, false);
				}
				Duration wait = (reply.retryAfter() != null) ? reply.retryAfter()
						: Duration.ofMillis(this.backoff.apply(throttles));
				yield new Ledger.Result(job, DeliveryState.PENDING, kind, status, "Throttled (429)", null,
						now.plus(wait), Tally.NOT_COUNTED, false);
			}
			case TRANSIENT -> {
				int tries = job.attempts() + 1 - job.throttles();
				if (tries >= this.maxAttempts) {
					yield new Ledger.Result(job, DeliveryState.FAILED, kind, status,
							describe(reply) + " (gave up after " + tries + " attempts)", null, null, Tally.FAILURE,
							false);
				}
				// No reply at all: Teams may have taken the call, so its retry may repeat
				// it.
				yield new Ledger.Result(job, DeliveryState.PENDING, kind, status, describe(reply), null,
						now.plusMillis(this.backoff.apply(tries)), Tally.FAILURE, reply.status() == 0);
			}
			// A blocked person is no sign of a broken send: counted as a call that went
			// fine.
			case BLOCKED -> new Ledger.Result(job, DeliveryState.BLOCKED, kind, status, describe(reply), null, null,
					Tally.OK, false);
			case FINAL -> new Ledger.Result(job, DeliveryState.FAILED, kind, status, describe(reply), null, null,
					Tally.FAILURE, false);
			case NOT_SENT -> throw new IllegalArgumentException("A call that never left has no outcome to record");
		};
	}

	/** A job whose card could not be rendered: failed without a call. */
	Ledger.Result unrenderable(Ledger.Job job, String message) {
		return new Ledger.Result(job, DeliveryState.FAILED, Kind.FINAL, null, "Card could not be rendered: " + message,
				null, null, Tally.FAILURE, false);
	}

	private static String describe(ConnectorReply reply) {
		StringBuilder text = new StringBuilder();
		text.append((reply.status() == 0) ? "No reply" : "HTTP " + reply.status());
		if (reply.errorCode() != null) {
			text.append(' ').append(reply.errorCode());
		}
		if (reply.detail() != null) {
			text.append(": ").append(reply.detail());
		}
		return (text.length() > 500) ? text.substring(0, 500) : text.toString();
	}

	/** How a reply is handled, per Teams' status-code table. */
	public enum Kind {

		/** 2xx: delivered. */
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
			if (status == 403 && reply.errorCode() != null && BLOCKED_CODES.contains(reply.errorCode())) {
				return BLOCKED;
			}
			return FINAL;
		}

	}

	/** How an outcome counts towards the automatic pause ({@link FailureWatch}). */
	enum Tally {

		/** A call that went fine, or a person who blocked the bot. */
		OK,
		/** A final failure, a 5xx or a call without reply. */
		FAILURE,
		/** A 429: Teams' pacing, not a sign of a broken send. */
		NOT_COUNTED

	}

}
