package dev.herald.announcement;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * What an author writes; the same record backs the compose form and the JSON API.
 *
 * @param title the headline
 * @param summary the body, in Teams markdown
 * @param imageUrl an optional banner image
 * @param buttonTitle the label of the optional button
 * @param buttonUrl where the button leads
 */
public record AnnouncementContent(@NotBlank @Size(max = 200) String title, @Size(max = 4000) String summary,
		@Size(max = 2000) @Pattern(regexp = "^(https?://\\S+)?$",
				message = "{announcement.url.invalid}") String imageUrl,
		@Size(max = 60) String buttonTitle, @Size(max = 2000) @Pattern(regexp = "^(https?://\\S+)?$",
				message = "{announcement.url.invalid}") String buttonUrl) {

	public AnnouncementContent {
		title = trimToNull(title);
		summary = trimToNull(summary);
		imageUrl = trimToNull(imageUrl);
		buttonTitle = trimToNull(buttonTitle);
		buttonUrl = trimToNull(buttonUrl);
	}

	/** A button needs both a label and a link. */
	@com.fasterxml.jackson.annotation.JsonIgnore
	@jakarta.validation.constraints.AssertTrue(message = "{announcement.button.incomplete}")
	public boolean isButtonComplete() {
		return (this.buttonTitle == null) == (this.buttonUrl == null);
	}

	public static AnnouncementContent empty() {
		return new AnnouncementContent(null, null, null, null, null);
	}

	private static String trimToNull(String value) {
		return (value == null || value.isBlank()) ? null : value.strip();
	}

}
