package dev.herald.link;

import java.util.List;
import java.util.Locale;

/**
 * Which requests to {@code /r/} are not people (#26): a {@code HEAD} (scanners check a
 * link without reading it; browsers never send one for a click), no user agent at all
 * (every browser sends one), or a user agent of a known link previewer or scanner. The
 * list, matched case-insensitively as substrings, is in docs/link-analytics.md; the third
 * rule, a click within {@link ClickWriter#TOO_SOON} of the copy's delivery, is applied by
 * the writer, which knows when the copy was delivered.
 */
final class Scanners {

	/** Substrings of the user agents of previewers and scanners, lower case. */
	static final List<String> AGENTS = List.of(
			// Teams' and Skype's URL previewer ("SkypeUriPreview Preview/0.5").
			"skypeuripreview",
			// Office and Outlook fetching a link to preview or check it; Safe Links'
			// detonation often sends "MSOffice" or "Microsoft Office".
			"microsoft office", "msoffice", "ms-office", "microsoft-webdav", "outlook-ios", "outlook-android",
			"bingpreview", "bingbot", "slackbot", "slack-imgproxy", "googlebot", "google-safety", "googleother",
			"facebookexternalhit", "linkedinbot", "twitterbot", "whatsapp", "telegrambot", "discordbot", "applebot",
			"yandexbot", "duckduckbot",
			// E-mail security gateways that follow every link.
			"barracuda", "proofpoint", "mimecast", "ciscosecureemail", "ironport", "tmes", "fortimail",
			// Headless browsers scanners drive, and generic crawler words.
			"headlesschrome", "phantomjs", "crawler", "spider", "linkcheck", "link-check", "urlscan");

	private Scanners() {
	}

	/** Why the request is not a person's click, or null when it may be one. */
	static String why(String method, String userAgent) {
		if ("HEAD".equalsIgnoreCase(method)) {
			return "head";
		}
		if (userAgent == null || userAgent.isBlank()) {
			return "no-agent";
		}
		String agent = userAgent.toLowerCase(Locale.ROOT);
		for (String known : AGENTS) {
			if (agent.contains(known)) {
				return "agent";
			}
		}
		return null;
	}

}
