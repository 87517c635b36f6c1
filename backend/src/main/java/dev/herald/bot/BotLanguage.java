package dev.herald.bot;

import java.util.List;
import java.util.Locale;

/**
 * The languages the bot speaks, and how a Teams client locale maps to one of them.
 */
public enum BotLanguage {

	EN("en"), FR("fr"), DE("de"), ES("es"), ZH_CN("zh-CN");

	private final String tag;

	BotLanguage(String tag) {
		this.tag = tag;
	}

	/** The BCP 47 tag, as stored in {@code bot_text.locale}. */
	public String tag() {
		return this.tag;
	}

	public Locale locale() {
		return Locale.forLanguageTag(this.tag);
	}

	/**
	 * The best language for a client locale such as {@code fr-CA} or {@code zh-Hans-CN};
	 * English when unknown. Traditional Chinese falls back to English rather than being
	 * shown simplified characters it did not ask for.
	 */
	public static BotLanguage of(String clientLocale) {
		if (clientLocale == null || clientLocale.isBlank()) {
			return EN;
		}
		Locale locale = Locale.forLanguageTag(clientLocale.trim().replace('_', '-'));
		String language = locale.getLanguage();
		if ("zh".equals(language)) {
			String script = locale.getScript();
			String country = locale.getCountry();
			boolean traditional = "Hant".equals(script)
					|| (script.isEmpty() && List.of("TW", "HK", "MO").contains(country));
			return traditional ? EN : ZH_CN;
		}
		for (BotLanguage candidate : values()) {
			if (candidate.tag.equals(language)) {
				return candidate;
			}
		}
		return EN;
	}

	/** The language of a stored tag (exact match), for admin overrides. */
	public static BotLanguage ofTag(String tag) {
		for (BotLanguage candidate : values()) {
			if (candidate.tag.equalsIgnoreCase(tag)) {
				return candidate;
			}
		}
		throw new IllegalArgumentException("Unsupported bot language: " + tag);
	}

}
