package dev.herald.bot;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import io.github.resilience4j.core.IntervalFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.announcement.Announcements;
import dev.herald.pacing.SharedPacer;
import dev.herald.teams.CallBudget;
import dev.herald.teams.ConnectorClient;
import dev.herald.teams.ConnectorReply;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Posts due welcomes from the queue, newest first, a few per second for all instances
 * together (a budget shared through the database) so that broadcasts keep most of the
 * tenant budget, and fewer while a broadcast runs; honours Retry-After and retries
 * transient failures with backoff.
 */
@Component
class WelcomeSender {

	private static final Logger log = LoggerFactory.getLogger(WelcomeSender.class);

	private static final int MAX_ATTEMPTS = 6;

	private final Welcomes welcomes;

	private final ConnectorClient connector;

	private final BotProperties properties;

	private final IntervalFunction backoff = IntervalFunction.ofExponentialRandomBackoff(Duration.ofSeconds(2), 2.0,
			0.5, Duration.ofMinutes(10));

	private volatile Instant pausedUntil = Instant.EPOCH;

	private final Announcements announcements;

	/** The welcome budget, shared by every instance through the database. */
	private final SharedPacer pacer;

	WelcomeSender(Welcomes welcomes, ConnectorClient connector, BotProperties properties, Announcements announcements,
			JdbcClient jdbc) {
		this.welcomes = welcomes;
		this.connector = connector;
		this.properties = properties;
		this.announcements = announcements;
		this.pacer = new SharedPacer(jdbc, "welcome", properties.welcomeRatePerSecond());
	}

	@Scheduled(fixedDelayString = "${herald.bot.welcome-poll:1s}")
	void sendDue() {
		if (Instant.now().isBefore(this.pausedUntil)) {
			return;
		}
		try {
			int rate = Math.max(1, this.announcements.anySending() ? this.properties.welcomeRateDuringBroadcast()
					: this.properties.welcomeRatePerSecond());
			this.pacer.setRate(rate);
			for (Welcomes.Due due : this.welcomes.claimDue(rate, Duration.ofMinutes(2))) {
				this.pacer.acquire();
				send(due);
				if (Instant.now().isBefore(this.pausedUntil)) {
					return; // the rest of the claimed rows come due again when their
							// lease ends
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			log.warn("Sending welcomes failed: {}", ex.getMessage());
		}
	}

	private void send(Welcomes.Due due) {
		ConnectorReply reply = this.connector.sendActivity(due.serviceUrl(), due.conversationId(),
				due.activityJson().getBytes(StandardCharsets.UTF_8), CallBudget.Kind.WELCOME);
		String error = (reply.isSuccess()) ? null : reply.status() + " " + reply.errorCode();
		switch (reply.kind()) {
			case SUCCESS -> this.welcomes.markSent(due);
			case THROTTLED -> {
				Duration wait = (reply.retryAfter() != null) ? reply.retryAfter() : Duration.ofSeconds(5);
				this.pausedUntil = Instant.now().plus(wait);
				this.welcomes.retryAt(due, this.pausedUntil, error);
			}
			case TRANSIENT, APP_DISABLED -> {
				if (due.attempts() >= MAX_ATTEMPTS) {
					this.welcomes.markFailed(due, error);
				}
				else {
					this.welcomes.retryAt(due, Instant.now().plusMillis(this.backoff.apply(due.attempts())), error);
				}
			}
			case BLOCKED, FINAL, NOT_SENT -> {
				log.info("Welcome to {} {} not delivered: {}", due.scope(), due.subjectId(), error);
				this.welcomes.markFailed(due, error);
			}
		}
	}

}
