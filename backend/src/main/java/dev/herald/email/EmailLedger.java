package dev.herald.email;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.herald.settings.AppSettings;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The e-mail ledger: which people of a finished send get the announcement by e-mail, and
 * where each e-mail is. Rows are claimed with {@code FOR UPDATE SKIP LOCKED}
 * (db-scheduler's pattern) so any number of instances share the work, and a row leaves
 * {@code queued} once: an e-mail is never sent twice for the same announcement and
 * person.
 */
@Component
class EmailLedger {

	/** Final ledger states after which Teams did not reach a person. */
	static final List<String> UNREACHED = List.of("blocked", "failed");

	static final String NO_ADDRESS = "No e-mail address in the directory";

	static final String WITHDRAWN = "The announcement was withdrawn before the e-mail left";

	static final String OPTED_OUT = "Opted out before the e-mail left";

	static final String INTERRUPTED = "Interrupted while sending: not sent again, it may have left";

	private final JdbcClient jdbc;

	EmailLedger(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Plans the fallback of one finished send that wants it and has none yet: one row per
	 * person the send ended blocked or failed for (not opted out since), queued when the
	 * directory has their address, failed otherwise. The plan row and the e-mail rows go
	 * in together, so a send is planned once however many instances try.
	 * @return the announcement planned, if any
	 */
	@Transactional
	public Optional<Long> planNext(Duration window) {
		Optional<Long> claimed = this.jdbc.sql("""
				INSERT INTO email_plan (announcement_id)
				SELECT a.id FROM announcement a
				WHERE a.status = 'sent' AND a.finished_at > now() - :window * interval '1 millisecond'
				  AND COALESCE(a.email_fallback,
				        (SELECT s.value = 'true' AND s.updated_at <= a.started_at
				         FROM app_setting s WHERE s.key = :defaultKey),
				        false)
				  AND NOT EXISTS (SELECT 1 FROM email_plan p WHERE p.announcement_id = a.id)
				ORDER BY a.id
				LIMIT 1
				ON CONFLICT DO NOTHING
				RETURNING announcement_id
				""")
			.param("window", window.toMillis())
			.param("defaultKey", AppSettings.EMAIL_FALLBACK_DEFAULT)
			.query(Long.class)
			.optional();
		claimed.ifPresent((id) -> this.jdbc
			.sql("""
					WITH planned AS (
					  INSERT INTO email_delivery (announcement_id, recipient, address, variant, card_language, state, reason)
					  SELECT d.announcement_id, lower(d.recipient), NULLIF(btrim(du.mail), ''), d.variant, d.card_language,
					         CASE WHEN NULLIF(btrim(du.mail), '') IS NULL THEN 'failed' ELSE 'queued' END,
					         CASE WHEN NULLIF(btrim(du.mail), '') IS NULL THEN :noAddress END
					  FROM delivery d
					  LEFT JOIN directory_user du ON du.aad_object_id = lower(d.recipient) AND NOT du.deleted
					  LEFT JOIN herald_opted_out_people(CAST(:id AS bigint)) oo ON oo.aad = lower(d.recipient)
					  WHERE d.announcement_id = :id AND d.recipient_kind = 'person' AND d.state IN (:unreached)
					    AND oo.aad IS NULL
					  ON CONFLICT DO NOTHING
					  RETURNING state
					)
					UPDATE email_plan SET queued = (SELECT count(*) FROM planned WHERE state = 'queued'),
					  without_address = (SELECT count(*) FROM planned WHERE state = 'failed')
					WHERE announcement_id = :id
					""")
			.param("id", id)
			.param("noAddress", NO_ADDRESS)
			.param("unreached", UNREACHED)
			.update());
		return claimed;
	}

	/**
	 * Rows another instance (or this one, before a crash) left sending past their lease:
	 * the e-mail may have left, so they fail rather than go again. Also fails the queued
	 * rows of withdrawn announcements.
	 */
	int failAbandoned() {
		return this.jdbc.sql("""
				UPDATE email_delivery SET state = 'failed', reason = :reason, claimed_by = NULL, lease_until = NULL,
				  updated_at = now()
				WHERE state = 'sending' AND lease_until < now()
				""").param("reason", INTERRUPTED).update() + failWithdrawn();
	}

	/**
	 * Queued e-mails of an announcement recalled (or expired) since: they never leave,
	 * and say why.
	 */
	private int failWithdrawn() {
		return this.jdbc.sql("""
				UPDATE email_delivery e SET state = 'failed', reason = :reason, updated_at = now()
				FROM announcement a
				WHERE e.state = 'queued' AND a.id = e.announcement_id AND a.status <> 'sent'
				""").param("reason", WITHDRAWN).update();
	}

	/** Claims up to {@code limit} queued rows that are due, of sends still standing. */
	List<Job> claim(int limit, Duration lease, UUID me) {
		return this.jdbc.sql("""
				WITH picked AS (
				  SELECT e.announcement_id, e.recipient
				  FROM email_delivery e JOIN announcement a ON a.id = e.announcement_id
				  WHERE e.state = 'queued' AND e.next_attempt_at <= now() AND a.status = 'sent'
				  ORDER BY e.next_attempt_at
				  LIMIT :limit
				  FOR UPDATE OF e SKIP LOCKED
				)
				UPDATE email_delivery e
				SET state = 'sending', claimed_by = :me, attempts = e.attempts + 1,
				    lease_until = now() + :lease * interval '1 millisecond', updated_at = now()
				FROM picked p
				WHERE e.announcement_id = p.announcement_id AND e.recipient = p.recipient
				RETURNING e.announcement_id, e.recipient, e.address, e.variant, e.card_language, e.attempts
				""")
			.param("limit", limit)
			.param("lease", lease.toMillis())
			.param("me", me)
			.query((rs, i) -> new Job(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
					rs.getInt(6)))
			.list();
	}

	void sent(Job job, UUID me, String mailbox) {
		this.jdbc.sql("""
				UPDATE email_delivery SET state = 'sent', sent_at = now(), reason = NULL, claimed_by = NULL,
				  lease_until = NULL, mailbox = :mailbox, updated_at = now()
				WHERE announcement_id = :id AND recipient = :recipient AND state = 'sending' AND claimed_by = :me
				""")
			.param("id", job.announcementId())
			.param("recipient", job.recipient())
			.param("me", me)
			.param("mailbox", mailbox, java.sql.Types.VARCHAR)
			.update();
	}

	/**
	 * Whether the person opted out of this announcement after its fallback was planned:
	 * the freeze's rule ({@code herald_opted_out_people}: the topic or everything;
	 * critical and urgent announcements reach everyone), asked again just before the
	 * e-mail leaves. A fallback can take hours at a mailbox's pace; someone who says
	 * "stop" meanwhile gets nothing more.
	 */
	boolean optedOutSince(Job job) {
		return this.jdbc.sql("""
				SELECT EXISTS (SELECT 1 FROM herald_opted_out_people(:id) oo WHERE oo.aad = lower(:recipient))
				""")
			.param("id", job.announcementId())
			.param("recipient", job.recipient())
			.query(Boolean.class)
			.single();
	}

	/** E-mails each sender mailbox sent in the last day (one recipient each). */
	Map<String, Long> sentToday() {
		Map<String, Long> counts = new HashMap<>();
		this.jdbc.sql("""
				SELECT mailbox, count(*) FROM email_delivery
				WHERE mailbox IS NOT NULL AND sent_at > now() - interval '1 day'
				GROUP BY mailbox
				""").query((rs, i) -> counts.put(rs.getString(1), rs.getLong(2))).list();
		return counts;
	}

	/** E-mails still to send, for the estimate of how long they take. */
	long queued(long announcementId) {
		return this.jdbc
			.sql("SELECT count(*) FROM email_delivery WHERE announcement_id = :id AND state IN ('queued', 'sending')")
			.param("id", announcementId)
			.query(Long.class)
			.single();
	}

	/**
	 * A failure: queued again after {@code retryIn}, or failed for good when null;
	 * {@code free} gives the try back (a throttle is not the e-mail's fault).
	 */
	void failed(Job job, String reason, Duration retryIn, UUID me, boolean free) {
		this.jdbc.sql("""
				UPDATE email_delivery SET state = CASE WHEN :retry THEN 'queued' ELSE 'failed' END, reason = :reason,
				  attempts = attempts - CASE WHEN :free THEN 1 ELSE 0 END,
				  next_attempt_at = now() + :wait * interval '1 millisecond', claimed_by = NULL, lease_until = NULL,
				  updated_at = now()
				WHERE announcement_id = :id AND recipient = :recipient AND state = 'sending' AND claimed_by = :me
				""")
			.param("retry", retryIn != null)
			.param("free", free)
			.param("reason", reason)
			.param("wait", (retryIn != null) ? retryIn.toMillis() : 0L)
			.param("id", job.announcementId())
			.param("recipient", job.recipient())
			.param("me", me)
			.update();
	}

	/**
	 * A claimed row: who, where, in which rendition; {@code attempts} includes this one.
	 */
	record Job(long announcementId, String recipient, String address, String variant, String cardLanguage,
			int attempts) {
	}

}
