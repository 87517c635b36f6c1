package dev.herald.question;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How a question's text is stored (#24). */
class QuestionsTextTests {

	@Test
	void controlCharactersAndBidiOverridesGoLineBreaksStay() {
		assertThat(Questions.clean(" a\u0000b\u0007\r\nc\td ")).isEqualTo("ab\nc\td");
		// Bidirectional overrides would make the report show other text than was asked.
		assertThat(Questions.clean("pay \u202Eelbat\u202C \u2066x\u2069")).isEqualTo("pay elbat x");
		assertThat(Questions.clean(null)).isEmpty();
		assertThat(Questions.clean(" \n\t ")).isEmpty();
	}

	@Test
	void onlyNewBecomesAnsweredAndAnAnswerIsFinal() {
		assertThat(QuestionStatus.NEW.canBecome(QuestionStatus.ANSWERED)).isTrue();
		assertThat(QuestionStatus.ANSWERED.canBecome(QuestionStatus.ANSWERED)).isFalse();
		assertThat(QuestionStatus.ANSWERED.canBecome(QuestionStatus.NEW)).isFalse();
		assertThat(QuestionStatus.NEW.canBecome(QuestionStatus.NEW)).isFalse();
	}

}
