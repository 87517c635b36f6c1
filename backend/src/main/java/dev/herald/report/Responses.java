package dev.herald.report;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Who responded to an announcement: pages of the people who acknowledged it, or of those
 * who received it and have not, each with their poll answer. Keyset pages in person
 * order, each read through an index: the acknowledged from {@code card_response_ack_ix},
 * the others along the ledger's primary key, skipping the acknowledged by primary-key
 * lookups.
 */
@Component
public class Responses {

	/** Largest page. */
	public static final int MAX_LIMIT = 1000;

	/** Longest cursor (a person's Entra object id is 36 characters). */
	public static final int MAX_CURSOR = 200;

	private final JdbcClient jdbc;

	Responses(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * One page of people.
	 * @param announcementId the announcement
	 * @param acknowledged true for those who acknowledged, false for those who received
	 * it and have not
	 * @param after the {@code next} of the previous page, or null for the first
	 * @param limit page size, 1 to {@value #MAX_LIMIT}
	 */
	public Page page(long announcementId, boolean acknowledged, String after, int limit) {
		if (limit < 1 || limit > MAX_LIMIT || (after != null && after.length() > MAX_CURSOR)) {
			throw new IllegalArgumentException("limit 1.." + MAX_LIMIT + ", after up to " + MAX_CURSOR + " characters");
		}
		String sql = acknowledged ? """
				SELECT r.aad_object_id AS person, c.display_name, r.acknowledged_at, r.choice, r.voted_at
				FROM card_response r
				LEFT JOIN conversation c ON c.kind = 'personal' AND c.tenant_id = r.tenant_id
				                        AND c.aad_object_id = r.aad_object_id
				WHERE r.announcement_id = :id AND r.acknowledged_at IS NOT NULL
				  AND (CAST(:after AS text) IS NULL OR r.aad_object_id > :after)
				ORDER BY r.aad_object_id LIMIT :limit
				""" : """
				SELECT d.recipient AS person, c.display_name, NULL AS acknowledged_at, r.choice, r.voted_at
				FROM delivery d
				LEFT JOIN conversation c ON c.id = d.conversation_ref
				LEFT JOIN card_response r ON r.announcement_id = d.announcement_id AND r.tenant_id = c.tenant_id
				                         AND r.aad_object_id = d.recipient
				WHERE d.announcement_id = :id AND d.state = 'delivered' AND d.recipient_kind = 'person'
				  AND r.acknowledged_at IS NULL
				  AND (CAST(:after AS text) IS NULL OR d.recipient > :after)
				ORDER BY d.recipient LIMIT :limit
				""";
		List<Responder> items = this.jdbc.sql(sql)
			.param("id", announcementId)
			.param("after", after)
			.param("limit", limit)
			.query(Responses::map)
			.list();
		String next = (items.size() == limit) ? items.get(items.size() - 1).person() : null;
		return new Page(items, next);
	}

	private static Responder map(ResultSet rs, int i) throws SQLException {
		return new Responder(rs.getString("person"), rs.getString("display_name"), instant(rs, "acknowledged_at"),
				rs.getString("choice"), instant(rs, "voted_at"));
	}

	private static Instant instant(ResultSet rs, String column) throws SQLException {
		Timestamp ts = rs.getTimestamp(column);
		return (ts != null) ? ts.toInstant() : null;
	}

	/**
	 * One person's response.
	 *
	 * @param person the Entra object id
	 * @param name the display name Teams gave, if known
	 * @param acknowledgedAt when they pressed "Got it", null if they have not
	 * @param choice their poll answer, if any
	 * @param votedAt when they last answered the poll
	 */
	public record Responder(String person, String name, Instant acknowledgedAt, String choice, Instant votedAt) {
	}

	/**
	 * A page of people; pass {@code next} as {@code after} for the next page.
	 *
	 * @param items the people, in id order
	 * @param next the cursor of the next page, null on the last
	 */
	public record Page(List<Responder> items, String next) {
	}

}
