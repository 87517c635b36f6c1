package dev.herald.question;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.herald.announcement.Announcement;
import dev.herald.announcement.AnnouncementStatus;
import dev.herald.announcement.Announcements;
import dev.herald.announcement.Owners;
import dev.herald.audit.AuditAction;
import dev.herald.audit.AuditLog;
import dev.herald.security.Actor;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.ErrorResponseException;

/**
 * Questions about announcements: asking (bounded, rate-limited, only about an
 * announcement the person received), reading (owners and Admins only: the people's own
 * words are not part of the report every Author may read) and answering (once, audited).
 * <p>
 * The ledger is keyed by announcement, not by person; finding which announcement a chat
 * message replies to walks the announcements and probes each one's ledger by primary key,
 * as the tab does, instead of adding an index on activity ids to the ledger's hot path.
 */
@Component
public class Questions {

	/** The most questions one page lists. */
	public static final int MAX_PAGE = 200;

	private static final String COLUMNS = """
			q.id, q.announcement_id, c.display_name, q.source, q.body, q.created_at, q.status, q.answer,
			q.answered_by_name, q.answered_at
			""";

	private final JdbcClient jdbc;

	private final Announcements announcements;

	private final Owners owners;

	private final AuditLog audit;

	private final ApplicationEventPublisher events;

	private final QuestionProperties properties;

	Questions(JdbcClient jdbc, Announcements announcements, Owners owners, AuditLog audit,
			ApplicationEventPublisher events, QuestionProperties properties) {
		this.jdbc = jdbc;
		this.announcements = announcements;
		this.owners = owners;
		this.audit = audit;
		this.events = events;
		this.properties = properties;
	}

	public QuestionProperties properties() {
		return this.properties;
	}

	/**
	 * Stores a question, or says why not. The person's questions are counted under a lock
	 * on the person, so two at once cannot both slip under the hourly limit.
	 */
	@Transactional
	public Outcome ask(Asker asker, long announcementId, String text, QuestionSource source) {
		String body = clean(text);
		if (body.isEmpty()) {
			return Outcome.refused(Refusal.EMPTY);
		}
		if (body.length() > this.properties.maxLength()) {
			return Outcome.refused(Refusal.TOO_LONG);
		}
		Optional<Announcement> announcement = this.announcements.find(announcementId);
		if (announcement.isEmpty() || !received(asker, announcementId)) {
			return Outcome.refused(Refusal.NOT_RECEIVED);
		}
		if (announcement.get().status() == AnnouncementStatus.RECALLED) {
			return Outcome.refused(Refusal.WITHDRAWN);
		}
		this.jdbc.sql("SELECT pg_advisory_xact_lock(hashtext('question:' || :tenant || ':' || :aad))")
			.param("tenant", asker.tenantId().toLowerCase(Locale.ROOT))
			.param("aad", asker.aadObjectId().toLowerCase(Locale.ROOT))
			.query((rs, i) -> 1)
			.list();
		long lastHour = this.jdbc.sql("""
				SELECT count(*) FROM question
				WHERE tenant_id IN (:tenants) AND aad_object_id IN (:keys) AND created_at > now() - interval '1 hour'
				""").param("tenants", asker.tenants()).param("keys", asker.keys()).query(Long.class).single();
		if (lastHour >= this.properties.perHour()) {
			return Outcome.refused(Refusal.RATE_LIMITED);
		}
		long id = this.jdbc.sql("""
				INSERT INTO question (announcement_id, tenant_id, aad_object_id, source, body)
				VALUES (:announcement, :tenant, :aad, :source, :body) RETURNING id
				""")
			.param("announcement", announcementId)
			.param("tenant", asker.tenantId())
			.param("aad", asker.aadObjectId())
			.param("source", source.dbValue())
			.param("body", body)
			.query(Long.class)
			.single();
		return new Outcome(null, find(id).orElseThrow());
	}

	/**
	 * The announcement whose copy in this person's chat is the Teams message
	 * {@code activityId} (what a reply to the card carries as {@code replyToId}).
	 */
	public Optional<Long> announcementOfCopy(Asker asker, String activityId) {
		if (activityId == null || activityId.isBlank() || activityId.length() > 200) {
			return Optional.empty();
		}
		return this.jdbc.sql("""
				SELECT a.id FROM announcement a
				JOIN delivery d ON d.announcement_id = a.id AND d.recipient IN (:keys) AND d.recipient_kind = 'person'
				WHERE a.started_at IS NOT NULL AND d.state = 'delivered' AND d.activity_id = :activity
				ORDER BY a.started_at DESC LIMIT 1
				""").param("keys", asker.keys()).param("activity", activityId).query(Long.class).optional();
	}

