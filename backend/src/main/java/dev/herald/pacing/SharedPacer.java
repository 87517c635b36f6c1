package dev.herald.pacing;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A per-second budget shared by every Herald instance (Graph installs, welcomes): the
 * slots live in PostgreSQL ({@code rate_budget}, virtual scheduling: the row holds the
 * time of the next free slot), so N instances together never exceed the budget of one. An
 * instance reserves a short run of consecutive slots in one statement and spaces its
 * callers over them; the database clock decides, so instance clocks do not matter.
 * <p>
 * After a 429 every instance waits: the next free slot is moved past the Retry-After, and
 * the pace eases off by 1% (at most 15%), climbing back by 0.5% per quiet 10 s, like
 * {@link EvenPacer}.
 */
public final class SharedPacer {

	private static final double MIN_FACTOR = 0.85;

	private static final long RECOVER_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

	private static final long SECOND_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

	/**
	 * Slots reserved per statement: a fifth of a second's worth, or twice the last round
	 * trip to the database when that is slower (a busy database must not cap the pace).
	 */
	private static final double RESERVE_SECONDS = 0.2;

	private static final double MAX_RESERVE_SECONDS = 2.0;

	private volatile double lastRoundTripSeconds;

	private final JdbcClient jdbc;

	private final String name;

	private final ReentrantLock turnstile = new ReentrantLock(true);

	/** Reserved slots not yet used, as System.nanoTime() values. */
	private final ArrayDeque<Long> slots = new ArrayDeque<>();

	private volatile double rate;

	private double factor = 1.0;

	private long lastAdjust = System.nanoTime();

	private volatile long pausedUntil = System.nanoTime();

	/**
	 * This instance's own calls, kept evenly spaced at the same rate: slots reserved in
	 * separate statements can come out closer than one interval (the database's answer
	 * takes a varying time), and the service's one-second window would see a burst.
	 */
	private final EvenPacer local;

	/**
	 * This instance's grants of the last minute (System.nanoTime()), for {@link #use()}.
	 */
	private final ArrayDeque<Long> recent = new ArrayDeque<>();

	private long granted;

	private long throttles;

	/**
	 * @param jdbc the shared database
	 * @param name the budget's name ({@code rate_budget.name})
	 * @param ratePerSecond calls per second for all instances together (0 = unlimited)
	 */
	public SharedPacer(JdbcClient jdbc, String name, double ratePerSecond) {
		this.jdbc = jdbc;
		this.name = name;
		this.rate = ratePerSecond;
		this.local = new EvenPacer(ratePerSecond);
	}

	public void setRate(double ratePerSecond) {
		if (ratePerSecond != this.rate) {
			this.rate = ratePerSecond;
			this.local.setRate(ratePerSecond);
			synchronized (this) {
				this.slots.clear();
			}
		}
	}

	public synchronized double currentRate() {
		return this.rate * this.factor;
	}

	/** Blocks until this caller may make one call. */
	public void acquire() throws InterruptedException {
		if (this.rate <= 0) {
			awaitPause();
			granted();
			return;
		}
		this.turnstile.lockInterruptibly();
		try {
			while (true) {
				Long slot;
				synchronized (this) {
					slot = this.slots.poll();
				}
				if (slot == null) {
					reserve();
					continue;
				}
				long now = System.nanoTime();
				if (slot - this.pausedUntil < 0) {
					// reserved before a 429: the database has moved on, so do we
					continue;
				}
				if (now - slot > staleAfterNanos()) {
					// Passed unused (the caller was held up elsewhere): used now it would
					// share its interval with another instance's slot.
					continue;
				}
				long wait = slot - now;
				if (wait > 0) {
					LockSupport.parkNanos(wait);
					if (Thread.interrupted()) {
						throw new InterruptedException();
					}
				}
				this.local.acquire();
				granted();
				return;
			}
		}
		finally {
			this.turnstile.unlock();
		}
	}

	private synchronized void granted() {
		long now = System.nanoTime();
		this.granted++;
		this.recent.add(now);
		trim(now);
	}

	private void trim(long now) {
		while (!this.recent.isEmpty() && now - this.recent.peek() >= MINUTE_NANOS) {
			this.recent.poll();
		}
	}

	/**
	 * What an admin reads of this budget: its use by this instance, and its pause after a
	 * 429 answered to any instance (read from the database: the instance the admin's page
	 * reached may not be the one that was answered).
	 */
	public Use use() {
		long shared = this.jdbc.sql("""
				SELECT GREATEST(0, EXTRACT(EPOCH FROM (paused_until - clock_timestamp())) * 1000)::bigint
				FROM rate_budget WHERE name = :name AND paused_until IS NOT NULL
				""").param("name", this.name).query(Long.class).optional().orElse(0L);
		synchronized (this) {
			long now = System.nanoTime();
			trim(now);
			int lastSecond = 0;
			for (var it = this.recent.descendingIterator(); it.hasNext() && now - it.next() < SECOND_NANOS;) {
				lastSecond++;
			}
			long paused = Math.max(shared, TimeUnit.NANOSECONDS.toMillis(this.pausedUntil - now));
			return new Use(this.name, this.rate, this.rate * this.factor, lastSecond, this.recent.size(), this.granted,
					this.throttles, paused > 0, Math.max(0, paused));
		}
	}

