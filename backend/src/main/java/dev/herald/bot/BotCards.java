package dev.herald.bot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.herald.announcement.Announcement;
import dev.herald.announcement.AnnouncementCard;

import org.springframework.stereotype.Component;

/**
 * The bot's own Adaptive Cards (1.5, what Teams renders): welcome, help, the card that
 * replaces a broadcast after an action, and the message envelopes around them.
 */
@Component
class BotCards {

	static final String CARD_TYPE = "application/vnd.microsoft.card.adaptive";

	private final BotTexts texts;

	private final AnnouncementCard announcementCard;

	BotCards(BotTexts texts, AnnouncementCard announcementCard) {
		this.texts = texts;
		this.announcementCard = announcementCard;
	}

	/**
	 * The personal welcome, after the seed's three points: why you get this (which
	 * organisation, who set it up), what Herald will send, what you can do next.
	 */
	Map<String, Object> welcome(BotLanguage language) {
		List<Object> body = new ArrayList<>();
		body.add(textBlock(this.texts.text("bot.welcome.title", language), "Large", "Bolder"));
		body.add(textBlock(this.texts.text("bot.welcome.why", language), null, null));
		body.add(textBlock(this.texts.text("bot.welcome.what", language), null, null));
		body.add(textBlock(this.texts.text("bot.welcome.next", language), null, null));
		return card(body, List.of(submit(this.texts.text("bot.button.help", language), Map.of("action", "help"))));
	}

	/** Posted once in a channel when Herald is added to a team. */
	Map<String, Object> teamWelcome(BotLanguage language, String teamName, String installer) {
		String team = (teamName != null) ? teamName : "";
		String who = (installer != null) ? installer : this.texts.text("bot.team.installer.default", language);
		List<Object> body = new ArrayList<>();
		body.add(textBlock(this.texts.text("bot.team.welcome.title", language, "team", team).strip(), "Large",
				"Bolder"));
		body.add(textBlock(this.texts.text("bot.team.welcome.body", language, "team", team, "installer", who), null,
				null));
		return card(body, List.of());
	}

	/** Help, with the person's current state and the button that changes it. */
	Map<String, Object> help(BotLanguage language, boolean optedOut) {
		List<Object> body = new ArrayList<>();
		body.add(textBlock(this.texts.text("bot.help.title", language), "Medium", "Bolder"));
		body.add(textBlock(this.texts.text("bot.help.body", language), null, null));
		body.add(textBlock(
				this.texts.text(optedOut ? "bot.help.status.unsubscribed" : "bot.help.status.subscribed", language),
				null, "Bolder"));
		Map<String, Object> toggle = optedOut
				? submit(this.texts.text("bot.button.start", language), Map.of("action", "start"))
				: submit(this.texts.text("bot.button.stop", language), Map.of("action", "stop"));
		return card(body, List.of(toggle));
	}

	/** Replaces a broadcast card once its recipient unsubscribed from it. */
	Map<String, Object> unsubscribed(BotLanguage language, long announcementId) {
		List<Object> body = new ArrayList<>();
		body.add(textBlock(this.texts.text("bot.unsubscribed.card", language), null, null));
		Map<String, Object> data = Map.of("action", "resubscribe", "announcementId", announcementId);
		return card(body, List.of(execute(this.texts.text("bot.button.start", language), "resubscribe", data)));
	}

	/**
	 * Replaces a broadcast card once its recipient turned its topic off; the button turns
	 * it on again (as the tab does).
	 */
	Map<String, Object> unsubscribedFromTopic(BotLanguage language, long announcementId, String topic) {
		List<Object> body = new ArrayList<>();
		body.add(textBlock(this.texts.text("bot.topic.off", language, "topic", topic), null, null));
		Map<String, Object> data = Map.of("action", "resubscribe", "announcementId", announcementId, "scope", "topic");
		return card(body, List.of(execute(this.texts.text("bot.button.topicOn", language), "resubscribe", data)));
	}

	/**
	 * The broadcast card again, with a line saying what the person did: acknowledged it,
	 * or which answer they gave.
	 */
	Map<String, Object> announcementWithState(Announcement announcement, String stateLine, BotLanguage language) {
		// The person's own variant and button language, as the broadcast chose them.
		Map<String, Object> card = new LinkedHashMap<>(
				this.announcementCard.card(announcement.id(), announcement.content(), announcement.createdBy(),
						this.announcementCard.renditionFor(announcement.content(), language.tag())));
		List<Object> body = new ArrayList<>((List<?>) card.get("body"));
		Map<String, Object> state = textBlock(stateLine, null, "Bolder");
		state.put("color", "Good");
		state.put("id", "herald-response-state");
		body.add(state);
		card.put("body", body);
		return card;
	}

