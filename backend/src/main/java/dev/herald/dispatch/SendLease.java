package dev.herald.dispatch;

import java.net.InetAddress;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The tenant send lease: at most one Herald instance at a time claims and sends, so the
 * rate of all instances together is the rate of one pacer. The holder renews it well
 * within {@link DispatchProperties#sendLease()}; when it dies, another instance takes
 * over once the lease lapses. Calls are fenced by the database clock: a call is only
 * marked as started (see {@link Ledger#markStarted}) while this instance holds a current
 * lease, so a holder that lost the lease during a pause cannot send.
 */
@Component
public class SendLease {

	private static final String NAME = "tenant";

	/** Identifies this process in the ledger ({@code claimed_by}) and in the lease. */
	private final UUID instanceId = UUID.randomUUID();

	private final String host;

	private final JdbcClient jdbc;

	private final long leaseNanos;

	/**
	 * System.nanoTime() until which this instance may act as holder without renewing, by
	 * its own clock.
	 */
	private volatile long heldUntil = System.nanoTime();

	SendLease(JdbcClient jdbc, DispatchProperties properties) {
		this.jdbc = jdbc;
		this.leaseNanos = properties.sendLease().toNanos();
		this.host = hostName();
	}

	/** This process, as it appears in {@code claimed_by} and the lease. */
	public UUID instanceId() {
		return this.instanceId;
	}

	/**
	 * Acquires or renews the lease. Returns {@code ACQUIRED} when this instance just
	 * became the holder (the caller then recovers what a previous holder left in flight),
	 * {@code RENEWED} when it already was, {@code OTHER} when another instance holds it.
	 */
	Renewal renew() {
		long asked = System.nanoTime();
		Boolean wasHolder = this.jdbc
			.sql("""
					WITH old AS (SELECT holder, lease_until FROM send_lease WHERE name = :name FOR UPDATE)
					UPDATE send_lease l
					SET holder = :me, holder_host = :host, lease_until = now() + :ms * interval '1 millisecond',
					    acquired_at = CASE WHEN old.holder = :me AND old.lease_until > now() THEN l.acquired_at ELSE now() END
					FROM old
					WHERE l.name = :name AND (old.holder = :me OR old.lease_until < now() OR old.holder IS NULL)
					RETURNING COALESCE(old.holder = :me AND old.lease_until > now(), false)
					""")
			.param("name", NAME)
			.param("me", this.instanceId)
			.param("host", this.host)
			.param("ms", TimeUnit.NANOSECONDS.toMillis(this.leaseNanos))
			.query(Boolean.class)
			.optional()
			.orElse(null);
		if (wasHolder == null) {
			this.heldUntil = asked;
			return Renewal.OTHER;
		}
		// Count from when we asked, not when the answer came: the database granted the
		// lease somewhere in between, so this errs on the short side.
		this.heldUntil = asked + this.leaseNanos * 3 / 4;
		return wasHolder ? Renewal.RENEWED : Renewal.ACQUIRED;
	}

	/** Whether this instance holds the lease, by its own clock (with a safety margin). */
	public boolean isHeld() {
		return System.nanoTime() - this.heldUntil < 0;
	}

	/**
	 * Hands the lease over at once on a clean shutdown, so another instance need not
	 * wait.
	 */
	void release() {
		this.heldUntil = System.nanoTime();
		this.jdbc.sql("UPDATE send_lease SET lease_until = now() WHERE name = :name AND holder = :me")
			.param("name", NAME)
			.param("me", this.instanceId)
			.update();
	}

	private static String hostName() {
		try {
			return InetAddress.getLocalHost().getHostName() + "/" + ProcessHandle.current().pid();
		}
		catch (Exception ex) {
			return "pid " + ProcessHandle.current().pid();
		}
	}

	enum Renewal {

		ACQUIRED, RENEWED, OTHER

	}

}
