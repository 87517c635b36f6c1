package dev.herald.email;

import java.time.Duration;
import java.util.List;

import dev.herald.announcement.AnnouncementContent;
import org.junit.jupiter.api.Test;

import org.springframework.context.support.StaticMessageSource;

import static org.assertj.core.api.Assertions.assertThat;

/** What may survive of an author's content in an e-mail, and the unsubscribe tokens. */
class EmailRendererTests {

	@Test
	void markdownBecomesHtmlWithNothingActive() {
		String html = EmailRenderer.markdown(
				"""
						**bold** and _it_ <b onclick="x()">raw</b>
						<script>alert(1)</script><iframe src="https://evil.test"></iframe>
						![pixel](https://tracker.test/p.gif) [a](javascript:alert(1)) [b](data:text/html,x) [c](https://ok.test/)
						""");
		assertThat(html).contains("<strong>bold</strong>", "<em>it</em>", "href=\"https://ok.test/\"")
			.doesNotContain("<script", "<iframe", "<img", "javascript:", "data:text", "<b ");
		// What was raw HTML is now text: no element carries an event attribute.
		org.jsoup.Jsoup.parse(html)
			.getAllElements()
			.forEach((element) -> element.attributes()
				.forEach((attribute) -> assertThat(attribute.getKey()).doesNotStartWithIgnoringCase("on")));
		assertThat(html).contains("&lt;b onclick=");
	}

	@Test
	void headersHoldNoLineBreaks() {
		assertThat(EmailRenderer.headerSafe("Hi\r\nBcc: a@b.test\u0000\tX")).isEqualTo("Hi  Bcc: a@b.test  X");
	}

	@Test
	void titlesAndButtonLabelsAreEscapedInTheHtmlPart() {
		StaticMessageSource messages = new StaticMessageSource();
		messages.setUseCodeAsDefaultMessage(true);
		AnnouncementContent content = new AnnouncementContent("<b>T</b>", "x", null, "<i>HR</i>",
				List.of(new AnnouncementContent.Button("<script>", "https://a.test/?q=<x>\"")),
				AnnouncementContent.Importance.NORMAL, null, false, null, List.of());
		EmailRenderer.Rendered rendered = new EmailRenderer(messages).render(content, "fr",
				"https://herald.test/email/unsubscribe/t");
		assertThat(rendered.html()).contains("&lt;b&gt;T&lt;/b&gt;", "&lt;i&gt;HR&lt;/i&gt;", "&lt;script&gt;")
			.doesNotContain("<script>", "<b>T", "q=<x>\"");
		assertThat(rendered.language()).isEqualTo("fr");
	}

	@Test
	void aTokenVerifiesOnlyWithItsKeyAndUnchanged() {
		UnsubscribeTokens tokens = new UnsubscribeTokens(properties("a-secret-of-at-least-thirty-two-characters"));
		String token = tokens.issue(42, "ABCDEF00-0000-4000-8000-000000000001");
		assertThat(tokens.verify(token)).hasValueSatisfying((s) -> {
			assertThat(s.announcementId()).isEqualTo(42);
			assertThat(s.aadObjectId()).isEqualTo("abcdef00-0000-4000-8000-000000000001");
		});
		assertThat(new UnsubscribeTokens(properties("another-secret-of-at-least-thirty-two-chars")).verify(token))
			.isEmpty();
		assertThat(tokens.verify(token.replace('.', '_'))).isEmpty();
		assertThat(tokens.verify(token + "A")).isEmpty();
		assertThat(tokens.verify(null)).isEmpty();
		assertThat(tokens.verify("")).isEmpty();
	}

	@Test
	void aShortSecretIsRefusedWhenEmailIsOn() {
		org.assertj.core.api.Assertions.assertThatIllegalStateException()
			.isThrownBy(() -> new UnsubscribeTokens(properties("short")));
		assertThat(properties("a-secret-of-at-least-thirty-two-characters").toString()).doesNotContain("thirty");
	}

	private static EmailProperties properties(String secret) {
		return new EmailProperties("smtp", "herald@test", "Herald", 60, secret, 20, Duration.ofSeconds(1),
				Duration.ofMinutes(2), Duration.ofDays(1), 3);
	}

}