	Map<String, Object> notice(String text) {
		return card(List.of(textBlock(text, null, null)), List.of());
	}

	/**
	 * Asks whether a message typed without replying to a card is a question about the
	 * person's latest announcement (#24); its button sends it.
	 */
	Map<String, Object> questionOffer(BotLanguage language, String title, long announcementId, String question) {
		List<Object> body = new ArrayList<>();
		body.add(textBlock(this.texts.text("bot.question.offer", language, "title", title), null, null));
		Map<String, Object> quoted = textBlock(question, null, null);
		quoted.put("isSubtle", true);
		body.add(quoted);
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("action", BotQuestions.ACTION);
		data.put("announcementId", announcementId);
		data.put("question", question);
		data.put("typed", true);
		return card(body, List.of(submit(this.texts.text("bot.button.sendQuestion", language), data)));
	}

	/** An owner's answer to a person's question (#24). */
	Map<String, Object> answer(BotLanguage language, String title, String question, String answer) {
		List<Object> body = new ArrayList<>();
		body.add(textBlock(this.texts.text("bot.question.answer.title", language), "Medium", "Bolder"));
		body.add(textBlock(this.texts.text("bot.question.answer.about", language, "title", title), "Small", null));
		body.add(textBlock(this.texts.text("bot.question.answer.yours", language), null, "Bolder"));
		Map<String, Object> asked = textBlock(question, null, null);
		asked.put("isSubtle", true);
		body.add(asked);
		body.add(textBlock(this.texts.text("bot.question.answer.from", language), null, "Bolder"));
		Map<String, Object> answered = textBlock(answer, null, null);
		answered.put("id", "herald-answer");
		body.add(answered);
		return card(body, List.of());
	}

	/** A message activity carrying one card. */
	static Map<String, Object> cardMessage(Map<String, Object> card, String summary) {
		Map<String, Object> activity = new LinkedHashMap<>();
		activity.put("type", "message");
		if (summary != null) {
			activity.put("summary", summary);
		}
		activity.put("attachments", List.of(Map.of("contentType", CARD_TYPE, "content", card)));
		return activity;
	}

	/** A plain markdown message. */
	static Map<String, Object> textMessage(String text) {
		Map<String, Object> activity = new LinkedHashMap<>();
		activity.put("type", "message");
		activity.put("textFormat", "markdown");
		activity.put("text", text);
		return activity;
	}

	/** The invoke response that makes Teams swap the card in place. */
	static Map<String, Object> cardInvokeResponse(Map<String, Object> card) {
		return Map.of("statusCode", 200, "type", CARD_TYPE, "value", card);
	}

	static Map<String, Object> errorInvokeResponse(int status, String code, String message) {
		return Map.of("statusCode", status, "type", "application/vnd.microsoft.error", "value",
				Map.of("code", code, "message", message));
	}

	private static Map<String, Object> card(List<Object> body, List<Object> actions) {
		Map<String, Object> card = new LinkedHashMap<>();
		card.put("type", "AdaptiveCard");
		card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
		card.put("version", "1.5");
		card.put("speak", speak(body));
		card.put("body", body);
		if (!actions.isEmpty()) {
			card.put("actions", actions);
		}
		return card;
	}

	/**
	 * What screen readers say for one of the bot's cards: its texts in order, markdown
	 * marks left out (without it JAWS and NVDA read only the timestamp).
	 */
	private static String speak(List<Object> body) {
		StringBuilder speak = new StringBuilder();
		for (Object element : body) {
			if (element instanceof Map<?, ?> block && block.get("text") instanceof String text) {
				for (int i = 0; i < text.length(); i++) {
					char c = text.charAt(i);
					if (c != '*' && c != '_' && c != '#' && c != '`') {
						speak.append((c == '\n') ? ' ' : c);
					}
				}
				speak.append(' ');
			}
		}
		return speak.toString().strip();
	}

	private static Map<String, Object> textBlock(String text, String size, String weight) {
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
		return block;
	}

	private static Map<String, Object> submit(String title, Map<String, Object> data) {
		return Map.of("type", "Action.Submit", "title", title, "data", data);
	}

	/**
	 * Action.Execute with an Action.Submit fallback for clients without Universal
	 * Actions.
	 */
	private static Map<String, Object> execute(String title, String verb, Map<String, Object> data) {
		Map<String, Object> action = new LinkedHashMap<>();
		action.put("type", "Action.Execute");
		action.put("title", title);
		action.put("verb", verb);
		action.put("data", data);
		action.put("fallback", submit(title, data));
		return action;
	}

}
