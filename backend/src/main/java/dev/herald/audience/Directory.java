package dev.herald.audience;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Reads of the synced directory: the people picker and CSV matching. */
@Component
class Directory {

	private final JdbcClient jdbc;

	private final JdbcTemplate template;

	private final AudienceProperties properties;

	Directory(JdbcClient jdbc, JdbcTemplate template, AudienceProperties properties) {
		this.jdbc = jdbc;
		this.template = template;
		this.properties = properties;
	}

	/** People whose name, UPN or mail starts with the query. */
	List<Person> search(String query) {
		String prefix = query.trim()
			.toLowerCase(Locale.ROOT)
			.replace("\\", "\\\\")
			.replace("%", "\\%")
			.replace("_", "\\_") + "%";
		return this.jdbc.sql("""
				SELECT aad_object_id, display_name, upn, mail, user_type, department FROM directory_user
				WHERE NOT deleted AND (lower(display_name) LIKE :p OR lower(upn) LIKE :p OR lower(mail) LIKE :p)
				ORDER BY display_name, aad_object_id LIMIT :limit
				""")
			.param("p", prefix)
			.param("limit", this.properties.searchLimit())
			.query((rs, i) -> person(rs))
			.list();
	}

	/**
	 * The values of a directory field that people have, most common first, optionally
	 * starting with a prefix: what the attribute rule picker suggests. The column is one
	 * of {@link AttributeRule.Field}'s fixed expressions, never input.
	 */
	List<AttributeValue> attributeValues(AttributeRule.Field field, String query) {
		String prefix = query.trim()
			.toLowerCase(Locale.ROOT)
			.replace("\\", "\\\\")
			.replace("%", "\\%")
			.replace("_", "\\_") + "%";
		String column = field.column();
		return this.jdbc.sql("""
				SELECT min(%s) AS value, count(*) AS people FROM directory_user du
				WHERE NOT du.deleted AND %s IS NOT NULL AND lower(%s) LIKE :p
				GROUP BY lower(%s) ORDER BY count(*) DESC, 1 LIMIT 50
				""".formatted(column, column, column, column))
			.param("p", prefix)
			.query((rs, i) -> new AttributeValue(rs.getString(1), rs.getInt(2)))
			.list();
	}

	/**
	 * A value present in the directory.
	 *
	 * @param value the value as stored
	 * @param people how many people have it
	 */
	record AttributeValue(String value, int people) {
	}

