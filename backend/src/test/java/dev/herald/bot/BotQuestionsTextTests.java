package dev.herald.bot;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a typed question keeps of the message Teams sends (#24). */
class BotQuestionsTextTests {

	private static final String QUOTED = "<blockquote itemscope=\"\" itemtype=\"http://schema.skype.com/Reply\" "
			+ "itemid=\"1733512345678\"><strong itemprop=\"mri\">Herald</strong><span itemprop=\"time\" "
			+ "itemid=\"1733512345678\"></span><p itemprop=\"preview\">Parking</p></blockquote>";

	@Test
	void plainTextIsKeptAsTyped() {
		assertThat(BotQuestions.plain("  Is a < b & c > d? <b>not bold</b>  ", "plain"))
			.isEqualTo("Is a < b & c > d? <b>not bold</b>");
	}

	@Test
	void richTextLosesItsMarkupAndTeamsQuote() {
		assertThat(BotQuestions.plain(QUOTED + "<p>Where do I&nbsp;park &lt;exactly&gt;?</p>", "xml"))
			.isEqualTo("Where do I park <exactly>?");
		assertThat(BotQuestions.plain(QUOTED + "<p>One</p><p>Two</p>", null)).isEqualTo("One\nTwo");
		// A quote, even in a message marked plain, is not part of the question.
		assertThat(BotQuestions.plain(QUOTED + "Why?", "plain")).isEqualTo("Why?");
		assertThat(BotQuestions.plain("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>", "xml"))
			.isEqualTo("<script>alert(1)</script>");
	}

	@Test
	void aQuotedReplyNamesTheMessageItReplies() {
		assertThat(BotQuestions.quotedMessage(QUOTED + "<p>Where?</p>")).contains("1733512345678");
		assertThat(BotQuestions.quotedMessage("<p>Where?</p>")).isEmpty();
		assertThat(BotQuestions.quotedMessage("<blockquote itemid=\"42\">not a Teams reply</blockquote>")).isEmpty();
	}

}
