package dev.herald.question;

/**
 * Published in the transaction that stores an answer; the bot delivers it to the person's
 * chat once that transaction committed.
 *
 * @param questionId the question
 * @param announcementId its announcement
 * @param tenantId the asker's tenant, as Teams sends it
 * @param aadObjectId the asker's Entra object id, as Teams sends it
 * @param question what they asked
 * @param answer the answer
 */
public record QuestionAnswered(long questionId, long announcementId, String tenantId, String aadObjectId,
		String question, String answer) {
}
