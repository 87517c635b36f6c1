package dev.herald.approval;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import tools.jackson.databind.json.JsonMapper;

import dev.herald.announcement.Announcement;
import dev.herald.announcement.AnnouncementContent;
import dev.herald.announcement.AnnouncementEvents;
import dev.herald.announcement.AnnouncementStatus;
import dev.herald.announcement.Announcements;
import dev.herald.announcement.Owners;
import dev.herald.announcement.Refusals;
import dev.herald.api.ApiClients;
import dev.herald.announcement.SendPolicy;
import dev.herald.audience.AnnouncementAudiences;
import dev.herald.audience.AudienceDefinition;
import dev.herald.audience.AudienceEntry;
import dev.herald.audience.AudienceEvents;
import dev.herald.audience.AudienceKind;
import dev.herald.audience.AudienceResolver;
import dev.herald.audience.AuthorGuardrails;
import dev.herald.audit.AuditAction;
import dev.herald.audit.AuditLog;
import dev.herald.security.Actor;
import dev.herald.settings.AppSettings;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.server.ResponseStatusException;

/**
 * Approval before send: whether it applies, submit, approve, reject, and the hash that
 * binds an approval to the exact content and audience submitted. Any change to either
 * withdraws the request and returns the announcement to draft.
 */
@Component
public class Approvals implements SendPolicy {

	/** Audiences above this many people are "large" unless an admin sets otherwise. */
	static final int DEFAULT_THRESHOLD = 1000;

	static final int MAX_COMMENT = 1000;

	private final JdbcClient jdbc;

	private final Announcements announcements;

	private final Owners owners;

	private final AnnouncementAudiences audiences;

	private final AudienceResolver resolver;

	private final AuthorGuardrails guardrails;

	/**
	 * Read straight from the settings store: the admin module (which saves them through
	 * {@code AdminSettings}, same keys) depends on bot, which depends on approval.
	 */
	private final AppSettings settings;

	/** {@code AdminSettings.APPROVAL}. */
	static final String MODE_KEY = "approval.mode";

	/** {@code AdminSettings.APPROVAL_THRESHOLD}. */
	static final String THRESHOLD_KEY = "approval.large-threshold";

	private final AuditLog audit;

	private final ApplicationEventPublisher events;

	private final Refusals refusals;

	private final ApiClients clients;

	/** For what must stay written when the act itself is refused and rolled back. */
	private final TransactionTemplate separately;

	Approvals(JdbcClient jdbc, Announcements announcements, Owners owners, AnnouncementAudiences audiences,
			AudienceResolver resolver, AuthorGuardrails guardrails, AppSettings settings, AuditLog audit,
			ApplicationEventPublisher events, Refusals refusals, ApiClients clients,
			PlatformTransactionManager transactions) {
		this.separately = new TransactionTemplate(transactions);
		this.separately.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		this.refusals = refusals;
		this.clients = clients;
		this.jdbc = jdbc;
		this.announcements = announcements;
		this.owners = owners;
		this.audiences = audiences;
		this.resolver = resolver;
		this.guardrails = guardrails;
		this.settings = settings;
		this.audit = audit;
		this.events = events;
	}

	public ApprovalMode mode() {
		return this.settings.get(MODE_KEY).map(ApprovalMode::parse).orElse(ApprovalMode.OFF);
	}

	public int threshold() {
		return this.settings.getInt(THRESHOLD_KEY).filter((n) -> n >= 0).orElse(DEFAULT_THRESHOLD);
	}

	@Override
	public void checkContent(AnnouncementContent content, Actor actor) {
		this.guardrails.checkCritical(content.isCritical(), actor);
		this.guardrails.checkTopic(content.topic(), actor);
		checkUrgent(content, actor);
		checkClient(content, null, actor);
	}

	@Override
	public void checkSend(long announcementId, Actor actor) {
		checkSend(announcementId, null, actor);
	}

	@Override
	public void checkSend(long announcementId, Instant startAt, Actor actor) {
		Announcement announcement = this.announcements.require(announcementId);
		checkGuardrails(announcement.content(), announcementId, actor);
		if (approvalRequired(announcementId) && !approvedAsIs(announcementId, startAt)) {
			throw new ApprovalRequiredException(announcementId);
		}
	}

	/**
	 * The same policy as a send, on the new content: guardrails (CRITICAL, the audience
	 * it was sent to), the API client's permissions, then approval of exactly this
	 * content (an approved edit request whose hash binds it).
	 */
	@Override
	public void checkEditAfterSend(long announcementId, AnnouncementContent content, Actor actor) {
		Announcement announcement = this.announcements.require(announcementId);
		checkGuardrails(content, announcementId, actor);
		AudienceDefinition audience = this.audiences.get(announcementId);
		if (requiredFor(content, audience) && !find(announcementId)
			.filter((r) -> r.state() == ApprovalState.APPROVED
					&& r.contentHash().equals(hash(content, audience, announcement.scheduledAt())))
			.isPresent()) {
			throw ApprovalRequiredException.forEdit(announcementId);
		}
	}

