package dev.herald.dispatch;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Which instance freezes which preparing announcement: a lease per announcement in
 * {@code freeze_claim}, renewed by the freezer's heartbeat. A killed instance's freeze is
 * taken over (and redone from the start) once its lease lapses; the ledger is written
 * only by the holder, in the transaction that makes the announcement {@code sending}.
 */
@Component
class FreezeClaims {

	private final JdbcClient jdbc;

	FreezeClaims(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * The oldest preparing announcement nobody holds (or whose holder's lease lapsed).
	 */
	@Transactional
	public Optional<Long> claim(UUID me, Duration lease) {
		return this.jdbc
			.sql("""
					WITH candidate AS (
					  SELECT a.id FROM announcement a
					  WHERE a.status = 'preparing'
					    AND NOT EXISTS (SELECT 1 FROM freeze_claim f WHERE f.announcement_id = a.id AND f.lease_until > now())
					  ORDER BY a.id LIMIT 1
					  FOR UPDATE OF a SKIP LOCKED
					)
					INSERT INTO freeze_claim (announcement_id, claimed_by, lease_until)
					SELECT id, :me, now() + :ms * interval '1 millisecond' FROM candidate
					ON CONFLICT (announcement_id) DO UPDATE
					  SET claimed_by = EXCLUDED.claimed_by, lease_until = EXCLUDED.lease_until,
					      attempts = freeze_claim.attempts + 1
					  WHERE freeze_claim.lease_until <= now()
					RETURNING announcement_id
					""")
			.param("me", me)
			.param("ms", lease.toMillis())
			.query(Long.class)
			.optional();
	}

	/** Extends this instance's lease; false when another instance took the job over. */
	boolean renew(long announcementId, UUID me, Duration lease) {
		return this.jdbc.sql("""
				UPDATE freeze_claim SET lease_until = now() + :ms * interval '1 millisecond'
				WHERE announcement_id = :id AND claimed_by = :me
				""").param("id", announcementId).param("me", me).param("ms", lease.toMillis()).update() == 1;
	}

	/**
	 * Inside the transaction that writes the ledger, after the announcement row is locked
	 * (which keeps {@link #claim} of other instances away from it): whether the claim is
	 * still this instance's. A key-share lock, so the heartbeat can go on renewing the
	 * lease while the ledger is written.
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public boolean hold(long announcementId, UUID me) {
		return this.jdbc.sql("""
				SELECT 1 FROM freeze_claim WHERE announcement_id = :id AND claimed_by = :me FOR KEY SHARE
				""").param("id", announcementId).param("me", me).query(Integer.class).optional().isPresent();
	}

	/** The job is done (or given up): nobody needs the claim any more. */
	void release(long announcementId, UUID me) {
		this.jdbc.sql("DELETE FROM freeze_claim WHERE announcement_id = :id AND claimed_by = :me")
			.param("id", announcementId)
			.param("me", me)
			.update();
	}

}
