package dev.herald.dispatch;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.herald.dispatch.RetryPolicy.Kind;
import dev.herald.dispatch.RetryPolicy.Tally;
import dev.herald.teams.ConnectorReply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The retry policy against Teams' status table (teams-protocol.md §1.5, "Status codes
 * from bot conversational APIs"): every row, and what each means for the ledger row.
 */
class RetryPolicyTests {

	private static final Instant NOW = Instant.parse("2026-11-30T02:00:00Z");

	/** Backoff n seconds before retry n: deterministic, unlike the jittered one. */
	private final RetryPolicy policy = new RetryPolicy(5, 20, (n) -> 1000L * n);

	@Test
	void everyRowOfTheTeamsStatusTable() {
		// | HTTP | code | Retry? | → what Herald does
		assertKind(400, "Bad Argument", Kind.FINAL);
		assertKind(401, "BotNotRegistered", Kind.FINAL);
		assertKind(403, "BotDisabledByAdmin", Kind.FINAL);
		assertKind(403, "BotNotInConversationRoster", Kind.BLOCKED);
		assertKind(403, "ConversationBlockedByUser", Kind.BLOCKED);
		assertKind(403, "ForbiddenOperationException", Kind.BLOCKED);
		// Herald is configured with the right host per cloud: not retried elsewhere.
		assertKind(403, "InvalidBotApiHost", Kind.FINAL);
		assertKind(403, "NotEnoughPermissions", Kind.FINAL);
		assertKind(404, "ActivityNotFoundInConversation", Kind.FINAL);
		assertKind(404, "ConversationNotFound", Kind.FINAL);
		assertKind(412, "PreconditionFailed", Kind.TRANSIENT);
		assertKind(413, "MessageSizeTooBig", Kind.FINAL);
		assertKind(429, "Throttled", Kind.THROTTLED);
		assertKind(500, "ServiceError", Kind.FINAL);
		assertKind(502, "ServiceError", Kind.TRANSIENT);
		assertKind(503, null, Kind.TRANSIENT);
		assertKind(504, null, Kind.TRANSIENT);
	}

	@Test
	void theOtherShapesOfAReply() {
		assertKind(200, null, Kind.SUCCESS);
		assertKind(201, null, Kind.SUCCESS);
		// The blocked thread's second error shape:
		// {"errorCode":209,"message":"{subCode}"}.
		assertKind(403, "MessageWritesBlocked", Kind.BLOCKED);
		assertKind(403, "209", Kind.BLOCKED);
		// A 403 without a code is not known to be a block: final, the conversation kept.
		assertKind(403, null, Kind.FINAL);
		// "Avoid retrying status codes that aren't specified."
		assertKind(409, null, Kind.FINAL);
		assertKind(501, null, Kind.FINAL);
		// No reply at all (timeout, reset, refused, untrusted host): retried.
		assertThat(Kind.of(ConnectorReply.transportFailure("SocketTimeoutException"))).isEqualTo(Kind.TRANSIENT);
		assertThat(Kind.of(ConnectorReply.notSent("interrupted"))).isEqualTo(Kind.NOT_SENT);
	}

	@Test
	void aSuccessIsDeliveredWithItsActivityId() {
		Ledger.Result result = this.policy.decide(job(0, 0), new ConnectorReply(201, "1632474074231", null, null, null),
				NOW);
		assertThat(result.state()).isEqualTo(DeliveryState.DELIVERED);
		assertThat(result.activityId()).isEqualTo("1632474074231");
		assertThat(result.httpStatus()).isEqualTo(201);
		assertThat(result.reason()).isNull();
		assertThat(result.nextAttemptAt()).isNull();
		assertThat(result.tally()).isEqualTo(Tally.OK);
		assertThat(result.possiblyDuplicate()).isFalse();
	}

	@Test
	void a429IsRetriedAfterItsRetryAfterAndDoesNotCountAsAFailure() {
		Ledger.Result result = this.policy.decide(job(3, 2), reply(429, "Throttled", Duration.ofMillis(2128)), NOW);
		assertThat(result.state()).isEqualTo(DeliveryState.PENDING);
		assertThat(result.kind()).isEqualTo(Kind.THROTTLED);
		assertThat(result.nextAttemptAt()).isEqualTo(NOW.plusMillis(2128));
		assertThat(result.reason()).isEqualTo("Throttled (429)");
		assertThat(result.tally()).isEqualTo(Tally.NOT_COUNTED);
		assertThat(result.possiblyDuplicate()).isFalse();
	}

	@Test
	void a429WithoutRetryAfterBacksOffByTheThrottlesOfTheRow() {
		Ledger.Result result = this.policy.decide(job(3, 2), reply(429, "Throttled", null), NOW);
		// Third 429 of the row: backoff(3).
		assertThat(result.nextAttemptAt()).isEqualTo(NOW.plusSeconds(3));
	}

	@Test
	void aRowGivesUpAfterMaxThrottledAttempts() {
		Ledger.Result result = this.policy.decide(job(25, 19), reply(429, "Throttled", Duration.ofSeconds(1)), NOW);
		assertThat(result.state()).isEqualTo(DeliveryState.FAILED);
		assertThat(result.kind()).isEqualTo(Kind.THROTTLED);
		assertThat(result.reason()).isEqualTo("Throttled (429) 20 times, gave up");
		assertThat(result.tally()).isEqualTo(Tally.NOT_COUNTED);
	}

