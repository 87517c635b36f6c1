package dev.herald.announcement;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.MessageSource;
import org.springframework.stereotype.Component;

/**
 * The Adaptive Card (1.5, the newest Teams renders) that employees receive.
 * {@link #activity} is the single source of what is sent; the compose preview renders
 * {@link #card} from the same code, so what authors see is what is sent.
 * <p>
 * Each recipient gets a {@link VariantSelector.Rendition}: the language variant of the
 * content that best matches theirs, and the card's own texts ("Got it", "Vote",
 * "Unsubscribe", "Important") in their language when Herald speaks it, else in the
 * content's, else in the card language ({@code herald.announcements.card-language},
 * English by default). Every card carries a {@code speak} text for screen readers and
 * alternative text on its image.
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

	/** The Teams app's manifest id, for the deep link into the tab; blank: no link. */
	private final String teamsAppId;

	/** Teams renders at most this many actions at the foot of a card. */
	static final int MAX_ACTIONS = 6;

	AnnouncementCard(MessageSource messages, String language) {
		this(messages, language, "", "");
	}

	@org.springframework.beans.factory.annotation.Autowired
	AnnouncementCard(MessageSource messages, @Value("${herald.announcements.card-language:en}") String language,
			@Value("${herald.bot.app.id:}") String appId, @Value("${herald.teams.bot-app-id:}") String botAppId) {
		this.messages = messages;
		this.language = Locale.forLanguageTag(language);
		// As the app package: the manifest id is herald.bot.app.id, else the bot's id.
		this.teamsAppId = (appId != null && !appId.isBlank()) ? appId.strip()
				: (botAppId != null) ? botAppId.strip() : "";
	}

	/** The card content (the {@code content} of the attachment), default variant. */
	public Map<String, Object> card(long announcementId, AnnouncementContent content, String createdBy) {
		return card(announcementId, content, createdBy, VariantSelector.Rendition.DEFAULT);
	}

	/** The card one recipient gets: their variant, the card's texts in their language. */
	public Map<String, Object> card(long announcementId, AnnouncementContent all, String createdBy,
			VariantSelector.Rendition rendition) {
		return card(announcementId, all, createdBy, rendition, null);
	}

	/**
	 * Links a card is sent with (#26): every http(s) link of the buttons and the text is
	 * replaced by {@code url} of its number ({@link AnnouncementLinks}), and when
	 * {@code footer} the card says that Herald counts who opens them.
	 *
	 * @param url the address sent for link number n
	 * @param footer whether the card says that link clicks are tracked
	 */
	public record TrackedLinks(IntFunction<String> url, boolean footer) {
	}

	private Map<String, Object> card(long announcementId, AnnouncementContent all, String createdBy,
			VariantSelector.Rendition rendition, TrackedLinks tracked) {
		AnnouncementContent content = all.forVariant(rendition.variant());
		Locale locale = cardLocale(content, rendition);
		List<Object> body = new ArrayList<>();
		// The container id tags every copy with its announcement, so deliveries can be
		// traced.
		Map<String, Object> header = new LinkedHashMap<>();
		header.put("type", "Container");
		header.put("id", "herald-announcement-" + announcementId);
		List<Object> headerItems = new ArrayList<>();
		if (content.isCritical()) {
			Map<String, Object> important = textBlock(text("card.important", locale), "Medium", "Bolder", false);
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
			image.put("altText", (content.imageAlt() != null) ? content.imageAlt()
					: (content.title() != null) ? content.title() : "");
			image.put("size", "Stretch");
			body.add(image);
		}
		if (content.summary() != null) {
			body.add(textBlock(
					(tracked != null) ? AnnouncementLinks.rewrite(content.summary(), tracked.url()) : content.summary(),
					null, null, false));
		}
		// Only what the author typed: never the creator's sign-in name, often an e-mail
		// address employees should not get to see or reply to.
		String authorLine = content.author();
		if (authorLine != null) {
			body.add(textBlock(authorLine, "Small", null, true));
		}
		if (content.hasPoll()) {
			body.add(poll(announcementId, content, all.pollChoices(), locale));
		}
		if (content.isCritical()) {
			Map<String, Object> why = textBlock(text("card.cannotUnsubscribe", locale), "Small", null, true);
			why.put("id", "herald-no-unsubscribe");
			why.put("separator", true);
			body.add(why);
		}
		body.add(askQuestion(announcementId, locale));
		if (tracked != null && tracked.footer() && !AnnouncementLinks.list(content).isEmpty()) {
			Map<String, Object> notice = textBlock(text("card.linkTracking", locale), "Small", null, true);
			notice.put("id", "herald-link-tracking");
			notice.put("separator", true);
			body.add(notice);
		}
		List<Object> actions = new ArrayList<>();
		int buttonIndex = 0;
		for (AnnouncementContent.Button button : content.buttons()) {
			Map<String, Object> open = new LinkedHashMap<>();
			open.put("type", "Action.OpenUrl");
			open.put("title", (button.title() != null) ? button.title() : "");
			open.put("url",
					(button.url() == null) ? "" : (tracked != null) ? tracked.url().apply(buttonIndex) : button.url());
			buttonIndex++;
			actions.add(open);
		}
		if (content.acknowledge()) {
			actions.add(execute(text("card.ack", locale), "ack", announcementId, "positive"));
		}
		// The announcement in Herald's tab, where it stays after the chat scrolled on;
		// left out when the author's buttons already fill the card's action row.
		if (!this.teamsAppId.isEmpty() && actions.size() + (content.isCritical() ? 1 : 2) <= MAX_ACTIONS) {
			Map<String, Object> open = new LinkedHashMap<>();
			open.put("type", "Action.OpenUrl");
			open.put("title", text("card.openInHerald", locale));
			open.put("url", TabLink.of(this.teamsAppId, announcementId));
			open.put("id", "herald-open-tab");
			actions.add(open);
		}
		if (!content.isCritical() && content.topic() != null) {
			// "This topic" or "everything" (#24), behind the one Unsubscribe button so
			// the
			// card's action row does not grow; the topic itself is read from the
			// announcement when pressed, never from the card's data.
			Map<String, Object> topicOnly = execute(text("card.unsubscribe.topic", locale, content.topic()),
					"unsubscribe", announcementId, null);
			scope(topicOnly, "topic");
			Map<String, Object> everything = execute(text("card.unsubscribe.all", locale), "unsubscribe",
					announcementId, null);
			scope(everything, "all");
			Map<String, Object> choices = new LinkedHashMap<>();
			choices.put("type", "AdaptiveCard");
			choices.put("body", List.of(textBlock(text("card.unsubscribe.which", locale), "Small", null, true)));
			choices.put("actions", List.of(topicOnly, everything));
			Map<String, Object> show = new LinkedHashMap<>();
			show.put("type", "Action.ShowCard");
			show.put("title", text("card.unsubscribe", locale));
			show.put("id", "herald-unsubscribe");
			show.put("card", choices);
			actions.add(show);
		}
		else if (!content.isCritical()) {
			actions.add(execute(text("card.unsubscribe", locale), "unsubscribe", announcementId, null));
		}
		Map<String, Object> card = new LinkedHashMap<>();
		card.put("type", "AdaptiveCard");
		card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
		card.put("version", "1.5");
		card.put("speak", speak(content, authorLine, locale));
		card.put("lang", locale.toLanguageTag());
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
		return activity(announcementId, content, author, VariantSelector.Rendition.DEFAULT);
	}

	/**
	 * The message activity one recipient gets (see
	 * {@link #card(long, AnnouncementContent, String, VariantSelector.Rendition)}).
	 */
	public byte[] activity(long announcementId, AnnouncementContent all, String author,
			VariantSelector.Rendition rendition) {
		return activity(announcementId, all, author, rendition, null);
	}

	/**
	 * The message activity one recipient gets, its links replaced as {@code tracked} says
	 * (null: the author's links as they are).
	 */
	public byte[] activity(long announcementId, AnnouncementContent all, String author,
			VariantSelector.Rendition rendition, TrackedLinks tracked) {
		AnnouncementContent content = all.forVariant(rendition.variant());
		Map<String, Object> activity = new LinkedHashMap<>();
		activity.put("type", "message");
		// No text next to the card: Teams would split them and the card could not be
		// updated. The summary is what the toast, activity feed and chat list show.
		activity.put("summary", content.notificationText());
		if (content.isCritical()) {
			// Teams shows urgent messages with a red bang in the chat list.
			activity.put("importance", "high");
		}
		activity.put("attachments", List.of(Map.of("contentType", "application/vnd.microsoft.card.adaptive", "content",
				card(announcementId, all, author, rendition, tracked))));
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
		return reminderActivity(announcementId, content, who, VariantSelector.Rendition.DEFAULT);
	}

	/**
	 * The reminder as one recipient gets it: in the language variant and card language of
	 * the copy it replies to.
	 */
	public byte[] reminderActivity(long announcementId, AnnouncementContent all, String who,
			VariantSelector.Rendition rendition) {
		AnnouncementContent content = all.forVariant(rendition.variant());
		Locale locale = cardLocale(content, rendition);
		List<Object> body = new ArrayList<>();
		body.add(textBlock(text("card.reminder.heading", locale), "Small", "Bolder", true));
		body.add(textBlock((content.title() != null) ? content.title() : "", "Medium", "Bolder", false));
		body.add(textBlock(text("card.reminder." + who, locale), null, null, false));
		Map<String, Object> card = new LinkedHashMap<>();
		card.put("type", "AdaptiveCard");
		card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
		card.put("version", "1.5");
		card.put("body", body);
		if ("not-acknowledged".equals(who) && content.acknowledge()) {
			card.put("actions", List.of(execute(text("card.ack", locale), "ack", announcementId, "positive")));
		}
		Map<String, Object> activity = new LinkedHashMap<>();
		activity.put("type", "message");
		activity.put("summary", text("card.reminder.heading", locale) + ": " + content.notificationText());
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

	/**
	 * The poll; answers show in the variant's language but carry the default's text as
	 * their value, so votes count together whatever language they were cast in.
	 */
	private Map<String, Object> poll(long announcementId, AnnouncementContent content, List<String> values,
			Locale locale) {
		List<Object> choices = new ArrayList<>();
		for (int i = 0; i < content.pollChoices().size(); i++) {
			String choice = content.pollChoices().get(i);
			choices.add(Map.of("title", choice, "value", (i < values.size()) ? values.get(i) : choice));
		}
		Map<String, Object> input = new LinkedHashMap<>();
		input.put("type", "Input.ChoiceSet");
		input.put("id", "choice");
		input.put("label", (content.pollQuestion() != null) ? content.pollQuestion() : "");
		input.put("style", "expanded");
		input.put("isRequired", true);
		input.put("errorMessage", text("card.pollRequired", locale));
		input.put("choices", choices);
		Map<String, Object> vote = execute(text("card.vote", locale), "vote", announcementId, "positive");
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
	 * "Ask a question" (#24): a field and a Send button that open below the card. An
	 * Action.Submit (not Execute): the bot answers in the chat and leaves the card as it
	 * is. Its own ActionSet in the body, so the author's buttons keep the card's foot.
	 */
	private Map<String, Object> askQuestion(long announcementId, Locale locale) {
		Map<String, Object> input = new LinkedHashMap<>();
		input.put("type", "Input.Text");
		input.put("id", "question");
		input.put("label", text("card.question.label", locale));
		input.put("isMultiline", true);
		input.put("isRequired", true);
		input.put("maxLength", 1000);
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("action", "question");
		data.put("announcementId", announcementId);
		Map<String, Object> send = new LinkedHashMap<>();
		send.put("type", "Action.Submit");
		send.put("title", text("card.question.send", locale));
		send.put("data", data);
		send.put("associatedInputs", "auto");
		Map<String, Object> form = new LinkedHashMap<>();
		form.put("type", "AdaptiveCard");
		form.put("body", List.of(input));
		form.put("actions", List.of(send));
		Map<String, Object> show = new LinkedHashMap<>();
		show.put("type", "Action.ShowCard");
		show.put("title", text("card.question", locale));
		show.put("card", form);
		Map<String, Object> actionSet = new LinkedHashMap<>();
		actionSet.put("type", "ActionSet");
		actionSet.put("id", "herald-question");
		actionSet.put("separator", true);
		actionSet.put("actions", List.of(show));
		return actionSet;
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

	private String text(String key, Locale locale) {
		return this.messages.getMessage(key, null, key, locale);
	}

	private String text(String key, Locale locale, Object... args) {
		return this.messages.getMessage(key, args, key, locale);
	}

	/**
	 * Sets which opt-out a pressed Unsubscribe asks for, in the action and its fallback.
	 */
	@SuppressWarnings("unchecked")
	private static void scope(Map<String, Object> action, String scope) {
		Map<String, Object> data = new LinkedHashMap<>((Map<String, Object>) action.get("data"));
		data.put("scope", scope);
		action.put("data", data);
		((Map<String, Object>) action.get("fallback")).put("data", data);
	}

	/**
	 * What a person whose language is {@code personLanguage} gets, with the card language
	 * left out (null) when it is the one the card would use anyway, so most recipients
	 * share the default rendition.
	 */
	public VariantSelector.Rendition renditionFor(AnnouncementContent content, String personLanguage) {
		VariantSelector.Rendition chosen = VariantSelector.choose(content, personLanguage);
		String implied = cardLocale(content.forVariant(chosen.variant()),
				new VariantSelector.Rendition(chosen.variant(), null))
			.toLanguageTag();
		String cardLanguage = (chosen.cardLanguage() == null || chosen.cardLanguage().equals(implied)) ? null
				: chosen.cardLanguage();
		return new VariantSelector.Rendition(chosen.variant(), cardLanguage);
	}

	/**
	 * The card's own language: the recipient's when Herald speaks it, else the content's,
	 * else the deployment's.
	 */
	private Locale cardLocale(AnnouncementContent content, VariantSelector.Rendition rendition) {
		String tag = rendition.cardLanguage();
		if (tag == null && content.language() != null) {
			tag = VariantSelector.cardLanguageFor(content.language());
		}
		return (tag != null) ? Locale.forLanguageTag(tag) : this.language;
	}

	/**
	 * What screen readers say: the author's text, else the headline, the summary without
	 * markdown, and who it is from. (Without it JAWS and NVDA read only the timestamp.)
	 */
	private String speak(AnnouncementContent content, String authorLine, Locale locale) {
		if (content.speak() != null) {
			return content.speak();
		}
		StringBuilder speak = new StringBuilder();
		if (content.isCritical()) {
			speak.append(text("card.important", locale).replace("\u26a0", "").strip()).append(". ");
		}
		if (content.title() != null) {
			speak.append(content.title()).append(". ");
		}
		if (content.summary() != null) {
			speak.append(plain(content.summary())).append(' ');
		}
		if (authorLine != null) {
			speak.append(authorLine);
		}
		String text = speak.toString().strip();
		return (text.length() > 1000) ? text.substring(0, 1000) : text;
	}

	/** Markdown marks removed, one character at a time (no regular expression). */
	private static String plain(String markdown) {
		StringBuilder out = new StringBuilder(markdown.length());
		for (int i = 0; i < markdown.length(); i++) {
			char c = markdown.charAt(i);
			if (c == '*' || c == '_' || c == '#' || c == '`' || c == '>' || c == '[' || c == ']') {
				continue;
			}
			out.append((c == '\n' || c == '\r') ? ' ' : c);
		}
		return out.toString().strip();
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
