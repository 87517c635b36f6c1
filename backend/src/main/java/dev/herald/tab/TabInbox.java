package dev.herald.tab;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.herald.announcement.Announcement;
import dev.herald.announcement.AnnouncementContent;
import dev.herald.announcement.AnnouncementStatus;
import dev.herald.announcement.Announcements;
import dev.herald.announcement.TabLink;
import dev.herald.bot.BotProperties;
import dev.herald.bot.CardResponses;
import dev.herald.teams.TeamsProperties;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.ErrorResponseException;

/**
 * What one person received, read from their delivery ledger rows (delivered copies only),
 * and what they do with it from the tab. Every lookup starts from the person's own ledger
 * rows, so an announcement that was not delivered to them does not exist here (404),
 * whatever its id.
 * <p>
 * The ledger is keyed by announcement, not by person; the list walks the announcements (a
 * few thousand at most) and probes each one's ledger by primary key, as the read tally
 * does, instead of adding an index to the ledger's hot path.
 */
@Component
class TabInbox {

	/** Longest search text. */
	static final int MAX_QUERY = 200;

	/** The most announcements one page lists. */
	static final int MAX_PAGE = 50;

	private static final String ROWS = """
			SELECT a.id, a.status, a.started_at, a.edited_at, a.recalled_at, a.expires_at, d.variant,
			       r.acknowledged_at, r.choice,
			       (EXISTS (SELECT 1 FROM tab_read t
			                WHERE t.announcement_id = a.id AND t.tenant_id IN (:tenants) AND t.aad_object_id IN (:keys))
			        OR EXISTS (SELECT 1 FROM read_receipt rr
			                   WHERE rr.tenant_id IN (:tenants) AND rr.aad_object_id IN (:keys)
			                     AND CASE WHEN rr.last_read_message_id ~ '^[0-9]{1,18}$' AND d.activity_id ~ '^[0-9]{1,18}$'
			                              THEN CAST(d.activity_id AS bigint) <= CAST(rr.last_read_message_id AS bigint)
			                              ELSE false END)) AS was_read
			FROM announcement a
			JOIN delivery d ON d.announcement_id = a.id AND d.recipient IN (:keys) AND d.recipient_kind = 'person'
			LEFT JOIN LATERAL (
			  SELECT min(c.acknowledged_at) AS acknowledged_at, max(c.choice) AS choice
			  FROM card_response c
			  WHERE c.announcement_id = a.id AND c.tenant_id IN (:tenants) AND c.aad_object_id IN (:keys)
			) r ON true
			WHERE d.state = 'delivered' AND a.started_at IS NOT NULL
			  AND (CAST(:only AS bigint) IS NULL OR a.id = :only)
			  AND (CAST(:before AS bigint) IS NULL
			       OR (a.started_at, a.id) < (SELECT b.started_at, b.id FROM announcement b WHERE b.id = :before))
			  AND (CAST(:topic AS text) IS NULL OR (a.topic = :topic AND a.status <> 'recalled'))
			  AND (CAST(:q AS text) IS NULL
			       OR (a.status <> 'recalled' AND (a.title ILIKE :q OR a.summary ILIKE :q OR a.author_line ILIKE :q
			                                        OR CAST(a.variants AS text) ILIKE :q)))
			ORDER BY a.started_at DESC, a.id DESC
			LIMIT :limit
			""";

	private final JdbcClient jdbc;

	private final Announcements announcements;

	private final CardResponses responses;

	private final TeamsProperties teams;

	private final BotProperties bot;

	TabInbox(JdbcClient jdbc, Announcements announcements, CardResponses responses, TeamsProperties teams,
			BotProperties bot) {
		this.jdbc = jdbc;
		this.announcements = announcements;
		this.responses = responses;
		this.teams = teams;
		this.bot = bot;
	}

	/** The person behind a verified token's {@code tid} and {@code oid}. */
	TabPerson person(String tid, String oid) {
		List<String> tenants = forms(tid);
		List<String> keys = forms(oid);
		Optional<String[]> chat = this.jdbc.sql("""
				SELECT tenant_id, aad_object_id FROM conversation
				WHERE kind = 'personal' AND tenant_id IN (:tenants) AND aad_object_id IN (:keys)
				ORDER BY id LIMIT 1
				""")
			.param("tenants", tenants)
			.param("keys", keys)
			.query((rs, i) -> new String[] { rs.getString(1), rs.getString(2) })
			.optional();
		if (chat.isEmpty()) {
			return new TabPerson(tenants, keys, tid, oid);
		}
		return new TabPerson(with(tenants, chat.get()[0]), with(keys, chat.get()[1]), chat.get()[0], chat.get()[1]);
	}

