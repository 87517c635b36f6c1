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

	CallEngine(SendLease lease, Pacer pacer, MeterRegistry meters) {
		this.lease = lease;
		this.pacer = pacer;
		this.meters = meters;
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
