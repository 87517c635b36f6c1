package dev.herald.conversation;

import java.util.List;
import java.util.Optional;

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

	/**
	 * Records a person's chat from an inbound activity. Unlike {@link #upsertPersonal} an
	 * unchanged row is not written at all, so a replayed activity changes nothing, and
	 * the caller learns whether the chat is new or came back from an uninstall.
	 */
	@Transactional
	public PersonalUpsert recordPersonal(PersonalConversation c) {
		return this.jdbc.sql("""
				WITH before AS (
				  SELECT id, status FROM conversation
				  WHERE kind = 'personal' AND tenant_id = :tenant AND aad_object_id = :aad
				), written AS (
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
				  WHERE (conversation.teams_user_id, conversation.conversation_id, conversation.service_url,
				         conversation.locale, conversation.display_name, conversation.status)
				        IS DISTINCT FROM
				        (COALESCE(EXCLUDED.teams_user_id, conversation.teams_user_id), EXCLUDED.conversation_id,
				         EXCLUDED.service_url, COALESCE(EXCLUDED.locale, conversation.locale),
				         COALESCE(EXCLUDED.display_name, conversation.display_name), 'active')
				  RETURNING id
				)
				SELECT COALESCE((SELECT id FROM written), (SELECT id FROM before)) AS id,
				       (SELECT id FROM before) IS NULL AS created,
				       COALESCE((SELECT status FROM before) <> 'active', false) AS reactivated,
				       (SELECT id FROM written) IS NOT NULL AS changed
				""")
			.param("tenant", c.tenantId())
			.param("aad", c.aadObjectId())
			.param("teamsUser", c.teamsUserId())
			.param("conversation", c.conversationId())
			.param("serviceUrl", c.serviceUrl())
			.param("locale", c.locale())
			.param("name", c.displayName())
			.query((rs, i) -> new PersonalUpsert(rs.getLong("id"), rs.getBoolean("created"),
					rs.getBoolean("reactivated"), rs.getBoolean("changed")))
			.single();
	}

	/**
	 * Records a channel the bot can post to; an unchanged row is not written.
	 * @return whether anything changed
	 */
	public boolean recordChannel(ChannelConversation c) {
		return this.jdbc.sql("""
				INSERT INTO conversation (kind, tenant_id, conversation_id, service_url, display_name, team_id,
				                          channel_id, aad_group_id, status)
				VALUES ('channel', :tenant, :channel, :serviceUrl, :name, :team, :channel, :group, 'active')
				ON CONFLICT (tenant_id, channel_id) WHERE kind = 'channel' DO UPDATE SET
				  service_url  = EXCLUDED.service_url,
				  display_name = COALESCE(EXCLUDED.display_name, conversation.display_name),
				  team_id      = EXCLUDED.team_id,
				  aad_group_id = COALESCE(EXCLUDED.aad_group_id, conversation.aad_group_id),
				  status       = 'active',
				  updated_at   = now()
				WHERE (conversation.service_url, conversation.display_name, conversation.team_id,
				       conversation.aad_group_id, conversation.status)
				      IS DISTINCT FROM
				      (EXCLUDED.service_url, COALESCE(EXCLUDED.display_name, conversation.display_name),
				       EXCLUDED.team_id, COALESCE(EXCLUDED.aad_group_id, conversation.aad_group_id), 'active')
				""")
			.param("tenant", c.tenantId())
			.param("channel", c.channelId())
			.param("serviceUrl", c.serviceUrl())
			.param("name", c.name())
			.param("team", c.teamId())
			.param("group", c.aadGroupId())
			.update() == 1;
	}

	/**
	 * Makes each channel of an audience a conversation Herald may post to once it is in
	 * the channel's team, keeping what is already known about it: its id is the Bot
	 * Framework conversation id. A channel first heard of here is stored as
	 * {@code uninstalled}: only Teams' conversationUpdate (or Graph saying the app is in
	 * the team) makes it active, since Teams refuses posts from a bot outside the team.
	 */
	public void ensureChannels(String tenantId, String serviceUrl, List<ChannelConversation> channels) {
		for (ChannelConversation c : channels) {
			this.jdbc.sql("""
					INSERT INTO conversation (kind, tenant_id, conversation_id, service_url, display_name, team_id,
					                          channel_id, aad_group_id, status)
					VALUES ('channel', :tenant, :channel, :serviceUrl, :name, :team, :channel, :group, 'uninstalled')
					ON CONFLICT (tenant_id, channel_id) WHERE kind = 'channel'
					DO UPDATE SET display_name = COALESCE(conversation.display_name, EXCLUDED.display_name),
					              aad_group_id = COALESCE(conversation.aad_group_id, EXCLUDED.aad_group_id)
					WHERE (conversation.display_name IS NULL AND EXCLUDED.display_name IS NOT NULL)
					   OR (conversation.aad_group_id IS NULL AND EXCLUDED.aad_group_id IS NOT NULL)
					""")
				.param("tenant", tenantId)
				.param("channel", c.channelId())
				.param("serviceUrl", serviceUrl)
				.param("name", c.name())
				.param("team", c.teamId())
				.param("group", (c.aadGroupId() != null) ? c.aadGroupId() : c.teamId())
				.update();
		}
	}

	/**
	 * Graph says Herald is in this team (Graph id): its known channels may be posted to,
	 * whether or not Teams' conversationUpdate arrived (it may have been sent before
	 * Herald ran). Returns how many channels changed.
	 */
	public int activateTeamChannels(String tenantId, String aadGroupId) {
		return this.jdbc.sql("""
				UPDATE conversation SET status = 'active', updated_at = now()
				WHERE kind = 'channel' AND tenant_id = :tenant AND aad_group_id = :group AND status <> 'active'
				""").param("tenant", tenantId).param("group", aadGroupId).update();
	}

	/** Marks every channel of a team, e.g. when the bot is removed from it. */
	public int markTeamStatus(String tenantId, String teamId, ConversationStatus status) {
		return this.jdbc.sql("""
				UPDATE conversation SET status = :status, updated_at = now()
				WHERE kind = 'channel' AND tenant_id = :tenant AND team_id = :team AND status <> :status
				""").param("status", status.dbValue()).param("tenant", tenantId).param("team", teamId).update();
	}

	/**
	 * Follows a serviceUrl change: Teams says the value "is stable but can change", and
	 * every activity carries the current one.
	 */
	public int refreshServiceUrl(String tenantId, String conversationId, String serviceUrl) {
		return this.jdbc.sql("""
				UPDATE conversation SET service_url = :serviceUrl, updated_at = now()
				WHERE tenant_id = :tenant AND conversation_id = :conversation AND service_url <> :serviceUrl
				""")
			.param("serviceUrl", serviceUrl)
			.param("tenant", tenantId)
			.param("conversation", conversationId)
			.update();
	}

	/** The stored locale of a person's chat, if any. */
	public Optional<String> personalLocale(String tenantId, String aadObjectId) {
		return this.jdbc.sql("""
				SELECT locale FROM conversation
				WHERE kind = 'personal' AND tenant_id = :tenant AND aad_object_id = :aad AND locale IS NOT NULL
				""").param("tenant", tenantId).param("aad", aadObjectId).query(String.class).optional();
	}

	/**
	 * What {@link #recordPersonal} did.
	 *
	 * @param id the row id
	 * @param created the person had no chat row before
	 * @param reactivated the chat was uninstalled or blocked and is active again
	 * @param changed anything was written
	 */
	public record PersonalUpsert(long id, boolean created, boolean reactivated, boolean changed) {
	}

	/**
	 * Like {@link #markPersonalStatus} but writes only a real change, so a replayed
	 * uninstall changes nothing.
	 * @return whether the status changed
	 */
	public boolean changePersonalStatus(String tenantId, String aadObjectId, ConversationStatus status) {
		return this.jdbc.sql("""
				UPDATE conversation SET status = :status, updated_at = now()
				WHERE kind = 'personal' AND tenant_id = :tenant AND aad_object_id = :aad AND status <> :status
				""")
			.param("status", status.dbValue())
			.param("tenant", tenantId)
			.param("aad", aadObjectId)
			.update() == 1;
	}

	/** Number of people Herald can reach in their personal chat. */
	public long countActivePersonal() {
		return this.jdbc.sql("SELECT count(*) FROM conversation WHERE kind = 'personal' AND status = 'active'")
			.query(Long.class)
			.single();
	}

}
