package dev.herald;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One owner per table: every table (and the few columns of another's table a module
 * keeps, such as the announcement's live counts) is written by exactly one feature
 * package; the others go through its API. Spring Modulith cannot see SQL, so this test
 * reads the SQL of every package's main sources: each INSERT, UPDATE, DELETE, MERGE and
 * COPY must target a table (and, for UPDATE, columns) its own package owns.
 */
class TableOwnershipTests {

	/**
	 * Table → the package that owns it (writes it). Every table of the schema is here.
	 */
	static final Map<String, String> OWNERS = Map.ofEntries(entry("announcement", "announcement"),
			entry("announcement_audience", "audience"), entry("announcement_image", "announcement"),
			entry("announcement_template", "announcement"), entry("api_client", "api"), entry("app_install", "install"),
			// Every feature's keys, written through the settings module's AppSettings.
			entry("app_setting", "settings"), entry("bot_text", "bot"), entry("bot_welcome", "bot"),
			entry("card_response", "bot"), entry("conversation", "conversation"), entry("delivery", "dispatch"),
			entry("directory_sync", "audience"), entry("directory_user", "audience"), entry("idempotency_key", "api"),
			entry("notification", "notification"), entry("notification_recipient", "notification"),
			entry("opt_out", "optout"), entry("read_receipt", "bot"), entry("send_lease", "dispatch"),
			entry("team_member", "conversation"),
			// The audience's staging relations; dispatch moves them into the ledger.
			entry("audience_snapshot", "audience"), entry("audience_snapshot_member", "audience"),
			entry("freeze_claim", "dispatch"),
			// Kept by database triggers as outcomes and responses are written;
			// read by the report.
			entry("delivery_rate", "report"), entry("failure_tally", "report"), entry("response_tally", "report"),
			entry("read_tally", "report"), entry("variant_tally", "report"), entry("test_card_response", "bot"),
			entry("follow_up", "followup"), entry("follow_up_item", "followup"),
			// Governance (#15) and shared budgets (#17).
			entry("announcement_owner", "announcement"), entry("approval_request", "approval"),
			entry("audit_event", "audit"), entry("author_guardrail", "audience"), entry("rate_budget", "pacing"),
			entry("staff_member", "security"),
			// Herald adding itself to teams for channel posts (#27).
			entry("team_install", "install"),
			// #27: activity de-duplication and the periodic roster refresh
			entry("bot_activity", "bot"), entry("team_roster", "bot"),
			// #24: reads in the personal tab
			entry("tab_read", "tab"),
			// Questions about announcements (#24).
			entry("question", "question"),
			// #26: link clicks
			entry("link_click", "link"),
			// #24: the topics an admin keeps
			entry("topic", "announcement"),
			// #25: urgent alerts through the activity feed
			entry("urgent_alert", "dispatch"),

			// #26: the e-mail fallback's ledger
			entry("email_plan", "email"), entry("email_delivery", "email"));

	/**
	 * Columns of a table kept by another package than the table's owner: the live counts
	 * of an announcement move only with its ledger rows, in the dispatcher's statements.
	 */
	static final Map<String, Map<String, String>> COLUMN_OWNERS = Map.of("announcement",
			Map.of("recipients", "dispatch", "delivered", "dispatch", "failed", "dispatch", "blocked", "dispatch",
					"opted_out", "dispatch", "canceled", "dispatch", "ledger_purged_at", "dispatch"));

	/** Bookkeeping any writer of a row may touch. */
	static final Set<String> SHARED_COLUMNS = Set.of("updated_at");

	private static final Path SOURCES = Path.of("src/main/java/dev/herald");

	private static final Path MIGRATIONS = Path.of("../db/src/main/resources/db/migration");

	private static final Pattern CREATE_TABLE = Pattern.compile(
			"CREATE\\s+(?:UNLOGGED\\s+|TEMP\\s+|TEMPORARY\\s+)?TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?([a-z_][a-z0-9_]*)",
			Pattern.CASE_INSENSITIVE);

	private static final Pattern WRITE = Pattern.compile(
			"\\b(INSERT\\s+INTO|UPDATE|DELETE\\s+FROM|MERGE\\s+INTO|COPY)\\s+(?:ONLY\\s+)?(?:[a-z_]+\\.)?([a-z_][a-z0-9_]*)",
			Pattern.CASE_INSENSITIVE);

	/** Where an UPDATE's SET list ends. */
	private static final Pattern SET_END = Pattern.compile("\\b(WHERE|FROM|RETURNING)\\b|\"|;",
			Pattern.CASE_INSENSITIVE);

	private static final Pattern PARENTHESES = Pattern.compile("\\([^()]*\\)");

	/** A column assigned in a SET list: first item, or after a top-level comma. */
	private static final Pattern ASSIGNED = Pattern.compile("(?:^|,)\\s*([a-z_][a-z0-9_]*)\\s*=",
			Pattern.CASE_INSENSITIVE);

	@Test
	void everyTableOfTheSchemaHasAnOwner() {
		Set<String> tables = new TreeSet<>();
		for (Path file : files(MIGRATIONS, ".sql")) {
			tables.addAll(createdTables(read(file)));
		}
		assertThat(tables).isNotEmpty();
		assertThat(OWNERS.keySet()).containsAll(tables);
	}

	@Test
	void everyPackageWritesOnlyTheTablesItOwns() {
		List<Source> sources = files(SOURCES, ".java").stream()
			.map((file) -> new Source(SOURCES.relativize(file).toString().replace('\\', '/'), read(file)))
			.toList();
		assertThat(sources).hasSizeGreaterThan(50);
		Scan scan = scan(sources, List.of());
		assertThat(scan.writes()).as("the scan finds the ledger's writers").anyMatch((w) -> w.startsWith("dispatch "));
		assertThat(scan.violations()).isEmpty();
		assertThat(scan.unusedExemptions()).as("exemptions whose statement is gone: remove them").isEmpty();
	}

	@Test
	void aPackageWritingAnotherPackagesTableIsCaught() {
		Source planted = new Source("install/Planted.java", """
				package dev.herald.install;
				class Planted {
					void promote() {
						this.jdbc.sql(\"""
								UPDATE delivery d SET state = :pending, updated_at = now()
								WHERE d.state = :installing
								\""").update();
						this.jdbc.sql("DELETE FROM app_install WHERE state = 'failed'").update();
					}
				}
				""");
		Scan scan = scan(List.of(planted), List.of());
		assertThat(scan.violations()).singleElement()
			.asString()
			.contains("install/Planted.java", "delivery", "dispatch");
	}

	@Test
	void theAnnouncementsCountsBelongToTheDispatcherAlone() {
		Source announcement = new Source("announcement/Counts.java",
				"""
						String sql = "UPDATE announcement SET status = 'sent', failed = failed + 1 WHERE id = :id";
						String ok = "UPDATE announcement SET status = 'paused', pause_reason = :reason, updated_at = now() WHERE id = :id";
						""");
		Source dispatch = new Source("dispatch/Counts.java",
				"""
						String sql = "UPDATE announcement a SET delivered = a.delivered + c.delivered, updated_at = now() FROM c";
						String bad = "UPDATE announcement SET title = :title WHERE id = :id";
						""");
		Scan scan = scan(List.of(announcement, dispatch), List.of());
		assertThat(scan.violations()).hasSize(2);
		assertThat(scan.violations().get(0)).contains("announcement/Counts.java", "failed");
		assertThat(scan.violations().get(1)).contains("dispatch/Counts.java", "title");
	}

	@Test
	void commentsAndLockingClausesAreNotWrites() {
		Source source = new Source("bot/Quiet.java", """
				/** Replaces an activity, e.g. to update a card; never DELETE FROM delivery here. */
				// UPDATE delivery is the dispatcher's
				String sql = "SELECT * FROM delivery FOR UPDATE SKIP LOCKED";
				String upsert = "INSERT INTO bot_text (k) VALUES (:k) ON CONFLICT (k) DO UPDATE SET body = :b";
				""");
		Scan scan = scan(List.of(source), List.of());
		assertThat(scan.violations()).isEmpty();
		assertThat(scan.writes()).containsExactly("bot bot_text");
	}

	@Test
	void anExemptionCoversExactlyItsStatement() {
		Source source = new Source("audience/Freeze.java", """
				String a = "INSERT INTO delivery (announcement_id, recipient) SELECT 1, 'x'";
				String b = "INSERT INTO delivery (announcement_id) SELECT 1";
				""");
		Exemption exemption = new Exemption("audience/Freeze.java", "delivery",
				"INSERT INTO delivery (announcement_id, recipient) SELECT 1, 'x'");
		Exemption stale = new Exemption("audience/Freeze.java", "delivery", "INSERT INTO delivery (gone)");
		Scan scan = scan(List.of(source), List.of(exemption, stale));
		assertThat(scan.violations()).singleElement()
			.asString()
			.contains("INSERT INTO delivery (announcement_id) SELECT 1");
		assertThat(scan.unusedExemptions()).containsExactly(stale);
	}

	// ---- the scanner ----

	static Scan scan(List<Source> sources, List<Exemption> exemptions) {
		List<String> violations = new ArrayList<>();
		Set<String> writes = new LinkedHashSet<>();
		Set<Exemption> used = new LinkedHashSet<>();
		for (Source source : sources) {
			int slash = source.path().indexOf('/');
			String pkg = (slash < 0) ? "" : source.path().substring(0, slash);
			String code = withoutComments(source.text());
			Set<String> ownTemporary = createdTables(code);
			Matcher write = WRITE.matcher(code);
			while (write.find()) {
				String table = write.group(2).toLowerCase(Locale.ROOT);
				if (!OWNERS.containsKey(table) && !ownTemporary.contains(table)) {
					continue; // SET of an upsert, SKIP of a lock, a word in a string
				}
				writes.add(pkg + " " + table);
				String statement = statementLine(code, write.start());
				List<String> foreign = foreignWrites(pkg, table, write.group(1), code, write.end(), ownTemporary);
				if (foreign.isEmpty()) {
					continue;
				}
				Exemption exempt = exemptions.stream()
					.filter((e) -> e.file().equals(source.path()) && e.table().equals(table)
							&& e.statement().equals(statement))
					.findFirst()
					.orElse(null);
				if (exempt != null) {
					used.add(exempt);
					continue;
				}
				violations.add(source.path() + ": " + statement + " — writes " + String.join(", ", foreign));
			}
		}
		List<Exemption> unused = exemptions.stream().filter((e) -> !used.contains(e)).toList();
		return new Scan(violations, List.copyOf(writes), unused);
	}

	/**
	 * What this statement writes that {@code pkg} does not own, as "table.column
	 * (owner)".
	 */
	private static List<String> foreignWrites(String pkg, String table, String verb, String code, int after,
			Set<String> ownTemporary) {
		if (ownTemporary.contains(table)) {
			return List.of();
		}
		String owner = OWNERS.get(table);
		Map<String, String> columnOwners = COLUMN_OWNERS.getOrDefault(table, Map.of());
		if (!verb.toUpperCase(Locale.ROOT).startsWith("UPDATE") || columnOwners.isEmpty()) {
			return owner.equals(pkg) ? List.of() : List.of(table + " (" + owner + ")");
		}
		List<String> foreign = new ArrayList<>();
		for (String column : assignedColumns(code, after)) {
			String columnOwner = columnOwners.getOrDefault(column, owner);
			if (!SHARED_COLUMNS.contains(column) && !columnOwner.equals(pkg)) {
				foreign.add(table + "." + column + " (" + columnOwner + ")");
			}
		}
		return foreign;
	}

	/** The columns an UPDATE assigns, read from its SET list. */
	private static List<String> assignedColumns(String code, int afterTable) {
		int set = code.toUpperCase(Locale.ROOT).indexOf("SET", afterTable);
		if (set < 0) {
			return List.of();
		}
		// Subqueries and calls out first, so that only the SET list's own commas and
		// keywords are left: (SELECT count(*) FROM x) must not end the list.
		String rest = code.substring(set + 3);
		String flat;
		while (!(flat = PARENTHESES.matcher(rest).replaceAll(" ")).equals(rest)) {
			rest = flat;
		}
		Matcher end = SET_END.matcher(rest);
		String list = end.find() ? rest.substring(0, end.start()) : rest;
		List<String> columns = new ArrayList<>();
		Matcher assigned = ASSIGNED.matcher(list);
		while (assigned.find()) {
			columns.add(assigned.group(1).toLowerCase(Locale.ROOT));
		}
		return columns;
	}

	private static String statementLine(String code, int start) {
		int end = code.indexOf('\n', start);
		String line = code.substring(start, (end < 0) ? code.length() : end).strip();
		int quote = line.indexOf('"');
		return ((quote < 0) ? line : line.substring(0, quote)).strip();
	}

	private static Set<String> createdTables(String text) {
		Set<String> tables = new TreeSet<>();
		Matcher create = CREATE_TABLE.matcher(text);
		while (create.find()) {
			tables.add(create.group(1).toLowerCase(Locale.ROOT));
		}
		return tables;
	}

	private static String withoutComments(String code) {
		String noBlocks = Pattern.compile("/\\*.*?\\*/", Pattern.DOTALL).matcher(code).replaceAll(" ");
		return Pattern.compile("(?m)^\\s*//.*$").matcher(noBlocks).replaceAll("");
	}

	private static List<Path> files(Path root, String suffix) {
		try (Stream<Path> walk = Files.walk(root)) {
			return walk.filter((p) -> p.toString().endsWith(suffix)).sorted().toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	record Source(String path, String text) {
	}

	record Exemption(String file, String table, String statement) {
	}

	record Scan(List<String> violations, List<String> writes, List<Exemption> unusedExemptions) {
	}

}
