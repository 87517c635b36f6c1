package dev.herald.question;

import java.time.Instant;

/**
 * One question and its answer, if any.
 *
 * @param id the question
 * @param announcementId the announcement it is about
 * @param askedBy the asker's display name as Teams last told Herald (null if unknown);
 * the asker's ids are not exposed
 * @param source where it was asked
 * @param text what the person asked (plain text, shown escaped)
 * @param createdAt when
 * @param status new or answered
 * @param answer the owners' answer, if answered
 * @param answeredBy the name of who answered
 * @param answeredAt when
 */
public record Question(long id, long announcementId, String askedBy, QuestionSource source, String text,
		Instant createdAt, QuestionStatus status, String answer, String answeredBy, Instant answeredAt) {

	/** The counts the report shows. */
	public record Counts(long total, long unanswered) {
	}

}
