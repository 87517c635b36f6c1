package dev.herald.notification;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.json.JsonMapper;

import dev.herald.announcement.Announcement;
import dev.herald.announcement.AnnouncementContent;
import dev.herald.announcement.AnnouncementTemplates;
import dev.herald.announcement.Announcements;
import dev.herald.announcement.Owners;
import dev.herald.api.ApiClient;
import dev.herald.api.ApiClients;
import dev.herald.api.ApiProblem;
import dev.herald.api.ApiProperties;
import dev.herald.api.IdempotencyKeys;
import dev.herald.api.Quotas;
import dev.herald.audience.AnnouncementAudiences;
import dev.herald.audience.AudienceAllowList;
import dev.herald.audit.AuditAction;
import dev.herald.audit.AuditLog;
import dev.herald.dispatch.GivenRecipients;
import dev.herald.security.Actor;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Accepts notifications from API clients and reports on them. A notification is an
 * announcement ({@code source = 'api'}) whose ledger holds exactly the named people; the
 * dispatcher sends it like any other.
 */
@Component
class Notifications {

	private final JdbcClient jdbc;

	private final ApiClients clients;

	private final Quotas quotas;

	private final IdempotencyKeys keys;

	private final Announcements announcements;

	private final GivenRecipients given;

	private final ApiProperties properties;

	private final JsonMapper json;

	private final AnnouncementAudiences audiences;

	private final AnnouncementTemplates templates;

	private volatile Boolean directoryPresent;

	private final Owners owners;

	private final AuditLog audit;

	Notifications(JdbcClient jdbc, ApiClients clients, Quotas quotas, IdempotencyKeys keys, Announcements announcements,
			GivenRecipients given, ApiProperties properties, JsonMapper json, AnnouncementAudiences audiences,
			AnnouncementTemplates templates, Owners owners, AuditLog audit) {
		this.jdbc = jdbc;
		this.owners = owners;
		this.audit = audit;
		this.templates = templates;
		this.audiences = audiences;
		this.clients = clients;
		this.quotas = quotas;
		this.keys = keys;
		this.announcements = announcements;
		this.given = given;
		this.properties = properties;
		this.json = json;
	}

	/**
	 * Sends, or replays the reply of an earlier call with the same Idempotency-Key. All
	 * in one transaction holding the client's lock: the notification, its ledger, the
	 * quota use and the remembered reply exist together or not at all.
	 */
	@Transactional
	Reply send(String clientId, NotificationRequest request, String idempotencyKey) {
		if (request.recipients().size() > this.properties.maxRecipients()) {
			throw ApiProblem.badRequest("Some fields are invalid.")
				.with("errors", Map.of("recipients", "at most " + this.properties.maxRecipients()
						+ " recipients per notification; use an audience for more"));
		}
		ApiClient client = (clientId != null) ? this.clients.lock(clientId).orElse(null) : null;
		if (client == null) {
			throw ApiProblem.forbidden("The calling application (" + clientId
					+ ") is not registered as an API client; an admin registers it at /api/v1/admin/clients.");
		}
		if (!client.enabled()) {
			throw ApiProblem.forbidden("API client " + clientId + " is disabled.");
		}
		if (!client.allowsTopic(request.topic())) {
			throw ApiProblem
				.forbidden("API client " + clientId + " may not send with topic "
						+ ((request.topic() != null) ? "'" + request.topic() + "'" : "(none)") + ".")
				.with("allowedTopics", client.allowedTopics());
		}
		String hash = IdempotencyKeys.hash(this.json.writeValueAsString(request));
		if (idempotencyKey != null) {
			Optional<IdempotencyKeys.StoredReply> earlier = this.keys.find(clientId, idempotencyKey);
			if (earlier.isPresent()) {
				if (!earlier.get().requestHash().equals(hash)) {
					throw new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, "Idempotency-Key reused",
							"This Idempotency-Key was used with a different request; use a new key for a new "
									+ "notification.");
				}
				IdempotencyKeys.StoredReply stored = earlier.get();
				return new Reply(stored.status(), stored.location(), stored.body(), true);
			}
		}
		if (request.audience() != null) {
			// The same allow-list mechanism as author guardrails.
			List<String> refused = AudienceAllowList.of(client.allowedAudiences()).refused(request.audience());
			if (!refused.isEmpty()) {
				throw ApiProblem.forbidden("API client " + clientId + " may not address " + refused + ".")
					.with("allowedAudiences", client.allowedAudiences());
			}
		}
		AnnouncementContent content = signed(content(request, client), request, client);
		if (content.isUrgent() && !client.maySendUrgent()) {
			// Urgent alerts the whole audience through the activity feed: a grant of its
			// own, on top of critical's (urgent is critical).
			throw ApiProblem.forbidden(
					"API client " + clientId + " may not send urgent notifications; an admin grants maySendUrgent.");
		}
		if (content.isCritical() && !client.maySendCritical()) {
			// Critical reaches people who opted out: a permission of its own.
			throw ApiProblem.forbidden("API client " + clientId
					+ " may not send critical notifications; an admin grants maySendCritical.");
		}
		this.quotas.check(client);

