package dev.herald.approval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.announcement.Announcement;
import dev.herald.announcement.AnnouncementCard;
import dev.herald.announcement.AnnouncementContent;
import dev.herald.announcement.Announcements;
import dev.herald.announcement.Owners;
import dev.herald.security.Actor;
import dev.herald.security.StaffMembers;
import dev.herald.teams.CallBudget;
import dev.herald.teams.ConnectorClient;
import dev.herald.teams.ConnectorReply;

import org.springframework.context.MessageSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Tells approvers in Teams, from Herald's own bot: a card with the preview of the
 * announcement, its audience size, a comment box and Approve / Reject buttons
 * ({@code Action.Execute}, handled by the bot endpoint). Sent after the submit commits,
 * to every approver who signed in to Herald, has a chat with it and is not an owner.
 */
@Component
class ApproverCards {

	static final String APPROVE = "herald.approve";

	static final String REJECT = "herald.reject";

	private static final Logger log = LoggerFactory.getLogger(ApproverCards.class);

	private final JdbcClient jdbc;

	private final Approvals approvals;

	private final Announcements announcements;

	private final Owners owners;

	private final StaffMembers staff;

	private final AnnouncementCard cards;

	private final ConnectorClient connector;

	private final MessageSource messages;

	ApproverCards(JdbcClient jdbc, Approvals approvals, Announcements announcements, Owners owners, StaffMembers staff,
			AnnouncementCard cards, ConnectorClient connector, MessageSource messages) {
		this.jdbc = jdbc;
		this.approvals = approvals;
		this.announcements = announcements;
		this.owners = owners;
		this.staff = staff;
		this.cards = cards;
		this.connector = connector;
		this.messages = messages;
	}

	@TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
	void onSubmitted(Approvals.ApprovalRequested event) {
		long id = event.announcementId();
		Approvals.Request request = this.approvals.find(id).orElse(null);
		if (request == null || request.state() != ApprovalState.PENDING) {
			return;
		}
		Announcement announcement = this.announcements.require(id);
		int told = 0;
		for (Actor approver : this.staff.approvers()) {
			if (this.owners.isOwner(id, approver)) {
				continue;
			}
			Chat chat = chat(approver.aadObjectId());
			if (chat == null) {
				continue;
			}
			Locale locale = (chat.locale() != null) ? Locale.forLanguageTag(chat.locale()) : Locale.ENGLISH;
			byte[] activity = JsonMapper.shared()
				.writeValueAsBytes(Map.of("type", "message", "summary", text("approval.card.title", locale),
						"attachments", List.of(Map.of("contentType", "application/vnd.microsoft.card.adaptive",
								"content", card(announcement, request, locale)))));
			try {
				ConnectorReply reply = this.connector.sendActivity(chat.serviceUrl(), chat.conversationId(), activity,
						CallBudget.Kind.APPROVAL);
				told += reply.isSuccess() ? 1 : 0;
			}
			catch (RuntimeException ex) {
				log.warn("Approval card for announcement {} not delivered to an approver: {}", id, ex.toString());
			}
		}
		log.info("Announcement {} submitted for approval; {} approvers told in Teams", id, told);
	}

	/** Above this, a card risks Teams' limit on a bot message: variant texts are cut. */
	static final int CARD_BUDGET_BYTES = 24 * 1024;

	Map<String, Object> card(Announcement announcement, Approvals.Request request, Locale locale) {
		Map<String, Object> card = null;
		for (Detail detail : Detail.values()) {
			card = card(announcement, request, locale, detail);
			if (JsonMapper.shared().writeValueAsBytes(card).length <= CARD_BUDGET_BYTES) {
				break;
			}
		}
		return card;
	}

	/**
	 * How much of the content an approval card shows: all of it; the translations cut
	 * (their links are the default's, listed there); only titles and the links, once (20
	 * translations of 4,000 characters with four 2,000-character links would otherwise
	 * pass Teams' message limit, and the approver would get nothing).
	 */
	enum Detail {

		FULL, SHORT, TITLES

	}

