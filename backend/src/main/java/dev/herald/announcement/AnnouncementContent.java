package dev.herald.announcement;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonIgnore;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * What an author writes; the same record backs the compose form and the JSON API.
 *
 * @param title the headline
 * @param summary the body, in Teams markdown
 * @param imageUrl an optional banner image (an uploaded image is served by Herald)
 * @param author the author line shown under the message (free text, e.g. "HR team")
 * @param buttons up to four link buttons
 * @param importance {@link Importance#CRITICAL} adds a visible "Important" line and
 * cannot be unsubscribed from
 * @param topic an optional topic shown above the title
 * @param acknowledge whether the card asks for a "Got it"
 * @param pollQuestion the poll's question, when there is a poll
 * @param pollChoices two to six answers, or none for no poll
 * @param previewText what Teams shows in the notification toast, activity feed and chat
 * list (the activity's {@code summary}); the title when absent
 */
public record AnnouncementContent(@NotBlank @Size(max = 200) String title, @Size(max = 4000) String summary,
		@Size(max = 2000) @Pattern(regexp = "^(https?://\\S+)?$",
				message = "{announcement.url.invalid}") String imageUrl,
		@Size(max = 100) String author,
		@Size(max = 4, message = "{announcement.buttons.tooMany}") List<@Valid Button> buttons, Importance importance,
		@Size(max = 60) String topic, Boolean acknowledge, @Size(max = 200) String pollQuestion,
		@Size(max = 6, message = "{announcement.poll.choiceCount}") List<@Size(max = 100) String> pollChoices,
		@Size(max = PREVIEW_MAX) String previewText) {

	/** Longest notification preview text an author may set. */
	public static final int PREVIEW_MAX = 300;

	/**
	 * Characters of the preview Teams shows before cutting it with an ellipsis (the
	 * documented cut of activity-feed preview texts; toasts and the chat list show about
	 * as much).
	 */
	public static final int PREVIEW_SHOWN = 150;

	public AnnouncementContent {
		title = trimToNull(title);
		previewText = trimToNull(previewText);
		summary = trimToNull(summary);
		imageUrl = trimToNull(imageUrl);
		author = trimToNull(author);
		topic = trimToNull(topic);
		pollQuestion = trimToNull(pollQuestion);
		importance = (importance != null) ? importance : Importance.NORMAL;
		acknowledge = Boolean.TRUE.equals(acknowledge);
		// Forms post fixed rows: empty rows are not buttons or choices.
		List<Button> keptButtons = new ArrayList<>();
		if (buttons != null) {
			buttons.stream().filter((b) -> b != null && !b.isEmpty()).forEach(keptButtons::add);
		}
		buttons = List.copyOf(keptButtons);
		List<String> keptChoices = new ArrayList<>();
		if (pollChoices != null) {
			pollChoices.stream()
				.map(AnnouncementContent::trimToNull)
				.filter((c) -> c != null)
				.forEach(keptChoices::add);
		}
		pollChoices = List.copyOf(keptChoices);
	}

	/** Content without a preview text of its own (the title is shown). */
	public AnnouncementContent(String title, String summary, String imageUrl, String author, List<Button> buttons,
			Importance importance, String topic, Boolean acknowledge, String pollQuestion, List<String> pollChoices) {
		this(title, summary, imageUrl, author, buttons, importance, topic, acknowledge, pollQuestion, pollChoices,
				null);
	}

	/** What Teams shows in notifications: the preview text, else the title. */
	@JsonIgnore
	public String notificationText() {
		return (this.previewText != null) ? this.previewText : this.title;
	}

	/** The notification text as Teams shows it, cut after {@link #PREVIEW_SHOWN}. */
	@JsonIgnore
	public String notificationTextAsShown() {
		String text = notificationText();
		if (text == null || text.codePointCount(0, text.length()) <= PREVIEW_SHOWN) {
			return text;
		}
		return text.substring(0, text.offsetByCodePoints(0, PREVIEW_SHOWN)).stripTrailing() + "\u2026";
	}

	/** The content of the first version of Herald: title, text, image and one button. */
	public AnnouncementContent(String title, String summary, String imageUrl, String buttonTitle, String buttonUrl) {
		this(title, summary, imageUrl, null,
				(buttonTitle == null && buttonUrl == null) ? List.of() : List.of(new Button(buttonTitle, buttonUrl)),
				Importance.NORMAL, null, false, null, List.of());
	}

	/** A poll has a question and two to six distinct answers, or nothing at all. */
	@JsonIgnore
	@AssertTrue(message = "{announcement.poll.incomplete}")
	public boolean isPollComplete() {
		if (this.pollChoices.isEmpty()) {
			return this.pollQuestion == null;
		}
		long distinct = this.pollChoices.stream().map((c) -> c.toLowerCase(Locale.ROOT)).distinct().count();
		return this.pollQuestion != null && this.pollChoices.size() >= 2 && distinct == this.pollChoices.size();
	}

	@JsonIgnore
	public boolean hasPoll() {
		return !this.pollChoices.isEmpty();
	}

	@JsonIgnore
	public boolean isCritical() {
		return this.importance == Importance.CRITICAL;
	}

	public static AnnouncementContent empty() {
		return new AnnouncementContent(null, null, null, null, List.of(), Importance.NORMAL, null, false, null,
				List.of());
	}

	/** The same content with another author line. */
	public AnnouncementContent withAuthor(String author) {
		return new AnnouncementContent(this.title, this.summary, this.imageUrl, author, this.buttons, this.importance,
				this.topic, this.acknowledge, this.pollQuestion, this.pollChoices, this.previewText);
	}

	/** The same content with another title. */
	public AnnouncementContent withTitle(String title) {
		return new AnnouncementContent(title, this.summary, this.imageUrl, this.author, this.buttons, this.importance,
				this.topic, this.acknowledge, this.pollQuestion, this.pollChoices, this.previewText);
	}

	/** The same content with another image. */
	public AnnouncementContent withImageUrl(String imageUrl) {
		return new AnnouncementContent(this.title, this.summary, imageUrl, this.author, this.buttons, this.importance,
				this.topic, this.acknowledge, this.pollQuestion, this.pollChoices, this.previewText);
	}

	/**
	 * The same content with every text a person reads (title, summary, author line,
	 * buttons, poll) passed through {@code fill}; used to fill a stored template's
	 * placeholders.
	 */
	public AnnouncementContent mapTexts(java.util.function.UnaryOperator<String> fill) {
		java.util.function.UnaryOperator<String> f = (text) -> (text != null) ? fill.apply(text) : null;
		return new AnnouncementContent(f.apply(this.title), f.apply(this.summary), this.imageUrl, f.apply(this.author),
				(this.buttons != null)
						? this.buttons.stream().map((b) -> new Button(f.apply(b.title()), f.apply(b.url()))).toList()
						: null,
				this.importance, this.topic, this.acknowledge, f.apply(this.pollQuestion),
				(this.pollChoices != null) ? this.pollChoices.stream().map(f).toList() : null,
				f.apply(this.previewText));
	}

	static String trimToNull(String value) {
		return (value == null || value.isBlank()) ? null : value.strip();
	}

	/** How an announcement is flagged in Teams. */
	public enum Importance {

		NORMAL, CRITICAL;

		public String dbValue() {
			return name().toLowerCase(Locale.ROOT);
		}

		static Importance fromDb(String value) {
			return valueOf(value.toUpperCase(Locale.ROOT));
		}

	}

	/**
	 * A link button on the card.
	 *
	 * @param title its label
	 * @param url where it leads
	 */
	public record Button(@Size(max = 60) String title, @Size(max = 2000) @Pattern(regexp = "^(https?://\\S+)?$",
			message = "{announcement.url.invalid}") String url) {

		public Button {
			title = trimToNull(title);
			url = trimToNull(url);
		}

		/** A button needs both a label and a link. */
		@JsonIgnore
		@AssertTrue(message = "{announcement.button.incomplete}")
		public boolean isComplete() {
			return this.title != null && this.url != null;
		}

		@JsonIgnore
		boolean isEmpty() {
			return this.title == null && this.url == null;
		}

	}

}
