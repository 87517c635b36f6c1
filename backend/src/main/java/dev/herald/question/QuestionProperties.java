package dev.herald.question;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Bounds on questions.
 *
 * @param maxLength longest question, in characters
 * @param maxAnswerLength longest answer, in characters (it goes out in a card)
 * @param perHour questions one person may ask in any hour, all announcements together
 * @param recentWindow how far back a message typed without replying to a card looks for
 * the announcement it may be about (the person is asked before it is sent)
 */
@Validated
@ConfigurationProperties("herald.questions")
public record QuestionProperties(@Min(1) @Max(4000) @DefaultValue("1000") int maxLength,
		@Min(1) @Max(8000) @DefaultValue("4000") int maxAnswerLength, @Min(1) @DefaultValue("10") int perHour,
		@NotNull @DefaultValue("7d") Duration recentWindow) {
}
