package dev.herald.dispatch;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.herald.dispatch.RetryPolicy.Call;
import dev.herald.dispatch.RetryPolicy.Decision;
import dev.herald.dispatch.RetryPolicy.Verdict;
import dev.herald.dispatch.RetryPolicy.Tally;
import dev.herald.teams.ConnectorReply;
import dev.herald.teams.ConnectorReply.Kind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * What each kind of reply (classified in {@code teams.ConnectorReplyTests} against Teams'
 * status table, teams-protocol.md §1.5) means for a row of either ledger: a delivery or a
 * follow-up item (update, deletion, reminder).
 */
class RetryPolicyTests {

	private static final Instant NOW = Instant.parse("2026-11-30T02:00:00Z");

	/** Backoff n seconds before retry n: deterministic, unlike the jittered one. */
	private final RetryPolicy policy = new RetryPolicy(5, 20, (n) -> 1000L * n);

	@Test
	void aSuccessIsDeliveredWithItsActivityId() {
		Ledger.Result result = send(0, 0, new ConnectorReply(201, "1632474074231", null, null, null), NOW);
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
		Ledger.Result result = send(3, 2, reply(429, "Throttled", Duration.ofMillis(2128)), NOW);
		assertThat(result.state()).isEqualTo(DeliveryState.PENDING);
		assertThat(result.kind()).isEqualTo(Kind.THROTTLED);
		assertThat(result.nextAttemptAt()).isEqualTo(NOW.plusMillis(2128));
		assertThat(result.reason()).isEqualTo("Throttled (429)");
		assertThat(result.tally()).isEqualTo(Tally.NOT_COUNTED);
		assertThat(result.possiblyDuplicate()).isFalse();
	}

	@Test
	void a429WithoutRetryAfterBacksOffByTheThrottlesOfTheRow() {
		Ledger.Result result = send(3, 2, reply(429, "Throttled", null), NOW);
		// Third 429 of the row: backoff(3).
		assertThat(result.nextAttemptAt()).isEqualTo(NOW.plusSeconds(3));
	}

	@Test
	void aRowGivesUpAfterMaxThrottledAttempts() {
		Ledger.Result result = send(25, 19, reply(429, "Throttled", Duration.ofSeconds(1)), NOW);
		assertThat(result.state()).isEqualTo(DeliveryState.FAILED);
		assertThat(result.kind()).isEqualTo(Kind.THROTTLED);
		assertThat(result.reason()).isEqualTo("Throttled (429) 20 times, gave up");
		assertThat(result.tally()).isEqualTo(Tally.NOT_COUNTED);
	}

	@Test
	void serverErrorsAreRetriedWithBackoffCountingOnlyNonThrottledCalls() {
		// Four calls before this one, two of them 429s: this is the third real try.
		Ledger.Result result = send(4, 2, reply(503, null, Duration.ofSeconds(30)), NOW);
		assertThat(result.state()).isEqualTo(DeliveryState.PENDING);
		assertThat(result.nextAttemptAt()).isEqualTo(NOW.plusSeconds(3));
		assertThat(result.reason()).isEqualTo("HTTP 503");
		assertThat(result.tally()).isEqualTo(Tally.FAILURE);
		assertThat(result.possiblyDuplicate()).isFalse();
	}

