package dev.herald.dispatch;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The install module's door to the ledger: rows frozen as {@code installing} (the person
 * has no chat with Herald yet) move to {@code pending} once the chat is known, or fail
 * with the install's reason. Each move is one set-based statement that also moves the
 * live counts, so rows and counts never disagree. The waiting state is written as a
 * literal where rows are found by person: only then can every plan, generic ones of
 * prepared statements included, use the small partial index of waiting rows instead of
 * scanning the whole ledger (#28: a year of history is tens of millions of rows).
 */
@Component
public class InstallWaits {

	private final JdbcClient jdbc;

	private final JdbcTemplate template;

	InstallWaits(JdbcClient jdbc, JdbcTemplate template) {
		this.jdbc = jdbc;
		this.template = template;
	}

	/**
	 * Fails an announcement's waiting rows at once (proactive install is off); returns
	 * how many.
	 */
	@Transactional
	public int failWaiting(long announcementId, String reason) {
		return this.jdbc.sql("""
				WITH changed AS (
				  UPDATE delivery SET state = :failed, reason = :reason, updated_at = now()
				  WHERE announcement_id = :id AND state = :installing
				  RETURNING 1
				)
				UPDATE announcement SET failed = failed + (SELECT count(*) FROM changed), updated_at = now()
				WHERE id = :id
				RETURNING (SELECT count(*) FROM changed)
				""")
			.param("id", announcementId)
			.param("reason", reason)
			.param("failed", DeliveryState.FAILED.dbValue())
			.param("installing", DeliveryState.INSTALLING.dbValue())
			.query(Integer.class)
			.single();
	}

	/**
	 * Moves waiting rows to pending for everyone whose personal chat in this tenant is
	 * now known and active, however it became known. Returns the people whose rows moved
	 * (Entra object ids, lower-case, once per row).
	 */
	@Transactional
	public List<String> promoteReachable(String tenantId) {
		return this.jdbc.sql("""
				UPDATE delivery d SET state = :pending, conversation_ref = c.id, next_attempt_at = now(),
				  updated_at = now()
				FROM conversation c
				WHERE d.state = 'installing' AND d.recipient_kind = 'person'
				  AND c.kind = 'personal' AND c.tenant_id = :tenant AND lower(c.aad_object_id) = d.recipient
				  AND c.status = 'active'
				RETURNING d.recipient
				""")
			.param("pending", DeliveryState.PENDING.dbValue())
			.param("tenant", tenantId)
			.query(String.class)
			.list();
	}

	/**
	 * Moves waiting channel rows to pending once their channel is active (Herald is in
	 * the channel's team); returns how many.
	 */
	@Transactional
	public int promoteChannels(String tenantId) {
		return this.jdbc.sql("""
				UPDATE delivery d SET state = :pending, conversation_ref = c.id, next_attempt_at = now(),
				  updated_at = now()
				FROM conversation c
				WHERE d.state = 'installing' AND d.recipient_kind = 'channel'
				  AND c.kind = 'channel' AND c.tenant_id = :tenant AND c.channel_id = d.recipient
				  AND c.status = 'active'
				""").param("pending", DeliveryState.PENDING.dbValue()).param("tenant", tenantId).update();
	}

	/**
	 * Fails the waiting channel rows of a team Herald could not be added to (Graph id),
	 * with the reason; returns the announcements touched (they may now be complete).
	 */
	@Transactional
	public List<Long> failWaitingChannels(String tenantId, String aadGroupId, Integer status, String reason) {
		return this.jdbc.sql("""
				WITH failed AS (
				  UPDATE delivery d SET state = :failed, reason = :reason, last_status = :status, updated_at = now()
				  FROM conversation c
				  WHERE d.state = 'installing' AND d.recipient_kind = 'channel'
				    AND c.kind = 'channel' AND c.tenant_id = :tenant AND c.channel_id = d.recipient
				    AND c.aad_group_id = :group
				  RETURNING d.announcement_id
				)
				UPDATE announcement an SET failed = an.failed + f.n, updated_at = now()
				FROM (SELECT announcement_id, count(*) AS n FROM failed GROUP BY announcement_id) f
				WHERE an.id = f.announcement_id
				RETURNING an.id
				""")
			.param("failed", DeliveryState.FAILED.dbValue())
			.param("reason", reason)
			.param("status", status)
			.param("tenant", tenantId)
			.param("group", aadGroupId)
			.query(Long.class)
			.list();
	}

	/**
	 * Fails the waiting rows of people whose install failed, each with its install's
	 * status and reason; returns the announcements touched (they may now be complete).
	 */
	@Transactional
	public List<Long> failWaitingFor(List<InstallFailure> failures) {
		if (failures.isEmpty()) {
			return List.of();
		}
		List<Long> touched = new ArrayList<>();
		this.template.execute((Connection con) -> {
			try (PreparedStatement ps = con.prepareStatement("""
					WITH input AS (
					  SELECT * FROM unnest(?::text[], ?::int[], ?::text[]) AS u(recipient, status, reason)
					), failed AS (
					  UPDATE delivery d SET state = ?, reason = u.reason, last_status = u.status, updated_at = now()
					  FROM input u
					  WHERE d.state = 'installing' AND d.recipient_kind = 'person' AND d.recipient = u.recipient
					  RETURNING d.announcement_id
					)
					UPDATE announcement an SET failed = an.failed + f.n, updated_at = now()
					FROM (SELECT announcement_id, count(*) AS n FROM failed GROUP BY announcement_id) f
					WHERE an.id = f.announcement_id
					RETURNING an.id
					""")) {
				ps.setArray(1, con.createArrayOf("text", failures.stream().map(InstallFailure::aadObjectId).toArray()));
				ps.setArray(2, con.createArrayOf("integer", failures.stream().map(InstallFailure::status).toArray()));
				ps.setArray(3, con.createArrayOf("text", failures.stream().map(InstallFailure::reason).toArray()));
				ps.setString(4, DeliveryState.FAILED.dbValue());
				try (ResultSet rs = ps.executeQuery()) {
					while (rs.next()) {
						touched.add(rs.getLong(1));
					}
				}
			}
			return null;
		});
		return touched;
	}

	/**
	 * An install that failed for good.
	 *
	 * @param aadObjectId the person, lower-case as in the ledger
	 * @param status Graph's last HTTP status, if any
	 * @param reason why, for the report
	 */
	public record InstallFailure(String aadObjectId, Integer status, String reason) {
	}

}