	/** A page of what the person received, newest first. */
	TabItem.Page list(TabPerson person, String q, String topic, Long before, int limit) {
		int size = Math.max(1, Math.min(limit, MAX_PAGE));
		String query = (q != null && !q.isBlank()) ? q.strip() : null;
		if (query != null && query.length() > MAX_QUERY) {
			throw problem(HttpStatus.BAD_REQUEST, "Invalid request",
					"The search text is longer than " + MAX_QUERY + " characters.");
		}
		String wantedTopic = (topic != null && !topic.isBlank()) ? topic.strip() : null;
		List<Row> rows = rows(person, null, before, wantedTopic, (query != null) ? like(query) : null, size);
		List<TabItem> items = items(rows);
		if (query != null) {
			// The database matched any language of the announcement; keep what matches
			// the rendition this person received.
			String needle = query.toLowerCase(Locale.ROOT);
			items = items.stream().filter((item) -> matches(item, needle)).toList();
		}
		Long next = (rows.size() == size) ? rows.get(rows.size() - 1).id() : null;
		return new TabItem.Page(items, next, topics(person));
	}

	/** One announcement the person received, or 404. */
	TabItem find(TabPerson person, long id) {
		List<Row> rows = rows(person, id, null, null, null, 1);
		if (rows.isEmpty()) {
			throw notFound();
		}
		return items(rows).get(0);
	}

	/** Marks an announcement the person received as read in the tab (once). */
	@Transactional
	TabItem read(TabPerson person, long id) {
		find(person, id);
		this.jdbc.sql("""
				INSERT INTO tab_read (announcement_id, tenant_id, aad_object_id) VALUES (:id, :tenant, :aad)
				ON CONFLICT DO NOTHING
				""")
			.param("id", id)
			.param("tenant", person.responseTenant())
			.param("aad", person.responseKey())
			.update();
		return find(person, id);
	}

	/** "Got it" from the tab: the card's own record, so the report counts it once. */
	@Transactional
	TabItem acknowledge(TabPerson person, long id) {
		TabItem item = find(person, id);
		requireActive(item);
		if (!item.content().acknowledgeRequested()) {
			throw problem(HttpStatus.CONFLICT, "Nothing to acknowledge",
					"This announcement does not ask for an acknowledgement.");
		}
		if (item.response().acknowledgedAt() == null) {
			this.responses.acknowledge(id, person.responseTenant(), person.responseKey());
		}
		return find(person, id);
	}

	/** A poll answer from the tab: the card's own record; answering again replaces it. */
	@Transactional
	TabItem vote(TabPerson person, long id, String choice) {
		TabItem item = find(person, id);
		requireActive(item);
		TabItem.Poll poll = item.content().poll();
		if (poll == null) {
			throw problem(HttpStatus.CONFLICT, "No poll", "This announcement has no poll.");
		}
		String value = (choice != null) ? choice.strip() : "";
		if (poll.choices().stream().noneMatch((c) -> c.value().equals(value))) {
			throw problem(HttpStatus.UNPROCESSABLE_ENTITY, "Unknown answer", "The answer is not one of the poll's.");
		}
		if (!value.equals(item.response().choice())) {
			this.responses.vote(id, person.responseTenant(), person.responseKey(), value);
		}
		return find(person, id);
	}

	private static void requireActive(TabItem item) {
		if (item.withdrawn() != null) {
			throw problem(HttpStatus.CONFLICT, "Withdrawn", "This announcement was withdrawn.");
		}
	}

	private List<Row> rows(TabPerson person, Long only, Long before, String topic, String like, int limit) {
		return this.jdbc.sql(ROWS)
			.param("tenants", person.tenants())
			.param("keys", person.keys())
			.param("only", only)
			.param("before", before)
			.param("topic", topic)
			.param("q", like)
			.param("limit", limit)
			.query(TabInbox::row)
			.list();
	}

	private List<String> topics(TabPerson person) {
		return this.jdbc.sql("""
				SELECT DISTINCT a.topic FROM announcement a
				JOIN delivery d ON d.announcement_id = a.id AND d.recipient IN (:keys) AND d.recipient_kind = 'person'
				WHERE d.state = 'delivered' AND a.topic IS NOT NULL AND a.status <> 'recalled'
				ORDER BY a.topic LIMIT 100
				""").param("keys", person.keys()).query(String.class).list();
	}