		long id = this.announcements.create(content, client.displayName());
		this.announcements.markFromApi(id);
		// A notification belongs to its client; the audit row names the client too.
		Actor caller = new Actor(Actor.Kind.CLIENT, clientId, client.displayName(), null, Set.of(), List.of());
		this.owners.add(id, clientId, client.displayName(), Actor.Kind.CLIENT, caller);
		this.audit.record(caller, AuditAction.NOTIFICATION, id,
				"notification" + ((request.topic() != null) ? " on topic " + request.topic() : "") + " sent to "
						+ ((request.audience() != null) ? "an audience" : request.recipients().size() + " recipients"));
		this.jdbc.sql("INSERT INTO notification (announcement_id, client_id, topic) VALUES (:id, :client, :topic)")
			.param("id", id)
			.param("client", clientId)
			.param("topic", request.topic())
			.update();
		if (request.audience() != null) {
			// An audience goes the way of any broadcast: stored, then resolved and frozen
			// by the dispatcher when the send starts.
			this.audiences.set(id, request.audience());
			this.announcements.startSend(id);
			String location = "/api/v1/notifications/" + id;
			Announcement started = this.announcements.require(id);
			return remember(clientId, idempotencyKey, hash,
					new Accepted(id, started.status().dbValue(), 0, started.counts().recipients(), 0, 0, location));
		}
		List<Resolved> resolved = resolve(request.recipients());
		Set<String> people = new HashSet<>();
		resolved.stream().filter((r) -> r.aadObjectId() != null).forEach((r) -> people.add(r.aadObjectId()));
		Set<String> frozen = new HashSet<>(this.given.freeze(id, people));
		int unknown = 0;
		int unreachable = 0;
		for (int i = 0; i < resolved.size(); i++) {
			Resolved r = resolved.get(i);
			String outcome = (r.aadObjectId() == null) ? "unknown"
					: frozen.contains(r.aadObjectId()) ? null : "unreachable";
			unknown += "unknown".equals(outcome) ? 1 : 0;
			unreachable += "unreachable".equals(outcome) ? 1 : 0;
			this.jdbc.sql("""
					INSERT INTO notification_recipient (announcement_id, position, kind, value, aad_object_id, outcome)
					VALUES (:id, :position, :kind, :value, :aad, :outcome)
					""")
				.param("id", id)
				.param("position", i)
				.param("kind", r.kind())
				.param("value", r.value())
				.param("aad", r.aadObjectId())
				.param("outcome", outcome)
				.update();
		}
		this.announcements.startSendToGivenRecipients(id);

