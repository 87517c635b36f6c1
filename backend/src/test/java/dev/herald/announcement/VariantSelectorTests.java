package dev.herald.announcement;

import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which variant and which card language a person's language leads to. */
class VariantSelectorTests {

	private static final Set<String> TAGS = new TreeSet<>(Set.of("fr", "de-DE", "de-CH", "zh-CN", "pt-BR"));

	@Test
	void exactThenLanguageOnlyThenSameLanguageElsewhereThenDefault() {
		assertThat(VariantSelector.variantFor(TAGS, "de-DE")).isEqualTo("de-DE");
		assertThat(VariantSelector.variantFor(TAGS, "de-ch")).isEqualTo("de-CH");
		assertThat(VariantSelector.variantFor(TAGS, "fr-CA")).isEqualTo("fr");
		assertThat(VariantSelector.variantFor(TAGS, "fr")).isEqualTo("fr");
		// No "de" variant: another region of German, the first in tag order.
		assertThat(VariantSelector.variantFor(TAGS, "de-AT")).isEqualTo("de-CH");
		assertThat(VariantSelector.variantFor(TAGS, "pt-PT")).isEqualTo("pt-BR");
		assertThat(VariantSelector.variantFor(TAGS, "es-ES")).isNull();
		assertThat(VariantSelector.variantFor(TAGS, null)).isNull();
		assertThat(VariantSelector.variantFor(TAGS, "")).isNull();
		assertThat(VariantSelector.variantFor(Set.of(), "fr-FR")).isNull();
	}

	@Test
	void traditionalChineseReadersDoNotGetSimplified() {
		assertThat(VariantSelector.variantFor(TAGS, "zh-TW")).isNull();
		assertThat(VariantSelector.variantFor(TAGS, "zh-Hant-HK")).isNull();
		assertThat(VariantSelector.variantFor(TAGS, "zh-SG")).isEqualTo("zh-CN");
		assertThat(VariantSelector.cardLanguageFor("zh-TW")).isNull();
		assertThat(VariantSelector.cardLanguageFor("zh-Hans-CN")).isEqualTo("zh-CN");
	}

	@Test
	void cardTextsFollowThePersonWhenHeraldSpeaksTheirLanguage() {
		assertThat(VariantSelector.cardLanguageFor("fr-BE")).isEqualTo("fr");
		assertThat(VariantSelector.cardLanguageFor("es-MX")).isEqualTo("es");
		assertThat(VariantSelector.cardLanguageFor("de_AT")).isEqualTo("de");
		assertThat(VariantSelector.cardLanguageFor("ja-JP")).isNull();
		assertThat(VariantSelector.cardLanguageFor("not a tag at all")).isNull();
	}

	@Test
	void tagsAreCheckedAndCanonical() {
		assertThat(VariantSelector.isWellFormed("de-DE")).isTrue();
		assertThat(VariantSelector.isWellFormed("zh-Hant-TW")).isTrue();
		assertThat(VariantSelector.isWellFormed("x")).isFalse();
		assertThat(VariantSelector.isWellFormed("fr; DROP")).isFalse();
		assertThat(VariantSelector.isWellFormed("a".repeat(36))).isFalse();
		assertThat(VariantSelector.canonicalTag("zh-cn")).isEqualTo("zh-CN");
		assertThat(VariantSelector.canonicalTag("DE-de")).isEqualTo("de-DE");
	}

}
