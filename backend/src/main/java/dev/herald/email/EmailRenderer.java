package dev.herald.email;

import java.util.Locale;

import dev.herald.announcement.AnnouncementContent;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.safety.Safelist;
import org.springframework.context.MessageSource;
import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;

/**
 * Writes an announcement as an e-mail from the same content as its card: the summary's
 * markdown to HTML (raw HTML escaped, then cleaned to a small safe list: no scripts,
 * images, styles or non-http links), a plain-text part, the buttons as links, and a
 * footer with the unsubscribe link, in the person's card language.
 */
@Component
class EmailRenderer {

	private static final Parser MARKDOWN = Parser.builder().build();

	private static final HtmlRenderer HTML = HtmlRenderer.builder().escapeHtml(true).sanitizeUrls(true).build();

	/**
	 * What may remain of the markdown: text formatting, lists, http(s) and mailto links.
	 */
	private static final Safelist SAFE = Safelist.basic().removeProtocols("a", "href", "ftp");

	private final MessageSource messages;

	EmailRenderer(MessageSource messages) {
		this.messages = messages;
	}

	/**
	 * @param content the announcement as this person's variant reads it
	 * @param cardLanguage the language of Herald's own texts for them (null: the
	 * content's, else English)
	 * @param unsubscribeUrl their opt-out link
	 */
	Rendered render(AnnouncementContent content, String cardLanguage, String unsubscribeUrl) {
		Locale locale = Locale.forLanguageTag(
				(cardLanguage != null) ? cardLanguage : (content.language() != null) ? content.language() : "en");
		String subject = headerSafe(content.title());
		StringBuilder html = new StringBuilder(1024);
		StringBuilder text = new StringBuilder(512);
		html.append("<!DOCTYPE html><html lang=\"")
			.append(HtmlUtils.htmlEscape(locale.toLanguageTag()))
			.append("\"><head><meta charset=\"utf-8\"><title>")
			.append(HtmlUtils.htmlEscape(subject))
			.append("</title></head><body style=\"font-family:Segoe UI,Arial,sans-serif;max-width:640px\">");
		if (content.isCritical()) {
			String important = message("email.important", locale);
			html.append("<p><strong>").append(HtmlUtils.htmlEscape(important)).append("</strong></p>");
			text.append(important).append("\n\n");
		}
		if (content.topic() != null) {
			html.append("<p>").append(HtmlUtils.htmlEscape(content.topic())).append("</p>");
		}
		html.append("<h1>").append(HtmlUtils.htmlEscape(content.title())).append("</h1>");
		text.append(content.title()).append("\n\n");
		if (content.summary() != null) {
			html.append("<div>").append(markdown(content.summary())).append("</div>");
			text.append(content.summary()).append("\n\n");
		}
		for (AnnouncementContent.Button button : content.buttons()) {
			if (button.url() != null && isHttp(button.url())) {
				html.append("<p><a href=\"")
					.append(HtmlUtils.htmlEscape(button.url()))
					.append("\">")
					.append(HtmlUtils.htmlEscape(button.title()))
					.append("</a></p>");
				text.append(button.title()).append(": ").append(button.url()).append('\n');
			}
		}
		if (content.author() != null) {
			html.append("<p>").append(HtmlUtils.htmlEscape(content.author())).append("</p>");
			text.append('\n').append(content.author()).append('\n');
		}
		String why = message("email.footer.why", locale);
		String unsubscribe = message("email.footer.unsubscribe", locale);
		html.append("<hr><p style=\"font-size:small\">")
			.append(HtmlUtils.htmlEscape(why))
			.append(" <a href=\"")
			.append(HtmlUtils.htmlEscape(unsubscribeUrl))
			.append("\">")
			.append(HtmlUtils.htmlEscape(unsubscribe))
			.append("</a></p></body></html>");
		text.append("\n--\n")
			.append(why)
			.append('\n')
			.append(unsubscribe)
			.append(": ")
			.append(unsubscribeUrl)
			.append('\n');
		return new Rendered(subject, html.toString(), text.toString(), locale.toLanguageTag());
	}

	/** The author's markdown as HTML that can hold nothing active. */
	static String markdown(String markdown) {
		String html = HTML.render(MARKDOWN.parse(markdown));
		Document.OutputSettings output = new Document.OutputSettings().prettyPrint(false);
		return Jsoup.clean(html, "", SAFE, output);
	}

	/**
	 * A header value can hold no line break (a CR or LF in a title must not start a
	 * header of its own) and no other control character.
	 */
	static String headerSafe(String value) {
		StringBuilder out = new StringBuilder(value.length());
		value.codePoints().forEach((cp) -> out.appendCodePoint(Character.isISOControl(cp) ? ' ' : cp));
		return out.toString().strip();
	}

	private static boolean isHttp(String url) {
		String lower = url.toLowerCase(Locale.ROOT);
		return lower.startsWith("https://") || lower.startsWith("http://");
	}

	private String message(String key, Locale locale) {
		return this.messages.getMessage(key, null, locale);
	}

	/** One e-mail's texts; {@code language} goes into its Content-Language. */
	record Rendered(String subject, String html, String text, String language) {
	}

}
