package dev.herald.dispatch;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * What other modules may know of the dispatcher's hold on the Connector budget: whether
 * this instance holds the tenant send lease (so its pacer is the one that paces the
 * tenant's Connector calls) and the pace it keeps. Connector calls made outside the
 * dispatcher in bulk (conversation creation) run only on the holder, so all instances
 * together stay in one budget.
 */
@Component
public class SendingInstance {

	private final SendLease lease;

	private final Pacer pacer;

	/** Looked up when read: the urgent lane needs modules that need this class. */
	private final ObjectProvider<UrgentAlerts> urgent;

	SendingInstance(SendLease lease, Pacer pacer, ObjectProvider<UrgentAlerts> urgent) {
		this.lease = lease;
		this.pacer = pacer;
		this.urgent = urgent;
	}

	/** Whether this instance paces the tenant's Connector calls now. */
	public boolean holdsSendLease() {
		return this.lease.isHeld();
	}

	/**
	 * The tenant's Connector budget, its shares and their use on this instance, and the
	 * urgent lane's activity feed budget.
	 */
	public BudgetView budget() {
		BudgetView view = this.pacer.view();
		UrgentAlerts feed = this.urgent.getIfAvailable();
		return (feed != null) ? view.withActivityFeed(feed.budget()) : view;
	}

	/** The Connector pace in calls per second (0 = unlimited), after 429 adjustments. */
	public double connectorRate() {
		return this.pacer.currentRate();
	}

}
