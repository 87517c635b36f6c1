package dev.herald.bot;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;

import io.github.resilience4j.core.IntervalFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.announcement.Announcements;
import dev.herald.pacing.SharedPacer;
import dev.herald.teams.CallBudget;
import dev.herald.teams.ConnectorClient;
import dev.herald.teams.ConnectorReply;
import dev.herald.worker.WorkerThreads;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Posts due welcomes from the queue, newest first, a few per second for all instances
 * together (a budget shared through the database) so that broadcasts keep most of the
 * tenant budget, and fewer while a broadcast runs; honours Retry-After and retries
 * transient failures with backoff.
 * <p>
 * The shared pacer sets the pace, not the poll or Teams' latency: a few welcomes are in
 * the air at once, and batches follow each other while welcomes are due. One at a time
 * with a poll between batches, an instance used 2-3 of its 5 welcomes a second.
 */
@Component
class WelcomeSender {

	private static final Logger log = LoggerFactory.getLogger(WelcomeSender.class);

	private static final int MAX_ATTEMPTS = 6;

	/** Welcomes in the air at once: a second's worth at 300 ms per call, and some. */
	private static final int IN_FLIGHT = 4;

	/** Batches taken in one poll at most, so a long backlog still yields the thread. */
	private static final int MAX_BATCHES = 30;

	private final Welcomes welcomes;

	private final ConnectorClient connector;

	private final BotProperties properties;

	private final IntervalFunction backoff = IntervalFunction.ofExponentialRandomBackoff(Duration.ofSeconds(2), 2.0,
			0.5, Duration.ofMinutes(10));

	private volatile Instant pausedUntil = Instant.EPOCH;

	private final Announcements announcements;

	/** The welcome budget, shared by every instance through the database. */
	private final SharedPacer pacer;

	private final ThreadPoolExecutor senders;

	WelcomeSender(Welcomes welcomes, ConnectorClient connector, BotProperties properties, Announcements announcements,
			JdbcClient jdbc) {
		this.welcomes = welcomes;
		this.connector = connector;
		this.properties = properties;
		this.announcements = announcements;
		this.pacer = new SharedPacer(jdbc, "welcome", properties.welcomeRatePerSecond());
		// Caller runs when all are busy: the poll then waits for a free hand itself.
		this.senders = new ThreadPoolExecutor(IN_FLIGHT, IN_FLIGHT, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
				WorkerThreads.daemons("welcome-sender"), new ThreadPoolExecutor.CallerRunsPolicy());
		this.senders.allowCoreThreadTimeOut(true);
	}

	@PreDestroy
	void stop() {
		// A welcome cut off keeps its lease and comes due again when it ends.
		this.senders.shutdownNow();
	}

	@Scheduled(fixedDelayString = "${herald.bot.welcome-poll:1s}")
	void sendDue() {
		if (Instant.now().isBefore(this.pausedUntil)) {
			return;
		}
		try {
			for (int batch = 0; batch < MAX_BATCHES; batch++) {
				// asked each batch: a broadcast may start or end during a backlog
				int rate = Math.max(1, this.announcements.anySending() ? this.properties.welcomeRateDuringBroadcast()
						: this.properties.welcomeRatePerSecond());
				this.pacer.setRate(rate);
				List<Welcomes.Due> due = this.welcomes.claimDue(rate, Duration.ofMinutes(2));
				for (Welcomes.Due one : due) {
					this.pacer.acquire();
					if (Instant.now().isBefore(this.pausedUntil)) {
						return; // the rest of the claimed rows come due again when
								// their lease ends
					}
					this.senders.execute(() -> send(one));
				}
				if (due.size() < rate) {
					return;
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
		try {
			sendOne(due);
		}
		catch (RuntimeException ex) {
			log.warn("Sending a welcome failed: {}", ex.getMessage());
		}
	}

	private void sendOne(Welcomes.Due due) {
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
