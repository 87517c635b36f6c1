package dev.herald.audience;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An attribute audience rule over the synced directory, such as
 * {@code department in (Sales) and country in (DE, FR)}, parsed by hand in one
 * left-to-right pass (no regular expressions, so no input can make it slow) and compiled
 * to a SQL condition whose values are all bind parameters: the author's text never
 * becomes SQL.
 * <p>
 * Grammar: {@code rule := and ('or' and)*}, {@code and := cond ('and' cond)*},
 * {@code cond := '(' rule ')' | field ['not'] 'in' '(' value (',' value)* ')' | field
 * ('=' | '!=') value}. A value is a quoted string ({@code "..."} or {@code '...'}) or
 * bare text up to the next comma or parenthesis. Keywords and field names are
 * case-insensitive, and so is matching.
 */
public final class AttributeRule {

	/** The longest rule accepted. */
	public static final int MAX_LENGTH = 500;

	static final int MAX_CONDITIONS = 20;

	static final int MAX_VALUES = 100;

	static final int MAX_DEPTH = 5;

	private final String text;

	private final String sql;

	private final Map<String, Object> params;

	private AttributeRule(String text, String sql, Map<String, Object> params) {
		this.text = text;
		this.sql = sql;
		this.params = params;
	}

	/**
	 * Parses a rule; the condition refers to the directory as {@code du}.
	 * @param text the rule as the author typed it
	 * @param paramPrefix prefix for the bind parameter names (distinct per rule when
	 * several are combined)
	 * @throws InvalidRuleException with the position of the first problem
	 */
	public static AttributeRule parse(String text, String paramPrefix) {
		if (text == null || text.isBlank()) {
			throw new InvalidRuleException("The rule is empty", 0);
		}
		if (text.length() > MAX_LENGTH) {
			throw new InvalidRuleException("The rule is longer than " + MAX_LENGTH + " characters", MAX_LENGTH);
		}
		Parser parser = new Parser(text, paramPrefix);
		String sql = parser.rule(0);
		parser.skipSpace();
		if (!parser.atEnd()) {
			throw new InvalidRuleException("Unexpected text: expected 'and', 'or' or the end", parser.pos);
		}
		return new AttributeRule(text.strip(), sql, parser.params);
	}

	/** Checks a rule without keeping it. */
	public static void validate(String text) {
		parse(text, "v");
	}

	public String text() {
		return this.text;
	}

	/** The SQL condition over {@code directory_user du}. */
	public String sql() {
		return this.sql;
	}

	/** Its bind parameters (lists of lower-case values). */
	public Map<String, Object> params() {
		return this.params;
	}

	/** The directory fields a rule may use, and the column each reads. */
	public enum Field {

		DEPARTMENT("department", "du.department"), COUNTRY("country", "COALESCE(du.country, du.usage_location)"),
		USAGE_LOCATION("usageLocation", "du.usage_location"), OFFICE_LOCATION("officeLocation", "du.office_location"),
		JOB_TITLE("jobTitle", "du.job_title"), COMPANY_NAME("companyName", "du.company_name"),
		PREFERRED_LANGUAGE("preferredLanguage", "du.preferred_language"),
		EMPLOYEE_TYPE("employeeType", "du.employee_type");

		private final String ruleName;

		private final String column;

		Field(String ruleName, String column) {
			this.ruleName = ruleName;
			this.column = column;
		}

		/** The name used in rules (Graph's property name). */
		public String ruleName() {
			return this.ruleName;
		}

		/** The SQL expression; fixed text, never derived from input. */
		public String column() {
			return this.column;
		}

		static Field of(String name) {
			for (Field field : values()) {
				if (field.ruleName.equalsIgnoreCase(name)) {
					return field;
				}
			}
			return null;
		}

		/** Field names, for error messages and the picker. */
		public static List<String> names() {
			return Arrays.stream(values()).map(Field::ruleName).toList();
		}

	}

	/** A rule that cannot be parsed; {@code position} is a 0-based character offset. */
	public static class InvalidRuleException extends RuntimeException {

		private final int position;

		InvalidRuleException(String message, int position) {
			super(message + " (at character " + (position + 1) + ")");
			this.position = position;
		}

		public int position() {
			return this.position;
		}

	}

	/** Recursive descent with bounded depth; every step consumes input or fails. */
	private static final class Parser {

		private final String in;

		private final String prefix;

		private final Map<String, Object> params = new LinkedHashMap<>();

		private int pos;

		private int conditions;

		private int values;

		Parser(String in, String prefix) {
			this.in = in;
			this.prefix = prefix;
		}

		String rule(int depth) {
			if (depth > MAX_DEPTH) {
				throw new InvalidRuleException("Parentheses nested deeper than " + MAX_DEPTH, this.pos);
			}
			List<String> parts = new ArrayList<>();
			parts.add(and(depth));
			while (keyword("or")) {
				parts.add(and(depth));
			}
			return (parts.size() == 1) ? parts.get(0) : "(" + String.join(" OR ", parts) + ")";
		}

