package dev.herald.announcement;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** Announcements in PostgreSQL, with guarded lifecycle transitions. */
@Component
public class Announcements {

	private static final String COLUMNS = """
			id, title, summary, image_url, author_line, buttons, importance, topic, ack_requested, poll_question,
			poll_choices, status, created_by, created_at, started_at, finished_at, scheduled_at, recipients, delivered,
			failed, blocked, opted_out, canceled, scheduled_zone, language, speak, image_alt, variants,
			pause_reason
			""";

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final TypeReference<List<AnnouncementContent.Button>> BUTTONS = new TypeReference<>() {
	};

	private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
	};

	private static final TypeReference<Map<String, AnnouncementContent.Variant>> VARIANTS = new TypeReference<>() {
	};

	private final JdbcClient jdbc;

	private final ApplicationEventPublisher events;

	Announcements(JdbcClient jdbc, ApplicationEventPublisher events) {
		this.jdbc = jdbc;
		this.events = events;
	}

	public long create(AnnouncementContent content, String author) {
		return this.jdbc
			.sql("""
					INSERT INTO announcement (title, summary, image_url, author_line, buttons, importance, topic, ack_requested,
					                          poll_question, poll_choices, created_by, language, speak, image_alt, variants)
					VALUES (:title, :summary, :imageUrl, :authorLine, CAST(:buttons AS jsonb), :importance, :topic, :ack,
					        :pollQuestion, CAST(:pollChoices AS jsonb), :author, :language, :speak, :imageAlt,
					        CAST(:variants AS jsonb))
					RETURNING id
					""")
			.params(contentParams(content))
			.param("author", author)
			.query(Long.class)
			.single();
	}

	/** Changes a draft; anything already scheduled or sent is immutable. */
	@Transactional
	public void update(long id, AnnouncementContent content) {
		AnnouncementStatus status = require(id).status();
		if (!status.isEditable()) {
			throw new InvalidTransitionException(id, status, AnnouncementStatus.DRAFT);
		}
		this.jdbc
			.sql("""
					UPDATE announcement SET title = :title, summary = :summary, image_url = :imageUrl,
					  author_line = :authorLine, buttons = CAST(:buttons AS jsonb), importance = :importance, topic = :topic,
					  ack_requested = :ack, poll_question = :pollQuestion, poll_choices = CAST(:pollChoices AS jsonb),
					  language = :language, speak = :speak, image_alt = :imageAlt, variants = CAST(:variants AS jsonb),
					  updated_at = now()
					WHERE id = :id AND status = 'draft'
					""")
			.params(contentParams(content))
			.param("id", id)
			.update();
	}

	public Optional<Announcement> find(long id) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM announcement WHERE id = :id")
			.param("id", id)
			.query(Announcements::map)
			.optional();
	}

	public Announcement require(long id) {
		return find(id).orElseThrow(() -> new AnnouncementNotFoundException(id));
	}

	/** A page of announcements, newest first (keyset pagination on id). */
	public List<Announcement> list(Long beforeId, int limit) {
		return this.jdbc.sql("SELECT " + COLUMNS + """
				 FROM announcement WHERE (CAST(:before AS bigint) IS NULL OR id < :before)
				ORDER BY id DESC LIMIT :limit
				""").param("before", beforeId).param("limit", limit).query(Announcements::map).list();
	}

	/** Announcements in any of these states, newest first. */
	public List<Announcement> listByStatus(java.util.Collection<AnnouncementStatus> statuses, int limit) {
		return this.jdbc.sql("SELECT " + COLUMNS + """
				 FROM announcement WHERE status IN (:statuses) ORDER BY id DESC LIMIT :limit
				""")
			.param("statuses", statuses.stream().map(AnnouncementStatus::dbValue).toList())
			.param("limit", limit)
			.query(Announcements::map)
			.list();
	}

	/** These announcements (unknown ids are skipped), for live progress. */
	public List<Announcement> findAll(java.util.Collection<Long> ids) {
		if (ids.isEmpty()) {
			return List.of();
		}
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM announcement WHERE id IN (:ids) ORDER BY id DESC")
			.param("ids", List.copyOf(ids))
			.query(Announcements::map)
			.list();
	}

	/**
	 * Deletes a draft. Anything that was ever sent stays, for the record.
	 * @return whether a draft was deleted
	 */
	public boolean deleteDraft(long id) {
		return this.jdbc.sql("DELETE FROM announcement WHERE id = :id AND status = 'draft'")
			.param("id", id)
			.update() == 1;
	}

	/**
	 * Starts sending now. The dispatcher freezes the audience into the ledger in this
	 * same transaction, so a send is never half-started.
	 */
	@Transactional
	public void startSend(long id) {
		transition(id, AnnouncementStatus.SENDING, "started_at = now()", AnnouncementStatus.DRAFT,
				AnnouncementStatus.SCHEDULED);
		this.events.publishEvent(new AnnouncementEvents.SendStarted(id, "installed"));
	}

	/**
	 * Schedules a draft to start at a wall-clock time in the author's time zone. The
	 * instant is fixed now (a time in a DST gap moves forward by the gap's length); the
	 * zone is kept so the time can be shown the way the author gave it.
	 */
	@Transactional
	public void schedule(long id, LocalDateTime at, ZoneId zone) {
		Instant start = at.atZone(zone).toInstant();
		if (!start.isAfter(Instant.now())) {
			throw new IllegalArgumentException("The scheduled time " + at + " " + zone + " is in the past");
		}
		transition(id, AnnouncementStatus.SCHEDULED, "scheduled_at = :at, scheduled_zone = :zone",
				Map.of("at", Timestamp.from(start), "zone", zone.getId()), AnnouncementStatus.DRAFT);
	}

	/**
	 * A scheduled announcement goes back to being a draft; it will not start by itself.
	 */
	@Transactional
	public void unschedule(long id) {
		transition(id, AnnouncementStatus.DRAFT, "scheduled_at = NULL, scheduled_zone = NULL", Map.of(),
				AnnouncementStatus.SCHEDULED);
	}

	/**
	 * Starts every scheduled announcement whose time has come; safe to run on several
	 * instances at once (each row is taken by one of them). Returns the ids started.
	 */
	@Transactional
	public List<Long> startDueScheduled() {
		List<Long> due = this.jdbc.sql("""
				SELECT id FROM announcement WHERE status = 'scheduled' AND scheduled_at <= now()
				ORDER BY scheduled_at FOR UPDATE SKIP LOCKED
				""").query(Long.class).list();
		due.forEach(this::startSend);
		return due;
	}

	/**
	 * Starts sending a draft whose ledger the caller already filled in this transaction
	 * (see {@code dev.herald.dispatch.GivenRecipients}); no audience is frozen.
	 */
	@Transactional(propagation = org.springframework.transaction.annotation.Propagation.MANDATORY)
	public void startSendToGivenRecipients(long id) {
		transition(id, AnnouncementStatus.SENDING, "started_at = now()", AnnouncementStatus.DRAFT);
		this.events
			.publishEvent(new AnnouncementEvents.SendStarted(id, AnnouncementEvents.SendStarted.GIVEN_RECIPIENTS));
	}

	@Transactional
	public void pause(long id) {
		transition(id, AnnouncementStatus.PAUSED, null);
		this.events.publishEvent(new AnnouncementEvents.SendPaused(id));
	}

	/**
	 * The dispatcher pauses a send by itself, e.g. when too many deliveries fail; the
	 * reason is kept for the author until the send is resumed. Returns false when the
	 * send was no longer running.
	 */
	public boolean pauseAutomatically(long id, String reason) {
		boolean paused = this.jdbc.sql("""
				UPDATE announcement SET status = 'paused', pause_reason = :reason, updated_at = now()
				WHERE id = :id AND status = 'sending'
				""").param("id", id).param("reason", reason).update() == 1;
		if (paused) {
			this.events.publishEvent(new AnnouncementEvents.SendPaused(id));
		}
		return paused;
	}

	@Transactional
	public void resume(long id) {
		transition(id, AnnouncementStatus.SENDING, "pause_reason = NULL", AnnouncementStatus.PAUSED);
		this.events.publishEvent(new AnnouncementEvents.SendResumed(id));
	}

	@Transactional
	public void cancel(long id) {
		transition(id, AnnouncementStatus.CANCELED, "finished_at = now()");
		this.events.publishEvent(new AnnouncementEvents.SendCanceled(id));
	}

	/** Called by the dispatcher once every recipient has a final state. */
	public boolean markSentIfComplete(long id) {
		return this.jdbc.sql("""
				UPDATE announcement SET status = 'sent', finished_at = now(), updated_at = now()
				WHERE id = :id AND status = 'sending'
				  AND recipients = delivered + failed + blocked + opted_out + canceled
				""").param("id", id).update() == 1;
	}

	private void transition(long id, AnnouncementStatus target, String extraSet, AnnouncementStatus... only) {
		transition(id, target, extraSet, Map.of(), only);
	}

	private void transition(long id, AnnouncementStatus target, String extraSet, Map<String, Object> extraParams,
			AnnouncementStatus... only) {
		// Callers may narrow the allowed sources (a resume is not a start), never widen
		// them.
		List<String> from = target.allowedFrom()
			.stream()
			.filter((s) -> only.length == 0 || List.of(only).contains(s))
			.map(AnnouncementStatus::dbValue)
			.toList();
		int updated = this.jdbc
			.sql("UPDATE announcement SET status = :target, updated_at = now()"
					+ ((extraSet != null) ? ", " + extraSet : "") + " WHERE id = :id AND status IN (:from)")
			.param("target", target.dbValue())
			.param("id", id)
			.param("from", from)
			.params(extraParams)
			.update();
		if (updated != 1) {
			throw new InvalidTransitionException(id, require(id).status(), target);
		}
	}

	private static java.util.Map<String, Object> contentParams(AnnouncementContent c) {
		java.util.Map<String, Object> params = new java.util.HashMap<>();
		params.put("title", c.title());
		params.put("summary", c.summary());
		params.put("imageUrl", c.imageUrl());
		params.put("authorLine", c.author());
		params.put("buttons", JSON.writeValueAsString(c.buttons()));
		params.put("importance", c.importance().dbValue());
		params.put("topic", c.topic());
		params.put("ack", c.acknowledge());
		params.put("pollQuestion", c.pollQuestion());
		params.put("pollChoices", JSON.writeValueAsString(c.pollChoices()));
		params.put("language", c.language());
		params.put("speak", c.speak());
		params.put("imageAlt", c.imageAlt());
		params.put("variants", JSON.writeValueAsString(c.variants()));
		return params;
	}

	private static Announcement map(ResultSet rs, int row) throws SQLException {
		return new Announcement(rs.getLong("id"),
				new AnnouncementContent(rs.getString("title"), rs.getString("summary"), rs.getString("image_url"),
						rs.getString("author_line"), JSON.readValue(rs.getString("buttons"), BUTTONS),
						AnnouncementContent.Importance.fromDb(rs.getString("importance")), rs.getString("topic"),
						rs.getBoolean("ack_requested"), rs.getString("poll_question"),
						JSON.readValue(rs.getString("poll_choices"), STRINGS), rs.getString("language"),
						rs.getString("speak"), rs.getString("image_alt"),
						JSON.readValue(rs.getString("variants"), VARIANTS)),
				AnnouncementStatus.fromDb(rs.getString("status")), rs.getString("created_by"),
				instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("started_at")),
				instant(rs.getTimestamp("finished_at")), instant(rs.getTimestamp("scheduled_at")),
				new Announcement.DeliveryCounts(rs.getInt("recipients"), rs.getInt("delivered"), rs.getInt("failed"),
						rs.getInt("blocked"), rs.getInt("opted_out"), rs.getInt("canceled")),
				rs.getString("scheduled_zone"), rs.getString("pause_reason"));
	}

	private static Instant instant(Timestamp ts) {
		return (ts != null) ? ts.toInstant() : null;
	}

	/** No announcement has this id. */
	@org.springframework.web.bind.annotation.ResponseStatus(org.springframework.http.HttpStatus.NOT_FOUND)
	public static class AnnouncementNotFoundException extends RuntimeException {

		AnnouncementNotFoundException(long id) {
			super("Announcement " + id + " does not exist");
		}

	}

	/** The announcement is not in a state that allows the requested change. */
	public static class InvalidTransitionException extends RuntimeException {

		private final AnnouncementStatus current;

		InvalidTransitionException(long id, AnnouncementStatus current, AnnouncementStatus target) {
			super("Announcement " + id + " is " + current.dbValue() + " and cannot become " + target.dbValue());
			this.current = current;
		}

		public AnnouncementStatus current() {
			return this.current;
		}

	}

}
