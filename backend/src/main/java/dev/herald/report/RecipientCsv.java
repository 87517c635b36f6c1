package dev.herald.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;

import javax.sql.DataSource;

import dev.herald.link.LinkClicks;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The per-recipient CSV, the one writer behind the report page's export and the API's
 * {@code deliveries.csv}: one row per ledger row with the person's acknowledgement, poll
 * answer and link clicks (people's, #26; 0 with per-person tracking off). Streamed from a
 * server-side cursor (the PostgreSQL driver only uses one inside a transaction with a
 * fetch size) straight into the response, so a million rows need no more memory than a
 * thousand.
 */
@Component
public class RecipientCsv {

	static final String HEADER = "recipient,kind,name,state,attempts,last_status,reason,activity_id,"
			+ "possibly_duplicate,updated_at,acknowledged_at,choice,voted_at,alerted_chat_at,alerted_feed_at,feed_state,email_state,"
			+ "email_reason,clicks";

	private static final int FETCH_SIZE = 1000;

	private static final String ROWS = """
			SELECT d.recipient, d.recipient_kind, c.display_name, d.state, d.attempts, d.last_status, d.reason,
			       d.activity_id, d.possibly_duplicate, d.updated_at, r.acknowledged_at, r.choice, r.voted_at,
			       d.alerted_chat_at, u.alerted_at, u.state, e.state, e.reason, coalesce(k.clicks, 0)
			FROM delivery d
			LEFT JOIN conversation c ON c.id = d.conversation_ref
			LEFT JOIN urgent_alert u ON u.announcement_id = d.announcement_id AND u.recipient = d.recipient
			LEFT JOIN email_delivery e ON e.announcement_id = d.announcement_id AND e.recipient = lower(d.recipient)
			LEFT JOIN card_response r ON r.announcement_id = d.announcement_id AND r.tenant_id = c.tenant_id
			                         AND r.aad_object_id = d.recipient
			LEFT JOIN (%s) k ON k.recipient = d.recipient
			WHERE d.announcement_id = ? %s
			""";

	private final JdbcTemplate jdbc;

	private final TransactionTemplate readOnly;

	RecipientCsv(DataSource dataSource, PlatformTransactionManager transactions) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.jdbc.setFetchSize(FETCH_SIZE);
		this.readOnly = new TransactionTemplate(transactions);
		this.readOnly.setReadOnly(true);
	}

	/**
	 * Writes the CSV of an announcement's recipients.
	 * @param announcementId the announcement
	 * @param state only rows in this ledger state (one of {@link Reports#STATES}), or
	 * null for all
	 * @param byteOrderMark whether to start with a UTF-8 byte order mark, so that
	 * spreadsheet apps opening the download read UTF-8
	 * @param out where to write; flushed, not closed
	 */
	public void write(long announcementId, String state, boolean byteOrderMark, OutputStream out) throws IOException {
		write(announcementId, state, byteOrderMark, true, out);
	}

	/**
	 * Writes the CSV; {@code withClicks} false leaves the clicks column empty (for
	 * readers who may see the figures but not who clicked).
	 */
	public void write(long announcementId, String state, boolean byteOrderMark, boolean withClicks, OutputStream out)
			throws IOException {
		if (state != null && !Reports.STATES.contains(state)) {
			throw new IllegalArgumentException("Unknown state " + state);
		}
		Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
		if (byteOrderMark) {
			writer.write('\ufeff');
		}
		writer.write(HEADER);
		writer.write("\r\n");
		// The state is one of a fixed list; as a literal it lets the planner use the
		// partial index of rare states.
		String filter = (state != null) ? "AND d.state = '" + state + "'" : "";
		try {
			this.readOnly.executeWithoutResult((tx) -> {
				// Planned for the whole result, not its first rows (a cursor's default):
				// hash joins in one pass instead of a million index lookups, in ledger
				// order (the freeze writes it in person order) without a sort.
				this.jdbc.execute("SET LOCAL cursor_tuple_fraction = 1.0");
				this.jdbc.execute("SET LOCAL work_mem = '64MB'");
				this.jdbc.query(ROWS.formatted(LinkClicks.CLICKS_PER_PERSON, filter),
						(ResultSet rs) -> row(rs, writer, withClicks), announcementId, announcementId);
			});
		}
		catch (UncheckedIOException ex) {
			throw ex.getCause();
		}
		writer.flush();
	}

	private static void row(ResultSet rs, Writer writer, boolean withClicks) throws SQLException {
		try {
			writer.write(cell(rs.getString(1)));
			writer.write(',');
			writer.write(cell(rs.getString(2)));
			writer.write(',');
			writer.write(cell(rs.getString(3)));
			writer.write(',');
			writer.write(cell(rs.getString(4)));
			writer.write(',');
			writer.write(Integer.toString(rs.getInt(5)));
			writer.write(',');
			Object status = rs.getObject(6);
			writer.write((status != null) ? status.toString() : "");
			writer.write(',');
			writer.write(cell(rs.getString(7)));
			writer.write(',');
			writer.write(cell(rs.getString(8)));
			writer.write(',');
			writer.write(rs.getBoolean(9) ? "true" : "false");
			writer.write(',');
			writer.write(instant(rs.getTimestamp(10)));
			writer.write(',');
			writer.write(instant(rs.getTimestamp(11)));
			writer.write(',');
			writer.write(cell(rs.getString(12)));
			writer.write(',');
			writer.write(instant(rs.getTimestamp(13)));
			writer.write(',');
			writer.write(instant(rs.getTimestamp(14)));
			writer.write(',');
			writer.write(instant(rs.getTimestamp(15)));
			writer.write(',');
			writer.write(cell(rs.getString(16)));
			writer.write(',');
			writer.write(cell(rs.getString(17)));
			writer.write(',');
			writer.write(cell(rs.getString(18)));
			writer.write(',');
			if (withClicks) {
				writer.write(Long.toString(rs.getLong(19)));
			}
			writer.write("\r\n");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String instant(Timestamp ts) {
		return (ts != null) ? ts.toInstant().toString() : "";
	}

	/**
	 * One CSV cell (RFC 4180 quoting). Names, poll answers and Teams error texts are not
	 * ours: a leading =, +, - or @ is neutralised so that a spreadsheet cannot run them
	 * as a formula (OWASP CSV injection).
	 */
	static String cell(String value) {
		if (value == null || value.isEmpty()) {
			return "";
		}
		String v = ("=+-@\t\r".indexOf(value.charAt(0)) >= 0) ? "'" + value : value;
		if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0
				|| !v.equals(value)) {
			return '"' + v.replace("\"", "\"\"") + '"';
		}
		return v;
	}

}
