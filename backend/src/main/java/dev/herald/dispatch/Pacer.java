package dev.herald.dispatch;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.pacing.EvenPacer;
import dev.herald.pacing.PriorityGate;
import dev.herald.teams.CallBudget;
import dev.herald.worker.WorkerThreads;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The tenant budget as this instance sees it. Every Bot Connector call of this instance
 * takes a slot here, whatever its kind.
 * <p>
 * On the instance holding the send lease, calls are spaced evenly (one slot every 1/rate
 * seconds, never a burst, so no sliding window Teams applies sees more than the rate),
 * and every caller stops at once when Teams answers 429, until its Retry-After has
 * passed, then resumes at the same even pace. Company Communicator instead parked
 * throttled messages for a fixed 11 minutes; here a 1 s Retry-After costs 1 s. Which
 * waiting caller takes the next slot follows the kinds' priorities and shares
 * ({@link PriorityGate}: replies first, welcomes last, each kind its share).
 * <p>
 * On the other instances, calls take their slots from the side share all of them use
 * together ({@link SideShare}), which the holder leaves unused while it is wanted; so the
 * calls of all instances together stay within the one budget.
 */
@Component
final class Pacer implements CallBudget, SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(Pacer.class);

	/**
	 * Throttles without Retry-After further apart than this start the backoff afresh.
	 */
	private static final long BACKOFF_RESET_NANOS = TimeUnit.MINUTES.toNanos(1);

	/** How often the holder's side of the share protocol runs. */
	private static final long SHARE_STEP_MILLIS = 200;

	/** Even, adaptive spacing and the shared pause (see {@link EvenPacer}). */
	private final EvenPacer pace;

	/** Which waiting caller of this instance takes the holder's next slot. */
	private final PriorityGate gate;

	private final IntervalFunction backoff;

	private int consecutiveThrottles;

	private long lastThrottle;

	private final MeterRegistry meters;

	/**
	 * Share of the budget left unused (see {@link DispatchProperties#rateHeadroom()}).
	 */
	private final double headroom;

	/** Each kind's share, by {@link CallBudget.Kind} order. */
	private final double[] shares;

	/** The budget's share that instances without the lease call on. */
	private final double sideShare;

	/** The lease that says which path calls take; null: always this instance's pace. */
	private final SendLease lease;

	/** The share for instances without the lease; null when there is no lease. */
	private final SideShare side;

	/**
	 * The tenant budget the pace is derived from, in calls per second (0 = unlimited).
	 */
	private int budget;

	/** Whether the holder's pace leaves the side share unused now. */
	private boolean leavingShare;

	private final WorkerThreads stepper = new WorkerThreads();

	@Autowired
	Pacer(DispatchProperties properties, MeterRegistry meters, SendLease lease, JdbcClient jdbc) {
		this(properties.ratePerSecond(), properties.rateHeadroom(), IntervalFunction
			.ofExponentialRandomBackoff(properties.initialBackoff(), 2.0, 0.2, properties.maxBackoff()), meters,
				properties.kindShares(), properties.sideShare(), lease, jdbc);
	}

	/**
	 * One instance alone, all calls on its own pace (tests).
	 * @param ratePerSecond calls per second; 0 for no limit
	 */
	Pacer(int ratePerSecond) {
		this(ratePerSecond, DispatchProperties.DEFAULT_SHARES);
	}

	/** One instance alone with these shares per kind (tests). */
	Pacer(int ratePerSecond, Map<CallBudget.Kind, Double> shares) {
		this(ratePerSecond, 0,
				IntervalFunction.ofExponentialRandomBackoff(Duration.ofSeconds(1), 2.0, 0.2, Duration.ofMinutes(1)),
				null, shares, 0, null, null);
	}

	private Pacer(int ratePerSecond, double headroom, IntervalFunction backoff, MeterRegistry meters,
			Map<CallBudget.Kind, Double> shares, double sideShare, SendLease lease, JdbcClient jdbc) {
		this.headroom = headroom;
		this.budget = ratePerSecond;
		this.backoff = backoff;
		this.meters = meters;
		this.shares = new double[CallBudget.Kind.values().length];
		for (CallBudget.Kind kind : CallBudget.Kind.values()) {
			this.shares[kind.ordinal()] = shares.getOrDefault(kind, 0.0);
		}
		this.gate = new PriorityGate(this.shares);
		this.lease = lease;
		this.sideShare = (lease != null) ? sideShare : 0;
		// Until this instance holds the lease and has run the protocol, its pace leaves
		// the share (a new holder starts so).
		this.leavingShare = lease != null;
		this.pace = new EvenPacer(holderRate());
		this.side = (lease != null) ? new SideShare(jdbc, lease.instanceId(), sideRate(), this.shares) : null;
	}

	/** The holder's pace for the current budget and share, in calls per second. */
	private double holderRate() {
		return this.budget * (1 - this.headroom) * (this.leavingShare ? 1 - this.sideShare : 1);
	}

	/** The side share's pace for all instances without the lease together. */
	private double sideRate() {
		return this.budget * (1 - this.headroom) * this.sideShare;
	}

	/**
	 * Whether this call takes its slot from the side share (this instance has no lease).
	 */
	private boolean onSide() {
		return this.side != null && !this.lease.isHeld();
	}

	/**
	 * Moves to another tenant budget (an admin changed the send rate); nothing happens
	 * when it is the current one, so the pace keeps what it learned from 429s.
	 */
	synchronized void setBudget(int ratePerSecond) {
		if (ratePerSecond != this.budget) {
			this.budget = ratePerSecond;
			this.pace.setRate(holderRate());
			if (this.side != null) {
				this.side.setRate(sideRate());
			}
		}
	}

	/**
	 * The holder's pace leaves the side share unused, or takes the whole budget again
	 * (keeping what 429s taught it).
	 */
	private synchronized void leaveShare(boolean leave) {
		if (leave != this.leavingShare) {
			this.leavingShare = leave;
			this.pace.changeRate(holderRate());
		}
	}

	/** The tenant budget the pace follows, in calls per second (0 = unlimited). */
	synchronized int budget() {
		return this.budget;
	}

	/** The pace now, in calls per second (0 = unlimited). */
	double currentRate() {
		return this.pace.currentRate();
	}

	/**
	 * How long a slot taken ahead stays good at the least: a quarter of the interval
	 * between calls when that is longer. A call that leaves later than this (a GC pause,
	 * a cold HTTP client, a busy core) takes a fresh slot instead, so that calls held up
	 * together do not leave together as a burst; a call a few milliseconds late at 50/s
	 * (a busy core of two) keeps its slot, since a fresh one wastes a whole interval.
	 */
	private static final long AHEAD_VALID_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

	/**
	 * Blocks until this caller may make one call. The dispatcher takes its slot before
	 * the request is built and hands it to the Connector client, so nothing slow (no
	 * database) stands between the slot and the request leaving: the calls reach Teams as
	 * evenly spaced as the slots.
	 */
	@Override
	public Slot acquire(CallBudget.Kind kind) throws InterruptedException {
		if (onSide()) {
			return new Slot(null, this.side.acquire(kind), System.nanoTime(), kind);
		}
		long ticket = this.gate.acquire(kind.ordinal(), this.pace.currentRate(), this.pace::acquire);
		return new Slot(this.pace, ticket, System.nanoTime(), kind);
	}

	/** A slot taken ahead is used at once while fresh; a stale one is replaced. */
	@Override
	public CallBudget.Slot confirm(CallBudget.Slot ahead) throws InterruptedException {
		if (ahead instanceof Slot slot) {
			return (System.nanoTime() - slot.grantedAt() < aheadValidNanos()) ? slot : acquire(slot.kind());
		}
		return acquire(CallBudget.Kind.SEND);
	}

	private long aheadValidNanos() {
		double rate = this.pace.currentRate();
		return (rate <= 0) ? AHEAD_VALID_NANOS
				: Math.max(AHEAD_VALID_NANOS, (long) (TimeUnit.SECONDS.toNanos(1) / rate / 4));
	}

	/**
	 * One admitted call: the pacer's number for it and when it was granted.
	 */
	record Slot(EvenPacer pace, long ticket, long grantedAt, CallBudget.Kind kind) implements CallBudget.Slot {

		@Override
		public void departed() {
			if (this.pace != null) {
				this.pace.departed(this.ticket, System.nanoTime());
			}
		}

	}

	@Override
	public void throttled(Duration retryAfter, String operation) {
		Duration wait = retryAfter;
		if (wait == null) {
			synchronized (this) {
				// Backoff steps count throttling episodes without Retry-After: the 429s
				// of calls already in the air while paused are the same episode, and a
				// 429 that came with Retry-After was told its wait.
				long now = System.nanoTime();
				if (now - this.lastThrottle > BACKOFF_RESET_NANOS) {
					this.consecutiveThrottles = 0;
				}
				if (this.consecutiveThrottles == 0 || !this.pace.isPaused()) {
					this.consecutiveThrottles++;
				}
				this.lastThrottle = now;
				wait = Duration.ofMillis(this.backoff.apply(this.consecutiveThrottles));
			}
		}
		if (onSide()) {
			this.side.throttled(wait);
		}
		else {
			this.pace.throttled(wait);
		}
		if (this.meters != null) {
			Counter.builder("herald.teams.throttled")
				.description("429 answers of the Bot Connector, by operation and whether Retry-After came with them")
				.tag("operation", operation)
				.tag("retry_after", (retryAfter != null) ? "given" : "absent")
				.register(this.meters)
				.increment();
		}
	}

	/** Holds every caller back for this long (a 429's Retry-After). */
	void pause(Duration duration) {
		this.pace.pause(duration);
	}

	boolean isPaused() {
		return this.pace.isPaused();
	}

	// ---- the share protocol's holder side ----

	@Override
	public void start() {
		if (this.side == null || this.stepper.isRunning()) {
			return;
		}
		this.stepper.start("herald-connector-share", this::stepShare);
	}

	private void stepShare() {
		while (this.stepper.isRunning()) {
			try {
				leaveShare(this.side.step(this.lease.isHeld()));
			}
			catch (RuntimeException ex) {
				// The database is away: the pace stays as it is; nothing opens the share
				// meanwhile.
				log.warn("Connector budget share step failed: {}", ex.getMessage());
			}
			try {
				Thread.sleep(SHARE_STEP_MILLIS);
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	@Override
	public void stop() {
		// Interrupted and not waited for, as before: a step holds nothing to hand back.
		this.stepper.stop(Duration.ZERO);
	}

	@Override
	public boolean isRunning() {
		return this.stepper.isRunning();
	}

	// ---- what an admin reads ----

	/**
	 * The budget as this instance sees it: the tenant rate, the side share, each kind's
	 * priority, share and use here in the last second.
	 */
	synchronized BudgetView view() {
		boolean side = onSide();
		PriorityGate used = side ? this.side.gate() : this.gate;
		int[] lastSecond = used.lastSecond();
		long[] granted = used.granted();
		Map<CallBudget.Kind, BudgetView.KindView> kinds = new EnumMap<>(CallBudget.Kind.class);
		for (CallBudget.Kind kind : CallBudget.Kind.values()) {
			int i = kind.ordinal();
			kinds.put(kind, new BudgetView.KindView(kind, i + 1, this.shares[i], this.shares[i] * this.budget,
					lastSecond[i], granted[i]));
		}
		return new BudgetView(this.budget, this.sideShare, this.sideShare * this.budget, !side,
				side ? this.side.rate() : this.pace.currentRate(),
				(this.side != null) ? this.side.state().name() : SideShare.State.FULL.name(), kinds);
	}

}