	private List<TabItem> items(List<Row> rows) {
		Map<Long, Announcement> byId = this.announcements.findAll(rows.stream().map(Row::id).distinct().toList())
			.stream()
			.collect(Collectors.toMap(Announcement::id, Function.identity()));
		Map<Long, TabItem> items = new LinkedHashMap<>();
		for (Row row : rows) {
			Announcement announcement = byId.get(row.id());
			if (announcement != null) {
				items.putIfAbsent(row.id(), item(row, announcement));
			}
		}
		return new ArrayList<>(items.values());
	}

	private TabItem item(Row row, Announcement announcement) {
		AnnouncementContent all = announcement.content();
		TabItem.Response response = new TabItem.Response(row.read(), row.acknowledgedAt(), row.choice());
		boolean unread = !row.read() && row.acknowledgedAt() == null && row.choice() == null;
		String link = TabLink.of(teamsAppId(), row.id());
		if (announcement.status() == AnnouncementStatus.RECALLED) {
			boolean expired = row.expiresAt() != null && row.recalledAt() != null
					&& !row.expiresAt().isAfter(row.recalledAt());
			// Nothing of the content: it was withdrawn for a reason.
			return new TabItem(row.id(), link, row.startedAt(), unread, null, response,
					new TabItem.Withdrawn(row.recalledAt(), expired ? null : all.author(), expired));
		}
		AnnouncementContent received = all.forVariant(row.variant());
		TabItem.Poll poll = null;
		if (received.hasPoll()) {
			List<TabItem.Choice> choices = new ArrayList<>();
			for (int i = 0; i < received.pollChoices().size(); i++) {
				String label = received.pollChoices().get(i);
				// The card votes with the default language's answer (VariantSelector).
				String value = (i < all.pollChoices().size()) ? all.pollChoices().get(i) : label;
				choices.add(new TabItem.Choice(label, value));
			}
			poll = new TabItem.Poll(received.pollQuestion(), choices);
		}
		TabItem.Content content = new TabItem.Content(received.title(), received.summary(), received.author(),
				received.topic(), received.isCritical(), received.imageUrl(),
				(received.imageAlt() != null) ? received.imageAlt() : received.title(),
				received.buttons().stream().map((b) -> new TabItem.Link(b.title(), b.url())).toList(),
				received.language(), row.editedAt(), received.acknowledge(), poll);
		return new TabItem(row.id(), link, row.startedAt(), unread, content, response, null);
	}

	private String teamsAppId() {
		String id = this.bot.app().id();
		return (id == null || id.isBlank()) ? this.teams.botAppId() : id;
	}

	private static boolean matches(TabItem item, String needle) {
		TabItem.Content c = item.content();
		if (c == null) {
			return false;
		}
		for (String text : new String[] { c.title(), c.summary(), c.author() }) {
			if (text != null && text.toLowerCase(Locale.ROOT).contains(needle)) {
				return true;
			}
		}
		return false;
	}

	/** A LIKE pattern matching the text anywhere, its wildcards taken literally. */
	static String like(String text) {
		return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
	}

	private static List<String> forms(String id) {
		LinkedHashSet<String> forms = new LinkedHashSet<>();
		forms.add(id);
		forms.add(id.toLowerCase(Locale.ROOT));
		return List.copyOf(forms);
	}

	private static List<String> with(List<String> forms, String more) {
		LinkedHashSet<String> all = new LinkedHashSet<>(forms);
		all.add(more);
		return List.copyOf(all);
	}

	static ErrorResponseException notFound() {
		return problem(HttpStatus.NOT_FOUND, "Not found", "You did not receive this announcement.");
	}

	static ErrorResponseException problem(HttpStatus status, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setTitle(title);
		return new ErrorResponseException(status, problem, null);
	}

	private static Row row(ResultSet rs, int i) throws SQLException {
		return new Row(rs.getLong("id"), instant(rs.getTimestamp("started_at")), instant(rs.getTimestamp("edited_at")),
				instant(rs.getTimestamp("recalled_at")), instant(rs.getTimestamp("expires_at")),
				rs.getString("variant"), instant(rs.getTimestamp("acknowledged_at")), rs.getString("choice"),
				rs.getBoolean("was_read"));
	}

	private static Instant instant(Timestamp ts) {
		return (ts != null) ? ts.toInstant() : null;
	}

	private record Row(long id, Instant startedAt, Instant editedAt, Instant recalledAt, Instant expiresAt,
			String variant, Instant acknowledgedAt, String choice, boolean read) {
	}

}
