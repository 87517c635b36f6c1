package dev.herald.link;

import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.herald.announcement.AnnouncementContent;
import dev.herald.announcement.AnnouncementLinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Link tokens, link numbering and the scanner rules (#26), without a server.
 */
class LinkTokensTests {

	private static final String KEY = "a-test-signing-key-of-at-least-32-characters";

	private final LinkTokens tokens = new LinkTokens(KEY, false);

	@Test
	void aTokenSaysWhatItWasMintedWithAndIsCompact() {
		LinkTokens.Ref person = new LinkTokens.Ref(123456789L, 5, "fr", "0b5e55ed-0000-4000-8000-0000000000aa",
				LinkTokens.Medium.TEAMS);
		String token = this.tokens.mint(person);
		assertThat(token).matches("[A-Za-z0-9_-]+").hasSizeLessThanOrEqualTo(52);
		assertThat(this.tokens.parse(token)).contains(person);
		LinkTokens.Ref nobody = new LinkTokens.Ref(7, 0, null, null, LinkTokens.Medium.EMAIL);
		assertThat(this.tokens.parse(this.tokens.mint(nobody))).contains(nobody);
		LinkTokens.Ref channel = new LinkTokens.Ref(7, 1, null, "19:abc@thread.tacv2", LinkTokens.Medium.TEAMS);
		assertThat(this.tokens.parse(this.tokens.mint(channel))).contains(channel);
		// A person's token of a default-variant card: 44 characters for announcement 42.
		assertThat(this.tokens
			.mint(new LinkTokens.Ref(42, 0, null, "0b5e55ed-0000-4000-8000-0000000000aa", LinkTokens.Medium.TEAMS)))
			.hasSize(44);
	}

	@Test
	void everyChangedByteOrAnotherKeyIsRefused() {
		String token = this.tokens
			.mint(new LinkTokens.Ref(99, 1, null, "0b5e55ed-0000-4000-8000-0000000000aa", LinkTokens.Medium.TEAMS));
		byte[] bytes = Base64.getUrlDecoder().decode(token);
		for (int i = 0; i < bytes.length; i++) {
			for (int bit = 0; bit < 8; bit++) {
				byte[] changed = bytes.clone();
				changed[i] ^= (byte) (1 << bit);
				assertThat(this.tokens.parse(Base64.getUrlEncoder().withoutPadding().encodeToString(changed)))
					.as("byte %d bit %d", i, bit)
					.isEmpty();
			}
		}
		// Every other letter in the last place, also those that differ only in the bits
		// the decoder ignores (a token whose length leaves unused bits there: CI saw
		// one).
		String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
		for (long id : List.of(99L, 1_099L, 300_000L)) {
			// ids of 1, 2 and 3 bytes: each token length modulo 3
			String t = this.tokens
				.mint(new LinkTokens.Ref(id, 1, null, "0b5e55ed-0000-4000-8000-0000000000aa", LinkTokens.Medium.TEAMS));
			assertThat(this.tokens.parse(t)).isPresent();
			for (char c : alphabet.toCharArray()) {
				if (c != t.charAt(t.length() - 1)) {
					String other = t.substring(0, t.length() - 1) + c;
					assertThat(this.tokens.parse(other)).as(other).isEmpty();
				}
			}
		}
		assertThat(new LinkTokens("another-signing-key-of-at-least-32-characters", false).parse(token)).isEmpty();
		assertThat(this.tokens.parse(token.substring(0, token.length() - 1))).isEmpty();
		assertThat(this.tokens.parse(token + "A")).isEmpty();
		for (String junk : List.of("", "x", "%2F%2Fevil.example", "https:__evil.example", "A".repeat(401), "!!!!",
				token.replace('A', '/'))) {
			assertThat(this.tokens.parse(junk)).as(junk).isEmpty();
		}
	}

	@Test
	void withoutAKeyNothingIsMintedOrAccepted() {
		LinkTokens none = new LinkTokens("", false);
		assertThat(none.hasKey()).isFalse();
		assertThat(none.parse(this.tokens.mint(new LinkTokens.Ref(1, 0, null, null, LinkTokens.Medium.TEAMS))))
			.isEmpty();
		assertThatThrownBy(() -> new LinkTokens("short", false)).isInstanceOf(IllegalStateException.class);
		assertThat(new LinkTokens("", true).hasKey()).as("local mode makes a key of its run").isTrue();
	}

	@Test
	void linksAreNumberedButtonsFirstAndRewrittenInTheText() {
		AnnouncementContent content = new AnnouncementContent("T",
				"Read [the policy](https://intranet.example/policy) or see https://intranet.example/faq. "
						+ "Mail [us](mailto:hr@example.com).",
				null, null,
				List.of(new AnnouncementContent.Button("Plan", "https://intranet.example/plan"),
						new AnnouncementContent.Button("Parking", "https://parking.example/permit")),
				AnnouncementContent.Importance.NORMAL, null, false, null, List.of(), "en", null, null,
				Map.of("fr",
						new AnnouncementContent.Variant("T fr",
								"Lisez [la politique](https://intranet.example/fr/policy).", null, List.of("Plan FR"),
								null, List.of(), null, null)));
		assertThat(AnnouncementLinks.list(content))
			.extracting(AnnouncementLinks.Link::index, AnnouncementLinks.Link::url)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(0, "https://intranet.example/plan"),
					org.assertj.core.groups.Tuple.tuple(1, "https://parking.example/permit"),
					org.assertj.core.groups.Tuple.tuple(4, "https://intranet.example/policy"),
					org.assertj.core.groups.Tuple.tuple(5, "https://intranet.example/faq"));
		assertThat(AnnouncementLinks.target(content, null, 5)).isEqualTo("https://intranet.example/faq");
		assertThat(AnnouncementLinks.target(content, "fr", 4)).isEqualTo("https://intranet.example/fr/policy");
		assertThat(AnnouncementLinks.target(content, "fr", 1)).isEqualTo("https://parking.example/permit");
		assertThat(AnnouncementLinks.target(content, "fr", 5)).isNull();
		assertThat(AnnouncementLinks.target(content, null, 2)).isNull();
		assertThat(AnnouncementLinks.target(content, null, -1)).isNull();
		assertThat(AnnouncementLinks.rewrite(content.summary(), (i) -> "R" + i)).isEqualTo(
				"Read [the policy](R4) or see [https://intranet.example/faq](R5). Mail [us](mailto:hr@example.com).");
	}

	@Test
	void previewersAndScannersAreNotPeople() {
		assertThat(Scanners.why("HEAD", "Mozilla/5.0 (Windows NT 10.0) Chrome/120")).isEqualTo("head");
		assertThat(Scanners.why("GET", null)).isEqualTo("no-agent");
		assertThat(Scanners.why("GET", "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5"))
			.isEqualTo("agent");
		assertThat(Scanners.why("GET", "Mozilla/5.0 (compatible; SkypeUriPreview; +https://www.skype.com)"))
			.isEqualTo("agent");
		assertThat(Scanners.why("GET", "Microsoft Office Existence Discovery")).isEqualTo("agent");
		assertThat(Scanners.why("GET", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"))
			.isEqualTo("agent");
		assertThat(Scanners.why("GET", "Mozilla/5.0 (compatible; BingPreview/1.0b)")).isEqualTo("agent");
		assertThat(Scanners.why("GET", "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/120.0")).isEqualTo("agent");
		// People: desktop and mobile browsers, and the Teams client's own browser.
		assertThat(Scanners.why("GET",
				"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 "
						+ "Safari/537.36 Edg/120.0"))
			.isNull();
		assertThat(Scanners.why("GET",
				"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
						+ "Mobile/15E148 Teams/6.0"))
			.isNull();
	}

}
