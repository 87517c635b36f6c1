package dev.herald.dispatch;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.pacing.PriorityGate;
import dev.herald.pacing.SharedPacer;
import dev.herald.teams.CallBudget;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The share of the tenant's Connector budget that instances without the send lease call
 * on (a reply, a welcome, a test copy or an approval card happens on whichever instance
 * the request or event reached), so that all instances together stay within one budget.
 * <p>
 * The share is a {@link SharedPacer} over the database ({@code rate_budget}
 * {@code connector-side}), so all instances without the lease together use at most
 * {@code sideShare} of the rate. The holder paces the rest; it leaves the share unused
 * only while somebody wants it, through two columns of {@code send_lease}:
 * <ol>
 * <li>an instance with calls waiting pushes {@code side_wanted_until} forward;</li>
 * <li>the holder sees it, slows down to the rest of the budget, waits one second (its
 * last second at the full rate must leave Teams' window) and publishes
 * {@code side_open_until} two seconds ahead, again and again while the share is
 * wanted;</li>
 * <li>the others call only before {@code side_open_until} (or while nobody holds the
 * lease: a new holder starts slowed down, with the share open);</li>
 * <li>wanted by nobody for {@link #LINGER}, the holder stops publishing and goes back to
 * the full rate one second after the last {@code side_open_until} has passed.</li>
 * </ol>
 * So in every one-second window the holder's calls and the share's together stay within
 * the budget, and a single instance (or one with nobody else calling) keeps all of it.
 */
final class SideShare {

	private static final Logger log = LoggerFactory.getLogger(SideShare.class);

	/** How far ahead the holder opens the share each time. */
	private static final long OPEN_AHEAD_MILLIS = 2_000;

	/** Teams counts calls per second: a change of pace waits for the window to pass. */
	private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

	/** For the moments between a decision and the calls it governs. */
	private static final long MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	/** A share nobody wanted for this long is closed. */
	static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(5);

	/** How long an instance's want lasts in the database. */
	private static final long WANT_MILLIS = 5_000;

	/** Calls are not started this close to the share's end. */
	private static final long MIN_LEFT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

	/** How long a read of the share's state is trusted. */
	private static final long GATE_FRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(150);

	private final JdbcClient jdbc;

	private final UUID me;

	private final SharedPacer pacer;

	private final PriorityGate gate;

	// ---- as an instance without the lease ----

	/** Until when (System.nanoTime()) this instance may call on the share. */
	private long openUntil = System.nanoTime();

	private long gateReadAt = System.nanoTime() - 2 * GATE_FRESH_NANOS;

	private volatile long wantedAt = System.nanoTime() - 2 * WANT_MILLIS * 1_000_000;

	// ---- as the holder ----

	enum State {

		/** Not holding the lease (the holder's pace is kept slowed down meanwhile). */
		NOT_HOLDING,
		/** Holding, at the full rate, the share closed. */
		FULL,
		/** Slowed down, waiting for the last full-rate second to pass. */
		SLOWING,
		/** Slowed down, the share published as open. */
		OPEN,
		/** Slowed down, no longer published, waiting for the last opening to pass. */
		CLOSING

	}

	private State state = State.NOT_HOLDING;

	private long changedAt = System.nanoTime();

	private long lastWanted;

	/** Until when (System.nanoTime(), erring late) the share was published open. */
	private long publishedUntil = System.nanoTime();

	SideShare(JdbcClient jdbc, UUID me, double rate, double[] shares) {
		this.jdbc = jdbc;
		this.me = me;
		this.pacer = new SharedPacer(jdbc, "connector-side", rate);
		this.gate = new PriorityGate(shares);
	}

	void setRate(double rate) {
		this.pacer.setRate(rate);
	}

	double rate() {
		return this.pacer.currentRate();
	}

	PriorityGate gate() {
		return this.gate;
	}

	synchronized State state() {
		return this.state;
	}

	/**
	 * Blocks until this instance (not holding the lease) may make one call of this kind
	 * on the share.
	 */
	long acquire(CallBudget.Kind kind) throws InterruptedException {
		while (true) {
			want();
			long until = openUntil();
			if (until - System.nanoTime() < MIN_LEFT_NANOS) {
				Thread.sleep(50);
				continue;
			}
			this.gate.acquire(kind.ordinal(), this.pacer.currentRate(), () -> {
				this.pacer.acquire();
				return -1;
			});
			// Read again, not the value from before the wait: a caller queued behind a
			// few others waits longer than the share is published ahead (2 s), and
			// judged by its old reading every one of them gave its slot back and queued
			// again, for ever (five welcome senders at 1.9/s: none sent in minutes).
			if (openUntil() - System.nanoTime() > 0) {
				return System.nanoTime();
			}
			// The share closed while this caller waited for its slot: ask again.
		}
	}

	/** A 429 on the share: every instance without the lease waits. */
	void throttled(Duration wait) {
		this.pacer.throttled(wait);
	}

	/** Tells the holder this instance has calls to make (at most once a second). */
	private void want() {
		long now = System.nanoTime();
		if (now - this.wantedAt < WINDOW_NANOS) {
			return;
		}
		this.wantedAt = now;
		try {
			this.jdbc
				.sql("""
						UPDATE send_lease
						SET side_wanted_until = GREATEST(side_wanted_until, clock_timestamp() + :ms * interval '1 millisecond')
						WHERE name = 'tenant'
						""")
				.param("ms", WANT_MILLIS)
				.update();
		}
		catch (RuntimeException ex) {
			log.debug("Could not ask for the Connector side share: {}", ex.getMessage());
		}
	}

	/** Until when this instance may call on the share, read at most every 150 ms. */
	private synchronized long openUntil() {
		long asked = System.nanoTime();
		if (asked - this.gateReadAt < GATE_FRESH_NANOS) {
			return this.openUntil;
		}
		try {
			Double leftMillis = this.jdbc.sql("""
					SELECT CASE WHEN holder IS NULL OR lease_until < clock_timestamp() THEN :ahead
					       ELSE EXTRACT(EPOCH FROM (side_open_until - clock_timestamp())) * 1000 END
					FROM send_lease WHERE name = 'tenant'
					""").param("ahead", OPEN_AHEAD_MILLIS).query(Double.class).optional().orElse(0.0);
			// Counted from when we asked: the database read its clock after that.
			this.openUntil = asked + (long) (Math.max(-1e6, leftMillis) * 1_000_000);
		}
		catch (RuntimeException ex) {
			this.openUntil = asked;
		}
		this.gateReadAt = System.nanoTime();
		return this.openUntil;
	}

	/**
	 * One step of the holder's side of the protocol (see the class comment), every few
	 * hundred milliseconds.
	 * @param held whether this instance holds the send lease
	 * @return whether the holder's pace must be slowed down to leave the share
	 */
	synchronized boolean step(boolean held) {
		long now = System.nanoTime();
		if (!held) {
			move(State.NOT_HOLDING, now);
			return true;
		}
		boolean wanted = isWanted();
		if (wanted) {
			this.lastWanted = now;
		}
		switch (this.state) {
			case NOT_HOLDING -> {
				// A new holder starts slowed down with the share open: the others may
				// have called on it while nobody held the lease.
				this.lastWanted = now;
				publishOpen();
				move(State.OPEN, now);
			}
			case FULL -> {
				if (wanted) {
					move(State.SLOWING, now);
				}
			}
			case SLOWING -> {
				if (now - this.changedAt >= WINDOW_NANOS + MARGIN_NANOS) {
					publishOpen();
					move(State.OPEN, now);
				}
			}
			case OPEN -> {
				if (now - this.lastWanted < LINGER_NANOS) {
					publishOpen();
				}
				else {
					move(State.CLOSING, now);
				}
			}
			case CLOSING -> {
				if (wanted) {
					publishOpen();
					move(State.OPEN, now);
				}
				else if (now - this.publishedUntil > WINDOW_NANOS + MARGIN_NANOS) {
					move(State.FULL, now);
				}
			}
		}
		return this.state != State.FULL;
	}

	private void move(State next, long now) {
		if (next != this.state) {
			this.state = next;
			this.changedAt = now;
		}
	}

	private boolean isWanted() {
		return this.jdbc.sql("SELECT side_wanted_until > clock_timestamp() FROM send_lease WHERE name = 'tenant'")
			.query(Boolean.class)
			.optional()
			.orElse(false);
	}

	private void publishOpen() {
		int updated = this.jdbc.sql("""
				UPDATE send_lease SET side_open_until = clock_timestamp() + :ms * interval '1 millisecond'
				WHERE name = 'tenant' AND holder = :me
				""").param("ms", OPEN_AHEAD_MILLIS).param("me", this.me).update();
		if (updated > 0) {
			// The database set it before its answer came: this errs late, as it must.
			this.publishedUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(OPEN_AHEAD_MILLIS);
		}
	}

}
