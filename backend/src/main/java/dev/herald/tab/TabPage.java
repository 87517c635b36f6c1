package dev.herald.tab;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.herald.announcement.VariantSelector;

import org.springframework.context.MessageSource;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The page Teams frames as the tab "Announcements". It holds no data: the script gets a
 * sign-on token from Teams and reads {@code /api/tab}. Its texts are in the language of
 * the Teams client ({@code locale}, which Teams fills in the manifest's
 * {@code contentUrl}; the script reloads the page once if Teams' context says another),
 * read here rather than through the admin UI's language cookie, so the tab sets none.
 */
@Controller
class TabPage {

	/** Every text the page and its script show (keys of the {@code messages} bundles). */
	static final List<String> KEYS = List.of("tab.title", "tab.search", "tab.search.placeholder", "tab.search.submit",
			"tab.topic", "tab.topic.all", "tab.loading", "tab.empty", "tab.more", "tab.unread", "tab.important",
			"tab.edited", "tab.sent", "tab.by", "tab.ack", "tab.acked", "tab.vote", "tab.voted", "tab.poll.required",
			"tab.withdrawn", "tab.withdrawn.by", "tab.withdrawn.at", "tab.expired", "tab.error.signIn",
			"tab.error.load", "tab.error.action", "tab.error.notFound", "tab.outsideTeams", "tab.links", "tab.done");

	/** The texts of questions in the tab (#24), kept apart so features merge cleanly. */
	static final List<String> QUESTION_KEYS = List.of("tab.question.ask", "tab.question.label", "tab.question.send",
			"tab.question.sent", "tab.question.yours", "tab.question.answer", "tab.question.waiting",
			"tab.question.tooLong", "tab.question.limit");

	/** The texts of the topics a person turns on and off (#24). */
	static final List<String> TOPIC_KEYS = List.of("tab.topics", "tab.topics.intro", "tab.topics.none",
			"tab.topics.turnedOn", "tab.topics.turnedOff", "tab.topics.allOff", "tab.topics.error");

	private static final List<String> THEMES = List.of("default", "dark", "contrast");

	private final MessageSource messages;

	private final TabProperties properties;

	TabPage(MessageSource messages, TabProperties properties) {
		this.messages = messages;
		this.properties = properties;
	}

	@GetMapping("/tab")
	String page(@RequestParam(required = false) String locale, @RequestParam(required = false) String theme,
			Model model) {
		String language = language(locale);
		Locale bundle = Locale.forLanguageTag(language);
		Map<String, String> texts = new LinkedHashMap<>();
		for (String key : KEYS) {
			texts.put(key, this.messages.getMessage(key, null, key, bundle));
		}
		for (List<String> keys : List.of(QUESTION_KEYS, TOPIC_KEYS)) {
			for (String key : keys) {
				texts.put(key, this.messages.getMessage(key, null, key, bundle));
			}
		}
		model.addAttribute("lang", language);
		model.addAttribute("theme", (theme != null && THEMES.contains(theme)) ? theme : "default");
		model.addAttribute("t", texts);
		// Teams' own hosts are built into teams-js; only the simulator's origin (local
		// mode, tests) is added, and only where configured.
		model.addAttribute("validOrigins", String.join(" ", this.properties.hostOrigins()));
		return "tab";
	}

	/**
	 * The page language for a Teams locale ({@code fr-fr}, {@code zh-cn}, ...): one of
	 * the five Herald speaks, English otherwise (also for a placeholder Teams left
	 * unfilled).
	 */
	static String language(String teamsLocale) {
		String language = (teamsLocale != null && teamsLocale.length() <= 35)
				? VariantSelector.cardLanguageFor(teamsLocale) : null;
		return (language != null) ? language : "en";
	}

}
