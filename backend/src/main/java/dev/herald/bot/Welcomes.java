package dev.herald.bot;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The welcome queue (table {@code bot_welcome}): one row per person or team, so
 * concurrent or replayed install activities greet once. An install records the welcome as
 * due; the {@link WelcomeSender} posts due welcomes in the background and retries what
 * may be retried, so a burst of installs never drops a welcome.
 */
@Component
class Welcomes {

	static final String PERSONAL = "personal";

	static final String TEAM = "team";

	private final JdbcClient jdbc;

	Welcomes(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Records a welcome as due unless this person or team was already greeted (or is
	 * queued).
	 * @return whether it was queued by this call
	 */
	boolean enqueue(String tenantId, String scope, String subjectId, BotLanguage language, String serviceUrl,
			String conversationId, Map<String, Object> activity) {
		return this.jdbc.sql("""
				INSERT INTO bot_welcome (tenant_id, scope, subject_id, locale, status, service_url, conversation_id,
				                         activity)
				VALUES (:tenant, :scope, :subject, :locale, 'due', :serviceUrl, :conversation, CAST(:activity AS jsonb))
				ON CONFLICT DO NOTHING
				""")
			.param("tenant", tenantId)
			.param("scope", scope)
			.param("subject", subjectId)
			.param("locale", language.tag())
			.param("serviceUrl", serviceUrl)
			.param("conversation", conversationId)
			.param("activity", JsonMapper.shared().writeValueAsString(activity))
			.update() == 1;
	}

	/**
	 * Claims due welcomes for sending, newest first (other instances skip the locked
	 * rows).
	 */
	List<Due> claimDue(int limit, Duration lease) {
		return this.jdbc.sql("""
				UPDATE bot_welcome w SET attempts = w.attempts + 1,
				       next_attempt_at = now() + :lease * interval '1 millisecond'
				WHERE (w.tenant_id, w.scope, w.subject_id) IN (
				  SELECT tenant_id, scope, subject_id FROM bot_welcome
				  WHERE status = 'due' AND next_attempt_at <= now()
				  -- newest first: during a rollout backlog, whoever has just installed is
				  -- greeted within seconds instead of hours
				  ORDER BY next_attempt_at DESC LIMIT :limit FOR UPDATE SKIP LOCKED)
				RETURNING w.tenant_id, w.scope, w.subject_id, w.service_url, w.conversation_id, w.activity::text,
				          w.attempts
				""")
			.param("limit", limit)
			.param("lease", lease.toMillis())
			.query((rs, i) -> new Due(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
					rs.getString(5), rs.getString(6), rs.getInt(7)))
			.list();
	}

	void markSent(Due due) {
		finish(due, "sent", null, null);
	}

	void markFailed(Due due, String error) {
		finish(due, "failed", error, null);
	}

	void retryAt(Due due, Instant at, String error) {
		finish(due, "due", error, at);
	}

	private void finish(Due due, String status, String error, Instant retryAt) {
		this.jdbc.sql("""
				UPDATE bot_welcome SET status = :status, last_error = :error,
				       sent_at = CASE WHEN :status = 'sent' THEN now() ELSE sent_at END,
				       next_attempt_at = COALESCE(CAST(:retryAt AS timestamptz), next_attempt_at)
				WHERE tenant_id = :tenant AND scope = :scope AND subject_id = :subject
				""")
			.param("status", status)
			.param("error", error)
			.param("retryAt", (retryAt != null) ? java.sql.Timestamp.from(retryAt) : null)
			.param("tenant", due.tenantId())
			.param("scope", due.scope())
			.param("subject", due.subjectId())
			.update();
	}

	/** A welcome to send now. */
	record Due(String tenantId, String scope, String subjectId, String serviceUrl, String conversationId,
			String activityJson, int attempts) {
	}

}
