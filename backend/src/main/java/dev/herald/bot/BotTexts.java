package dev.herald.bot;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.context.MessageSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The bot's texts: defaults from the {@code i18n/bot*.properties} bundles, overridden by
 * admins per key and language in table {@code bot_text}. Texts use named placeholders
 * ({@code {org}}, {@code {setUpBy}}, ...) substituted here, not MessageFormat, so that
 * admins can write apostrophes without doubling them.
 */
@Component
public class BotTexts {

	/** Keys admins may override, in the order an editor should show them. */
	public static final List<String> KEYS = List.of("bot.welcome.title", "bot.welcome.why", "bot.welcome.what",
			"bot.welcome.next", "bot.team.welcome.title", "bot.team.welcome.body", "bot.help.title", "bot.help.body",
			"bot.stop.done", "bot.stop.already", "bot.start.done", "bot.start.already", "bot.unknown",
			"bot.unsubscribed.card", "bot.ack.done", "bot.vote.done", "bot.announcement.missing", "bot.org.default",
			"bot.setupby.default");

	private final MessageSource messages;

	private final JdbcClient jdbc;

	private final BotProperties properties;

	BotTexts(MessageSource messages, JdbcClient jdbc, BotProperties properties) {
		this.messages = messages;
		this.jdbc = jdbc;
		this.properties = properties;
	}

	/**
	 * A text in a language, with {@code {org}} and {@code {setUpBy}} filled in from the
	 * configuration and the other placeholders from {@code args} (name, value, ...).
	 */
	public String text(String key, BotLanguage language, String... args) {
		Map<String, String> values = new LinkedHashMap<>();
		values.put("org", orDefault(this.properties.orgName(), "bot.org.default", language));
		values.put("setUpBy", orDefault(this.properties.setUpBy(), "bot.setupby.default", language));
		for (int i = 0; i + 1 < args.length; i += 2) {
			values.put(args[i], (args[i + 1] != null) ? args[i + 1] : "");
		}
		String text = raw(key, language);
		for (Map.Entry<String, String> entry : values.entrySet()) {
			text = text.replace("{" + entry.getKey() + "}", entry.getValue());
		}
		return text;
	}

	/** The text as stored or bundled, placeholders untouched (for an editor). */
	public String raw(String key, BotLanguage language) {
		return override(key, language).orElseGet(() -> defaultText(key, language));
	}

	/** The bundled default (what "reset" restores). */
	public String defaultText(String key, BotLanguage language) {
		return this.messages.getMessage(key, null, key, language.locale());
	}

	/** Stores an admin's version of a text. */
	public void override(String key, BotLanguage language, String body, String adminName) {
		if (!KEYS.contains(key)) {
			throw new IllegalArgumentException("Not a bot text: " + key);
		}
		this.jdbc.sql("""
				INSERT INTO bot_text (text_key, locale, body, updated_by) VALUES (:key, :locale, :body, :by)
				ON CONFLICT (text_key, locale) DO UPDATE SET body = EXCLUDED.body, updated_by = EXCLUDED.updated_by,
				  updated_at = now()
				""")
			.param("key", key)
			.param("locale", language.tag())
			.param("body", body)
			.param("by", adminName)
			.update();
	}

	/** Drops an admin's version; the bundled default applies again. */
	public void reset(String key, BotLanguage language) {
		this.jdbc.sql("DELETE FROM bot_text WHERE text_key = :key AND locale = :locale")
			.param("key", key)
			.param("locale", language.tag())
			.update();
	}

	private Optional<String> override(String key, BotLanguage language) {
		return this.jdbc.sql("SELECT body FROM bot_text WHERE text_key = :key AND locale = :locale")
			.param("key", key)
			.param("locale", language.tag())
			.query(String.class)
			.optional();
	}

	private String orDefault(String configured, String key, BotLanguage language) {
		return (configured != null && !configured.isBlank()) ? configured : raw(key, language);
	}

}