	@Override
	public boolean approvalRequired(long announcementId) {
		return requiredFor(this.announcements.require(announcementId).content(), this.audiences.get(announcementId));
	}

	private boolean requiredFor(AnnouncementContent content, AudienceDefinition audience) {
		return switch (mode()) {
			case OFF -> false;
			case ALWAYS -> true;
			case LARGE -> isLarge(content, audience);
		};
	}

	/**
	 * The gate's backstop, once per send or follow-up operation: an announcement made
	 * through the API for an API client (a notification, under the client's own
	 * permissions) is not under approval; any other whose approval applies must be
	 * exactly what was approved, at the time approved.
	 */
	@Override
	public Optional<String> unapproved(long announcementId) {
		boolean fromApi = this.jdbc.sql("SELECT source = 'api' FROM announcement WHERE id = :id")
			.param("id", announcementId)
			.query(Boolean.class)
			.optional()
			.orElse(false);
		if (fromApi || !approvalRequired(announcementId)) {
			return Optional.empty();
		}
		Announcement announcement = this.announcements.require(announcementId);
		if (approvedAsIs(announcementId, announcement.scheduledAt())) {
			return Optional.empty();
		}
		return Optional.of("Stopped by the approval check: approval applies and the content, audience or time is not "
				+ "what was approved. Submit it for approval again.");
	}

	@Override
	public Optional<Approval> approval(long announcementId) {
		return find(announcementId)
			.map((r) -> new Approval(r.state().dbValue(), r.submittedName(), r.decidedName(), r.comment()));
	}

	/**
	 * Large: CRITICAL, everyone (an empty audience is everyone who has the app), more
	 * people than the threshold, or a channel of a team with more members than that (an
	 * org-wide team). An audience that cannot be counted now is treated as large.
	 */
	boolean isLarge(AnnouncementContent content, AudienceDefinition audience) {
		if (content.isCritical() || audience.isEmpty()
				|| audience.entries().stream().anyMatch((e) -> e.kind() == AudienceKind.EVERYONE)) {
			return true;
		}
		int threshold = threshold();
		try {
			if (this.resolver.preview(audience).people() > threshold) {
				return true;
			}
			for (AudienceEntry entry : audience.entries()) {
				if (entry.kind() == AudienceKind.CHANNEL && entry.teamId() != null
						&& this.resolver
							.preview(new AudienceDefinition(
									List.of(new AudienceEntry(AudienceKind.TEAM, entry.teamId(), null, null))))
							.people() > threshold) {
					return true;
				}
			}
			return false;
		}
		catch (RuntimeException ex) {
			return true; // fail closed
		}
	}

