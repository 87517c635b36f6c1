package dev.herald.announcement;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The notification preview text: what Teams shows, and how the compose preview cuts it.
 */
class NotificationPreviewTests {

	private static AnnouncementContent content(String title, String previewText) {
		return new AnnouncementContent(title, null, null, null, List.of(), null, null, false, null, List.of(),
				previewText);
	}

	@Test
	void thePreviewTextWhenSetElseTheTitle() {
		assertThat(content("Title", "  Read this first ").notificationText()).isEqualTo("Read this first");
		assertThat(content("Title", "   ").notificationText()).isEqualTo("Title");
		assertThat(content("Title", null).notificationText()).isEqualTo("Title");
	}

	@Test
	void cutAfterWhatTeamsShowsWithAnEllipsisAndNeverInsideACharacter() {
		String shown = "é".repeat(AnnouncementContent.PREVIEW_SHOWN);
		assertThat(content("t", shown).notificationTextAsShown()).isEqualTo(shown);
		String emoji = "\uD83D\uDE00";
		String longText = "a".repeat(AnnouncementContent.PREVIEW_SHOWN - 1) + emoji + "tail";
		String cut = content("t", longText).notificationTextAsShown();
		assertThat(cut).endsWith(emoji + "\u2026").doesNotContain("tail");
		assertThat(cut.codePointCount(0, cut.length())).isEqualTo(AnnouncementContent.PREVIEW_SHOWN + 1);
	}

}
