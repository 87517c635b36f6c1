package dev.herald.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The per-recipient CSV, streamed from the ledger through a server-side cursor (the
 * PostgreSQL driver only uses one inside a transaction with a fetch size), so a million
 * rows need no more memory than a thousand.
 */
@Component
class DeliveryExport {

	static final String HEADER = "recipient,recipient_kind,name,state,attempts,http_status,reason,activity_id,possibly_duplicate,updated_at";

	private static final int FETCH_SIZE = 1000;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate readOnly;

	DeliveryExport(DataSource dataSource, PlatformTransactionManager transactions) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.jdbc.setFetchSize(FETCH_SIZE);
		this.readOnly = new TransactionTemplate(transactions);
		this.readOnly.setReadOnly(true);
	}

	void write(long announcementId, OutputStream out) throws IOException {
		Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
		writer.write('\ufeff'); // so spreadsheet apps read UTF-8
		writer.write(HEADER);
		writer.write("\r\n");
		try {
			this.readOnly.executeWithoutResult((tx) -> this.jdbc.query("""
					SELECT d.recipient, d.recipient_kind, c.display_name, d.state, d.attempts, d.last_status, d.reason,
					       d.activity_id, d.possibly_duplicate, d.updated_at
					FROM delivery d LEFT JOIN conversation c ON c.id = d.conversation_ref
					WHERE d.announcement_id = ?
					ORDER BY d.recipient
					""", (rs) -> {
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
					Timestamp updated = rs.getTimestamp(10);
					writer.write((updated != null) ? updated.toInstant().toString() : "");
					writer.write("\r\n");
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}, announcementId));
		}
		catch (UncheckedIOException ex) {
			throw ex.getCause();
		}
		writer.flush();
	}

	/**
	 * One CSV cell (RFC 4180 quoting). A leading =, +, - or @ is neutralised so that a
	 * display name cannot run as a spreadsheet formula.
	 */
	static String cell(String value) {
		if (value == null) {
			return "";
		}
		String v = value;
		if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
			v = "'" + v;
		}
		if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0
				|| !v.equals(value)) {
			return '"' + v.replace("\"", "\"\"") + '"';
		}
		return v;
	}

}