	/**
	 * A shared budget as this instance sees it.
	 *
	 * @param name the budget ({@code rate_budget.name})
	 * @param ratePerSecond its rate for all instances together (0 = unlimited)
	 * @param pace the rate after 429s eased it
	 * @param lastSecond calls this instance made in the last second
	 * @param lastMinute calls this instance made in the last minute
	 * @param total calls this instance made since it started
	 * @param throttled 429s this instance was answered since it started
	 * @param paused whether the budget waits out a 429's Retry-After now (answered to
	 * this instance or another)
	 * @param pausedForMillis how much longer it waits (0 when not paused)
	 */
	public record Use(String name, double ratePerSecond, double pace, int lastSecond, int lastMinute, long total,
			long throttled, boolean paused, long pausedForMillis) {
	}

	/** A reserved slot is used no later than one interval after its time. */
	private long staleAfterNanos() {
		double effective = currentRate();
		return (effective <= 0) ? Long.MAX_VALUE : (long) (TimeUnit.SECONDS.toNanos(1) / effective);
	}

	private void awaitPause() throws InterruptedException {
		long wait;
		while ((wait = this.pausedUntil - System.nanoTime()) > 0) {
			LockSupport.parkNanos(wait);
			if (Thread.interrupted()) {
				throw new InterruptedException();
			}
		}
	}

	/** Takes the next run of free slots from the database. */
	private void reserve() {
		double effective;
		synchronized (this) {
			long now = System.nanoTime();
			if (this.factor < 1.0 && now - this.lastAdjust > RECOVER_EVERY_NANOS) {
				this.factor = Math.min(1.0, this.factor + 0.005);
				this.lastAdjust = now;
			}
			effective = this.rate * this.factor;
		}
		long intervalMicros = Math.max(1, (long) (1_000_000 / effective));
		double seconds = Math.min(MAX_RESERVE_SECONDS, Math.max(RESERVE_SECONDS, 2 * this.lastRoundTripSeconds));
		int count = Math.max(1, (int) Math.round(effective * seconds));
		long asked = System.nanoTime();
		// Slots that passed unused are not handed out late: that would bunch calls. A new
		// row is advanced past the run it hands out too, or the next run starts at once
		// (two calls together: a 429 at 2/s, #25).
		Double firstInMillis = this.jdbc.sql("""
				WITH row AS (
				  INSERT INTO rate_budget (name, next_slot)
				  VALUES (:name, clock_timestamp() + :count * :interval * interval '1 microsecond')
				  ON CONFLICT (name) DO UPDATE SET next_slot = GREATEST(rate_budget.next_slot, clock_timestamp())
				    + :count * :interval * interval '1 microsecond'
				  RETURNING next_slot
				)
				SELECT EXTRACT(EPOCH FROM (next_slot - :count * :interval * interval '1 microsecond'
				  - clock_timestamp())) * 1000 FROM row
				""")
			.param("name", this.name)
			.param("count", count)
			.param("interval", intervalMicros)
			.query(Double.class)
			.single();
		long answered = System.nanoTime();
		this.lastRoundTripSeconds = (answered - asked) / 1e9;
		// The database read its clock about halfway through the round trip.
		long first = asked + (answered - asked) / 2 + (long) (firstInMillis * 1_000_000);
		synchronized (this) {
			for (int i = 0; i < count; i++) {
				this.slots.add(first + i * intervalMicros * 1000);
			}
		}
	}

	/**
	 * The service answered 429: every instance waits this long, and the pace eases off a
	 * little.
	 */
	public void throttled(Duration wait) {
		synchronized (this) {
			long now = System.nanoTime();
			this.throttles++;
			if (now - this.pausedUntil >= 0) {
				this.factor = Math.max(MIN_FACTOR, this.factor - 0.01);
				this.lastAdjust = now;
			}
			long until = now + wait.toNanos();
			if (until - this.pausedUntil > 0) {
				this.pausedUntil = until;
			}
			this.slots.clear();
		}
		this.jdbc.sql("""
				INSERT INTO rate_budget (name, next_slot, paused_until)
				VALUES (:name, clock_timestamp() + :ms * interval '1 millisecond',
				        clock_timestamp() + :ms * interval '1 millisecond')
				ON CONFLICT (name) DO UPDATE SET next_slot = GREATEST(rate_budget.next_slot, EXCLUDED.next_slot),
				  paused_until = GREATEST(rate_budget.paused_until, EXCLUDED.paused_until)
				""").param("name", this.name).param("ms", wait.toMillis()).update();
	}

}
