package dev.herald.dispatch;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.springframework.stereotype.Component;

/**
 * The delivery ledger as the paced-call engine sees it ({@link CallLedger}): every
 * statement is {@link Ledger}'s, this only adapts the types.
 */
@Component
class DeliveryLedger implements CallLedger<Ledger.Job> {

	private final Ledger ledger;

	private final DispatchProperties properties;

	DeliveryLedger(Ledger ledger, DispatchProperties properties) {
		this.ledger = ledger;
		this.properties = properties;
	}

	@Override
	public List<Ledger.Job> claim(int limit, UUID me) {
		return this.ledger.claim(limit, this.properties.lease(), me);
	}

	@Override
	public Set<?> markStarted(List<Ledger.Job> calls, UUID me) {
		return this.ledger.markStarted(calls, me);
	}

	@Override
	public void release(List<Ledger.Job> calls, UUID me) {
		this.ledger.release(calls, me);
	}

	@Override
	public void record(List<Outcome<Ledger.Job>> outcomes, UUID me) {
		List<Ledger.Result> results = new ArrayList<>(outcomes.size());
		for (Outcome<Ledger.Job> outcome : outcomes) {
			results.add(Ledger.Result.of(outcome.call(), outcome.decision()));
		}
		this.ledger.record(results, me);
	}

	@Override
	public Recovered recoverForeign(UUID me) {
		Ledger.Recovered recovered = this.ledger.recoverForeign(me);
		return new Recovered(recovered.flagged(), recovered.unflagged());
	}

	@Override
	public Collection<Long> running() {
		return this.ledger.sendingAnnouncements();
	}

}