	/** Submits a draft for approval; starts at once or at {@code at} once approved. */
	@Transactional
	public Request submit(long id, Actor actor, LocalDateTime at, ZoneId zone) {
		Announcement announcement = lock(id);
		this.owners.requireManage(id, actor);
		boolean stopped = announcement.preparationFailed();
		if (announcement.status() != AnnouncementStatus.DRAFT && !stopped) {
			throw new ResponseStatusException(HttpStatus.CONFLICT,
					"Announcement " + id + " is " + announcement.status().dbValue()
							+ "; only a draft (or a send paused before its audience was "
							+ "frozen) can be submitted.");
		}
		checkGuardrails(announcement.content(), id, actor);
		if (stopped && at != null) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
					"Announcement " + id + " is paused: once approved it resumes at once, so it takes no start time.");
		}
		// A paused send keeps the start it had: the hash binds that one, as the resume
		// and the freeze check it.
		Instant start = stopped ? announcement.scheduledAt() : null;
		if (at != null) {
			start = at.atZone(zone).toInstant();
			if (!start.isAfter(Instant.now())) {
				throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
						"The scheduled time " + at + " " + zone + " is in the past");
			}
		}
		AudienceDefinition audience = this.audiences.get(id);
		Integer size = null;
		Integer channels = null;
		try {
			if (!audience.isEmpty()) {
				AudienceResolver.Preview preview = this.resolver.preview(audience);
				size = preview.people();
				channels = preview.channels();
			}
		}
		catch (RuntimeException ex) {
			// The approver sees "unknown"; approving counts again (and refuses if it
			// still cannot), and so does the freeze.
		}
		this.jdbc
			.sql("""
					INSERT INTO approval_request (announcement_id, state, content_hash, audience_size, audience_channels,
					                              audience_kinds, scheduled_at, scheduled_zone, submitted_by, submitted_name)
					VALUES (:id, 'pending', :hash, :size, :channels, CAST(:kinds AS jsonb), :at, :zone, :by, :name)
					ON CONFLICT (announcement_id) DO UPDATE SET state = 'pending', content_hash = EXCLUDED.content_hash,
					  audience_size = EXCLUDED.audience_size, audience_channels = EXCLUDED.audience_channels,
					  audience_kinds = EXCLUDED.audience_kinds, approved_recipients = NULL,
					  scheduled_at = EXCLUDED.scheduled_at,
					  scheduled_zone = EXCLUDED.scheduled_zone, submitted_by = EXCLUDED.submitted_by,
					  submitted_name = EXCLUDED.submitted_name, submitted_at = now(), decided_by = NULL,
					  decided_name = NULL, decided_at = NULL, comment = NULL, proposed_content = NULL
					""")
			.param("id", id)
			.param("hash", hash(announcement.content(), audience, start))
			.param("size", size)
			.param("channels", channels)
			.param("kinds", JsonMapper.shared().writeValueAsString(kinds(audience)))
			.param("at", (start != null && !stopped) ? Timestamp.from(start) : null)
			.param("zone", (start != null && !stopped) ? zone.getId() : null)
			.param("by", actor.id())
			.param("name", actor.name())
			.update();
		this.audit
			.record(actor, AuditAction.SUBMIT, id,
					"submitted for approval"
							+ (stopped ? ", to resume its paused send"
									: (start != null) ? ", to start at " + at + " " + zone.getId()
											: ", to send at once")
							+ "; audience: " + describe(size, channels, kinds(audience)));
		this.events.publishEvent(new ApprovalRequested(id));
		return find(id).orElseThrow();
	}

	/**
	 * Submits new content for an announcement already out (sending, paused or sent): once
	 * another Approver approves it, the delivered copies are updated with it. The hash
	 * binds that content, the audience it went to and its time.
	 */
	@Override
	@Transactional
	public void submitEdit(long id, AnnouncementContent content, Actor actor) {
		Announcement announcement = lock(id);
		this.owners.requireManage(id, actor);
		if (!announcement.status().isEditableAfterSend()) {
			throw new ResponseStatusException(HttpStatus.CONFLICT, "Announcement " + id + " is "
					+ announcement.status().dbValue() + "; only an announcement that is out takes an edit to approve.");
		}
		checkGuardrails(content, id, actor);
		AudienceDefinition audience = this.audiences.get(id);
		this.jdbc.sql("""
				INSERT INTO approval_request (announcement_id, state, content_hash, audience_size, audience_kinds,
				                              submitted_by, submitted_name, proposed_content)
				VALUES (:id, 'pending', :hash, :size, CAST(:kinds AS jsonb), :by, :name, CAST(:content AS jsonb))
				ON CONFLICT (announcement_id) DO UPDATE SET state = 'pending', content_hash = EXCLUDED.content_hash,
				  audience_size = EXCLUDED.audience_size, audience_channels = NULL,
				  audience_kinds = EXCLUDED.audience_kinds, approved_recipients = NULL,
				  scheduled_at = NULL, scheduled_zone = NULL,
				  submitted_by = EXCLUDED.submitted_by, submitted_name = EXCLUDED.submitted_name, submitted_at = now(),
				  decided_by = NULL, decided_name = NULL, decided_at = NULL, comment = NULL,
				  proposed_content = EXCLUDED.proposed_content
				""")
			.param("id", id)
			.param("hash", hash(content, audience, announcement.scheduledAt()))
			// The people it went to: the ledger's count, not a label.
			.param("size", announcement.counts().recipients())
			.param("kinds", JsonMapper.shared().writeValueAsString(kinds(audience)))
			.param("by", actor.id())
			.param("name", actor.name())
			.param("content", JsonMapper.shared().writeValueAsString(content))
			.update();
		this.audit.record(actor, AuditAction.SUBMIT, id, "submitted an edit for approval ("
				+ dev.herald.announcement.Governance.changes(announcement.content(), content) + ")");
		this.events.publishEvent(new ApprovalRequested(id));
	}

	/** Approves an edit of an announcement that is out: its copies are updated now. */
	private Request approveEdit(Announcement announcement, Request request, Actor actor, String note) {
		long id = announcement.id();
		if (!announcement.status().isEditableAfterSend() || !request.contentHash()
			.equals(hash(request.proposedContent(), this.audiences.get(id), announcement.scheduledAt()))) {
			withdraw(id);
			throw new ResponseStatusException(HttpStatus.CONFLICT,
					"Announcement " + id + " changed after the edit was submitted; the author must submit it again.");
		}
		decide(id, ApprovalState.APPROVED, actor, note);
		this.announcements.editAfterSend(id, request.proposedContent(), request.submittedName());
		this.audit.record(actor, AuditAction.APPROVE, id, "approved an edit by " + request.submittedName()
				+ "; delivered copies are updated" + ((note != null) ? "; comment: " + note : ""));
		return find(id).orElseThrow();
	}

	/**
	 * An Approver who is not an owner approves: the announcement starts at once, or is
	 * scheduled for the time submitted.
	 */
	@Transactional
	public Request approve(long id, Actor actor, String comment) {
		Announcement announcement = lock(id);
		Request request = pendingFor(id, actor);
		String note = clean(comment);
		if (request.proposedContent() != null) {
			return approveEdit(announcement, request, actor, note);
		}
		requireUnchanged(announcement, request);
		int recipients = bindSize(announcement, request);
		decide(id, ApprovalState.APPROVED, actor, note);
		this.jdbc.sql("UPDATE approval_request SET approved_recipients = :n WHERE announcement_id = :id")
			.param("n", recipients)
			.param("id", id)
			.update();
		String outcome;
		if (announcement.preparationFailed()) {
			// Paused by the gate before its audience was frozen, submitted again: it
			// prepares now, with the hash bound to the start it had.
			this.announcements.resume(id);
			outcome = "resumed";
		}
		else if (request.scheduledAt() != null && request.scheduledAt().isAfter(Instant.now())) {
			ZoneId zone = ZoneId.of(request.scheduledZone());
			this.announcements.schedule(id, LocalDateTime.ofInstant(request.scheduledAt(), zone), zone);
			outcome = "scheduled for " + request.scheduledAt();
		}
		else {
			if (request.scheduledAt() != null) {
				// Its time passed while it waited: the approver's decision is "now", and
				// the bound hash says so (the freeze checks it again).
				this.jdbc.sql("UPDATE approval_request SET content_hash = :hash WHERE announcement_id = :id")
					.param("hash", hash(announcement.content(), this.audiences.get(id), null))
					.param("id", id)
					.update();
			}
			this.announcements.startSend(id);
			outcome = "sending now";
		}
		this.audit.record(actor, AuditAction.APPROVE, id, "approved for " + recipients + " recipients; " + outcome
				+ ((note != null) ? "; comment: " + note : ""));
		return find(id).orElseThrow();
	}

	/**
	 * The audience as resolved now, which the approval binds: what the freeze may send
	 * to. Refused (409) when it cannot be counted, or when it grew materially since the
	 * approver was shown its size at submit (the shown size is brought up to date, so the
	 * approver decides on the real one).
	 */
	private int bindSize(Announcement announcement, Request request) {
		long id = announcement.id();
		AudienceDefinition audience = this.audiences.get(id);
		AudienceResolver.Preview now;
		try {
			now = this.resolver.preview(audience);
		}
		catch (RuntimeException ex) {
			throw new ResponseStatusException(HttpStatus.CONFLICT, "The audience of announcement " + id
					+ " cannot be counted now (" + ex.getMessage() + "); an approval binds its size: try again later.");
		}
		if (audience.isEmpty()) {
			// Everyone who has the app: the approver was shown "everyone", and the
			// freeze does not bind its size (see outgrown).
			return now.recipients();
		}
		int shown = ((request.audienceSize() != null) ? request.audienceSize() : 0)
				+ ((request.audienceChannels() != null) ? request.audienceChannels() : 0);
		if (request.audienceSize() == null || materiallyLarger(shown, now.recipients(), threshold())) {
			this.separately.executeWithoutResult((status) -> this.jdbc.sql("""
					UPDATE approval_request SET audience_size = :people, audience_channels = :channels
					WHERE announcement_id = :id AND state = 'pending'
					""").param("people", now.people()).param("channels", now.channels()).param("id", id).update());
			throw new ResponseStatusException(HttpStatus.CONFLICT, "The audience of announcement " + id
					+ ((request.audienceSize() != null)
							? " grew from " + shown + " to " + now.recipients() + " recipients since it was submitted"
							: " could not be counted when it was submitted; it resolves to " + now.recipients()
									+ " recipients now")
					+ ": review it again with its real size.");
		}
		return now.recipients();
	}

	/**
	 * Whether a frozen audience outgrew the one approved: more recipients than approved
	 * by more than 10% (and at least 10 people, so a few joiners in a small team do not
	 * stop a send), or from at most the {@code large} threshold to above it (the size at
	 * which approval {@code large} asks for one). Shrinking is never refused: fewer
	 * people than approved is not a wider reach.
	 */
	static boolean materiallyLarger(int approved, int frozen, int threshold) {
		if (frozen <= approved) {
			return false;
		}
		if (approved <= threshold && frozen > threshold) {
			return true;
		}
		int slack = Math.max(10, (approved + 9) / 10);
		return frozen - approved > slack;
	}

	/**
	 * The freeze's size check (#23), once per send: an approval binds the audience as it
	 * resolved when approved. Empty when the frozen audience may go; otherwise why not,
	 * and the approval is withdrawn, so that resuming needs a new one (the announcement,
	 * paused, can be submitted again).
	 */
	@Override
	public Optional<String> outgrown(long announcementId, int frozenRecipients) {
		boolean fromApi = this.jdbc.sql("SELECT source = 'api' FROM announcement WHERE id = :id")
			.param("id", announcementId)
			.query(Boolean.class)
			.optional()
			.orElse(false);
		ApprovalMode mode = mode();
		AudienceDefinition audience = this.audiences.get(announcementId);
		if (fromApi || mode == ApprovalMode.OFF || audience.isEmpty()
				|| audience.entries().stream().anyMatch((e) -> e.kind() == AudienceKind.EVERYONE)) {
			// Everyone is everyone however many they are: that is what the approver saw.
			return Optional.empty();
		}
		int threshold = threshold();
		Optional<Request> approved = find(announcementId)
			.filter((r) -> r.state() == ApprovalState.APPROVED && r.proposedContent() == null);
		String reason;
		if (approved.isPresent()) {
			Request r = approved.get();
			Integer bound = (r.approvedRecipients() != null) ? r.approvedRecipients() : r.audienceSize();
			if (bound != null && !materiallyLarger(bound, frozenRecipients, threshold)) {
				return Optional.empty();
			}
			reason = (bound == null)
					? "Stopped by the approval check: the audience's size was not known when it was approved, and it "
							+ "now resolves to " + frozenRecipients + " recipients. Submit it for approval again."
					: "Stopped by the approval check: the audience grew from " + bound + " recipients when approved to "
							+ frozenRecipients + " now (more than 10% and 10 people, or past the approval threshold "
							+ "of " + threshold + "). Submit it for approval again.";
			withdraw(announcementId);
		}
		else if (mode == ApprovalMode.ALWAYS || frozenRecipients > threshold) {
			reason = "Stopped by the approval check: the audience resolves to " + frozenRecipients
					+ " recipients and has no approval (threshold " + threshold + "). Submit it for approval.";
		}
		else {
			return Optional.empty();
		}
		return Optional.of(reason);
	}

	/** The audience's entries counted by kind, as the approver is shown them. */
	static Map<String, Integer> kinds(AudienceDefinition audience) {
		Map<String, Integer> kinds = new java.util.TreeMap<>();
		audience.entries().forEach((e) -> kinds.merge(e.kind().dbValue(), 1, Integer::sum));
		return kinds;
	}

	private static String describe(Integer people, Integer channels, Map<String, Integer> kinds) {
		if (kinds.isEmpty()) {
			return "everyone who has the app";
		}
		return ((people != null) ? people + " people" : "people not counted")
				+ ((channels != null && channels > 0) ? ", " + channels + " channels" : "") + " from " + kinds;
	}

	/** An Approver who is not an owner rejects, with a comment for the author. */
	@Transactional
	public Request reject(long id, Actor actor, String comment) {
		lock(id);
		String note = clean(comment);
		if (note == null) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "A rejection needs a comment for the author.");
		}
		pendingFor(id, actor);
		decide(id, ApprovalState.REJECTED, actor, note);
		this.audit.record(actor, AuditAction.REJECT, id, "rejected; comment: " + note);
		return find(id).orElseThrow();
	}

	/**
	 * Pending requests, oldest first: the approvers' queue, each with what employees will
	 * see (every language, every button and link) and the audience's size and kinds.
	 */
	public List<Queued> queue() {
		List<Queued> rows = this.jdbc.sql("""
				SELECT r.announcement_id, a.title, a.importance, r.audience_size, r.submitted_name, r.submitted_at,
				       r.scheduled_at, r.content_hash, r.proposed_content, r.audience_channels, r.audience_kinds
				FROM approval_request r JOIN announcement a ON a.id = r.announcement_id
				WHERE r.state = 'pending' ORDER BY r.submitted_at LIMIT 500
				""")
			.query((rs, i) -> new Queued(rs.getLong(1), rs.getString(2),
					"critical".equals(rs.getString(3)) || "urgent".equals(rs.getString(3)), (Integer) rs.getObject(4),
					rs.getString(5), rs.getTimestamp(6).toInstant(),
					(rs.getTimestamp(7) != null) ? rs.getTimestamp(7).toInstant() : null, rs.getString(8),
					(rs.getString(9) != null)
							? JsonMapper.shared().readValue(rs.getString(9), AnnouncementContent.class) : null,
					(Integer) rs.getObject(10), kinds(rs.getString(11)), List.of()))
			.list();
		Map<Long, AnnouncementContent> contents = new java.util.HashMap<>();
		this.announcements.findAll(rows.stream().map(Queued::announcementId).toList())
			.forEach((a) -> contents.put(a.id(), a.content()));
		return rows.stream()
			.map((q) -> q.withRenditions(
					renditions((q.proposedContent() != null) ? q.proposedContent() : contents.get(q.announcementId()))))
			.toList();
	}

	/**
	 * The approval request with what it asks to approve, as employees will see it: every
	 * language variant with its buttons and links.
	 */
	public Optional<Review> review(long id) {
		return find(id).map((r) -> {
			AnnouncementContent content = (r.proposedContent() != null) ? r.proposedContent()
					: this.announcements.require(id).content();
			return new Review(r, content.isCritical(), renditions(content));
		});
	}

	/** The default content and each variant, as the people who get it see it. */
	static List<Rendition> renditions(AnnouncementContent content) {
		if (content == null) {
			return List.of();
		}
		List<Rendition> renditions = new java.util.ArrayList<>();
		renditions.add(Rendition.of(content.defaultLanguageLabel(), content.forVariant(null)));
		content.variants().keySet().forEach((tag) -> renditions.add(Rendition.of(tag, content.forVariant(tag))));
		return renditions;
	}

	public Optional<Request> find(long id) {
		return this.jdbc.sql("""
				SELECT announcement_id, state, content_hash, audience_size, scheduled_at, scheduled_zone, submitted_by,
				       submitted_name, submitted_at, decided_by, decided_name, decided_at, comment, proposed_content,
				       audience_channels, audience_kinds, approved_recipients
				FROM approval_request WHERE announcement_id = :id
				""")
			.param("id", id)
			.query((rs, i) -> new Request(rs.getLong(1), ApprovalState.fromDb(rs.getString(2)), rs.getString(3),
					(Integer) rs.getObject(4), instant(rs.getTimestamp(5)), rs.getString(6), rs.getString(7),
					rs.getString(8), instant(rs.getTimestamp(9)), rs.getString(10), rs.getString(11),
					instant(rs.getTimestamp(12)), rs.getString(13),
					(rs.getString(14) != null)
							? JsonMapper.shared().readValue(rs.getString(14), AnnouncementContent.class) : null,
					(Integer) rs.getObject(15), kinds(rs.getString(16)), (Integer) rs.getObject(17)))
			.optional();
	}

	/** The content changed: an approval (or a pending request) no longer holds. */
	@EventListener
	void onContentChanged(AnnouncementEvents.ContentChanged event) {
		withdraw(event.announcementId());
	}

	/** The audience changed: likewise. */
	@EventListener
	void onAudienceChanged(AudienceEvents.AudienceChanged event) {
		withdraw(event.announcementId());
	}

	/**
	 * Withdraws a pending or approved request; an announcement scheduled by its approval
	 * goes back to draft, so nothing unapproved can start by itself.
	 */
	void withdraw(long id) {
		int withdrawn = this.jdbc.sql("""
				UPDATE approval_request SET state = 'withdrawn' WHERE announcement_id = :id
				  AND state IN ('pending', 'approved')
				""").param("id", id).update();
		if (this.announcements.require(id).status() == AnnouncementStatus.SCHEDULED) {
			if (withdrawn == 1) {
				this.announcements.unschedule(id);
			}
			else if (approvalRequired(id)) {
				// Scheduled without approval (it did not need one then); as changed, it
				// does (#23: one person, then everyone): back to draft, not a start.
				this.announcements.unschedule(id);
				this.audit.record(Actor.system("approval"), AuditAction.UNSCHEDULE, id,
						"back to draft: as changed, it needs an approval before it is sent");
			}
		}
	}

	/** Whether the current content and audience are exactly the ones approved. */
	boolean approvedAsIs(long id, Instant startAt) {
		return find(id).filter((r) -> r.state() == ApprovalState.APPROVED)
			.map((r) -> r.contentHash()
				.equals(hash(this.announcements.require(id).content(), this.audiences.get(id), startAt)))
			.orElse(false);
	}

	/**
	 * SHA-256 over the content, the audience entries (labels left out: they are only what
	 * the author saw) and the start time it was approved for, if any (none: at once, and
	 * the same hash as before times were bound).
	 */
	static String hash(AnnouncementContent content, AudienceDefinition audience, Instant startAt) {
		Map<String, Object> bound = new LinkedHashMap<>();
		bound.put("content", content);
		bound.put("audience",
				audience.entries()
					.stream()
					.map((e) -> e.kind().dbValue() + ":" + e.ref() + ":" + ((e.teamId() != null) ? e.teamId() : ""))
					.sorted()
					.toList());
		if (startAt != null) {
			bound.put("start", startAt.getEpochSecond());
		}
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256")
				.digest(JsonMapper.shared().writeValueAsString(bound).getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * URGENT (#25): a registered API client has its own grant ({@code maySendUrgent},
	 * checked with its other permissions); anyone else needs a guardrail rule that grants
	 * it, never given by default (Admins excepted).
	 */
	private void checkUrgent(AnnouncementContent content, Actor actor) {
		if (!content.isUrgent()) {
			return;
		}
		if (actor.kind() == Actor.Kind.CLIENT && !actor.isAdmin() && this.clients.find(actor.id()).isPresent()) {
			return;
		}
		this.guardrails.checkUrgent(true, actor);
	}

	private void checkGuardrails(AnnouncementContent content, long id, Actor actor) {
		this.guardrails.checkCritical(content.isCritical(), actor);
		this.guardrails.checkTopic(content.topic(), actor);
		checkUrgent(content, actor);
		AudienceDefinition audience = this.audiences.get(id);
		this.guardrails.checkAudience(audience, actor);
		checkClient(content, audience, actor);
	}

	/**
	 * An API client acting on announcements keeps the permissions an admin gave it for
	 * notifications: topics, CRITICAL, audiences.
	 */
	private void checkClient(AnnouncementContent content, AudienceDefinition audience, Actor actor) {
		if (actor.kind() != Actor.Kind.CLIENT) {
			return;
		}
		this.clients.find(actor.id()).ifPresent((client) -> {
			List<String> refused = new java.util.ArrayList<>();
			if (!client.enabled()) {
				refused.add("client:disabled");
			}
			if (!client.allowsTopic(content.topic())) {
				refused.add("topic:" + content.topic());
			}
			if (content.isCritical() && !client.maySendCritical()) {
				refused.add("importance:critical");
			}
			if (content.isUrgent() && !client.maySendUrgent()) {
				refused.add("importance:urgent");
			}
			if (audience != null && !audience.isEmpty()) {
				refused.addAll(dev.herald.audience.AudienceAllowList.of(client.allowedAudiences()).refused(audience));
			}
			if (!refused.isEmpty()) {
				throw new GuardrailException("API client " + client.clientId() + " is not permitted: " + refused + ".",
						refused);
			}
		});
	}

	/**
	 * The pending request, if this actor may decide it: an Approver who is not an owner.
	 */
	private Request pendingFor(long id, Actor actor) {
		if (!actor.isApprover()) {
			throw new ResponseStatusException(HttpStatus.FORBIDDEN, "Only Approvers approve or reject.");
		}
		if (this.owners.isOwner(id, actor)) {
			// A co-author who edited it and holds the Approver role, say: an attempt,
			// audited like the one below.
			ResponseStatusException refused = new ResponseStatusException(HttpStatus.FORBIDDEN,
					"An owner of announcement " + id + " cannot approve or reject it; another Approver must.");
			this.refusals.record(actor, id, "approval", refused);
			throw refused;
		}
		if (wroteIt(id, actor)) {
			// Admins manage anyone's announcement without owning it: one who wrote,
			// changed or submitted it is not its approver (#23), or one person could
			// edit, submit and approve alone. Audited: it is an attempt.
			ResponseStatusException refused = new ResponseStatusException(HttpStatus.FORBIDDEN, "You wrote, changed or "
					+ "submitted announcement " + id + ", so you cannot approve or reject it; another Approver must.");
			this.refusals.record(actor, id, "approval", refused);
			throw refused;
		}
		Request request = find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.CONFLICT,
				"Announcement " + id + " was not submitted for approval."));
		if (request.state() != ApprovalState.PENDING) {
			throw new ResponseStatusException(HttpStatus.CONFLICT, "Announcement " + id
					+ " has no pending approval request (it is " + request.state().dbValue() + ").");
		}
		return request;
	}

	/** Whether the audit log shows this actor writing, changing or submitting it. */
	private boolean wroteIt(long id, Actor actor) {
		return this.audit.search(new AuditLog.Filter(id, actor.id(), null, null, null), null, 500)
			.stream()
			.anyMatch((e) -> AUTHORING.contains(e.action()) && actor.id().equalsIgnoreCase(e.actorId()));
	}

	private static final java.util.Set<String> AUTHORING = java.util.Set.of(AuditAction.CREATE.dbValue(),
			AuditAction.EDIT.dbValue(), AuditAction.AUDIENCE_CHANGE.dbValue(), AuditAction.SUBMIT.dbValue(),
			AuditAction.EDIT_AFTER_SEND.dbValue(), AuditAction.OWNER_ADD.dbValue());

	private void requireUnchanged(Announcement announcement, Request request) {
		boolean stopped = announcement.preparationFailed();
		Instant start = stopped ? announcement.scheduledAt() : request.scheduledAt();
		if ((announcement.status() != AnnouncementStatus.DRAFT && !stopped) || !request.contentHash()
			.equals(hash(announcement.content(), this.audiences.get(announcement.id()), start))) {
			withdraw(announcement.id());
			throw new ResponseStatusException(HttpStatus.CONFLICT, "Announcement " + announcement.id()
					+ " changed after it was submitted; the author must submit it again.");
		}
	}

	private void decide(long id, ApprovalState target, Actor actor, String comment) {
		List<String> from = target.allowedFrom().stream().map(ApprovalState::dbValue).toList();
		int updated = this.jdbc.sql("""
				UPDATE approval_request SET state = :target, decided_by = :by, decided_name = :name, decided_at = now(),
				  comment = :comment
				WHERE announcement_id = :id AND state IN (:from)
				""")
			.param("target", target.dbValue())
			.param("by", actor.id())
			.param("name", actor.name())
			.param("comment", comment)
			.param("id", id)
			.param("from", from)
			.update();
		if (updated != 1) {
			throw new ResponseStatusException(HttpStatus.CONFLICT, "The approval request changed meanwhile.");
		}
	}

	/** Locks the announcement row: decisions, edits and starts on it are serialized. */
	private Announcement lock(long id) {
		this.jdbc.sql("SELECT id FROM announcement WHERE id = :id FOR UPDATE").param("id", id).query().rowSet();
		return this.announcements.require(id);
	}

	private static String clean(String comment) {
		if (comment == null || comment.isBlank()) {
			return null;
		}
		String c = comment.strip();
		if (c.length() > MAX_COMMENT) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
					"A comment has at most " + MAX_COMMENT + " characters.");
		}
		return c;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Integer> kinds(String json) {
		return (json != null) ? JsonMapper.shared().readValue(json, java.util.TreeMap.class) : Map.of();
	}

	private static Instant instant(Timestamp ts) {
		return (ts != null) ? ts.toInstant() : null;
	}

	/** Published inside the submit's transaction; approvers are told after it commits. */
	record ApprovalRequested(long announcementId) {
	}

	/**
	 * One approval request.
	 *
	 * @param announcementId the announcement
	 * @param state where it is
	 * @param contentHash what was submitted (content and audience)
	 * @param audienceSize people in the audience at submit, when it could be counted
	 * @param scheduledAt when to start once approved (null: at once)
	 * @param scheduledZone the author's zone for that time
	 * @param submittedBy who submitted (id)
	 * @param submittedName who submitted (name)
	 * @param submittedAt when
	 * @param decidedBy the approver (id)
	 * @param decidedName the approver (name)
	 * @param decidedAt when
	 * @param comment the approver's comment
	 * @param proposedContent for an announcement already out, the new content to approve
	 * @param audienceChannels distinct channels in the audience at submit
	 * @param audienceKinds the audience's entries by kind ({@code group}, {@code person},
	 * {@code channel}, {@code attribute}, ...); empty for everyone who has the app
	 * @param approvedRecipients people and channels the audience resolved to when
	 * approved: the size the approval binds
	 */
	public record Request(long announcementId, ApprovalState state, String contentHash, Integer audienceSize,
			Instant scheduledAt, String scheduledZone, String submittedBy, String submittedName, Instant submittedAt,
			String decidedBy, String decidedName, Instant decidedAt, String comment,
			AnnouncementContent proposedContent, Integer audienceChannels, Map<String, Integer> audienceKinds,
			Integer approvedRecipients) {
	}

	/**
	 * A pending request in the queue; {@code proposedContent} is the new content of an
	 * edit of an announcement already out (what the approval would put on the copies).
	 */
	public record Queued(long announcementId, String title, boolean critical, Integer audienceSize, String submittedBy,
			Instant submittedAt, Instant scheduledAt, String contentHash, AnnouncementContent proposedContent,
			Integer audienceChannels, Map<String, Integer> audienceKinds, List<Rendition> renditions) {

		Queued withRenditions(List<Rendition> all) {
			return new Queued(this.announcementId, this.title, this.critical, this.audienceSize, this.submittedBy,
					this.submittedAt, this.scheduledAt, this.contentHash, this.proposedContent, this.audienceChannels,
					this.audienceKinds, all);
		}

	}

	/**
	 * A request with what it asks to approve (the API's {@code GET .../approval}).
	 *
	 * @param request the request, its fields at the top level
	 * @param critical whether the content is CRITICAL
	 * @param renditions the default content and every variant, as employees see them
	 */
	public record Review(@com.fasterxml.jackson.annotation.JsonUnwrapped Request request, boolean critical,
			List<Rendition> renditions) {
	}

	/**
	 * One language of an announcement as its readers see it.
	 *
	 * @param language the variant's tag (the default's language, or "default")
	 * @param title the headline
	 * @param summary the text
	 * @param previewText what notifications show
	 * @param imageUrl the image, if any
	 * @param buttons every button with its link
	 * @param pollQuestion the poll's question, if any
	 * @param pollChoices its answers
	 */
	public record Rendition(String language, String title, String summary, String previewText, String imageUrl,
			List<AnnouncementContent.Button> buttons, String pollQuestion, List<String> pollChoices) {

		static Rendition of(String language, AnnouncementContent c) {
			return new Rendition(language, c.title(), c.summary(), c.notificationText(), c.imageUrl(), c.buttons(),
					c.pollQuestion(), c.pollChoices());
		}

	}

}