	/**
	 * Reads a CSV of UPNs or mail addresses (one per row; the first cell that looks like
	 * an address counts, so exports with extra columns and a header row work) and matches
	 * every row against the directory in one query.
	 */
	CsvReport match(Reader csv) throws IOException {
		List<String> values = new ArrayList<>();
		List<Integer> rows = new ArrayList<>();
		List<CsvReport.Row> unmatched = new ArrayList<>();
		BufferedReader reader = new BufferedReader(csv);
		String line;
		int row = 0;
		while ((line = reader.readLine()) != null) {
			row++;
			if (row == 1 && line.startsWith("\uFEFF")) {
				line = line.substring(1);
			}
			if (line.isBlank()) {
				continue;
			}
			if (values.size() + unmatched.size() >= this.properties.maxCsvRows()) {
				throw new CsvTooLargeException(this.properties.maxCsvRows());
			}
			if (line.length() > this.properties.maxCsvRowLength()) {
				unmatched.add(new CsvReport.Row(row, abbreviate(line),
						"Row longer than " + this.properties.maxCsvRowLength() + " characters"));
				continue;
			}
			String address = firstAddress(line);
			if (address != null) {
				values.add(address.toLowerCase(Locale.ROOT));
				rows.add(row);
			}
			else if (row > 1) {
				// Row 1 without an address is taken as a header.
				unmatched.add(new CsvReport.Row(row, abbreviate(line), "No UPN or email address in this row"));
			}
		}
		int dataRows = values.size() + unmatched.size();
		Map<String, Person> found = new HashMap<>();
		if (!values.isEmpty()) {
			String[] array = values.stream().distinct().toArray(String[]::new);
			this.template.query((Connection con) -> {
				PreparedStatement ps = con.prepareStatement(
						"""
								SELECT a.address, du.aad_object_id, du.display_name, du.upn, du.mail, du.user_type, du.department
								FROM unnest(?::text[]) AS a(address)
								JOIN LATERAL (
								  SELECT * FROM directory_user du
								  WHERE NOT du.deleted AND (lower(du.upn) = a.address OR lower(du.mail) = a.address)
								  ORDER BY (lower(du.upn) = a.address) DESC LIMIT 1
								) du ON true
								""");
				ps.setArray(1, con.createArrayOf("text", array));
				return ps;
			}, (ResultSet rs) -> {
				found.put(rs.getString("address"), personAt(rs));
			});
		}
		List<AudienceEntry> entries = new ArrayList<>();
		Set<String> seen = new HashSet<>();
		int guests = 0;
		for (int i = 0; i < values.size(); i++) {
			String value = values.get(i);
			Person person = found.get(value);
			if (person == null) {
				unmatched.add(new CsvReport.Row(rows.get(i), value, "Matches nobody in the directory"));
			}
			else if (seen.add(person.id())) {
				entries.add(new AudienceEntry(AudienceKind.ADDRESS, value, null, person.displayName()));
				if ("guest".equalsIgnoreCase(person.userType())) {
					guests++;
				}
			}
		}
		unmatched.sort(Comparator.comparingInt(CsvReport.Row::row));
		return new CsvReport(dataRows, entries.size(), guests, entries, unmatched);
	}

	/**
	 * The first cell-like token of a row that looks like an address
	 * ({@code local@domain.tld}, one {@code @}, a dot in the domain), in one pass: no
	 * regular expression, so a long row without an address costs linear time, not
	 * quadratic.
	 */
	static String firstAddress(String line) {
		int start = 0;
		int length = line.length();
		while (start < length) {
			int end = start;
			while (end < length && !separator(line.charAt(end))) {
				end++;
			}
			if (end > start && isAddress(line, start, end)) {
				return line.substring(start, end);
			}
			start = end + 1;
		}
		return null;
	}

	private static boolean separator(char c) {
		return Character.isWhitespace(c) || c == ',' || c == ';' || c == '"';
	}

	private static boolean isAddress(String line, int start, int end) {
		int at = -1;
		for (int i = start; i < end; i++) {
			if (line.charAt(i) == '@') {
				if (at >= 0) {
					return false;
				}
				at = i;
			}
		}
		if (at <= start) {
			return false;
		}
		int dot = line.lastIndexOf('.', end - 1);
		return dot > at + 1 && dot < end - 1;
	}

	private static Person person(ResultSet rs) throws SQLException {
		return new Person(rs.getString("aad_object_id"), rs.getString("display_name"), rs.getString("upn"),
				rs.getString("mail"), rs.getString("user_type"), rs.getString("department"));
	}

	private static Person personAt(ResultSet rs) throws SQLException {
		return person(rs);
	}

	private static String abbreviate(String text) {
		return (text.length() <= 200) ? text : text.substring(0, 200) + "…";
	}

	/** The CSV has more rows than one upload may carry. */
	static class CsvTooLargeException extends RuntimeException {

		CsvTooLargeException(int max) {
			super("The CSV has more than " + max + " rows");
		}

	}

	/** A person in the directory. */
	record Person(String id, String displayName, String upn, String mail, String userType, String department) {
	}

	/**
	 * The outcome of a CSV upload.
	 *
	 * @param rows data rows read
	 * @param matched distinct people matched
	 * @param guests matched people who are guests (left out unless guests are allowed)
	 * @param entries audience entries for the matched rows
	 * @param unmatched rows that reach nobody, with the reason
	 */
	record CsvReport(int rows, int matched, int guests, List<AudienceEntry> entries, List<Row> unmatched) {

		record Row(int row, String value, String reason) {
		}

	}

}
