/**
 * Questions people ask about an announcement (#24): typed in reply to its card in their
 * chat with Herald, sent with the card's "Ask a question", or from the personal tab. Each
 * is stored with the announcement (table {@code question}, owned here), bounded in length
 * and rate-limited per person; the announcement's owners (and Admins) read and answer
 * them on the report and through {@code /api/v1/announcements/{id}/questions}; an answer
 * is audited and published as {@link dev.herald.question.QuestionAnswered}, which the bot
 * delivers to the person's chat. Purged with the announcement's personal data.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Questions")
package dev.herald.question;
