package dev.herald.bot;

import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What recipients did with broadcast cards (table {@code card_response}) and how far they
 * read (table {@code read_receipt}).
 */
@Component
public class CardResponses {

	private final JdbcClient jdbc;

	CardResponses(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Records "Got it". The first acknowledgement counts; a second one changes nothing.
	 * @return whether this was the first
	 */
	public boolean acknowledge(long announcementId, String tenantId, String aadObjectId) {
		return this.jdbc.sql("""
				INSERT INTO card_response AS r (announcement_id, tenant_id, aad_object_id, acknowledged_at)
				VALUES (:id, :tenant, :aad, now())
				ON CONFLICT (announcement_id, tenant_id, aad_object_id) DO UPDATE SET
				  acknowledged_at = now(), updated_at = now()
				WHERE r.acknowledged_at IS NULL
				""").param("id", announcementId).param("tenant", tenantId).param("aad", aadObjectId).update() == 1;
	}

	/**
	 * Records a poll answer; answering again replaces it, the same answer changes
	 * nothing.
	 * @return whether anything changed
	 */
	public boolean vote(long announcementId, String tenantId, String aadObjectId, String choice) {
		return this.jdbc.sql("""
				INSERT INTO card_response AS r (announcement_id, tenant_id, aad_object_id, choice, voted_at)
				VALUES (:id, :tenant, :aad, :choice, now())
				ON CONFLICT (announcement_id, tenant_id, aad_object_id) DO UPDATE SET
				  choice = EXCLUDED.choice, voted_at = now(), updated_at = now()
				WHERE r.choice IS DISTINCT FROM EXCLUDED.choice
				""")
			.param("id", announcementId)
			.param("tenant", tenantId)
			.param("aad", aadObjectId)
			.param("choice", choice)
			.update() == 1;
	}

	/** A person's current answer, if any. */
	public Optional<String> choice(long announcementId, String tenantId, String aadObjectId) {
		return this.jdbc.sql("""
				SELECT choice FROM card_response
				WHERE announcement_id = :id AND tenant_id = :tenant AND aad_object_id = :aad AND choice IS NOT NULL
				""")
			.param("id", announcementId)
			.param("tenant", tenantId)
			.param("aad", aadObjectId)
			.query(String.class)
			.optional();
	}

	/**
	 * Records how far a person has read their chat. Teams message ids are increasing
	 * numbers, so an older (delayed) receipt never moves the mark back.
	 */
	public void readUpTo(String tenantId, String aadObjectId, String conversationId, String lastReadMessageId) {
		this.jdbc.sql("""
				INSERT INTO read_receipt AS r (tenant_id, aad_object_id, conversation_id, last_read_message_id)
				VALUES (:tenant, :aad, :conversation, :message)
				ON CONFLICT (tenant_id, aad_object_id) DO UPDATE SET
				  conversation_id = EXCLUDED.conversation_id, last_read_message_id = EXCLUDED.last_read_message_id,
				  read_at = now()
				WHERE r.last_read_message_id IS DISTINCT FROM EXCLUDED.last_read_message_id
				  AND (r.last_read_message_id !~ '^[0-9]{1,18}$' OR EXCLUDED.last_read_message_id !~ '^[0-9]{1,18}$'
				       OR EXCLUDED.last_read_message_id::bigint > r.last_read_message_id::bigint)
				""")
			.param("tenant", tenantId)
			.param("aad", aadObjectId)
			.param("conversation", conversationId)
			.param("message", lastReadMessageId)
			.update();
	}

	/**
	 * Records a button pressed on a test copy, apart from real responses: reports never
	 * count it.
	 */
	public void recordTest(Long announcementId, String tenantId, String aadObjectId, String verb) {
		if (announcementId == null) {
			return;
		}
		this.jdbc.sql("""
				INSERT INTO test_card_response (announcement_id, tenant_id, aad_object_id, verb)
				SELECT :id, :tenant, :aad, :verb WHERE EXISTS (SELECT 1 FROM announcement WHERE id = :id)
				""")
			.param("id", announcementId)
			.param("tenant", tenantId)
			.param("aad", aadObjectId)
			.param("verb", verb.length() > 50 ? verb.substring(0, 50) : verb)
			.update();
	}

}
