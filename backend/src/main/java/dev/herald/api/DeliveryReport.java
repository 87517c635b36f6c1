package dev.herald.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Read-only views of the ledger ({@code delivery}) for reports: per-state counts, keyset
 * pages of recipients, and a CSV stream that never holds more than one fetch in memory.
 */
@Component
class DeliveryReport {

	/** Every ledger state, in lifecycle order. */
	static final List<String> STATES = List.of("installing", "pending", "in_flight", "delivered", "failed", "blocked",
			"opted_out", "canceled");

	private static final String ROW = """
			SELECT d.recipient, d.recipient_kind, c.display_name, d.state, d.attempts, d.last_status, d.reason,
			       d.possibly_duplicate, d.updated_at
			FROM delivery d LEFT JOIN conversation c ON c.id = d.conversation_ref
			WHERE d.announcement_id = :id AND (CAST(:state AS text) IS NULL OR d.state = :state)
			""";

	private final JdbcClient jdbc;

	private final JdbcTemplate template;

	private final TransactionTemplate readOnly;

	DeliveryReport(JdbcClient jdbc, JdbcTemplate template, PlatformTransactionManager transactions) {
		this.jdbc = jdbc;
		this.template = template;
		this.readOnly = new TransactionTemplate(transactions);
		this.readOnly.setReadOnly(true);
	}

	/** Rows per state, every state present (zero when none). */
	Map<String, Long> countByState(long announcementId) {
		Map<String, Long> counts = new LinkedHashMap<>();
		STATES.forEach((s) -> counts.put(s, 0L));
		this.jdbc.sql("SELECT state, count(*) FROM delivery WHERE announcement_id = :id GROUP BY state")
			.param("id", announcementId)
			.query((rs, i) -> counts.put(rs.getString(1), rs.getLong(2)))
			.list();
		return counts;
	}

	/** Recipients after {@code after} in recipient order. */
	List<Row> page(long announcementId, String state, String after, int limit) {
		return this.jdbc.sql(ROW + """
				  AND (CAST(:after AS text) IS NULL OR d.recipient > :after)
				ORDER BY d.recipient LIMIT :limit
				""")
			.param("id", announcementId)
			.param("state", state)
			.param("after", after)
			.param("limit", limit)
			.query(DeliveryReport::map)
			.list();
	}

	/**
	 * Writes every matching row as CSV, streaming from a server-side cursor (PostgreSQL
	 * only uses one inside a transaction with a fetch size).
	 */
	void writeCsv(long announcementId, String state, Writer out) {
		this.readOnly.executeWithoutResult((tx) -> this.template.query((con) -> {
			var ps = con.prepareStatement("""
					SELECT d.recipient, d.recipient_kind, c.display_name, d.state, d.attempts, d.last_status,
					       d.reason, d.possibly_duplicate, d.updated_at
					FROM delivery d LEFT JOIN conversation c ON c.id = d.conversation_ref
					WHERE d.announcement_id = ? AND (CAST(? AS text) IS NULL OR d.state = ?)
					ORDER BY d.recipient
					""");
			ps.setLong(1, announcementId);
			ps.setString(2, state);
			ps.setString(3, state);
			ps.setFetchSize(1000);
			return ps;
		}, (ResultSet rs) -> {
			Row row = map(rs, 0);
			try {
				out.write(Csv.line(row.recipient(), row.kind(), row.name(), row.state(), String.valueOf(row.attempts()),
						(row.lastStatus() != null) ? row.lastStatus().toString() : "", row.reason(),
						String.valueOf(row.possiblyDuplicate()), String.valueOf(row.updatedAt())));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}));
	}

	private static Row map(ResultSet rs, int i) throws SQLException {
		Timestamp updated = rs.getTimestamp("updated_at");
		return new Row(rs.getString("recipient"), rs.getString("recipient_kind"), rs.getString("display_name"),
				rs.getString("state"), rs.getInt("attempts"), (Integer) rs.getObject("last_status"),
				rs.getString("reason"), rs.getBoolean("possibly_duplicate"),
				(updated != null) ? updated.toInstant() : null);
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
	 */
	record Row(String recipient, String kind, String name, String state, int attempts, Integer lastStatus,
			String reason, boolean possiblyDuplicate, Instant updatedAt) {
	}

	/** RFC 4180 lines, with spreadsheet formula injection neutralized. */
	static final class Csv {

		static final String HEADER = line("recipient", "kind", "name", "state", "attempts", "last_status", "reason",
				"possibly_duplicate", "updated_at");

		private Csv() {
		}

		static String line(String... cells) {
			StringBuilder line = new StringBuilder();
			for (int i = 0; i < cells.length; i++) {
				if (i > 0) {
					line.append(',');
				}
				line.append(cell(cells[i]));
			}
			return line.append("\r\n").toString();
		}

		static String cell(String value) {
			if (value == null || value.isEmpty()) {
				return "";
			}
			// Names and Teams error texts are not ours: a leading =, +, - or @ would make
			// a spreadsheet evaluate them (OWASP CSV injection).
			String safe = ("=+-@\t\r".indexOf(value.charAt(0)) >= 0) ? "'" + value : value;
			if (safe.contains(",") || safe.contains("\"") || safe.contains("\n") || safe.contains("\r")) {
				return "\"" + safe.replace("\"", "\"\"") + "\"";
			}
			return safe;
		}

	}

}
