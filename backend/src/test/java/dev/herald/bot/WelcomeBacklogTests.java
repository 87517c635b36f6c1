package dev.herald.bot;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Welcomes are sent newest first: during a rollout backlog (2,000 welcomes due, 200 s of
 * work at 10/s), someone who installs the app now is greeted within 10 s.
 */
class WelcomeBacklogTests extends IntegrationTest {

	@Test
	void aFreshInstallDuringABacklogOf2000IsWelcomedWithin10Seconds() {
		String batch = "backlog-" + UUID.randomUUID() + "-";
		SimUser fresh = this.simulator.tenant()
			.users()
			.stream()
			.filter((u) -> !u.guest() && !this.simulator.isInstalled(u.id()) && !hasActiveChat(u.id()))
			.skip(25)
			.findFirst()
			.orElseThrow();
		// The backlog: due since a minute ago, to people whose chats Teams does not know.
		this.jdbc
			.sql("""
					INSERT INTO bot_welcome (tenant_id, scope, subject_id, locale, status, service_url, conversation_id,
					                         activity, next_attempt_at)
					SELECT :tenant, 'personal', :batch || n, 'en-US', 'due', :serviceUrl, 'a:backlog-' || n,
					       '{"type":"message","text":"old welcome"}'::jsonb, now() - interval '1 minute' + n * interval '1 millisecond'
					FROM generate_series(1, 2000) n
					""")
			.param("tenant", this.simulator.tenantId())
			.param("batch", batch)
			.param("serviceUrl", this.simulator.serviceUrl())
			.update();
		try {
			long installed = System.nanoTime();
			this.simulator.installForUser(fresh.id());
			Await.until(Duration.ofSeconds(10), "welcome in the new user's chat",
					() -> !this.simulator.inbox(fresh.id()).isEmpty());
			assertThat(Duration.ofNanos(System.nanoTime() - installed)).isLessThan(Duration.ofSeconds(10));
			assertThat(this.jdbc.sql("""
					SELECT count(*) FROM bot_welcome WHERE subject_id LIKE :batch || '%' AND status = 'due'
					""").param("batch", batch).query(Long.class).single())
				.as("the backlog is still there: the fresh welcome did not wait for it")
				.isGreaterThan(1500);
		}
		finally {
			this.jdbc.sql("UPDATE bot_welcome SET status = 'failed' WHERE subject_id LIKE :batch || '%'")
				.param("batch", batch)
				.update();
		}
	}

}
