package dev.herald.announcement;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.MessageSource;
import org.springframework.stereotype.Component;

/**
 * The Adaptive Card (1.5, the newest Teams renders) that employees receive.
 * {@link #activity} is the single source of what is sent; the compose preview renders
 * {@link #card} from the same code, so what authors see is what is sent.
 * <p>
 * Button labels on the card ("Got it", "Vote", "Unsubscribe") are in the card language
 * ({@code herald.announcements.card-language}, English by default): one message goes to
 * everyone.
 */
@Component
public class AnnouncementCard {

	/**
	 * Teams rejects bot messages over 100 KB (measured as UTF-16) with 413; authors are
	 * warned well before.
	 */
	public static final int TEAMS_LIMIT_BYTES = 100 * 1024;

	/** Authors are warned above this share of the limit (Microsoft recommends 80 KB). */
	public static final int WARN_BYTES = TEAMS_LIMIT_BYTES * 80 / 100;

	private final JsonMapper json = JsonMapper.shared();

	private final MessageSource messages;

	private final Locale language;

	AnnouncementCard(MessageSource messages, @Value("${herald.announcements.card-language:en}") String language) {
		this.messages = messages;
		this.language = Locale.forLanguageTag(language);
	}

	/** The card content (the {@code content} of the attachment). */
	public Map<String, Object> card(long announcementId, AnnouncementContent content, String createdBy) {
		List<Object> body = new ArrayList<>();
		// The container id tags every copy with its announcement, so deliveries can be
		// traced.
		Map<String, Object> header = new LinkedHashMap<>();
		header.put("type", "Container");
		header.put("id", "herald-announcement-" + announcementId);
		List<Object> headerItems = new ArrayList<>();
		if (content.isCritical()) {
			Map<String, Object> important = textBlock(text("card.important"), "Medium", "Bolder", false);
			important.put("color", "Attention");
			important.put("id", "herald-important");
			headerItems.add(important);
		}
		if (content.topic() != null) {
			Map<String, Object> topic = textBlock(content.topic(), "Small", "Bolder", true);
			topic.put("spacing", "None");
			headerItems.add(topic);
		}
		headerItems.add(textBlock((content.title() != null) ? content.title() : "", "Large", "Bolder", false));
		header.put("items", headerItems);
		body.add(header);
		if (content.imageUrl() != null) {
			Map<String, Object> image = new LinkedHashMap<>();
			image.put("type", "Image");
			image.put("url", content.imageUrl());
			image.put("altText", (content.title() != null) ? content.title() : "");
			image.put("size", "Stretch");
			body.add(image);
		}
		if (content.summary() != null) {
			body.add(textBlock(content.summary(), null, null, false));
		}
		// Only what the author typed: never the creator's sign-in name, often an e-mail
		// address employees should not get to see or reply to.
		String authorLine = content.author();
		if (authorLine != null) {
			body.add(textBlock(authorLine, "Small", null, true));
		}
		if (content.hasPoll()) {
			body.add(poll(announcementId, content));
		}
		if (content.isCritical()) {
			Map<String, Object> why = textBlock(text("card.cannotUnsubscribe"), "Small", null, true);
			why.put("id", "herald-no-unsubscribe");
			why.put("separator", true);
			body.add(why);
		}
		List<Object> actions = new ArrayList<>();
		for (AnnouncementContent.Button button : content.buttons()) {
			Map<String, Object> open = new LinkedHashMap<>();
			open.put("type", "Action.OpenUrl");
			open.put("title", (button.title() != null) ? button.title() : "");
			open.put("url", (button.url() != null) ? button.url() : "");
			actions.add(open);
		}
		if (content.acknowledge()) {
			actions.add(execute(text("card.ack"), "ack", announcementId, "positive"));
		}
		if (!content.isCritical()) {
			actions.add(execute(text("card.unsubscribe"), "unsubscribe", announcementId, null));
		}
		Map<String, Object> card = new LinkedHashMap<>();
		card.put("type", "AdaptiveCard");
		card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
		card.put("version", "1.5");
		card.put("body", body);
		if (!actions.isEmpty()) {
			card.put("actions", actions);
		}
		card.put("msteams", Map.of("width", "Full"));
		return card;
	}

	/**
	 * The whole message activity, serialized once per send and reused for every
	 * recipient.
	 */
	public byte[] activity(long announcementId, AnnouncementContent content, String author) {
		Map<String, Object> activity = new LinkedHashMap<>();
		activity.put("type", "message");
		// No text next to the card: Teams would split them and the card could not be
		// updated.
		// The summary is what the toast, activity feed and chat list show.
		activity.put("summary", content.notificationText());
		if (content.isCritical()) {
			// Teams shows urgent messages with a red bang in the chat list.
			activity.put("importance", "high");
		}
		activity.put("attachments", List.of(Map.of("contentType", "application/vnd.microsoft.card.adaptive", "content",
				card(announcementId, content, author))));
		return this.json.writeValueAsBytes(activity);
	}