	/**
	 * The approval card: what is asked, the audience's resolved size and kinds, then what
	 * employees will see in every language, with every button and link spelled out (the
	 * preview itself is inert: its buttons are left out, so they are listed).
	 */
	private Map<String, Object> card(Announcement announcement, Approvals.Request request, Locale locale,
			Detail detail) {
		boolean shortened = detail != Detail.FULL;
		List<Object> body = new ArrayList<>();
		body.add(Map.of("type", "TextBlock", "text", text("approval.card.title", locale), "size", "Large", "weight",
				"Bolder", "wrap", true));
		body.add(Map.of("type", "TextBlock", "wrap", true, "text",
				text("approval.card.intro", locale, request.submittedName())));
		List<Object> facts = new ArrayList<>();
		boolean everyone = request.audienceSize() == null && request.audienceKinds().isEmpty();
		facts.add(Map.of("title", text("approval.card.audience", locale), "value",
				everyone ? text("approval.card.everyone", locale)
						: (request.audienceSize() != null)
								? text("approval.review.size", locale, request.audienceSize(),
										(request.audienceChannels() != null) ? request.audienceChannels() : 0)
								: text("approval.review.sizeUnknown", locale)));
		if (!request.audienceKinds().isEmpty()) {
			List<String> kinds = new ArrayList<>();
			request.audienceKinds().forEach((kind, n) -> kinds.add(text("audience.kind." + kind, locale) + ": " + n));
			facts.add(Map.of("title", text("approval.card.from", locale), "value", String.join(", ", kinds)));
		}
		facts.add(Map.of("title", text("approval.card.when", locale), "value", (request.scheduledAt() != null)
				? request.scheduledAt().toString() : text("approval.card.now", locale)));
		body.add(Map.of("type", "FactSet", "facts", facts));
		// An edit of an announcement already out: the new content is what is approved.
		AnnouncementContent content = (request.proposedContent() != null) ? request.proposedContent()
				: announcement.content();
		List<String> tags = new ArrayList<>();
		tags.add(null);
		tags.addAll(content.variants().keySet());
		for (String tag : tags) {
			AnnouncementContent seen = content.forVariant(tag);
			List<Object> items = new ArrayList<>();
			items.add(Map.of("type", "TextBlock", "weight", "Bolder", "wrap", true, "text",
					text("approval.review.language", locale, (tag != null) ? tag : content.defaultLanguageLabel())));
			if (detail == Detail.TITLES || (shortened && tag != null)) {
				items.add(Map.of("type", "TextBlock", "wrap", true, "weight", "Bolder", "text", seen.title()));
				if (seen.summary() != null && detail == Detail.SHORT) {
					items.add(Map.of("type", "TextBlock", "wrap", true, "text", cut(seen.summary(), 300)));
				}
				if (tag != null && !seen.buttons().isEmpty()) {
					items.add(Map.of("type", "TextBlock", "wrap", true, "size", "Small", "text", String.join(" \u00b7 ",
							seen.buttons().stream().map(AnnouncementContent.Button::title).toList())));
				}
			}
			else {
				// The card body the people of this language get, without ids (so it is
				// not counted as a delivery) and without its buttons (listed below).
				@SuppressWarnings("unchecked")
				List<Object> preview = (List<Object>) inert(this.cards
					.card(announcement.id(), content, announcement.createdBy(),
							new dev.herald.announcement.VariantSelector.Rendition(tag, null))
					.get("body"));
				items.addAll(preview);
			}
			List<Object> links = new ArrayList<>();
			// Shortened, a translation's buttons are its labels above: they lead where
			// the default's do, and its image is the default's.
			boolean listLinks = !shortened || tag == null;
			if (listLinks) {
				seen.buttons().forEach((b) -> links.add(Map.of("title", b.title(), "value", b.url())));
			}
			if (listLinks && seen.imageUrl() != null) {
				links.add(Map.of("title", text("approval.review.image", locale), "value", seen.imageUrl()));
			}
			if (!links.isEmpty()) {
				items.add(Map.of("type", "TextBlock", "wrap", true, "size", "Small", "weight", "Bolder", "text",
						text("approval.card.links", locale)));
				items.add(Map.of("type", "FactSet", "facts", links));
			}
			Map<String, Object> rendition = new LinkedHashMap<>();
			rendition.put("type", "Container");
			rendition.put("style", "emphasis");
			rendition.put("separator", true);
			rendition.put("items", items);
			body.add(rendition);
		}
		if (shortened) {
			body.add(Map.of("type", "TextBlock", "wrap", true, "size", "Small", "text",
					text("approval.card.shortened", locale)));
		}
		body.add(Map.of("type", "Input.Text", "id", "comment", "isMultiline", true, "maxLength", Approvals.MAX_COMMENT,
				"placeholder", text("approval.card.comment", locale)));
		Map<String, Object> data = Map.of("announcementId", announcement.id(), "hash", request.contentHash());
		List<Object> actions = List.of(action(APPROVE, text("approval.card.approve", locale), data),
				action(REJECT, text("approval.card.reject", locale), data));
		Map<String, Object> card = new LinkedHashMap<>();
		card.put("type", "AdaptiveCard");
		card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
		card.put("version", "1.4");
		card.put("body", body);
		card.put("actions", actions);
		return card;
	}

	private static String cut(String text, int max) {
		return (text.length() <= max) ? text : text.substring(0, max).stripTrailing() + "\u2026";
	}

	private static Map<String, Object> action(String verb, String title, Map<String, Object> data) {
		Map<String, Object> all = new LinkedHashMap<>(data);
		all.put("action", verb);
		return Map.of("type", "Action.Execute", "title", title, "verb", verb, "data", all);
	}

	/** A copy of card elements with ids, inputs and actions left out. */
	@SuppressWarnings("unchecked")
	static Object inert(Object element) {
		if (element instanceof List<?> list) {
			List<Object> copy = new ArrayList<>();
			for (Object item : list) {
				if (item instanceof Map<?, ?> m && m.get("type") instanceof String type
						&& (type.equals("ActionSet") || type.startsWith("Input."))) {
					continue;
				}
				copy.add(inert(item));
			}
			return copy;
		}
		if (element instanceof Map<?, ?> map) {
			Map<String, Object> copy = new LinkedHashMap<>();
			((Map<String, Object>) map).forEach((key, value) -> {
				if (!key.equals("id") && !key.equals("selectAction") && !key.equals("actions")) {
					copy.put(key, inert(value));
				}
			});
			return copy;
		}
		return element;
	}

	private Chat chat(String aadObjectId) {
		if (aadObjectId == null) {
			return null;
		}
		return this.jdbc.sql("""
				SELECT conversation_id, service_url, locale FROM conversation
				WHERE kind = 'personal' AND status = 'active' AND lower(aad_object_id) = lower(:aad)
				ORDER BY updated_at DESC LIMIT 1
				""")
			.param("aad", aadObjectId)
			.query((rs, i) -> new Chat(rs.getString(1), rs.getString(2), rs.getString(3)))
			.optional()
			.orElse(null);
	}

	private String text(String key, Locale locale, Object... args) {
		return this.messages.getMessage(key, args, locale);
	}

	private record Chat(String conversationId, String serviceUrl, String locale) {
	}

}
