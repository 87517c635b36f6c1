package dev.herald.announcement;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The links of an announcement, each with a stable number (#26): the buttons are links 0
 * to 3 in their order, the links in the text (markdown {@code [text](url)} and bare
 * {@code http(s)://} addresses, in order of appearance) are links 4, 5, … An edit keeps
 * the numbers: a button whose address changed is still "button 2" and keeps its clicks,
 * and the n-th link of a translated text is the n-th link of the default text. A link is
 * looked up by number in the content as currently stored, so a redirect always leads
 * where the announcement now says.
 */
public final class AnnouncementLinks {

	/** The number of the first link in the text (after the four buttons). */
	public static final int FIRST_TEXT_LINK = 4;

	/** Links of one text counted at most (a token carries the number in one byte). */
	public static final int MAX_TEXT_LINKS = 200;

	/**
	 * A markdown link to an http(s) address, or a bare one. Bare addresses end before
	 * white space, brackets and quotes; a trailing sentence mark is not part of them.
	 */
	private static final Pattern LINK = Pattern
		.compile("\\[([^\\]\\n]{0,500})\\]\\((https?://[^\\s)]{1,2000})\\)|(https?://[^\\s<>()\\[\\]\"]{1,2000})");

	private AnnouncementLinks() {
	}

	/**
	 * One link as the report shows it.
	 *
	 * @param index its stable number
	 * @param label the button's title or the link's text
	 * @param url where it leads now
	 */
	public record Link(int index, String label, String url) {
	}

	/** The links of the default content, buttons first. */
	public static List<Link> list(AnnouncementContent content) {
		List<Link> links = new ArrayList<>();
		List<AnnouncementContent.Button> buttons = content.buttons();
		for (int i = 0; i < buttons.size() && i < FIRST_TEXT_LINK; i++) {
			if (buttons.get(i).url() != null) {
				links.add(new Link(i, buttons.get(i).title(), buttons.get(i).url()));
			}
		}
		List<String[]> text = textLinks(content.summary());
		for (int i = 0; i < text.size(); i++) {
			links.add(new Link(FIRST_TEXT_LINK + i, text.get(i)[0], text.get(i)[1]));
		}
		return links;
	}

	/**
	 * Where link {@code index} of the rendition {@code variant} leads now; null when the
	 * content has no such link (any more).
	 */
	public static String target(AnnouncementContent all, String variant, int index) {
		AnnouncementContent content = all.forVariant(variant);
		if (index < 0) {
			return null;
		}
		if (index < FIRST_TEXT_LINK) {
			return (index < content.buttons().size()) ? content.buttons().get(index).url() : null;
		}
		List<String[]> text = textLinks(content.summary());
		int i = index - FIRST_TEXT_LINK;
		return (i < text.size()) ? text.get(i)[1] : null;
	}

	/**
	 * The markdown with every http(s) link's address replaced by {@code url} of its
	 * number; a bare address becomes a markdown link that shows the address.
	 */
	public static String rewrite(String markdown, IntFunction<String> url) {
		if (markdown == null) {
			return null;
		}
		Matcher m = LINK.matcher(markdown);
		StringBuilder out = new StringBuilder(markdown.length() + 64);
		int last = 0;
		int n = 0;
		while (m.find() && n < MAX_TEXT_LINKS) {
			int index = FIRST_TEXT_LINK + n++;
			out.append(markdown, last, m.start());
			if (m.group(1) != null) {
				out.append('[').append(m.group(1)).append("](").append(url.apply(index)).append(')');
				last = m.end();
			}
			else {
				String bare = trimBare(m.group(3));
				out.append('[').append(bare).append("](").append(url.apply(index)).append(')');
				last = m.start() + bare.length();
			}
		}
		out.append(markdown, last, markdown.length());
		return out.toString();
	}

	/** The text's links in order: {label, address}. */
	static List<String[]> textLinks(String markdown) {
		List<String[]> links = new ArrayList<>();
		if (markdown == null) {
			return links;
		}
		Matcher m = LINK.matcher(markdown);
		while (m.find() && links.size() < MAX_TEXT_LINKS) {
			if (m.group(1) != null) {
				links.add(new String[] { m.group(1), m.group(2) });
			}
			else {
				String bare = trimBare(m.group(3));
				links.add(new String[] { bare, bare });
			}
		}
		return links;
	}

	/** A sentence's closing mark after a bare address is not part of it. */
	private static String trimBare(String url) {
		int end = url.length();
		while (end > 0 && ".,;:!?'".indexOf(url.charAt(end - 1)) >= 0) {
			end--;
		}
		return url.substring(0, end);
	}

}
