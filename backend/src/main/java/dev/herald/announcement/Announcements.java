package dev.herald.announcement;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.audit.AuditAction;
import dev.herald.audit.AuditLog;
import dev.herald.security.Actor;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.ResponseStatus;

/** Announcements in PostgreSQL, with guarded lifecycle transitions. */
@Component
public class Announcements {

	private static final String COLUMNS = """
			id, title, summary, image_url, author_line, buttons, importance, topic, ack_requested, poll_question,
			poll_choices, status, created_by, created_at, started_at, finished_at, scheduled_at, recipients, delivered,
			failed, blocked, opted_out, canceled, scheduled_zone,
			pause_reason, frozen_at, prepared_people, preview_text, language, speak, image_alt, variants,
			email_fallback
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

	private final AuditLog audit;

	Announcements(JdbcClient jdbc, ApplicationEventPublisher events, AuditLog audit) {
		this.jdbc = jdbc;
		this.events = events;
		this.audit = audit;
	}

	public long create(AnnouncementContent content, String author) {
		return this.jdbc
			.sql("""
					INSERT INTO announcement (title, summary, image_url, author_line, buttons, importance, topic, ack_requested,
					                          poll_question, poll_choices, preview_text, created_by, language, speak, image_alt,
					                          variants, email_fallback)
					VALUES (:title, :summary, :imageUrl, :authorLine, CAST(:buttons AS jsonb), :importance, :topic, :ack,
					        :pollQuestion, CAST(:pollChoices AS jsonb), :previewText, :author, :language, :speak, :imageAlt,
					        CAST(:variants AS jsonb), :emailFallback)
					RETURNING id
					""")
			.params(contentParams(content))
			.param("author", author)
			.query(Long.class)
			.single();
	}

	/**
	 * Marks a draft as made by another system through the API rather than by an author
	 * (its {@code source}).
	 */
	public void markFromApi(long id) {
		this.jdbc.sql("UPDATE announcement SET source = 'api' WHERE id = :id").param("id", id).update();
	}

	/** Changes a draft; anything scheduled, recalled or canceled is immutable. */
	@Transactional
	public void update(long id, AnnouncementContent content) {
		AnnouncementStatus status = require(id).status();
		if (!status.isEditable()) {
			throw new InvalidTransitionException(id, status, AnnouncementStatus.DRAFT);
		}
		this.jdbc
			.sql("UPDATE announcement SET " + CONTENT_SET + ", updated_at = now() WHERE id = :id AND status = 'draft'")
			.params(contentParams(content))
			.param("id", id)
			.update();
		this.events.publishEvent(new AnnouncementEvents.ContentChanged(id));
	}

	/**
	 * When the content was last edited after the send (epoch millis; 0: never, or no such
	 * announcement): the version of the content, which senders on every instance compare
	 * with the card they rendered.
	 */
	public long editedAtMillis(long id) {
		return this.jdbc.sql("SELECT edited_at FROM announcement WHERE id = :id").param("id", id).query((rs, i) -> {
			Timestamp ts = rs.getTimestamp(1);
			return (ts != null) ? ts.getTime() : 0L;
		}).optional().orElse(0L);
	}

	/**
	 * Changes the content of an announcement that is sending, paused or sent: copies not
	 * yet sent go out with it, and an update of every delivered copy starts
	 * ({@link AnnouncementEvents.ContentEdited}, in this transaction). The row lock keeps
	 * two edits (or an edit and a recall) in order.
	 */
	@Transactional
	public void editAfterSend(long id, AnnouncementContent content, String by) {
		AnnouncementStatus status = this.jdbc.sql("SELECT status FROM announcement WHERE id = :id FOR UPDATE")
			.param("id", id)
			.query((rs, i) -> AnnouncementStatus.fromDb(rs.getString(1)))
			.optional()
			.orElseThrow(() -> new AnnouncementNotFoundException(id));
		if (!status.isEditableAfterSend()) {
			throw new InvalidTransitionException(id, status, status);
		}
		this.jdbc
			.sql("UPDATE announcement SET " + CONTENT_SET + ", edited_at = now(), updated_at = now() WHERE id = :id")
			.params(contentParams(content))
			.param("id", id)
			.update();
		this.events.publishEvent(new AnnouncementEvents.ContentEdited(id, by));
	}

	/** Edits a draft, or an announcement already out (see {@link #editAfterSend}). */
	@Transactional
	public void edit(long id, AnnouncementContent content, String by) {
		if (require(id).status().isEditableAfterSend()) {
			editAfterSend(id, content, by);
		}
		else {
			update(id, content);
		}
	}

	/**
	 * Recalls an announcement: a running send stops (pending rows are canceled), and a
	 * deletion of every delivered copy starts ({@link AnnouncementEvents.Recalled}, in
	 * this transaction).
	 */
	@Transactional
	public void recall(long id, String by) {
		transition(id, AnnouncementStatus.RECALLED, "recalled_at = now(), finished_at = COALESCE(finished_at, now())");
		this.events.publishEvent(new AnnouncementEvents.SendCanceled(id));
		this.events.publishEvent(new AnnouncementEvents.Recalled(id, by));
	}

	/**
	 * Sets (or, with a null time, clears) when Herald recalls the announcement by itself:
	 * a wall-clock time in the author's zone, fixed to an instant now.
	 */
	@Transactional
	public void setExpiry(long id, LocalDateTime at, ZoneId zone) {
		Announcement a = require(id);
		if (a.status() == AnnouncementStatus.RECALLED) {
			throw new InvalidTransitionException(id, a.status(), a.status());
		}
		Instant expiry = (at != null) ? at.atZone(zone).toInstant() : null;
		if (expiry != null && !expiry.isAfter(Instant.now())) {
			throw new IllegalArgumentException("The expiry " + at + " " + zone + " is in the past");
		}
		this.jdbc
			.sql("UPDATE announcement SET expires_at = :at, expires_zone = :zone, updated_at = now() WHERE id = :id")
			.param("at", (expiry != null) ? Timestamp.from(expiry) : null)
			.param("zone", (expiry != null) ? zone.getId() : null)
			.param("id", id)
			.update();
	}

	/**
	 * Sets (or clears, with null) an automatic reminder {@code hours} after the send
	 * started, to the people {@code who} names (see {@link AfterSend#autoRemindWho}).
	 */
	@Transactional
	public void setAutoReminder(long id, Integer hours, String who) {
		Announcement a = require(id);
		if (a.status() == AnnouncementStatus.RECALLED || a.status() == AnnouncementStatus.CANCELED) {
			throw new InvalidTransitionException(id, a.status(), a.status());
		}
		this.jdbc.sql("""
				UPDATE announcement SET auto_remind_hours = :hours, auto_remind_who = :who, auto_reminded_at = NULL,
				  updated_at = now()
				WHERE id = :id
				""")
			.param("hours", (hours != null && who != null) ? hours : null)
			.param("who", (hours != null && who != null) ? who : null)
			.param("id", id)
			.update();
	}

	/** Expiry, recall, edit and reminder settings of an announcement. */
	public AfterSend afterSend(long id) {
		return this.jdbc
			.sql("""
					SELECT expires_at, expires_zone, recalled_at, edited_at, auto_remind_hours, auto_remind_who, auto_reminded_at
					FROM announcement WHERE id = :id
					""")
			.param("id", id)
			.query((rs, i) -> new AfterSend(instant(rs.getTimestamp(1)), rs.getString(2), instant(rs.getTimestamp(3)),
					instant(rs.getTimestamp(4)), (Integer) rs.getObject(5), rs.getString(6),
					instant(rs.getTimestamp(7))))
			.optional()
			.orElseThrow(() -> new AnnouncementNotFoundException(id));
	}

	/**
	 * Recalls every announcement whose expiry has come; safe on several instances at once
	 * (each row is taken by one). Returns the ids recalled.
	 */
	@Transactional
	public List<Long> recallDueExpired() {
		List<Long> due = this.jdbc.sql("""
				SELECT id FROM announcement
				WHERE expires_at <= now() AND status IN ('sending', 'paused', 'sent', 'canceled')
				ORDER BY expires_at FOR UPDATE SKIP LOCKED
				""").query(Long.class).list();
		due.forEach((id) -> recall(id, "expiry"));
		return due;
	}

	/**
	 * Announcements whose automatic reminder is due, each marked as reminded in this
	 * transaction (so it is sent once): id and whom to remind.
	 */
	@Transactional
	public List<Map.Entry<Long, String>> takeDueAutoReminders() {
		return this.jdbc.sql("""
				UPDATE announcement SET auto_reminded_at = now()
				WHERE id IN (SELECT id FROM announcement
				             WHERE auto_remind_hours IS NOT NULL AND auto_reminded_at IS NULL
				               AND status IN ('sending', 'paused', 'sent')
				               AND started_at + auto_remind_hours * interval '1 hour' <= now()
				             FOR UPDATE SKIP LOCKED)
				RETURNING id, auto_remind_who
				""").query((rs, i) -> Map.entry(rs.getLong(1), rs.getString(2))).list();
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
	public List<Announcement> listByStatus(Collection<AnnouncementStatus> statuses, int limit) {
		return this.jdbc.sql("SELECT " + COLUMNS + """
				 FROM announcement WHERE status IN (:statuses) ORDER BY id DESC LIMIT :limit
				""")
			.param("statuses", statuses.stream().map(AnnouncementStatus::dbValue).toList())
			.param("limit", limit)
			.query(Announcements::map)
			.list();
	}

	/** These announcements (unknown ids are skipped), for live progress. */
	public List<Announcement> findAll(Collection<Long> ids) {
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
	 * Starts sending now: the announcement is {@code preparing} until the dispatcher has
	 * frozen its audience in the background, so this answers at once whatever the
	 * audience size.
	 */
	@Transactional
	public void startSend(long id) {
		transition(id, AnnouncementStatus.PREPARING, "started_at = now(), prepared_people = NULL",
				AnnouncementStatus.DRAFT, AnnouncementStatus.SCHEDULED);
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

	/** Scheduled announcements whose time has come, oldest first. */
	public List<Long> dueScheduled(int limit) {
		return this.jdbc.sql("""
				SELECT id FROM announcement WHERE status = 'scheduled' AND scheduled_at <= now()
				ORDER BY scheduled_at LIMIT :limit
				""").param("limit", limit).query(Long.class).list();
	}

	/**
	 * Starts one scheduled announcement if it is still scheduled and due; safe to run on
	 * several instances at once (the row is taken by one of them). Returns whether this
	 * call started it.
	 */
	@Transactional
	public boolean startScheduled(long id) {
		boolean due = this.jdbc.sql("""
				SELECT id FROM announcement WHERE id = :id AND status = 'scheduled' AND scheduled_at <= now()
				FOR UPDATE SKIP LOCKED
				""").param("id", id).query(Long.class).optional().isPresent();
		if (due) {
			startSend(id);
			this.audit.record(Actor.system("scheduler"), AuditAction.SEND, id, "scheduled start");
		}
		return due;
	}

	/**
	 * A start or a freeze that failed (a group that cannot be read, say): the
	 * announcement is paused with the reason for its author; resuming prepares it again.
	 * Returns false when it was no longer scheduled or preparing (canceled meanwhile).
	 */
	@Transactional
	public boolean pauseUnprepared(long id, String reason) {
		boolean paused = this.jdbc.sql("""
				UPDATE announcement SET status = 'paused', pause_reason = :reason, prepared_people = NULL,
				  started_at = COALESCE(started_at, now()), updated_at = now()
				WHERE id = :id AND status IN ('scheduled', 'preparing') AND frozen_at IS NULL
				""").param("id", id).param("reason", abbreviate(reason)).update() == 1;
		if (paused) {
			this.events.publishEvent(new AnnouncementEvents.SendPaused(id));
		}
		return paused;
	}

	/**
	 * The gate refused a start the dispatcher was about to make (its approval does not
	 * match what would go out): a preparing announcement is paused with the reason, one
	 * audit row says so. Returns false when it was not preparing any more.
	 */
	@Transactional
	public boolean refuseStart(long id, String reason) {
		boolean paused = pauseUnprepared(id, reason);
		if (paused) {
			this.audit.record(Actor.system("dispatcher"), AuditAction.REFUSED, id,
					"send refused and paused: " + reason);
		}
		return paused;
	}

	/**
	 * A scheduled start the gate refused: the announcement goes back to draft (to be
	 * submitted for approval), with one audit row. False when it was not scheduled any
	 * more.
	 */
	@Transactional
	public boolean refuseScheduledStart(long id, String reason) {
		boolean back = this.jdbc.sql("""
				UPDATE announcement SET status = 'draft', scheduled_at = NULL, scheduled_zone = NULL, updated_at = now()
				WHERE id = :id AND status = 'scheduled'
				""").param("id", id).update() == 1;
		if (back) {
			this.audit.record(Actor.system("scheduler"), AuditAction.REFUSED, id,
					"scheduled start refused, back to draft: " + reason);
		}
		return back;
	}

	/**
	 * Progress of a freeze: people gathered so far. Returns false when the announcement
	 * is no longer preparing (canceled), so the freeze can stop early.
	 */
	public boolean reportPrepared(long id, int people) {
		return this.jdbc.sql("""
				UPDATE announcement SET prepared_people = :people WHERE id = :id AND status = 'preparing'
				""").param("id", id).param("people", people).update() == 1;
	}

	/**
	 * Locks a preparing announcement for the transaction that freezes its ledger: false
	 * when it is not preparing any more (canceled), and nothing must be frozen.
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public boolean lockPreparing(long id) {
		return this.jdbc.sql("SELECT status FROM announcement WHERE id = :id FOR UPDATE")
			.param("id", id)
			.query(String.class)
			.optional()
			.filter(AnnouncementStatus.PREPARING.dbValue()::equals)
			.isPresent();
	}

	/**
	 * The ledger of a preparing announcement was filled in the caller's transaction: it
	 * is sending now.
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public void markFrozen(long id) {
		// The clock, not the transaction's start: the ledger was written before this.
		transition(id, AnnouncementStatus.SENDING, "frozen_at = clock_timestamp(), prepared_people = NULL",
				AnnouncementStatus.PREPARING);
	}

	private static String abbreviate(String reason) {
		String text = (reason != null) ? reason : "Unknown error";
		return (text.length() > 1000) ? text.substring(0, 1000) : text;
	}

	/**
	 * Starts sending a draft whose ledger the caller already filled in this transaction
	 * (see {@code dev.herald.dispatch.GivenRecipients}); no audience is frozen.
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public void startSendToGivenRecipients(long id) {
		transition(id, AnnouncementStatus.SENDING, "started_at = now(), frozen_at = now()", AnnouncementStatus.DRAFT);
		this.events
			.publishEvent(new AnnouncementEvents.SendStarted(id, AnnouncementEvents.SendStarted.GIVEN_RECIPIENTS));
	}

	@Transactional
	public void pause(long id) {
		// A send being prepared has nothing to pause yet: it can be canceled.
		transition(id, AnnouncementStatus.PAUSED, null, AnnouncementStatus.SENDING);
		this.events.publishEvent(new AnnouncementEvents.SendPaused(id));
	}

	/**
	 * The dispatcher pauses a send by itself, e.g. when too many deliveries fail; the
	 * reason is kept for the author until the send is resumed. Returns false when the
	 * send was no longer running.
	 */
	@Transactional
	public boolean pauseAutomatically(long id, String reason) {
		boolean paused = this.jdbc.sql("""
				UPDATE announcement SET status = 'paused', pause_reason = :reason, updated_at = now()
				WHERE id = :id AND status = 'sending'
				""").param("id", id).param("reason", reason).update() == 1;
		if (paused) {
			this.events.publishEvent(new AnnouncementEvents.SendPaused(id));
			this.audit.record(Actor.system("dispatcher"), AuditAction.PAUSE, id, "paused automatically: " + reason);
		}
		return paused;
	}

	@Transactional
	public void resume(long id) {
		// A send whose freeze failed has no ledger yet: it prepares again.
		int updated = this.jdbc.sql("""
				UPDATE announcement SET status = CASE WHEN frozen_at IS NULL THEN 'preparing' ELSE 'sending' END,
				  pause_reason = NULL, updated_at = now()
				WHERE id = :id AND status = 'paused'
				""").param("id", id).update();
		if (updated != 1) {
			throw new InvalidTransitionException(id, require(id).status(), AnnouncementStatus.SENDING);
		}
		this.events.publishEvent(new AnnouncementEvents.SendResumed(id));
	}

	@Transactional
	public void cancel(long id) {
		transition(id, AnnouncementStatus.CANCELED, "finished_at = now()");
		this.events.publishEvent(new AnnouncementEvents.SendCanceled(id));
	}

	/** Whether any announcement is being sent now (the broadcast has the budget). */
	public boolean anySending() {
		return this.jdbc.sql("SELECT EXISTS (SELECT 1 FROM announcement WHERE status = 'sending')")
			.query(Boolean.class)
			.single();
	}

	/**
	 * Called by the dispatcher: a sending announcement whose recipients all have a final
	 * state ({@link Announcement.DeliveryCounts#isComplete()}) is sent. The row is locked
	 * between reading the counts and changing the status.
	 */
	@Transactional
	public boolean markSentIfComplete(long id) {
		boolean complete = this.jdbc.sql("""
				SELECT recipients, delivered, failed, blocked, opted_out, canceled FROM announcement
				WHERE id = :id AND status = 'sending'
				FOR UPDATE
				""")
			.param("id", id)
			.query((rs, i) -> new Announcement.DeliveryCounts(rs.getInt("recipients"), rs.getInt("delivered"),
					rs.getInt("failed"), rs.getInt("blocked"), rs.getInt("opted_out"), rs.getInt("canceled")))
			.optional()
			.map(Announcement.DeliveryCounts::isComplete)
			.orElse(false);
		return complete && this.jdbc.sql("""
				UPDATE announcement SET status = 'sent', finished_at = now(), updated_at = now()
				WHERE id = :id AND status = 'sending'
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