	/**
	 * The activity of a test copy ("Send a test to me"): the same card, each button's
	 * data marked {@code "test": true}, so its presses are recorded as test, never
	 * counted and never an opt-out.
	 */
	public byte[] testActivity(long announcementId, AnnouncementContent content, String author) {
		Map<String, Object> activity = this.json.readValue(activity(announcementId, content, author), Map.class);
		markTest(activity);
		return this.json.writeValueAsBytes(activity);
	}

	@SuppressWarnings("unchecked")
	private static void markTest(Object node) {
		if (node instanceof Map<?, ?> map) {
			if (map.get("data") instanceof Map<?, ?> data && data.containsKey("action")) {
				((Map<String, Object>) data).put("test", true);
			}
			map.values().forEach(AnnouncementCard::markTest);
		}
		else if (node instanceof List<?> list) {
			list.forEach(AnnouncementCard::markTest);
		}
	}

	/**
	 * A short reminder, sent as a reply to the original message: what it was, and what
	 * the person has not done yet ({@code who}: not-acknowledged, not-voted, not-read).
	 * For acknowledgements it carries the same "Got it" button as the original.
	 */
	public byte[] reminderActivity(long announcementId, AnnouncementContent content, String who) {
		List<Object> body = new ArrayList<>();
		body.add(textBlock(text("card.reminder.heading"), "Small", "Bolder", true));
		body.add(textBlock((content.title() != null) ? content.title() : "", "Medium", "Bolder", false));
		body.add(textBlock(text("card.reminder." + who), null, null, false));
		Map<String, Object> card = new LinkedHashMap<>();
		card.put("type", "AdaptiveCard");
		card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
		card.put("version", "1.5");
		card.put("body", body);
		if ("not-acknowledged".equals(who) && content.acknowledge()) {
			card.put("actions", List.of(execute(text("card.ack"), "ack", announcementId, "positive")));
		}
		Map<String, Object> activity = new LinkedHashMap<>();
		activity.put("type", "message");
		activity.put("summary", text("card.reminder.heading") + ": " + content.notificationText());
		activity.put("attachments",
				List.of(Map.of("contentType", "application/vnd.microsoft.card.adaptive", "content", card)));
		return this.json.writeValueAsBytes(activity);
	}

	public String cardJson(long announcementId, AnnouncementContent content, String author) {
		return this.json.writerWithDefaultPrettyPrinter().writeValueAsString(card(announcementId, content, author));
	}

	/**
	 * The size Teams counts for the message: its JSON as UTF-16, two bytes per char.
	 */
	public int teamsSize(long announcementId, AnnouncementContent content, String author) {
		String text = new String(activity(announcementId, content, author), StandardCharsets.UTF_8);
		return text.length() * 2;
	}

	private Map<String, Object> poll(long announcementId, AnnouncementContent content) {
		List<Object> choices = new ArrayList<>();
		for (String choice : content.pollChoices()) {
			choices.add(Map.of("title", choice, "value", choice));
		}
		Map<String, Object> input = new LinkedHashMap<>();
		input.put("type", "Input.ChoiceSet");
		input.put("id", "choice");
		input.put("label", (content.pollQuestion() != null) ? content.pollQuestion() : "");
		input.put("style", "expanded");
		input.put("isRequired", true);
		input.put("errorMessage", text("card.pollRequired"));
		input.put("choices", choices);
		Map<String, Object> vote = execute(text("card.vote"), "vote", announcementId, "positive");
		vote.put("associatedInputs", "auto");
		Map<String, Object> actionSet = new LinkedHashMap<>();
		actionSet.put("type", "ActionSet");
		actionSet.put("actions", List.of(vote));
		Map<String, Object> container = new LinkedHashMap<>();
		container.put("type", "Container");
		container.put("id", "herald-poll");
		container.put("separator", true);
		container.put("items", List.of(input, actionSet));
		return container;
	}

	/**
	 * An Action.Execute (Universal Actions) that falls back to Action.Submit on clients
	 * that predate 1.4; both carry the same data, so the bot handles them alike.
	 */
	private static Map<String, Object> execute(String title, String verb, long announcementId, String style) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("action", verb);
		data.put("announcementId", announcementId);
		Map<String, Object> fallback = new LinkedHashMap<>();
		fallback.put("type", "Action.Submit");
		fallback.put("title", title);
		fallback.put("data", data);
		Map<String, Object> action = new LinkedHashMap<>();
		action.put("type", "Action.Execute");
		action.put("title", title);
		action.put("verb", verb);
		action.put("data", data);
		if (style != null) {
			action.put("style", style);
		}
		action.put("fallback", fallback);
		return action;
	}

	private String text(String key) {
		return this.messages.getMessage(key, null, key, this.language);
	}

	private static Map<String, Object> textBlock(String text, String size, String weight, boolean subtle) {
		Map<String, Object> block = new LinkedHashMap<>();
		block.put("type", "TextBlock");
		block.put("text", text);
		block.put("wrap", true);
		if (size != null) {
			block.put("size", size);
		}
		if (weight != null) {
			block.put("weight", weight);
		}
		if (subtle) {
			block.put("isSubtle", true);
		}
		return block;
	}

}
