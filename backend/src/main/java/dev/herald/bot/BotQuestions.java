package dev.herald.bot;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import dev.herald.announcement.Announcement;
import dev.herald.announcement.AnnouncementCard;
import dev.herald.announcement.Announcements;
import dev.herald.question.QuestionAnswered;
import dev.herald.question.QuestionSource;
import dev.herald.question.Questions;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Questions in the chat (#24). A message that is not a command and replies to an
 * announcement's card ({@code replyToId} is the card's activity id, which the ledger
 * keeps for every delivered copy; Teams' quoted replies name it as the quote's
 * {@code itemid}) is a question about that announcement. A message that replies to
 * nothing is not sent on a guess: if the person received an announcement recently, Herald
 * asks whether it is a question about that one and offers a button that sends it;
 * otherwise it answers as it always did ("I did not understand"). The card's "Ask a
 * question" arrives as an Action.Submit with the text in its input. Each question gets a
 * short reply saying what became of it; an owner's answer comes back into the same chat.
 */
@Component
class BotQuestions {

	static final String ACTION = "question";

	/** The quote Teams puts in a message that replies to one of the chat's messages. */
	private static final Pattern QUOTE = Pattern.compile(
			"<blockquote[^>]*itemtype=\"http://schema\\.skype\\.com/Reply\"[^>]*>.*?</blockquote>",
			Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

	private static final Pattern ITEM_ID = Pattern.compile("itemid=\"(\\d{1,18})\"");

	private static final Pattern TAG = Pattern.compile("<[^>]+>");

	private static final Logger log = LoggerFactory.getLogger(BotQuestions.class);

	private final Questions questions;

	private final BotTexts texts;

	private final BotCards cards;

	private final BotOutbox outbox;

	private final Announcements announcements;

	private final AnnouncementCard announcementCard;

	private final JdbcClient jdbc;

	BotQuestions(Questions questions, BotTexts texts, BotCards cards, BotOutbox outbox, Announcements announcements,
			AnnouncementCard announcementCard, JdbcClient jdbc) {
		this.questions = questions;
		this.texts = texts;
		this.cards = cards;
		this.outbox = outbox;
		this.announcements = announcements;
		this.announcementCard = announcementCard;
		this.jdbc = jdbc;
	}

	/**
	 * A typed message that is no command. True when it was taken as a question (or
	 * offered as one); false leaves the usual "I did not understand".
	 */
	boolean typed(Activity a, Activity.Account person, BotLanguage language) {
		String raw = a.text();
		if (raw == null) {
			return false;
		}
		String text = plain(raw, Activity.text(a.json().path("textFormat")));
		if (text.isEmpty()) {
			return false;
		}
		Questions.Asker asker = Questions.Asker.of(a.tenantId(), person.aadObjectId());
		Optional<Long> about = this.questions.announcementOfCopy(asker, a.replyToId());
		if (about.isEmpty()) {
			about = quotedMessage(raw).flatMap((id) -> this.questions.announcementOfCopy(asker, id));
		}
		if (about.isPresent()) {
			ask(a, asker, about.get(), text, QuestionSource.CHAT, language);
			return true;
		}
		Optional<Long> latest = this.questions.latestReceived(asker);
		if (latest.isEmpty()) {
			return false;
		}
		if (text.length() > this.questions.properties().maxLength()) {
			reply(a, this.texts.text("bot.question.tooLong", language, "max",
					String.valueOf(this.questions.properties().maxLength())));
			return true;
		}
		String title = title(latest.get(), language);
		reply(a, BotCards.cardMessage(this.cards.questionOffer(language, title, latest.get(), text), null));
		return true;
	}

	/** "Ask a question" on a card, or "Send my question" on the offer. */
	void submitted(Activity a, Activity.Account person, JsonNode data, BotLanguage language) {
		if (data.path("test").asBoolean(false)) {
			reply(a, this.texts.text("bot.test.pressed", language));
			return;
		}
		Long id = BotTurns.announcementId(data.path("announcementId"));
		if (id == null) {
			return;
		}
		String text = Activity.text(data.path("question"));
		QuestionSource source = data.path("typed").asBoolean(false) ? QuestionSource.CHAT : QuestionSource.CARD;
		ask(a, Questions.Asker.of(a.tenantId(), person.aadObjectId()), id, (text != null) ? text : "", source,
				language);
	}

	private void ask(Activity a, Questions.Asker asker, long announcementId, String text, QuestionSource source,
			BotLanguage language) {
		Questions.Outcome outcome = this.questions.ask(asker, announcementId, text, source);
		String reply;
		if (outcome.refusal() == null) {
			reply = this.texts.text("bot.question.sent", language);
		}
		else {
			reply = switch (outcome.refusal()) {
				case EMPTY -> this.texts.text("bot.question.empty", language);
				case TOO_LONG -> this.texts.text("bot.question.tooLong", language, "max",
						String.valueOf(this.questions.properties().maxLength()));
				case RATE_LIMITED -> this.texts.text("bot.question.limit", language, "limit",
						String.valueOf(this.questions.properties().perHour()));
				case NOT_RECEIVED, WITHDRAWN -> this.texts.text("bot.question.unavailable", language);
			};
		}
		reply(a, reply);
	}

	/** Delivers an owner's answer to the asker's chat, once the answer is committed. */
	@TransactionalEventListener
	void on(QuestionAnswered answered) {
		Optional<Chat> chat = this.jdbc.sql("""
				SELECT conversation_id, service_url, locale FROM conversation
				WHERE kind = 'personal' AND tenant_id IN (:tenants) AND aad_object_id IN (:keys) AND status = 'active'
				ORDER BY id LIMIT 1
				""")
			.param("tenants", Questions.Asker.of(answered.tenantId(), answered.aadObjectId()).tenants())
			.param("keys", Questions.Asker.of(answered.tenantId(), answered.aadObjectId()).keys())
			.query((rs, i) -> new Chat(rs.getString(1), rs.getString(2), rs.getString(3)))
			.optional();
		if (chat.isEmpty()) {
			// Uninstalled or blocked since: the answer stays in the tab.
			log.info("Answer to question {} not sent: no active chat", answered.questionId());
			return;
		}
		BotLanguage language = BotLanguage.of(chat.get().locale());
		String title = title(answered.announcementId(), language);
		this.outbox.send(chat.get().serviceUrl(), chat.get().conversationId(),
				BotCards.cardMessage(this.cards.answer(language, title, answered.question(), answered.answer()),
						this.texts.text("bot.question.answer.title", language)));
	}

	/** The announcement's title as this person's language variant has it. */
	private String title(long announcementId, BotLanguage language) {
		Optional<Announcement> announcement = this.announcements.find(announcementId);
		if (announcement.isEmpty()) {
			return "";
		}
		var content = announcement.get().content();
		String title = content.forVariant(this.announcementCard.renditionFor(content, language.tag()).variant())
			.title();
		return (title != null) ? title : "";
	}

	private void reply(Activity a, String text) {
		reply(a, BotCards.textMessage(text));
	}

	private void reply(Activity a, Map<String, Object> message) {
		this.outbox.send(a.serviceUrl(), a.conversationId(), message);
	}

	/**
	 * What the person wrote, as plain text: Teams' quote of the message replied to left
	 * out, and for rich-text messages the markup removed and entities decoded (the text
	 * is shown escaped wherever it appears).
	 */
	static String plain(String text, String textFormat) {
		String withoutQuote = QUOTE.matcher(text).replaceAll(" ");
		if ("plain".equalsIgnoreCase(textFormat) && withoutQuote.equals(text)) {
			return withoutQuote.strip();
		}
		String stripped = TAG.matcher(withoutQuote.replaceAll("(?i)<br\\s*/?>|</p>", "\n")).replaceAll("");
		return stripped.replace("&nbsp;", " ")
			.replace("&lt;", "<")
			.replace("&gt;", ">")
			.replace("&quot;", "\"")
			.replace("&#39;", "'")
			.replace("&amp;", "&")
			.strip();
	}

	/** The id of the message a Teams quoted reply quotes, if the text has one. */
	static Optional<String> quotedMessage(String text) {
		Matcher quote = QUOTE.matcher(text);
		if (!quote.find()) {
			return Optional.empty();
		}
		Matcher id = ITEM_ID.matcher(quote.group());
		return id.find() ? Optional.of(id.group(1)) : Optional.empty();
	}

	private record Chat(String conversationId, String serviceUrl, String locale) {
	}

	static boolean isQuestion(String action) {
		return ACTION.equals(action != null ? action.toLowerCase(Locale.ROOT) : null);
	}

}