		private String and(int depth) {
			List<String> parts = new ArrayList<>();
			parts.add(condition(depth));
			while (keyword("and")) {
				parts.add(condition(depth));
			}
			return (parts.size() == 1) ? parts.get(0) : "(" + String.join(" AND ", parts) + ")";
		}

		private String condition(int depth) {
			skipSpace();
			if (peek() == '(') {
				this.pos++;
				String inner = rule(depth + 1);
				expect(')');
				return inner;
			}
			int start = this.pos;
			String name = word();
			if (name.isEmpty()) {
				throw new InvalidRuleException("Expected a field (" + String.join(", ", Field.names()) + ")", start);
			}
			Field field = Field.of(name);
			if (field == null) {
				throw new InvalidRuleException(
						"Unknown field '" + name + "'; use one of " + String.join(", ", Field.names()), start);
			}
			if (++this.conditions > MAX_CONDITIONS) {
				throw new InvalidRuleException("More than " + MAX_CONDITIONS + " conditions", start);
			}
			skipSpace();
			boolean negated;
			Set<String> list = new LinkedHashSet<>();
			if (peek() == '=') {
				this.pos++;
				negated = false;
				list.add(value(false));
			}
			else if (peek() == '!' && peekAt(1) == '=') {
				this.pos += 2;
				negated = true;
				list.add(value(false));
			}
			else {
				negated = keyword("not");
				if (!keyword("in")) {
					throw new InvalidRuleException("Expected 'in', 'not in', '=' or '!=' after " + field.ruleName(),
							this.pos);
				}
				skipSpace();
				expect('(');
				list.add(value(true));
				skipSpace();
				while (peek() == ',') {
					this.pos++;
					list.add(value(true));
					skipSpace();
				}
				expect(')');
			}
			String param = this.prefix + this.params.size();
			this.params.put(param, List.copyOf(list));
			String column = "lower(" + field.column() + ")";
			// NOT IN must still hold for people with no value at all.
			return negated ? "(" + column + " IS NULL OR " + column + " NOT IN (:" + param + "))"
					: column + " IN (:" + param + ")";
		}

		private String value(boolean inList) {
			skipSpace();
			if (++this.values > MAX_VALUES) {
				throw new InvalidRuleException("More than " + MAX_VALUES + " values", this.pos);
			}
			int start = this.pos;
			char c = peek();
			String value;
			if (c == '"' || c == '\'') {
				this.pos++;
				int end = this.in.indexOf(c, this.pos);
				if (end < 0) {
					throw new InvalidRuleException("Unclosed quote", start);
				}
				value = this.in.substring(this.pos, end);
				this.pos = end + 1;
			}
			else {
				while (!atEnd() && peek() != ',' && peek() != ')' && peek() != '('
						&& (inList || !startsKeywordAfterSpace())) {
					this.pos++;
				}
				value = this.in.substring(start, this.pos).strip();
			}
			if (value.isBlank()) {
				throw new InvalidRuleException("Expected a value", start);
			}
			if (value.length() > 200) {
				throw new InvalidRuleException("A value is longer than 200 characters", start);
			}
			return value.strip().toLowerCase(Locale.ROOT);
		}

		/**
		 * A bare value after {@code =} ends before " and " / " or "; inside a list only a
		 * comma or parenthesis ends it.
		 */
		private boolean startsKeywordAfterSpace() {
			if (!Character.isWhitespace(peek())) {
				return false;
			}
			int i = this.pos;
			while (i < this.in.length() && Character.isWhitespace(this.in.charAt(i))) {
				i++;
			}
			return wordAt(i, "and") || wordAt(i, "or");
		}

		private boolean wordAt(int i, String word) {
			int end = i + word.length();
			return end <= this.in.length() && this.in.regionMatches(true, i, word, 0, word.length())
					&& (end == this.in.length() || !Character.isLetterOrDigit(this.in.charAt(end)));
		}

		private boolean keyword(String word) {
			skipSpace();
			if (wordAt(this.pos, word)) {
				this.pos += word.length();
				return true;
			}
			return false;
		}

		private String word() {
			int start = this.pos;
			while (!atEnd() && (Character.isLetterOrDigit(peek()) || peek() == '_')) {
				this.pos++;
			}
			return this.in.substring(start, this.pos);
		}

		private void expect(char c) {
			skipSpace();
			if (peek() != c) {
				throw new InvalidRuleException("Expected '" + c + "'", this.pos);
			}
			this.pos++;
		}

		void skipSpace() {
			while (!atEnd() && Character.isWhitespace(peek())) {
				this.pos++;
			}
		}

		boolean atEnd() {
			return this.pos >= this.in.length();
		}

		private char peek() {
			return atEnd() ? '\0' : this.in.charAt(this.pos);
		}

		private char peekAt(int offset) {
			int i = this.pos + offset;
			return (i < this.in.length()) ? this.in.charAt(i) : '\0';
		}

	}

}
