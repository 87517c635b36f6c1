package dev.herald.bot;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CommandTests {

	@Test
	void understandsEveryLanguageAndAlwaysEnglish() {
		assertThat(Command.parse("stop")).isEqualTo(Command.STOP);
		assertThat(Command.parse("  STOP! ")).isEqualTo(Command.STOP);
		assertThat(Command.parse("Arrêter")).isEqualTo(Command.STOP);
		assertThat(Command.parse("arreter")).isEqualTo(Command.STOP);
		assertThat(Command.parse("Stopp")).isEqualTo(Command.STOP);
		assertThat(Command.parse("detener")).isEqualTo(Command.STOP);
		assertThat(Command.parse("停止")).isEqualTo(Command.STOP);
		assertThat(Command.parse("start")).isEqualTo(Command.START);
		assertThat(Command.parse("reprendre")).isEqualTo(Command.START);
		assertThat(Command.parse("reanudar")).isEqualTo(Command.START);
		assertThat(Command.parse("开始。")).isEqualTo(Command.START);
		assertThat(Command.parse("help")).isEqualTo(Command.HELP);
		assertThat(Command.parse("Aide")).isEqualTo(Command.HELP);
		assertThat(Command.parse("帮助")).isEqualTo(Command.HELP);
		assertThat(Command.parse("?")).isEqualTo(Command.HELP);
	}

	@Test
	void ignoresTheBotMentionAndMarkup() {
		assertThat(Command.parse("<at>Herald</at> stop")).isEqualTo(Command.STOP);
		assertThat(Command.parse("<p>help</p>")).isEqualTo(Command.HELP);
	}

	@Test
	void sentencesAreNotCommands() {
		assertThat(Command.parse("please don't stop")).isEqualTo(Command.UNKNOWN);
		assertThat(Command.parse("")).isEqualTo(Command.UNKNOWN);
		assertThat(Command.parse(null)).isEqualTo(Command.UNKNOWN);
	}

}