	/**
	 * The newest announcement (not withdrawn) delivered to this person within the recent
	 * window, if any: what a message typed without replying to a card may be about.
	 */
	public Optional<Long> latestReceived(Asker asker) {
		return this.jdbc.sql("""
				SELECT a.id FROM announcement a
				JOIN delivery d ON d.announcement_id = a.id AND d.recipient IN (:keys) AND d.recipient_kind = 'person'
				WHERE a.started_at > now() - make_interval(secs => :seconds) AND d.state = 'delivered'
				  AND a.status <> 'recalled'
				ORDER BY a.started_at DESC, a.id DESC LIMIT 1
				""")
			.param("keys", asker.keys())
			.param("seconds", this.properties.recentWindow().toSeconds())
			.query(Long.class)
			.optional();
	}

	/** Whether this actor may read and answer the announcement's questions. */
	public boolean canSee(long announcementId, Actor actor) {
		return this.owners.canManage(announcementId, actor);
	}

	/**
	 * An announcement's questions, newest first (before {@code beforeId} when given), for
	 * its owners and Admins; 403 for anyone else, 404 for an unknown announcement.
	 */
	public List<Question> ofAnnouncement(long announcementId, QuestionStatus status, Long beforeId, int limit,
			Actor actor) {
		this.owners.requireManage(announcementId, actor);
		return this.jdbc.sql("SELECT " + COLUMNS + """
				FROM question q
				LEFT JOIN conversation c ON c.kind = 'personal' AND c.tenant_id = q.tenant_id
				                        AND c.aad_object_id = q.aad_object_id
				WHERE q.announcement_id = :id AND (CAST(:status AS text) IS NULL OR q.status = :status)
				  AND (CAST(:before AS bigint) IS NULL OR q.id < :before)
				ORDER BY q.id DESC LIMIT :limit
				""")
			.param("id", announcementId)
			.param("status", (status != null) ? status.dbValue() : null)
			.param("before", beforeId)
			.param("limit", Math.max(1, Math.min(limit, MAX_PAGE)))
			.query(Questions::row)
			.list();
	}

	/** How many questions, and how many wait for an answer (owners and Admins only). */
	public Question.Counts counts(long announcementId, Actor actor) {
		this.owners.requireManage(announcementId, actor);
		return this.jdbc.sql("""
				SELECT count(*), count(*) FILTER (WHERE status = 'new') FROM question WHERE announcement_id = :id
				""")
			.param("id", announcementId)
			.query((rs, i) -> new Question.Counts(rs.getLong(1), rs.getLong(2)))
			.single();
	}

	/** One person's questions (every form of their ids), newest first. */
	public List<Question> ofPerson(Asker asker, int limit) {
		return this.jdbc.sql("SELECT " + COLUMNS + """
				FROM question q
				LEFT JOIN conversation c ON false
				WHERE q.tenant_id IN (:tenants) AND q.aad_object_id IN (:keys)
				ORDER BY q.id DESC LIMIT :limit
				""")
			.param("tenants", asker.tenants())
			.param("keys", asker.keys())
			.param("limit", Math.max(1, Math.min(limit, MAX_PAGE)))
			.query(Questions::row)
			.list();
	}

