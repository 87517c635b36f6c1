package dev.herald.conversation;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** The conversation store. */
@Component
public class Conversations {

	private final JdbcClient jdbc;

	Conversations(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Records or refreshes a person's chat. A new serviceUrl, conversation id or locale
	 * replaces the old one, and a (re)install makes the chat active again.
	 */
	@Transactional
	public long upsertPersonal(PersonalConversation c) {
		return this.jdbc.sql("""
				INSERT INTO conversation (kind, tenant_id, aad_object_id, teams_user_id, conversation_id, service_url,
				                          locale, display_name, status)
				VALUES ('personal', :tenant, :aad, :teamsUser, :conversation, :serviceUrl, :locale, :name, 'active')
				ON CONFLICT (tenant_id, aad_object_id) WHERE kind = 'personal' DO UPDATE SET
				  teams_user_id   = COALESCE(EXCLUDED.teams_user_id, conversation.teams_user_id),
				  conversation_id = EXCLUDED.conversation_id,
				  service_url     = EXCLUDED.service_url,
				  locale          = COALESCE(EXCLUDED.locale, conversation.locale),
				  display_name    = COALESCE(EXCLUDED.display_name, conversation.display_name),
				  status          = 'active',
				  updated_at      = now()
				RETURNING id
				""")
			.param("tenant", c.tenantId())
			.param("aad", c.aadObjectId())
			.param("teamsUser", c.teamsUserId())
			.param("conversation", c.conversationId())
			.param("serviceUrl", c.serviceUrl())
			.param("locale", c.locale())
			.param("name", c.displayName())
			.query(Long.class)
			.single();
	}

	/** Marks a conversation (by its row id) as blocked or uninstalled. */
	public void markStatus(long id, ConversationStatus status) {
		this.jdbc.sql("UPDATE conversation SET status = :status, updated_at = now() WHERE id = :id")
			.param("status", status.dbValue())
			.param("id", id)
			.update();
	}

	/** Marks a person's chat by tenant and Entra object id. */
	public void markPersonalStatus(String tenantId, String aadObjectId, ConversationStatus status) {
		this.jdbc.sql("""
				UPDATE conversation SET status = :status, updated_at = now()
				WHERE kind = 'personal' AND tenant_id = :tenant AND aad_object_id = :aad
				""").param("status", status.dbValue()).param("tenant", tenantId).param("aad", aadObjectId).update();
	}

	/** Number of people Herald can reach in their personal chat. */
	public long countActivePersonal() {
		return this.jdbc.sql("SELECT count(*) FROM conversation WHERE kind = 'personal' AND status = 'active'")
			.query(Long.class)
			.single();
	}

}
