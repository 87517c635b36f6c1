package dev.herald.bot;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a person typed to the bot. Every language's words are accepted whatever the
 * person's locale (someone with an English client may still type "arrêter"), and the
 * English ones always work.
 */
enum Command {

	HELP, STOP, START, UNKNOWN;

	private static final Pattern MENTION = Pattern.compile("<at>.*?</at>", Pattern.CASE_INSENSITIVE);

	private static final Pattern TAG = Pattern.compile("<[^>]+>");

	private static final Pattern TRAILING_PUNCTUATION = Pattern.compile("[\\s.!?。！？]+$");

	private static final Pattern MARKS = Pattern.compile("\\p{M}+");

	/** Accent-free, lower-case words (see {@link #normalize}). */
	private static final Map<String, Command> WORDS = Map.ofEntries(Map.entry("help", HELP), Map.entry("aide", HELP),
			Map.entry("hilfe", HELP), Map.entry("ayuda", HELP), Map.entry("帮助", HELP), Map.entry("?", HELP),
			Map.entry("settings", HELP), Map.entry("preferences", HELP), Map.entry("parametres", HELP),
			Map.entry("einstellungen", HELP), Map.entry("preferencias", HELP), Map.entry("设置", HELP),
			Map.entry("stop", STOP), Map.entry("unsubscribe", STOP), Map.entry("arreter", STOP),
			Map.entry("stopp", STOP), Map.entry("abmelden", STOP), Map.entry("detener", STOP), Map.entry("parar", STOP),
			Map.entry("停止", STOP), Map.entry("退订", STOP), Map.entry("start", START), Map.entry("subscribe", START),
			Map.entry("reprendre", START), Map.entry("anmelden", START), Map.entry("reanudar", START),
			Map.entry("iniciar", START), Map.entry("开始", START), Map.entry("订阅", START));

	static Command parse(String text) {
		if (text == null) {
			return UNKNOWN;
		}
		return WORDS.getOrDefault(normalize(text), UNKNOWN);
	}

	/**
	 * Drops @mentions of the bot (channel messages start with one) and markup, trims,
	 * lower-cases and removes accents and trailing punctuation: "Arrêter !" is "arreter".
	 */
	static String normalize(String text) {
		String plain = TAG.matcher(MENTION.matcher(text).replaceAll(" ")).replaceAll(" ").replace("&nbsp;", " ");
		String folded = MARKS.matcher(Normalizer.normalize(plain, Normalizer.Form.NFD)).replaceAll("");
		String trimmed = folded.strip();
		if (!"?".equals(trimmed)) {
			trimmed = TRAILING_PUNCTUATION.matcher(trimmed).replaceAll("");
		}
		return trimmed.toLowerCase(Locale.ROOT);
	}

}
