package dev.herald.bot;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Activities already taken (table {@code bot_activity}): Teams can deliver the same
 * activity twice with the same id, and re-posts one the bot did not answer. The first
 * copy claims the id; a later copy changes nothing and, for an invoke, gets the first
 * copy's answer. The claim is one autocommitted insert, so copies arriving together
 * cannot both win.
 */
@Component
class ActivityLog {

	private static final Duration POLL = Duration.ofMillis(50);

	private final JdbcClient jdbc;

	ActivityLog(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** Claims an activity; false when a copy of it was taken already. */
	boolean claim(String tenantId, String conversationId, String activityId) {
		return this.jdbc.sql("""
				INSERT INTO bot_activity (tenant_id, conversation_id, activity_id) VALUES (:tenant, :conversation, :id)
				ON CONFLICT DO NOTHING
				""")
			.param("tenant", tenantId)
			.param("conversation", conversationId)
			.param("id", activityId)
			.update() == 1;
	}

	/** Keeps the answer given to the first copy, for the copies after it. */
	void answered(String tenantId, String conversationId, String activityId, BotResponse response) {
		this.jdbc.sql("""
				UPDATE bot_activity SET answer_status = :status, answer = :answer
				WHERE tenant_id = :tenant AND conversation_id = :conversation AND activity_id = :id
				""")
			.param("status", response.status())
			.param("answer", (response.body() != null) ? JsonMapper.shared().writeValueAsString(response.body()) : null)
			.param("tenant", tenantId)
			.param("conversation", conversationId)
			.param("id", activityId)
			.update();
	}

	/**
	 * Forgets a claim whose handling failed, so that Teams' re-post of the activity is
	 * handled.
	 */
	void release(String tenantId, String conversationId, String activityId) {
		this.jdbc
			.sql("""
					DELETE FROM bot_activity WHERE tenant_id = :tenant AND conversation_id = :conversation AND activity_id = :id
					""")
			.param("tenant", tenantId)
			.param("conversation", conversationId)
			.param("id", activityId)
			.update();
	}

	/**
	 * The answer the first copy got, waiting up to {@code wait} while it is still being
	 * handled (copies arrive together); empty when none came in time.
	 */
	@SuppressWarnings("unchecked")
	Optional<BotResponse> answer(String tenantId, String conversationId, String activityId, Duration wait) {
		long deadline = System.nanoTime() + wait.toNanos();
		while (true) {
			Optional<BotResponse> answer = this.jdbc.sql("""
					SELECT answer_status, answer FROM bot_activity
					WHERE tenant_id = :tenant AND conversation_id = :conversation AND activity_id = :id
					  AND answer_status IS NOT NULL
					""")
				.param("tenant", tenantId)
				.param("conversation", conversationId)
				.param("id", activityId)
				.query((rs, i) -> new BotResponse(rs.getInt(1),
						(rs.getString(2) != null) ? JsonMapper.shared().readValue(rs.getString(2), Map.class) : null))
				.optional();
			if (answer.isPresent() || System.nanoTime() > deadline) {
				return answer;
			}
			try {
				Thread.sleep(POLL.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return Optional.empty();
			}
		}
	}

	/** Teams repeats an activity within seconds; a day of ids is plenty. */
	@Scheduled(fixedDelayString = "${herald.bot.activity-log-prune:1h}", initialDelayString = "1m")
	int prune() {
		return this.jdbc.sql("DELETE FROM bot_activity WHERE received_at < now() - interval '1 day'").update();
	}

}
