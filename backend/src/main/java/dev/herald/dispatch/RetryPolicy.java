package dev.herald.dispatch;

import java.time.Duration;
import java.time.Instant;

import io.github.resilience4j.core.IntervalFunction;

import dev.herald.teams.ConnectorReply;

/**
 * What a Bot Connector reply means for a row of a call ledger (a delivery, or an item of
 * an update, deletion or reminder): how many tries, how long to wait, whether it is done.
 * Pure: the call's counters and its reply in, the row's next state out; the time and the
 * backoff are given, so every branch is a unit test. The reply itself is classified next
 * to the Connector client ({@link ConnectorReply.Kind}); one policy serves both ledgers.
 */
public final class RetryPolicy {

	/** Why a send paused for an admin block, as admins read it. */
	public static final String APP_DISABLED_REASON = "The tenant admin blocked Herald's app in Teams: every message "
			+ "is refused. Resume once the app is allowed again (Teams admin center, Manage apps)";

	/** When a row refused by an admin block is due again (after a resume). */
	static final Duration APP_DISABLED_RETRY = Duration.ofSeconds(10);

	private final int maxAttempts;

	private final int maxThrottledAttempts;

	private final IntervalFunction backoff;

	/**
	 * @param maxAttempts calls per row for 412/502/503/504 and timeouts
	 * @param maxThrottledAttempts 429s one row may collect before it fails
	 * @param backoff wait before retry n (n from 1), for retries without a Retry-After
	 */
	public RetryPolicy(int maxAttempts, int maxThrottledAttempts, IntervalFunction backoff) {
		this.maxAttempts = maxAttempts;
		this.maxThrottledAttempts = maxThrottledAttempts;
		this.backoff = backoff;
	}

	/** Resilience4j's jittered exponential backoff: initial, ×2, ±50%, capped. */
	public static RetryPolicy jittered(int maxAttempts, int maxThrottledAttempts, Duration initialBackoff,
			Duration maxBackoff) {
		return new RetryPolicy(maxAttempts, maxThrottledAttempts,
				IntervalFunction.ofExponentialRandomBackoff(initialBackoff, 2.0, 0.5, maxBackoff));
	}

	static RetryPolicy of(DispatchProperties properties) {
		return jittered(properties.maxAttempts(), properties.maxThrottledAttempts(), properties.initialBackoff(),
				properties.maxBackoff());
	}

	/**
	 * The outcome of one {@code call} answered by {@code reply} at {@code now}.
	 * {@code attempts} and {@code throttles} count the row's calls before this one.
	 */
	public Decision decide(Call call, int attempts, int throttles, ConnectorReply reply, Instant now) {
		ConnectorReply.Kind kind = reply.kind();
		Integer status = reply.status();
		if (call == Call.DELETE && reply.status() == 404) {
			// Gone already (deleted twice after a crash, or by Teams): what a recall
			// wants.
			return new Decision(Verdict.DONE, kind, status, "Already gone", null, null, Tally.OK, false);
		}
		return switch (kind) {
			case SUCCESS -> new Decision(Verdict.DONE, kind, status, null, reply.id(), null, Tally.OK, false);
			case THROTTLED -> {
				// The pacer already holds every caller back for the Retry-After; this row
				// is due again when that has passed. 429s are Teams' pacing, not the
				// recipient's failure: they do not count towards the automatic pause.
				int throttled = throttles + 1;
				if (throttled >= this.maxThrottledAttempts) {
					yield new Decision(Verdict.FAILED, kind, status, "Throttled (429) " + throttled + " times, gave up",
							null, null, Tally.NOT_COUNTED, false);
				}
				Duration wait = (reply.retryAfter() != null) ? reply.retryAfter()
						: Duration.ofMillis(this.backoff.apply(throttled));
				yield new Decision(Verdict.RETRY, kind, status, "Throttled (429)", null, now.plus(wait),
						Tally.NOT_COUNTED, false);
			}
			case TRANSIENT -> {
				int tries = attempts + 1 - throttles;
				if (tries >= this.maxAttempts) {
					yield new Decision(Verdict.FAILED, kind, status,
							reply.describe() + " (gave up after " + tries + " attempts)", null, null, Tally.FAILURE,
							false);
				}
				// No reply at all: Teams may have taken the call, so its retry may repeat
				// it.
				yield new Decision(Verdict.RETRY, kind, status, reply.describe(), null,
						now.plusMillis(this.backoff.apply(tries)), Tally.FAILURE, reply.status() == 0);
			}
			// Nobody's failure and nobody's fault but the tenant's: the row waits (its
			// call is not counted against it) and the send's maker pauses it.
			case APP_DISABLED ->
				new Decision(Verdict.RETRY, kind, status, APP_DISABLED_REASON + " (" + reply.describe() + ")", null,
						now.plus(APP_DISABLED_RETRY), Tally.NOT_COUNTED, false);
			// A blocked person is no sign of a broken send: counted as a call that went
			// fine.
			case BLOCKED -> new Decision(Verdict.BLOCKED, kind, status, reply.describe(), null, null, Tally.OK, false);
			case FINAL ->
				new Decision(Verdict.FAILED, kind, status, reply.describe(), null, null, Tally.FAILURE, false);
			case NOT_SENT -> throw new IllegalArgumentException("A call that never left has no outcome to record");
		};
	}

	/** A card that could not be rendered: failed without a call. */
	public Decision unrenderable(String message) {
		return new Decision(Verdict.FAILED, ConnectorReply.Kind.FINAL, null, "Card could not be rendered: " + message,
				null, null, Tally.FAILURE, false);
	}

	/** What was called: a deletion's 404 means done. */
	public enum Call {

		/** A new message ({@code POST …/activities}). */
		SEND,
		/** {@code PUT …/activities/{id}}. */
		UPDATE,
		/** {@code DELETE …/activities/{id}}. */
		DELETE,
		/** A reply to a message ({@code POST …/activities/{id}}). */
		REPLY

	}

	/** Where the row goes. */
	public enum Verdict {

		/** Done (delivered, updated, deleted, replied). */
		DONE,
		/** Pending again, due at {@link Decision#nextAttemptAt()}. */
		RETRY,
		/** Failed for good. */
		FAILED,
		/** The person blocked the bot or removed it: never retried. */
		BLOCKED

	}

	/** How an outcome counts towards the automatic pause ({@link FailureWatch}). */
	public enum Tally {

		/** A call that went fine, or a person who blocked the bot. */
		OK,
		/** A final failure, a 5xx or a call without reply. */
		FAILURE,
		/** A 429: Teams' pacing, not a sign of a broken send. */
		NOT_COUNTED

	}

	/**
	 * The outcome of one call, as the ledger will write it.
	 *
	 * @param kind what the reply meant
	 * @param httpStatus the reply's status, null when no call was made
	 * @param reason the text kept with the row, null on success
	 * @param resultId the id Teams gave (a new activity's), if any
	 * @param nextAttemptAt when a retry is due, null otherwise
	 * @param tally how it counts towards the automatic pause
	 * @param possiblyDuplicate whether the retry may repeat a call Teams took
	 */
	public record Decision(Verdict verdict, ConnectorReply.Kind kind, Integer httpStatus, String reason,
			String resultId, Instant nextAttemptAt, Tally tally, boolean possiblyDuplicate) {
	}

}