		String location = "/api/v1/notifications/" + id;
		Accepted accepted = new Accepted(id, this.announcements.require(id).status().dbValue(),
				request.recipients().size(), frozen.size(), unknown, unreachable, location);
		return remember(clientId, idempotencyKey, hash, accepted);
	}

	private Reply remember(String clientId, String idempotencyKey, String hash, Accepted accepted) {
		Reply reply = new Reply(202, accepted.self(), this.json.writeValueAsString(accepted), false);
		if (idempotencyKey != null) {
			this.keys.save(clientId, idempotencyKey, hash,
					new IdempotencyKeys.StoredReply(hash, reply.status(), reply.location(), reply.body()));
		}
		return reply;
	}

	/** The status of a notification, for its own client or an admin; empty otherwise. */
	Optional<Status> status(long id, String clientId, boolean admin) {
		Optional<String[]> owner = this.jdbc
			.sql("SELECT n.client_id, n.topic, c.display_name FROM notification n "
					+ "JOIN api_client c ON c.client_id = n.client_id WHERE n.announcement_id = :id")
			.param("id", id)
			.query((rs, i) -> new String[] { rs.getString(1), rs.getString(2), rs.getString(3) })
			.optional();
		if (owner.isEmpty() || !(admin || owner.get()[0].equals(clientId))) {
			return Optional.empty();
		}
		Announcement a = this.announcements.require(id);
		List<RecipientOutcome> recipients = this.jdbc.sql("""
				SELECT r.kind, r.value, r.aad_object_id, COALESCE(r.outcome, d.state, 'unreachable') AS outcome,
				       d.attempts, d.last_status, d.reason, d.updated_at
				FROM notification_recipient r
				LEFT JOIN delivery d ON d.announcement_id = r.announcement_id AND lower(d.recipient) = r.aad_object_id
				WHERE r.announcement_id = :id
				ORDER BY r.position
				""").param("id", id).query((rs, i) -> {
			Timestamp updated = rs.getTimestamp("updated_at");
			return new RecipientOutcome(Map.of(rs.getString("kind"), rs.getString("value")),
					rs.getString("aad_object_id"), rs.getString("outcome"), (Integer) rs.getObject("attempts"),
					(Integer) rs.getObject("last_status"), rs.getString("reason"),
					(updated != null) ? updated.toInstant() : null);
		}).list();
		Announcement.DeliveryCounts c = a.counts();
		long unknown = recipients.stream().filter((r) -> "unknown".equals(r.outcome())).count();
		long unreachable = recipients.stream().filter((r) -> "unreachable".equals(r.outcome())).count();
		return Optional.of(new Status(id, owner.get()[0], owner.get()[2], owner.get()[1], a.status().dbValue(),
				a.createdAt(), a.startedAt(), a.finishedAt(), new Counts(recipients.size(), c.recipients(), c.pending(),
						c.delivered(), c.failed(), c.blocked(), c.optedOut(), c.canceled(), unknown, unreachable),
				recipients));
	}

	private AnnouncementContent content(NotificationRequest request, ApiClient client) {
		if (request.card() != null) {
			return request.card();
		}
		if (request.templateId() != null) {
			AnnouncementContent template = this.templates.find(request.templateId())
				.orElseThrow(() -> new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, "Unknown template",
						"No stored template has id " + request.templateId() + "."))
				.content();
			return fill(template, request.data());
		}
		// A plain message reads as a note from the sending system: its name on top, the
		// text below.
		return new AnnouncementContent(client.displayName(), request.text(), null, null, null);
	}

	/**
	 * The content as it will be sent: under the topic the client was allowed (the one
	 * opt-outs are checked against, whatever the card says), and signed with the client's
	 * registered name unless the client may choose its author line.
	 */
	private static AnnouncementContent signed(AnnouncementContent c, NotificationRequest request, ApiClient client) {
		// A plain message already has the client's name as its title.
		boolean plainText = request.card() == null && request.templateId() == null;
		String author = (client.maySetAuthor() && c.author() != null) ? c.author()
				: plainText ? null : client.displayName();
		// Urgent on request (for incident systems sending a plain text), whatever the
		// card
		// says.
		AnnouncementContent.Importance importance = Boolean.TRUE.equals(request.urgent())
				? AnnouncementContent.Importance.URGENT : c.importance();
		return new AnnouncementContent(c.title(), c.summary(), c.imageUrl(), author, c.buttons(), importance,
				request.topic(), c.acknowledge(), c.pollQuestion(), c.pollChoices(), c.previewText(), c.language(),
				c.speak(), c.imageAlt(), c.variants(),
				(request.emailFallback() != null) ? request.emailFallback() : c.emailFallback());
	}

	private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.-]+)\\s*}}");

	/**
	 * Fills a template's {@code {{name}}} placeholders from the request's data; a
	 * placeholder without a value is an error, so nobody receives a card with a hole in
	 * it.
	 */
	static AnnouncementContent fill(AnnouncementContent template, Map<String, String> data) {
		Set<String> missing = new TreeSet<>();
		AnnouncementContent filled = template.mapTexts((text) -> PLACEHOLDER.matcher(text).replaceAll((m) -> {
			String value = data.get(m.group(1));
			if (value == null) {
				missing.add(m.group(1));
				return "";
			}
			return Matcher.quoteReplacement(value);
		}));
		if (!missing.isEmpty()) {
			throw new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, "Template data missing",
					"The template needs values for: " + String.join(", ", missing) + ".");
		}
		return filled;
	}

	/**
	 * Who each recipient is: Entra object ids are taken as given; UPNs and mail addresses
	 * are looked up in the directory mirrored from Graph ({@code directory_user}) when
	 * that feature is installed, and are unknown otherwise.
	 */
	private List<Resolved> resolve(List<NotificationRequest.Recipient> recipients) {
		List<Resolved> resolved = new ArrayList<>();
		for (NotificationRequest.Recipient r : recipients) {
			String value = r.value();
			String aad = switch (r.kind()) {
				case "aadObjectId" -> value.toLowerCase(Locale.ROOT);
				case "upn" -> lookUp("lower(upn) = :value", value);
				default -> lookUp("(lower(mail) = :value OR lower(upn) = :value)", value);
			};
			resolved.add(new Resolved(r.kind(), value, aad));
		}
		return resolved;
	}

	private String lookUp(String condition, String value) {
		if (!directoryPresent()) {
			return null;
		}
		return this.jdbc
			.sql("SELECT lower(aad_object_id) FROM directory_user WHERE NOT deleted AND " + condition
					+ " ORDER BY aad_object_id LIMIT 1")
			.param("value", value.toLowerCase(Locale.ROOT))
			.query(String.class)
			.optional()
			.orElse(null);
	}

	private boolean directoryPresent() {
		if (this.directoryPresent == null) {
			this.directoryPresent = this.jdbc.sql("SELECT to_regclass('directory_user') IS NOT NULL")
				.query(Boolean.class)
				.single();
		}
		return this.directoryPresent;
	}

	private record Resolved(String kind, String value, String aadObjectId) {
	}

	/** What the notification endpoint answers: its status, location and JSON body. */
	record Reply(int status, String location, String body, boolean replayed) {
	}

	/**
	 * A notification was accepted.
	 *
	 * @param id poll {@code GET /api/v1/notifications/{id}} for its progress
	 * @param status the send status ({@code sending}, or {@code sent} when nobody could
	 * be reached; {@code preparing} for an audience, frozen in the background)
	 * @param requested recipients named
	 * @param queued people it will be sent to (duplicates counted once); 0 for an
	 * audience while it is prepared: its progress tells the count
	 * @param unknown recipients that matched nobody
	 * @param unreachable people without a chat with the bot
	 * @param self where to poll
	 */
	record Accepted(long id, String status, int requested, int queued, int unknown, int unreachable, String self) {
	}

	/**
	 * A notification's progress.
	 *
	 * @param id the id
	 * @param clientId the client that sent it
	 * @param sender the client's display name
	 * @param topic its topic
	 * @param status the send status (preparing, sending, paused, sent, canceled)
	 * @param createdAt when it was accepted
	 * @param startedAt when sending started
	 * @param finishedAt when every recipient had a final outcome
	 * @param counts counts
	 * @param recipients each recipient as named, with its outcome
	 */
	record Status(long id, String clientId, String sender, String topic, String status, Instant createdAt,
			Instant startedAt, Instant finishedAt, Counts counts, List<RecipientOutcome> recipients) {
	}

	/**
	 * Counts of a notification.
	 *
	 * @param requested recipients named
	 * @param queued people in the ledger
	 * @param pending not yet final
	 * @param delivered accepted by Teams
	 * @param failed failed for good
	 * @param blocked the person blocked the app
	 * @param optedOut the person opted out
	 * @param canceled canceled before sending
	 * @param unknown named recipients that matched nobody
	 * @param unreachable people without a chat with the bot
	 */
	record Counts(int requested, int queued, int pending, int delivered, int failed, int blocked, int optedOut,
			int canceled, long unknown, long unreachable) {
	}

	/**
	 * One named recipient and what happened.
	 *
	 * @param requested the identifier as the client gave it
	 * @param aadObjectId the person it resolved to
	 * @param outcome {@code unknown}, {@code unreachable}, or the ledger state
	 * ({@code pending}, {@code in_flight}, {@code delivered}, {@code failed},
	 * {@code blocked}, {@code opted_out}, {@code canceled})
	 * @param attempts send attempts so far
	 * @param lastStatus the HTTP status Teams gave last
	 * @param reason why it failed or is being retried
	 * @param updatedAt when the outcome last changed
	 */
	record RecipientOutcome(Map<String, String> requested, String aadObjectId, String outcome, Integer attempts,
			Integer lastStatus, String reason, Instant updatedAt) {
	}

}
