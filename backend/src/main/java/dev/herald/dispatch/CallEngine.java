package dev.herald.dispatch;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * Builds lanes of the paced-call engine ({@link PacedCalls}) for other modules' ledgers
 * (the follow-up items): the same rooms as the sends, the same tenant pacer, fenced by
 * the same send lease.
 */
@Component
public class CallEngine {

	private final SendLease lease;

	private final Pacer pacer;

	private final MeterRegistry meters;

	private final DispatchProperties properties;

	CallEngine(SendLease lease, Pacer pacer, MeterRegistry meters, DispatchProperties properties) {
		this.lease = lease;
		this.pacer = pacer;
		this.meters = meters;
		this.properties = properties;
	}

	/**
	 * The retry policy with these attempt limits and the dispatcher's backoff
	 * ({@code herald.dispatch.initial-backoff}, {@code max-backoff}), so every ledger of
	 * calls backs off alike.
	 */
	public RetryPolicy retryPolicy(int maxAttempts, int maxThrottledAttempts) {
		return RetryPolicy.jittered(maxAttempts, maxThrottledAttempts, this.properties.initialBackoff(),
				this.properties.maxBackoff());
	}

	/**
	 * A lane over {@code ledger}; its groups stopped meanwhile are found by the claimer
	 * from {@link CallLedger#running()}.
	 */
	public <J extends CallLedger.Call> PacedCalls<J> lane(PacedCalls.Lane lane, CallLedger<J> ledger,
			CallMaker<J> maker, RetryPolicy policy) {
		return new PacedCalls<>(lane, ledger, maker, policy, this.lease, this.pacer, new StoppedSends(), this.meters);
	}

	<J extends CallLedger.Call> PacedCalls<J> lane(PacedCalls.Lane lane, CallLedger<J> ledger, CallMaker<J> maker,
			RetryPolicy policy, StoppedSends stopped) {
		return new PacedCalls<>(lane, ledger, maker, policy, this.lease, this.pacer, stopped, this.meters);
	}

}
