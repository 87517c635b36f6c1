package dev.herald.report;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Keyset pages of an announcement's recipients, read along an index for every filter. */
@Component
class DeliveryReport {

	private final JdbcClient jdbc;

	DeliveryReport(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Recipients after {@code after} in recipient order. Unfiltered or delivered: along
	 * the primary key. Failed, blocked, opted out, canceled: along their partial index
	 * (V69). Pending, in flight, installing: their own partial indexes. The state goes in
	 * as a literal (it is one of a fixed list) so the planner can match those indexes.
	 */
	List<Row> page(long announcementId, String state, String after, int limit) {
		if (state != null && !Reports.STATES.contains(state)) {
			throw new IllegalArgumentException("Unknown state " + state);
		}
		String filter = (state != null) ? "AND d.state = '" + state + "'" : "";
		return this.jdbc.sql("""
				SELECT d.recipient, d.recipient_kind, c.display_name, d.state, d.attempts, d.last_status, d.reason,
				       d.possibly_duplicate, d.updated_at, e.state AS email_state, e.reason AS email_reason
				FROM delivery d LEFT JOIN conversation c ON c.id = d.conversation_ref
				LEFT JOIN email_delivery e ON e.announcement_id = d.announcement_id AND e.recipient = lower(d.recipient)
				WHERE d.announcement_id = :id %s
				  AND (CAST(:after AS text) IS NULL OR d.recipient > :after)
				ORDER BY d.recipient LIMIT :limit
				""".formatted(filter))
			.param("id", announcementId)
			.param("after", after)
			.param("limit", limit)
			.query(DeliveryReport::map)
			.list();
	}

	private static Row map(ResultSet rs, int i) throws SQLException {
		Timestamp updated = rs.getTimestamp("updated_at");
		return new Row(rs.getString("recipient"), rs.getString("recipient_kind"), rs.getString("display_name"),
				rs.getString("state"), rs.getInt("attempts"), (Integer) rs.getObject("last_status"),
				rs.getString("reason"), rs.getBoolean("possibly_duplicate"),
				(updated != null) ? updated.toInstant() : null, rs.getString("email_state"),
				rs.getString("email_reason"));
	}

	/**
	 * One recipient of an announcement.
	 *
	 * @param recipient the person's Entra object id or the channel id
	 * @param kind {@code person} or {@code channel}
	 * @param name the display name Teams gave, if known
	 * @param state the ledger state
	 * @param attempts send attempts so far
	 * @param lastStatus the HTTP status of the last attempt
	 * @param reason why it failed or is being retried
	 * @param possiblyDuplicate whether a lost lease may have made Teams show it twice
	 * @param updatedAt when the row last changed
	 * @param email the e-mail fallback's state for the person (queued, sending, sent,
	 * failed), null when none
	 * @param emailReason why the e-mail failed
	 */
	record Row(String recipient, String kind, String name, String state, int attempts, Integer lastStatus,
			String reason, boolean possiblyDuplicate, Instant updatedAt, String email, String emailReason) {
	}

}
