package dev.herald.install;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.audience.TenantServiceUrl;
import dev.herald.conversation.PersonalConversation;
import dev.herald.dispatch.SendingInstance;
import dev.herald.pacing.EvenPacer;
import dev.herald.settings.AppSettings;
import dev.herald.teams.ConnectorClient;
import dev.herald.teams.ConnectorReply;
import dev.herald.teams.TeamsProperties;
import dev.herald.worker.BackgroundWorker;

import org.springframework.stereotype.Component;

/**
 * The roster route: people Herald knows by Teams user id from a team it is installed in
 * get their 1:1 conversation created with {@code POST /v3/conversations} (the path of
 * "Send proactive messages"), stored, and reused for every later message.
 * <p>
 * A created conversation costs two Connector calls (create, then send) from the tenant's
 * one Connector budget; a Graph install costs one call from Graph's separate install
 * budget and one send. Both routes take people from the same queue: Graph prefers people
 * only it can reach, this route takes roster people at a pace that leaves the sends the
 * rest of the Connector budget: {@code (connector - installs) / 2} per second while Graph
 * installs run (30 + 10 people/s at 50 and 30), {@code connector / 2} when they are off.
 * Creation runs only on the instance holding the send lease, whose pacer paces every
 * Connector call of the tenant; each create takes a slot of that pacer too.
 */
@Component
class RosterConversations extends BackgroundWorker {

	private static final Logger log = LoggerFactory.getLogger(RosterConversations.class);

	private final InstallProperties properties;

	private final InstallQueue queue;

	private final ConnectorClient connector;

	private final SendingInstance sending;

	private final AppSettings settings;

	private final TenantServiceUrl serviceUrl;

	private final MeterRegistry meters;

	private final String tenantId;

	private final EvenPacer share = new EvenPacer(1);

	private final BlockingQueue<InstallQueue.RosterClaim> work;

	RosterConversations(InstallProperties properties, InstallQueue queue, ConnectorClient connector,
			SendingInstance sending, AppSettings settings, TenantServiceUrl serviceUrl, MeterRegistry meters,
			TeamsProperties teams) {
		this.properties = properties;
		this.queue = queue;
		this.connector = connector;
		this.sending = sending;
		this.settings = settings;
		this.serviceUrl = serviceUrl;
		this.meters = meters;
		this.tenantId = teams.tenantId();
		this.work = new ArrayBlockingQueue<>(64);
	}

	@Override
	protected boolean enabled() {
		return this.properties.enabled();
	}

	@Override
	protected void startThreads() {
		this.threads.start("herald-roster-claimer", this::claimLoop);
		this.threads.start("herald-roster-", this.properties.createConcurrency(), this::createLoop);
	}

	/**
	 * This route's share of the Connector budget, in conversations per second (0 =
	 * unlimited, when the Connector budget is).
	 */
	double shareRate() {
		double connector = this.sending.connectorRate();
		if (connector <= 0) {
			return 0;
		}
		double installs = this.settings.proactiveInstall() ? this.properties.pacedRate() : 0;
		return Math.max(1, (connector - installs) / 2);
	}

	private void claimLoop() {
		while (this.threads.isRunning()) {
			try {
				List<InstallQueue.RosterClaim> claimed = List.of();
				if (this.sending.holdsSendLease()) {
					double rate = shareRate();
					this.share.setRate(rate);
					// About half a second of work, like the Graph route.
					int room = this.work.remainingCapacity();
					int want = (rate <= 0) ? room : Math.min(room, (int) Math.ceil(rate / 2));
					if (want > 0 && this.work.size() < want) {
						claimed = this.queue.claimRoster(want - this.work.size(), this.properties.lease());
					}
				}
				for (InstallQueue.RosterClaim claim : claimed) {
					this.work.put(claim);
				}
				if (claimed.isEmpty()) {
					Thread.sleep(Math.min(100, this.properties.pollInterval().toMillis()));
				}
			}
			catch (InterruptedException ex) {
				return;
			}
			catch (RuntimeException ex) {
				log.warn("Claiming roster conversations failed: {}", ex.getMessage());
				sleep(Duration.ofSeconds(1));
			}
		}
	}

	private void createLoop() {
		while (this.threads.isRunning()) {
			try {
				InstallQueue.RosterClaim claim = this.work.poll(100, TimeUnit.MILLISECONDS);
				if (claim != null) {
					this.share.acquire();
					create(claim);
				}
			}
			catch (InterruptedException ex) {
				return;
			}
			catch (RuntimeException ex) {
				// Only the database can throw here; the lease returns the person later.
				log.warn("Recording a created conversation failed: {}", ex.getMessage());
				sleep(Duration.ofSeconds(1));
			}
		}
	}

	private void create(InstallQueue.RosterClaim claim) {
		String aad = claim.aadObjectId();
		String url = this.serviceUrl.get();
		ConnectorReply reply = this.connector.createPersonalConversation(url, this.tenantId, claim.teamsUserId());
		ConnectorReply.Kind outcome = reply.kind();
		count(outcome.name().toLowerCase(java.util.Locale.ROOT));
		switch (outcome) {
			case SUCCESS -> {
				if (reply.id() == null) {
					this.queue.rosterRefused(aad, reply.status(), "Teams created the conversation but gave no id");
					return;
				}
				InstallQueue.Person person = this.queue.person(aad);
				this.queue.created(aad, reply.status(), new PersonalConversation(this.tenantId, aad,
						claim.teamsUserId(), reply.id(), url, person.language(), person.displayName()));
			}
			case THROTTLED -> {
				// The Connector client already holds every caller back for the
				// Retry-After.
				Duration wait = (reply.retryAfter() != null) ? reply.retryAfter() : this.properties.initialBackoff();
				retryOrFall(claim, reply, this.properties.maxThrottledAttempts(), wait);
			}
			// Never sent (no slot, no token): nothing reached Teams, try again.
			// The admin blocked the app: try later like a transient refusal, then let
			// Graph have the person.
			case TRANSIENT, NOT_SENT, APP_DISABLED ->
				retryOrFall(claim, reply, this.properties.maxAttempts(), backoff(claim.attempts()));
			case BLOCKED, FINAL -> this.queue.rosterRefused(aad, reply.status(), describe(reply));
		}
	}

	/** Retries, or after too many attempts leaves the person to Graph. */
	private void retryOrFall(InstallQueue.RosterClaim claim, ConnectorReply reply, int limit, Duration wait) {
		if (claim.attempts() >= limit) {
			this.queue.rosterRefused(claim.aadObjectId(), reply.status(),
					describe(reply) + " (gave up creating the conversation after " + claim.attempts() + " attempts)");
		}
		else {
			this.queue.retry(claim.aadObjectId(), (reply.status() > 0) ? reply.status() : null, describe(reply),
					Instant.now().plus(wait));
		}
	}

	private Duration backoff(int attempts) {
		long factor = 1L << Math.min(Math.max(attempts - 1, 0), 8);
		return this.properties.initialBackoff().multipliedBy(factor);
	}

	private static String describe(ConnectorReply reply) {
		String text = "Creating the conversation: " + ((reply.status() == 0) ? "no reply" : "HTTP " + reply.status())
				+ ((reply.errorCode() != null) ? " " + reply.errorCode() : "")
				+ ((reply.detail() != null) ? ": " + reply.detail() : "");
		return (text.length() > 500) ? text.substring(0, 500) : text;
	}

	private void count(String outcome) {
		this.meters.counter("herald.install.conversations.created", "outcome", outcome).increment();
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
