package dev.herald.bot;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BotLanguageTests {

	@Test
	void mapsClientLocalesToSupportedLanguages() {
		assertThat(BotLanguage.of("fr-FR")).isEqualTo(BotLanguage.FR);
		assertThat(BotLanguage.of("fr-CA")).isEqualTo(BotLanguage.FR);
		assertThat(BotLanguage.of("de-AT")).isEqualTo(BotLanguage.DE);
		assertThat(BotLanguage.of("es-MX")).isEqualTo(BotLanguage.ES);
		assertThat(BotLanguage.of("zh-CN")).isEqualTo(BotLanguage.ZH_CN);
		assertThat(BotLanguage.of("zh-Hans-SG")).isEqualTo(BotLanguage.ZH_CN);
		assertThat(BotLanguage.of("en-GB")).isEqualTo(BotLanguage.EN);
	}

	@Test
	void fallsBackToEnglish() {
		assertThat(BotLanguage.of(null)).isEqualTo(BotLanguage.EN);
		assertThat(BotLanguage.of("ja-JP")).isEqualTo(BotLanguage.EN);
		assertThat(BotLanguage.of("zh-TW")).as("no simplified Chinese for traditional readers")
			.isEqualTo(BotLanguage.EN);
	}

}