	@Test
	void serverErrorsGiveUpAfterMaxAttempts() {
		Ledger.Result result = send(6, 2,
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
		Ledger.Result result = send(0, 0, ConnectorReply.transportFailure("Read timed out"), NOW);
		assertThat(result.state()).isEqualTo(DeliveryState.PENDING);
		assertThat(result.reason()).isEqualTo("No reply Transport: Read timed out");
		assertThat(result.nextAttemptAt()).isEqualTo(NOW.plusSeconds(1));
		assertThat(result.possiblyDuplicate()).isTrue();
		assertThat(result.tally()).isEqualTo(Tally.FAILURE);
	}

	@Test
	void aCallWithoutReplyThatGivesUpIsFailedNotFlagged() {
		Ledger.Result result = send(4, 0, ConnectorReply.transportFailure("reset"), NOW);
		assertThat(result.state()).isEqualTo(DeliveryState.FAILED);
		assertThat(result.possiblyDuplicate()).isFalse();
	}

	@Test
	void aBlockedPersonIsBlockedAtOnceAndIsNoSignOfABrokenSend() {
		Ledger.Result result = send(0, 0,
				new ConnectorReply(403, null, "ConversationBlockedByUser", null, "User blocked the conversation"), NOW);
		assertThat(result.state()).isEqualTo(DeliveryState.BLOCKED);
		assertThat(result.reason()).isEqualTo("HTTP 403 ConversationBlockedByUser: User blocked the conversation");
		assertThat(result.nextAttemptAt()).isNull();
		assertThat(result.tally()).isEqualTo(Tally.OK);
	}

	@Test
	void finalErrorsFailAtOnce() {
		for (int status : new int[] { 400, 401, 404, 413, 500 }) {
			Ledger.Result result = send(0, 0, reply(status, "X", null), NOW);
			assertThat(result.state()).as("status " + status).isEqualTo(DeliveryState.FAILED);
			assertThat(result.nextAttemptAt()).as("status " + status).isNull();
			assertThat(result.tally()).as("status " + status).isEqualTo(Tally.FAILURE);
		}
	}

	@Test
	void aCallThatNeverLeftHasNoOutcome() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.policy.decide(Call.SEND, 0, 0, ConnectorReply.notSent("interrupted"), NOW));
	}

	@Test
	void aCardThatCannotBeRenderedFailsWithoutACall() {
		Ledger.Result result = Ledger.Result.of(job(0, 0), this.policy.unrenderable("bad template"));
		assertThat(result.state()).isEqualTo(DeliveryState.FAILED);
		assertThat(result.httpStatus()).isNull();
		assertThat(result.reason()).isEqualTo("Card could not be rendered: bad template");
		assertThat(result.tally()).isEqualTo(Tally.FAILURE);
	}

	@Test
	void aLongErrorTextIsCut() {
		Ledger.Result result = send(0, 0, new ConnectorReply(400, null, "Bad Argument", null, "x".repeat(2000)), NOW);
		assertThat(result.reason()).hasSize(500);
	}

	// ---- the same policy for follow-up items ----

	@Test
	void aDeletionAnswered404IsDoneTheCopyIsGoneAlready() {
		Decision decision = this.policy.decide(Call.DELETE, 0, 0, reply(404, "ActivityNotFoundInConversation", null),
				NOW);
		assertThat(decision.verdict()).isEqualTo(Verdict.DONE);
		assertThat(decision.httpStatus()).isEqualTo(404);
		assertThat(decision.reason()).isEqualTo("Already gone");
		assertThat(decision.nextAttemptAt()).isNull();
		assertThat(decision.tally()).isEqualTo(Tally.OK);
	}

	@Test
	void anUpdateOrAReplyAnswered404FailsTheCopyIsNotThere() {
		for (Call call : new Call[] { Call.UPDATE, Call.REPLY, Call.SEND }) {
			Decision decision = this.policy.decide(call, 0, 0, reply(404, "ConversationNotFound", null), NOW);
			assertThat(decision.verdict()).as(call.name()).isEqualTo(Verdict.FAILED);
			assertThat(decision.reason()).as(call.name()).isEqualTo("HTTP 404 ConversationNotFound");
		}
	}

	@Test
	void anUpdateAnswered412IsRetriedWithBackoffThenGivesUp() {
		Decision retry = this.policy.decide(Call.UPDATE, 1, 0, reply(412, "PreconditionFailed", null), NOW);
		assertThat(retry.verdict()).isEqualTo(Verdict.RETRY);
		assertThat(retry.nextAttemptAt()).isEqualTo(NOW.plusSeconds(2));
		assertThat(retry.possiblyDuplicate()).isFalse();
		Decision last = this.policy.decide(Call.UPDATE, 4, 0, reply(412, "PreconditionFailed", null), NOW);
		assertThat(last.verdict()).isEqualTo(Verdict.FAILED);
		assertThat(last.reason()).isEqualTo("HTTP 412 PreconditionFailed (gave up after 5 attempts)");
	}

	@Test
	void aFollowUp429WaitsForItsRetryAfterOrBacksOffByItsThrottles() {
		Decision after = this.policy.decide(Call.DELETE, 2, 1, reply(429, "Throttled", Duration.ofMillis(1500)), NOW);
		assertThat(after.verdict()).isEqualTo(Verdict.RETRY);
		assertThat(after.nextAttemptAt()).isEqualTo(NOW.plusMillis(1500));
		assertThat(after.tally()).isEqualTo(Tally.NOT_COUNTED);
		Decision without = this.policy.decide(Call.REPLY, 2, 1, reply(429, "Throttled", null), NOW);
		// Second 429 of the item: backoff(2).
		assertThat(without.nextAttemptAt()).isEqualTo(NOW.plusSeconds(2));
		Decision gaveUp = this.policy.decide(Call.UPDATE, 30, 19, reply(429, "Throttled", null), NOW);
		assertThat(gaveUp.verdict()).isEqualTo(Verdict.FAILED);
		assertThat(gaveUp.reason()).isEqualTo("Throttled (429) 20 times, gave up");
	}

	@Test
	void aFollowUp5xxBacksOffCountingOnlyNonThrottledCallsAndA500IsFinal() {
		Decision retry = this.policy.decide(Call.DELETE, 3, 1, reply(503, null, null), NOW);
		assertThat(retry.verdict()).isEqualTo(Verdict.RETRY);
		assertThat(retry.nextAttemptAt()).isEqualTo(NOW.plusSeconds(3));
		assertThat(retry.tally()).isEqualTo(Tally.FAILURE);
		Decision noReply = this.policy.decide(Call.DELETE, 0, 0, ConnectorReply.transportFailure("reset"), NOW);
		assertThat(noReply.verdict()).isEqualTo(Verdict.RETRY);
		assertThat(noReply.possiblyDuplicate()).isTrue();
		assertThat(this.policy.decide(Call.UPDATE, 0, 0, reply(500, "ServiceError", null), NOW).verdict())
			.isEqualTo(Verdict.FAILED);
	}

	@Test
	void aBlockedChatIsBlockedForEveryCall() {
		Decision decision = this.policy.decide(Call.REPLY, 0, 0, reply(403, "ConversationBlockedByUser", null), NOW);
		assertThat(decision.verdict()).isEqualTo(Verdict.BLOCKED);
		assertThat(decision.kind()).isEqualTo(Kind.BLOCKED);
	}

	/** A send's outcome as the delivery ledger writes it. */
	private Ledger.Result send(int attempts, int throttles, ConnectorReply reply, Instant now) {
		return Ledger.Result.of(job(attempts, throttles),
				this.policy.decide(Call.SEND, attempts, throttles, reply, now));
	}

	private static ConnectorReply reply(int status, String code, Duration retryAfter) {
		return new ConnectorReply(status, null, code, retryAfter, null);
	}

	private static Ledger.Job job(int attempts, int throttles) {
		return new Ledger.Job(7, "aad-1", 11, attempts, throttles, "a:1", "http://localhost/amer/", null, null, 0, 0);
	}

}