	private static final String CONTENT_SET = """
			title = :title, summary = :summary, image_url = :imageUrl, author_line = :authorLine,
			buttons = CAST(:buttons AS jsonb), importance = :importance, topic = :topic, ack_requested = :ack,
			poll_question = :pollQuestion, poll_choices = CAST(:pollChoices AS jsonb), preview_text = :previewText,
			language = :language, speak = :speak, image_alt = :imageAlt, variants = CAST(:variants AS jsonb),
			email_fallback = :emailFallback
			""";

	private static Map<String, Object> contentParams(AnnouncementContent c) {
		Map<String, Object> params = new HashMap<>();
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
		params.put("previewText", c.previewText());
		params.put("language", c.language());
		params.put("speak", c.speak());
		params.put("imageAlt", c.imageAlt());
		params.put("variants", JSON.writeValueAsString(c.variants()));
		params.put("emailFallback", c.emailFallback());
		return params;
	}

	private static Announcement map(ResultSet rs, int row) throws SQLException {
		return new Announcement(rs.getLong("id"),
				new AnnouncementContent(rs.getString("title"), rs.getString("summary"), rs.getString("image_url"),
						rs.getString("author_line"), JSON.readValue(rs.getString("buttons"), BUTTONS),
						AnnouncementContent.Importance.fromDb(rs.getString("importance")), rs.getString("topic"),
						rs.getBoolean("ack_requested"), rs.getString("poll_question"),
						JSON.readValue(rs.getString("poll_choices"), STRINGS), rs.getString("preview_text"),
						rs.getString("language"), rs.getString("speak"), rs.getString("image_alt"),
						JSON.readValue(rs.getString("variants"), VARIANTS), (Boolean) rs.getObject("email_fallback")),
				AnnouncementStatus.fromDb(rs.getString("status")), rs.getString("created_by"),
				instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("started_at")),
				instant(rs.getTimestamp("finished_at")), instant(rs.getTimestamp("scheduled_at")),
				new Announcement.DeliveryCounts(rs.getInt("recipients"), rs.getInt("delivered"), rs.getInt("failed"),
						rs.getInt("blocked"), rs.getInt("opted_out"), rs.getInt("canceled")),
				rs.getString("scheduled_zone"), rs.getString("pause_reason"), instant(rs.getTimestamp("frozen_at")),
				(Integer) rs.getObject("prepared_people"));
	}

	private static Instant instant(Timestamp ts) {
		return (ts != null) ? ts.toInstant() : null;
	}

	/** No announcement has this id. */
	@ResponseStatus(HttpStatus.NOT_FOUND)
	public static class AnnouncementNotFoundException extends RuntimeException {

		public AnnouncementNotFoundException(long id) {
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
