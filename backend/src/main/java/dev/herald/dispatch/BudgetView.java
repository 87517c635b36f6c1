package dev.herald.dispatch;

import java.util.Map;

import dev.herald.pacing.SharedPacer;
import dev.herald.teams.CallBudget;

/**
 * The tenant's Connector budget as one instance sees it, for the settings page and its
 * API twin.
 *
 * @param ratePerSecond the tenant budget (calls per second, 0 = unlimited)
 * @param sideShare share of it that instances without the send lease call on
 * @param sideRate that share in calls per second
 * @param holdsLease whether this instance holds the send lease (paces the rest)
 * @param pace this instance's pace now (the holder's, or the side share's), after 429s
 * @param shareState the side share's state as the holder sees it ({@code FULL}: nobody
 * else wants it; {@code OPEN}: left to the others; {@code NOT_HOLDING} elsewhere)
 * @param kinds each kind's priority, share and use on this instance
 * @param activityFeed the urgent lane's own Graph budget ({@code graph-activity-feed},
 * #25), separate from the Connector's: its rate, pace, use on this instance and whether
 * this instance waits out a 429
 */
public record BudgetView(int ratePerSecond, double sideShare, double sideRate, boolean holdsLease, double pace,
		String shareState, Map<CallBudget.Kind, KindView> kinds, SharedPacer.Use activityFeed) {

	BudgetView(int ratePerSecond, double sideShare, double sideRate, boolean holdsLease, double pace, String shareState,
			Map<CallBudget.Kind, KindView> kinds) {
		this(ratePerSecond, sideShare, sideRate, holdsLease, pace, shareState, kinds, null);
	}

	BudgetView withActivityFeed(SharedPacer.Use feed) {
		return new BudgetView(this.ratePerSecond, this.sideShare, this.sideRate, this.holdsLease, this.pace,
				this.shareState, this.kinds, feed);
	}

	/**
	 * One kind of call.
	 *
	 * @param kind the kind
	 * @param priority 1 first
	 * @param share its guaranteed share of the budget while it has calls waiting
	 * @param guaranteedRate that share in calls per second
	 * @param lastSecond its calls on this instance in the last second
	 * @param total its calls on this instance since it started
	 */
	public record KindView(CallBudget.Kind kind, int priority, double share, double guaranteedRate, int lastSecond,
			long total) {
	}

}
