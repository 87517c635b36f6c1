package dev.herald.tab;

import java.time.Instant;
import java.util.List;

/**
 * One announcement in a person's tab. A withdrawn one (recalled by its sender, or
 * expired) carries no content at all.
 *
 * @param id the announcement
 * @param link the Teams deep link that opens it in the tab
 * @param sentAt when its send started
 * @param unread neither opened in the tab, read in the chat, acknowledged nor voted on
 * @param content what the person received, in their variant, as it reads now (after any
 * edit); null when withdrawn
 * @param response what the person did with it
 * @param withdrawn when and by whom it was withdrawn, if it was
 */
record TabItem(long id, String link, Instant sentAt, boolean unread, Content content, Response response,
		Withdrawn withdrawn) {

	/**
	 * @param title the headline
	 * @param summary the body (Teams markdown, shown as text)
	 * @param author the author line the sender chose
	 * @param topic the topic, if any
	 * @param important whether it is critical
	 * @param imageUrl the banner image, if any
	 * @param imageAlt its alternative text
	 * @param links the link buttons
	 * @param language the language of this rendition (BCP 47), if known
	 * @param editedAt when it was last edited after the send, if it was
	 * @param acknowledgeRequested whether it asks for a "Got it"
	 * @param poll the poll, if any
	 */
	record Content(String title, String summary, String author, String topic, boolean important, String imageUrl,
			String imageAlt, List<Link> links, String language, Instant editedAt, boolean acknowledgeRequested,
			Poll poll) {
	}

	record Link(String title, String url) {
	}

	/**
	 * @param question the question, in the person's variant
	 * @param choices the answers: label in the person's variant, value as the card sends
	 * it (the default language's), so votes count together
	 */
	record Poll(String question, List<Choice> choices) {
	}

	record Choice(String label, String value) {
	}

	/**
	 * @param read opened in the tab or read in the chat
	 * @param acknowledgedAt when the person acknowledged it, if they did
	 * @param choice the value of their answer, if they voted
	 */
	record Response(boolean read, Instant acknowledgedAt, String choice) {
	}

	/**
	 * @param at when it was withdrawn
	 * @param by the sender's author line (never a sign-in name); null for an expiry
	 * @param expired withdrawn by Herald at its expiry rather than by its sender
	 */
	record Withdrawn(Instant at, String by, boolean expired) {
	}

	/**
	 * A page of the list.
	 *
	 * @param items newest first
	 * @param next the {@code before} of the next page, or null at the end
	 * @param topics the topics of this person's announcements, for the filter
	 */
	record Page(List<TabItem> items, Long next, List<String> topics) {
	}

}