	/**
	 * Answers a new question of the announcement: owners and Admins only; once (409
	 * after); audited; the answer goes to the person's chat after the commit.
	 */
	@Transactional
	public Question answer(long announcementId, long questionId, String text, Actor actor) {
		this.owners.requireManage(announcementId, actor);
		String answer = (text != null) ? text.strip() : "";
		if (answer.isEmpty()) {
			throw problem(HttpStatus.UNPROCESSABLE_ENTITY, "Empty answer", "Write an answer first.");
		}
		if (answer.length() > this.properties.maxAnswerLength()) {
			throw problem(HttpStatus.CONTENT_TOO_LARGE, "Answer too long",
					"An answer has at most " + this.properties.maxAnswerLength() + " characters.");
		}
		Optional<String[]> asked = this.jdbc.sql("""
				SELECT status, tenant_id, aad_object_id, body FROM question
				WHERE id = :q AND announcement_id = :a FOR UPDATE
				""")
			.param("q", questionId)
			.param("a", announcementId)
			.query((rs, i) -> new String[] { rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4) })
			.optional();
		if (asked.isEmpty()) {
			throw problem(HttpStatus.NOT_FOUND, "Not found",
					"Announcement " + announcementId + " has no question " + questionId + ".");
		}
		if (!QuestionStatus.of(asked.get()[0]).canBecome(QuestionStatus.ANSWERED)) {
			throw problem(HttpStatus.CONFLICT, "Already answered", "This question has been answered already.");
		}
		this.jdbc.sql("""
				UPDATE question SET status = 'answered', answer = :answer, answered_by = :by,
				  answered_by_name = :name, answered_at = now()
				WHERE id = :q AND status = 'new'
				""")
			.param("answer", answer)
			.param("by", actor.id())
			.param("name", actor.name())
			.param("q", questionId)
			.update();
		this.audit.record(actor, AuditAction.QUESTION_ANSWER, announcementId,
				"answered question " + questionId + " (" + answer.length() + " characters)");
		this.events.publishEvent(new QuestionAnswered(questionId, announcementId, asked.get()[1], asked.get()[2],
				asked.get()[3], answer));
		return find(questionId).orElseThrow();
	}

	private Optional<Question> find(long id) {
		return this.jdbc.sql("SELECT " + COLUMNS + """
				FROM question q
				LEFT JOIN conversation c ON c.kind = 'personal' AND c.tenant_id = q.tenant_id
				                        AND c.aad_object_id = q.aad_object_id
				WHERE q.id = :id
				""").param("id", id).query(Questions::row).optional();
	}

	private boolean received(Asker asker, long announcementId) {
		return this.jdbc.sql("""
				SELECT EXISTS (SELECT 1 FROM delivery WHERE announcement_id = :id AND recipient IN (:keys)
				  AND recipient_kind = 'person' AND state = 'delivered')
				""").param("id", announcementId).param("keys", asker.keys()).query(Boolean.class).single();
	}

	/**
	 * Trimmed, without control characters other than line breaks and tabs, nor the
	 * invisible bidirectional overrides that could make the report show other text than
	 * was asked; markup is kept as typed (it is shown escaped everywhere).
	 */
	static String clean(String text) {
		if (text == null) {
			return "";
		}
		StringBuilder out = new StringBuilder(Math.min(text.length(), 8192));
		text.codePoints()
			.filter((c) -> c == '\n' || c == '\t' || !Character.isISOControl(c))
			.filter((c) -> !(c >= 0x202A && c <= 0x202E) && !(c >= 0x2066 && c <= 0x2069))
			.forEach(out::appendCodePoint);
		return out.toString().replace("\r", "").strip();
	}

	static ErrorResponseException problem(HttpStatus status, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setTitle(title);
		return new ErrorResponseException(status, problem, null);
	}

	private static Question row(ResultSet rs, int i) throws SQLException {
		return new Question(rs.getLong("id"), rs.getLong("announcement_id"), rs.getString("display_name"),
				QuestionSource.of(rs.getString("source")), rs.getString("body"), instant(rs.getTimestamp("created_at")),
				QuestionStatus.of(rs.getString("status")), rs.getString("answer"), rs.getString("answered_by_name"),
				instant(rs.getTimestamp("answered_at")));
	}

	private static Instant instant(Timestamp ts) {
		return (ts != null) ? ts.toInstant() : null;
	}

	/** Why a question was not stored. */
	public enum Refusal {

		/** Nothing but blanks. */
		EMPTY,
		/** Longer than {@link QuestionProperties#maxLength()}. */
		TOO_LONG,
		/** More than {@link QuestionProperties#perHour()} in the last hour. */
		RATE_LIMITED,
		/** Not an announcement this person received. */
		NOT_RECEIVED,
		/** Recalled or expired. */
		WITHDRAWN

	}

	/**
	 * What became of a question: stored, or refused and why.
	 *
	 * @param refusal why it was refused; null when stored
	 * @param question the stored question; null when refused
	 */
	public record Outcome(Refusal refusal, Question question) {

		static Outcome refused(Refusal refusal) {
			return new Outcome(refusal, null);
		}

	}

	/**
	 * Who asks.
	 *
	 * @param tenantId the tenant to store, as Teams sends it in activities
	 * @param aadObjectId the object id to store, as Teams sends it in activities
	 * @param tenants every form of the tenant id to match
	 * @param keys every form of the object id to match (the ledger names people by the
	 * directory's spelling, Teams by its own)
	 */
	public record Asker(String tenantId, String aadObjectId, List<String> tenants, List<String> keys) {

		/**
		 * A person as an activity names them: the given ids and their lower-case forms.
		 */
		public static Asker of(String tenantId, String aadObjectId) {
			return new Asker(tenantId, aadObjectId, forms(tenantId), forms(aadObjectId));
		}

		private static List<String> forms(String id) {
			LinkedHashSet<String> forms = new LinkedHashSet<>();
			forms.add(id);
			forms.add(id.toLowerCase(Locale.ROOT));
			return List.copyOf(forms);
		}

	}

}