	@Test
	void serverErrorsAreRetriedWithBackoffCountingOnlyNonThrottledCalls() {
		// Four calls before this one, two of them 429s: this is the third real try.
		Ledger.Result result = this.policy.decide(job(4, 2), reply(503, null, Duration.ofSeconds(30)), NOW);
		assertThat(result.state()).isEqualTo(DeliveryState.PENDING);
		assertThat(result.nextAttemptAt()).isEqualTo(NOW.plusSeconds(3));
		assertThat(result.reason()).isEqualTo("HTTP 503");
		assertThat(result.tally()).isEqualTo(Tally.FAILURE);
		assertThat(result.possiblyDuplicate()).isFalse();
	}

	@Test
	void serverErrorsGiveUpAfterMaxAttempts() {
		Ledger.Result result = this.policy.decide(job(6, 2),
				new ConnectorReply(412, null, "PreconditionFailed", null, "Precondition failed, please try again."),
				NOW);
		assertThat(result.state()).isEqualTo(DeliveryState.FAILED);
		assertThat(result.reason()).isEqualTo(
				"HTTP 412 PreconditionFailed: Precondition failed, please try again. (gave up after 5 attempts)");
		assertThat(result.nextAttemptAt()).isNull();
		assertThat(result.tally()).isEqualTo(Tally.FAILURE);
	}

	@Test
	void aCallWithoutReplyIsRetriedAndFlaggedPossiblyDuplicated() {
		Ledger.Result result = this.policy.decide(job(0, 0), ConnectorReply.transportFailure("Read timed out"), NOW);
		assertThat(result.state()).isEqualTo(DeliveryState.PENDING);
		assertThat(result.reason()).isEqualTo("No reply Transport: Read timed out");
		assertThat(result.nextAttemptAt()).isEqualTo(NOW.plusSeconds(1));
		assertThat(result.possiblyDuplicate()).isTrue();
		assertThat(result.tally()).isEqualTo(Tally.FAILURE);
	}

	@Test
	void aCallWithoutReplyThatGivesUpIsFailedNotFlagged() {
		Ledger.Result result = this.policy.decide(job(4, 0), ConnectorReply.transportFailure("reset"), NOW);
		assertThat(result.state()).isEqualTo(DeliveryState.FAILED);
		assertThat(result.possiblyDuplicate()).isFalse();
	}

	@Test
	void aBlockedPersonIsBlockedAtOnceAndIsNoSignOfABrokenSend() {
		Ledger.Result result = this.policy.decide(job(0, 0),
				new ConnectorReply(403, null, "ConversationBlockedByUser", null, "User blocked the conversation"), NOW);
		assertThat(result.state()).isEqualTo(DeliveryState.BLOCKED);
		assertThat(result.reason()).isEqualTo("HTTP 403 ConversationBlockedByUser: User blocked the conversation");
		assertThat(result.nextAttemptAt()).isNull();
		assertThat(result.tally()).isEqualTo(Tally.OK);
	}

	@Test
	void finalErrorsFailAtOnce() {
		for (int status : new int[] { 400, 401, 404, 413, 500 }) {
			Ledger.Result result = this.policy.decide(job(0, 0), reply(status, "X", null), NOW);
			assertThat(result.state()).as("status " + status).isEqualTo(DeliveryState.FAILED);
			assertThat(result.nextAttemptAt()).as("status " + status).isNull();
			assertThat(result.tally()).as("status " + status).isEqualTo(Tally.FAILURE);
		}
	}

	@Test
	void aCallThatNeverLeftHasNoOutcome() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.policy.decide(job(0, 0), ConnectorReply.notSent("interrupted"), NOW));
	}

	@Test
	void aCardThatCannotBeRenderedFailsWithoutACall() {
		Ledger.Result result = this.policy.unrenderable(job(0, 0), "bad template");
		assertThat(result.state()).isEqualTo(DeliveryState.FAILED);
		assertThat(result.httpStatus()).isNull();
		assertThat(result.reason()).isEqualTo("Card could not be rendered: bad template");
		assertThat(result.tally()).isEqualTo(Tally.FAILURE);
	}

	@Test
	void aLongErrorTextIsCut() {
		Ledger.Result result = this.policy.decide(job(0, 0),
				new ConnectorReply(400, null, "Bad Argument", null, "x".repeat(2000)), NOW);
		assertThat(result.reason()).hasSize(500);
	}

	private static void assertKind(int status, String code, Kind expected) {
		assertThat(Kind.of(reply(status, code, null))).as(status + " " + code).isEqualTo(expected);
	}

	private static ConnectorReply reply(int status, String code, Duration retryAfter) {
		return new ConnectorReply(status, null, code, retryAfter, null);
	}

	private static Ledger.Job job(int attempts, int throttles) {
		return new Ledger.Job(7, "aad-1", 11, attempts, throttles, "a:1", "http://localhost/amer/", null, null, 0);
	}

}
