package dev.herald.announcement;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
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
 * @param language the BCP 47 tag of the language this content is written in (the default;
 * {@code null} means the deployment's card language)
 * @param speak what screen readers and Teams' read-aloud say for the card (defaults to
 * the title and summary)
 * @param imageAlt the image's alternative text (defaults to the title)
 * @param variants the same announcement in other languages, by BCP 47 tag; each recipient
 * receives the best match for their language ({@link VariantSelector})
 * @param emailFallback whether people Teams cannot reach (blocked, failed, unlicensed,
 * without a chat) also get it by e-mail after the send (#26); {@code null}: the admin's
 * default. Left out of the JSON when null, so approvals bound before it existed hold.
 */
public record AnnouncementContent(@NotBlank @Size(max = 200) String title, @Size(max = 4000) String summary,
		@Size(max = 2000) @Pattern(regexp = "^(https?://\\S+)?$",
				message = "{announcement.url.invalid}") String imageUrl,
		@Size(max = 100) String author,
		@Size(max = 4, message = "{announcement.buttons.tooMany}") List<@Valid Button> buttons, Importance importance,
		@Size(max = 60) String topic, Boolean acknowledge, @Size(max = 200) String pollQuestion,
		@Size(max = 6, message = "{announcement.poll.choiceCount}") List<@Size(max = 100) String> pollChoices,
		@Size(max = PREVIEW_MAX) String previewText, @Size(max = 35) String language, @Size(max = 1000) String speak,
		@Size(max = 500) String imageAlt,
		@Size(max = 20, message = "{announcement.variants.tooMany}") Map<String, @Valid @NotNull Variant> variants,
		@JsonInclude(JsonInclude.Include.NON_NULL) Boolean emailFallback) {

	/** Longest notification preview text an author may set. */
	public static final int PREVIEW_MAX = 300;

	/**
	 * Characters of the preview Teams shows before cutting it with an ellipsis (the
	 * documented cut of activity-feed preview texts; toasts and the chat list show about
	 * as much).
	 */
	public static final int PREVIEW_SHOWN = 150;

	public AnnouncementContent {
		language = (trimToNull(language) != null) ? VariantSelector.canonicalTag(language.strip()) : null;
		speak = trimToNull(speak);
		imageAlt = trimToNull(imageAlt);
		Map<String, Variant> keptVariants = new TreeMap<>();
		if (variants != null) {
			variants.forEach((tag, variant) -> {
				// Forms post whole sections: one left empty is not a variant.
				if (variant != null && variant.isEmpty()) {
					return;
				}
				String canonical = (tag != null && !tag.isBlank()) ? VariantSelector.canonicalTag(tag.strip()) : "";
				keptVariants.put(canonical, variant);
			});
		}
		variants = Collections.unmodifiableMap(keptVariants);
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

	/** Content without a choice about the e-mail fallback (the admin's default). */
	public AnnouncementContent(String title, String summary, String imageUrl, String author, List<Button> buttons,
			Importance importance, String topic, Boolean acknowledge, String pollQuestion, List<String> pollChoices,
			String previewText, String language, String speak, String imageAlt, Map<String, Variant> variants) {
		this(title, summary, imageUrl, author, buttons, importance, topic, acknowledge, pollQuestion, pollChoices,
				previewText, language, speak, imageAlt, variants, null);
	}

	/** The same content with the e-mail fallback chosen ({@code null}: the default). */
	public AnnouncementContent withEmailFallback(Boolean emailFallback) {
		return new AnnouncementContent(this.title, this.summary, this.imageUrl, this.author, this.buttons,
				this.importance, this.topic, this.acknowledge, this.pollQuestion, this.pollChoices, this.previewText,
				this.language, this.speak, this.imageAlt, this.variants, emailFallback);
	}

	/** Content in one language, without preview text, variants, speak or alt text. */
	public AnnouncementContent(String title, String summary, String imageUrl, String author, List<Button> buttons,
			Importance importance, String topic, Boolean acknowledge, String pollQuestion, List<String> pollChoices) {
		this(title, summary, imageUrl, author, buttons, importance, topic, acknowledge, pollQuestion, pollChoices,
				null);
	}

	/** Content in one language, without variants, speak or alt text. */
	public AnnouncementContent(String title, String summary, String imageUrl, String author, List<Button> buttons,
			Importance importance, String topic, Boolean acknowledge, String pollQuestion, List<String> pollChoices,
			String previewText) {
		this(title, summary, imageUrl, author, buttons, importance, topic, acknowledge, pollQuestion, pollChoices,
				previewText, null, null, null, null);
	}

	/** Content without a preview text of its own (the title is shown). */
	public AnnouncementContent(String title, String summary, String imageUrl, String author, List<Button> buttons,
			Importance importance, String topic, Boolean acknowledge, String pollQuestion, List<String> pollChoices,
			String language, String speak, String imageAlt, Map<String, Variant> variants) {
		this(title, summary, imageUrl, author, buttons, importance, topic, acknowledge, pollQuestion, pollChoices, null,
				language, speak, imageAlt, variants);
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

	/** Critical, or urgent (which is critical and more). */
	@JsonIgnore
	public boolean isCritical() {
		return this.importance == Importance.CRITICAL || this.importance == Importance.URGENT;
	}

	/** Urgent: also announced through Teams' activity feed (#25). */
	@JsonIgnore
	public boolean isUrgent() {
		return this.importance == Importance.URGENT;
	}

	public static AnnouncementContent empty() {
		return new AnnouncementContent(null, null, null, null, List.of(), Importance.NORMAL, null, false, null,
				List.of(), null, null, null, null);
	}

	/** The same content with another author line. */
	public AnnouncementContent withAuthor(String author) {
		return new AnnouncementContent(this.title, this.summary, this.imageUrl, author, this.buttons, this.importance,
				this.topic, this.acknowledge, this.pollQuestion, this.pollChoices, this.previewText, this.language,
				this.speak, this.imageAlt, this.variants, this.emailFallback);
	}

	/** The same content with another title. */
	public AnnouncementContent withTitle(String title) {
		return new AnnouncementContent(title, this.summary, this.imageUrl, this.author, this.buttons, this.importance,
				this.topic, this.acknowledge, this.pollQuestion, this.pollChoices, this.previewText, this.language,
				this.speak, this.imageAlt, this.variants, this.emailFallback);
	}

	/** The same content with another topic (as the admin's list spells it). */
	public AnnouncementContent withTopic(String topic) {
		return new AnnouncementContent(this.title, this.summary, this.imageUrl, this.author, this.buttons,
				this.importance, topic, this.acknowledge, this.pollQuestion, this.pollChoices, this.previewText,
				this.language, this.speak, this.imageAlt, this.variants);
	}

	/** The same content with another image. */
	public AnnouncementContent withImageUrl(String imageUrl) {
		return new AnnouncementContent(this.title, this.summary, imageUrl, this.author, this.buttons, this.importance,
				this.topic, this.acknowledge, this.pollQuestion, this.pollChoices, this.previewText, this.language,
				this.speak, this.imageAlt, this.variants, this.emailFallback);
	}

	/**
	 * The same content with every text a person reads (title, summary, author line,
	 * buttons, poll) passed through {@code fill}; used to fill a stored template's
	 * placeholders.
	 */
	public AnnouncementContent mapTexts(UnaryOperator<String> fill) {
		UnaryOperator<String> f = (text) -> (text != null) ? fill.apply(text) : null;
		return new AnnouncementContent(f.apply(this.title), f.apply(this.summary), this.imageUrl, f.apply(this.author),
				(this.buttons != null)
						? this.buttons.stream().map((b) -> new Button(f.apply(b.title()), f.apply(b.url()))).toList()
						: null,
				this.importance, this.topic, this.acknowledge, f.apply(this.pollQuestion),
				(this.pollChoices != null) ? this.pollChoices.stream().map(f).toList() : null,
				f.apply(this.previewText), this.language, f.apply(this.speak), f.apply(this.imageAlt),
				mapVariants((v) -> v.mapTexts(f)), this.emailFallback);
	}

	private Map<String, Variant> mapVariants(UnaryOperator<Variant> change) {
		Map<String, Variant> mapped = new TreeMap<>();
		this.variants.forEach((tag, variant) -> mapped.put(tag, change.apply(variant)));
		return mapped;
	}

	/** Every variant has a well-formed language tag other than the default's. */
	@JsonIgnore
	@AssertTrue(message = "{announcement.variants.badTag}")
	public boolean isVariantTagsValid() {
		return this.variants.keySet()
			.stream()
			.allMatch((tag) -> VariantSelector.isWellFormed(tag) && !tag.equalsIgnoreCase(defaultLanguageOrEmpty()));
	}

	/** A variant's poll answers translate the default's, one for one. */
	@JsonIgnore
	@AssertTrue(message = "{announcement.variants.pollMismatch}")
	public boolean isVariantPollsValid() {
		return this.variants.values()
			.stream()
			.allMatch((v) -> v.pollChoices().isEmpty() || v.pollChoices().size() == this.pollChoices.size());
	}

	/** What reports call the default content: its language, else "default". */
	@JsonIgnore
	public String defaultLanguageLabel() {
		return (this.language != null) ? this.language : "default";
	}

	@JsonIgnore
	private String defaultLanguageOrEmpty() {
		return (this.language != null) ? this.language : "";
	}

	/**
	 * This content as a recipient of the variant {@code tag} sees it: the variant's texts
	 * where it has them, the default's elsewhere (links, image, settings stay shared).
	 * Poll answers keep the default's order, so votes count together whatever the
	 * language. An unknown or null tag gives the default content.
	 */
	public AnnouncementContent forVariant(String tag) {
		Variant v = (tag != null) ? this.variants.get(tag) : null;
		if (v == null) {
			return new AnnouncementContent(this.title, this.summary, this.imageUrl, this.author, this.buttons,
					this.importance, this.topic, this.acknowledge, this.pollQuestion, this.pollChoices,
					this.previewText, this.language, this.speak, this.imageAlt, null, this.emailFallback);
		}
		List<Button> labelled = new ArrayList<>();
		for (int i = 0; i < this.buttons.size(); i++) {
			Button b = this.buttons.get(i);
			String label = (i < v.buttonLabels().size() && v.buttonLabels().get(i) != null) ? v.buttonLabels().get(i)
					: b.title();
			labelled.add(new Button(label, b.url()));
		}
		return new AnnouncementContent(or(v.title(), this.title), or(v.summary(), this.summary), this.imageUrl,
				this.author, labelled, this.importance, this.topic, this.acknowledge,
				or(v.pollQuestion(), this.pollQuestion), v.pollChoices().isEmpty() ? this.pollChoices : v.pollChoices(),
				or(v.previewText(), this.previewText), tag, v.speak(), or(v.imageAlt(), this.imageAlt), null,
				this.emailFallback);
	}

	private static String or(String value, String fallback) {
		return (value != null) ? value : fallback;
	}

	/**
	 * The announcement in one more language: the texts a person reads, translated.
	 * Missing texts fall back to the default language's.
	 *
	 * @param title the headline
	 * @param summary the body, in Teams markdown
	 * @param previewText the line shown in notifications and the chat list (when the
	 * announcement has one)
	 * @param buttonLabels the labels of the default's buttons, in their order
	 * @param pollQuestion the poll's question
	 * @param pollChoices the default's answers, translated, in their order
	 * @param speak what screen readers say for the card
	 * @param imageAlt the image's alternative text
	 */
	public record Variant(@NotBlank @Size(max = 200) String title, @Size(max = 4000) String summary,
			@Size(max = 150) String previewText,
			@Size(max = 4, message = "{announcement.buttons.tooMany}") List<@Size(max = 60) String> buttonLabels,
			@Size(max = 200) String pollQuestion,
			@Size(max = 6, message = "{announcement.poll.choiceCount}") List<@Size(max = 100) String> pollChoices,
			@Size(max = 1000) String speak, @Size(max = 500) String imageAlt) {

		public Variant {
			title = trimToNull(title);
			summary = trimToNull(summary);
			previewText = trimToNull(previewText);
			pollQuestion = trimToNull(pollQuestion);
			speak = trimToNull(speak);
			imageAlt = trimToNull(imageAlt);
			buttonLabels = (buttonLabels != null) ? buttonLabels.stream().map(AnnouncementContent::trimToNull).toList()
					: List.of();
			// Trailing empty labels are form rows, not translations.
			while (!buttonLabels.isEmpty() && buttonLabels.get(buttonLabels.size() - 1) == null) {
				buttonLabels = buttonLabels.subList(0, buttonLabels.size() - 1);
			}
			pollChoices = (pollChoices != null)
					? pollChoices.stream().map(AnnouncementContent::trimToNull).filter((c) -> c != null).toList()
					: List.of();
		}

		@JsonIgnore
		boolean isEmpty() {
			return this.title == null && this.summary == null && this.previewText == null && this.pollQuestion == null
					&& this.speak == null && this.imageAlt == null && this.pollChoices.isEmpty()
					&& this.buttonLabels.isEmpty();
		}

		Variant mapTexts(UnaryOperator<String> f) {
			return new Variant(f.apply(this.title), f.apply(this.summary), f.apply(this.previewText),
					this.buttonLabels.stream().map(f).toList(), f.apply(this.pollQuestion),
					this.pollChoices.stream().map(f).toList(), f.apply(this.speak), f.apply(this.imageAlt));
		}

	}

	static String trimToNull(String value) {
		return (value == null || value.isBlank()) ? null : value.strip();
	}

	/**
	 * How an announcement is flagged in Teams. URGENT is CRITICAL and is also announced
	 * to everyone through Teams' activity feed, at its own limit (a permission of its
	 * own).
	 */
	public enum Importance {

		NORMAL, CRITICAL, URGENT;

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
