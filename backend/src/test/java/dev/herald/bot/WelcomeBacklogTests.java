package dev.herald.bot;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.herald.simulator.SimUser;
import dev.herald.simulator.SimulatorConfig;
import dev.herald.support.Await;
import dev.herald.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Welcomes are sent newest first: during a rollout backlog (2,000 welcomes due, 200 s of
 * work at 10/s), someone who installs the app now is greeted within 10 s. And the welcome
 * budget, not Teams' latency or the queue's poll, sets their pace.
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

	@Test
	void aBacklogGoesOutAtTheBudgetsPaceNotOneCallAfterAnother() {
		String batch = "paced-" + UUID.randomUUID() + "-";
		SimulatorConfig.Latency latency = this.simulator.config().latency();
		// 30 calls of 600 ms each: 18 s one after another, whatever the poll does; at
		// the welcome budget (10/s, 8/s while a broadcast runs), a few in the air: 4-5 s.
		this.simulator.setLatency(new SimulatorConfig.Latency(600, 600));
		try {
			long started = System.nanoTime();
			this.jdbc.sql("""
					INSERT INTO bot_welcome (tenant_id, scope, subject_id, locale, status, service_url, conversation_id,
					                         activity, next_attempt_at)
					SELECT :tenant, 'personal', :batch || n, 'en-US', 'due', :serviceUrl, 'a:paced-' || n,
					       '{"type":"message","text":"old welcome"}'::jsonb, now()
					FROM generate_series(1, 30) n
					""")
				.param("tenant", this.simulator.tenantId())
				.param("batch", batch)
				.param("serviceUrl", this.simulator.serviceUrl())
				.update();
			// Teams does not know these chats (404): one call fails each for good.
			Await.until(Duration.ofSeconds(30), "every welcome of the backlog answered", () -> this.jdbc.sql("""
					SELECT count(*) FROM bot_welcome WHERE subject_id LIKE :batch || '%' AND status = 'due'
					""").param("batch", batch).query(Long.class).single() == 0);
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(12));
		}
		finally {
			this.simulator.setLatency(latency);
			this.jdbc.sql("UPDATE bot_welcome SET status = 'failed' WHERE subject_id LIKE :batch || '%'")
				.param("batch", batch)
				.update();
		}
	}

}
