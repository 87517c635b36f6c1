package dev.herald.install;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import com.microsoft.graph.models.Chat;
import com.microsoft.graph.models.TeamsAppInstallation;
import com.microsoft.graph.models.UserScopeTeamsAppInstallation;
import com.microsoft.graph.models.UserScopeTeamsAppInstallationCollectionResponse;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.http.middleware.options.RetryHandlerOption;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.announcement.Announcements;
import dev.herald.audience.TenantServiceUrl;
import dev.herald.conversation.Conversations;
import dev.herald.conversation.PersonalConversation;
import dev.herald.graph.GraphFailure;
import dev.herald.graph.GraphPermissions;
import dev.herald.graph.TeamsAppCatalog;
import dev.herald.pacing.EvenPacer;
import dev.herald.pacing.SharedPacer;
import dev.herald.settings.AppSettings;
import dev.herald.teams.TeamsProperties;
import dev.herald.worker.BackgroundWorker;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Installs Herald for people who do not have it, pipelined with sending: a claimer fills
 * a bounded queue from {@code app_install}, workers take the pacer's slots and call
 * Graph, and a housekeeper moves ledger rows to pending as their conversations appear
 * (Teams' conversationUpdate, stored by the bot) or asks Graph for the chat id of anyone
 * whose conversationUpdate is overdue. Graph's own retry handler is switched off for
 * installs: a 429 pauses the shared pacer, so every worker honours Retry-After, not only
 * the one that got it.
 */
@Component
class Installer extends BackgroundWorker {

	private static final Logger log = LoggerFactory.getLogger(Installer.class);

	/** Graph SDK option: no retries inside the SDK, the pacer decides. */
	private static final RetryHandlerOption NO_SDK_RETRY = new RetryHandlerOption((delay, attempt, req, res) -> false,
			0, 0);

	static final String SWITCHED_OFF = "Herald is not installed for this person and proactive installation is off";

	static final String TEAM_SWITCHED_OFF = "Herald is not in this channel's team and proactive installation is off";

	/** Teams are few: a couple of calls in flight are plenty. */
	private static final int TEAM_WORKERS = 2;

	private final InstallProperties properties;

	private final InstallQueue queue;

	private final TeamInstalls teamInstalls;

	private final GraphServiceClient graph;

	private final TeamsAppCatalog catalog;

	private final GraphPermissions permissions;

	/**
	 * The least-privileged permission for the app installing itself for people; it covers
	 * the install, the installation lookup and the chat lookup.
	 */
	static final String INSTALL_PERMISSION = "TeamsAppInstallation.ReadWriteSelfForUser.All";

	private static final String INSTALL_FEATURE = "proactive installs for people Herald cannot reach yet";

	private final AppSettings settings;

	private final Conversations conversations;

	private final Announcements announcements;

	private final TenantServiceUrl serviceUrl;

	private final MeterRegistry meters;

	private final String tenantId;

	/** Graph's install budget, shared by every instance through the database. */
	private final SharedPacer installPacer;

	private final EvenPacer readPacer;

	private final BlockingQueue<InstallQueue.Claim> work;

	private final BlockingQueue<String> overdue;

	Installer(InstallProperties properties, InstallQueue queue, TeamInstalls teamInstalls, GraphServiceClient graph,
			TeamsAppCatalog catalog, AppSettings settings, Conversations conversations, Announcements announcements,
			TenantServiceUrl serviceUrl, MeterRegistry meters, TeamsProperties teams, JdbcClient jdbc,
			GraphPermissions permissions) {
		this.properties = properties;
		this.permissions = permissions;
		this.queue = queue;
		this.teamInstalls = teamInstalls;
		this.graph = graph;
		this.catalog = catalog;
		this.settings = settings;
		this.conversations = conversations;
		this.announcements = announcements;
		this.serviceUrl = serviceUrl;
		this.meters = meters;
		this.tenantId = teams.tenantId();
		this.installPacer = new SharedPacer(jdbc, "graph-install", properties.pacedRate());
		this.readPacer = new EvenPacer(properties.pacedRate());
		this.work = new ArrayBlockingQueue<>(Math.max(properties.batchSize(), properties.concurrency()) * 2);
		this.overdue = new ArrayBlockingQueue<>(properties.batchSize());
	}

	@Override
	protected boolean enabled() {
		return this.properties.enabled();
	}

	@Override
	protected void startThreads() {
		this.threads.start("herald-install-claimer", this::claimLoop);
		this.threads.start("herald-install-housekeeper", this::housekeepingLoop);
		this.threads.start("herald-installer-", this.properties.concurrency(), this::installLoop);
		this.threads.start("herald-team-installer-", TEAM_WORKERS, this::teamInstallLoop);
		// Two GETs per person; a few threads keep the read budget busy.
		this.threads.start("herald-install-chat-", Math.max(1, this.properties.concurrency() / 4), this::overdueLoop);
	}

	private void claimLoop() {
		// Hold about half a second of work: the rest of the queue stays free for the
		// roster route, so each person goes to whichever route has room.
		int want = Math.max(1, Math.min(this.properties.batchSize(), (int) Math.ceil(this.properties.pacedRate() / 2)));
		while (this.threads.isRunning()) {
			try {
				List<InstallQueue.Claim> claimed = (this.work.size() < want && this.settings.proactiveInstall())
						? this.queue.claim(Math.min(this.work.remainingCapacity(), want), this.properties.lease())
						: List.of();
				for (InstallQueue.Claim claim : claimed) {
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
				log.warn("Claiming installs failed: {}", ex.getMessage());
				sleep(Duration.ofSeconds(1));
			}
		}
	}

	private void installLoop() {
		while (this.threads.isRunning()) {
			try {
				install(this.work.take());
			}
			catch (InterruptedException ex) {
				return;
			}
			catch (RuntimeException ex) {
				// Only the database can throw here; the lease returns the install later.
				log.warn("Recording an install failed: {}", ex.getMessage());
				sleep(Duration.ofSeconds(1));
			}
		}
	}

	private void install(InstallQueue.Claim claim) throws InterruptedException {
		String aad = claim.aadObjectId();
		Optional<String> appId;
		try {
			appId = this.catalog.catalogId();
		}
		catch (RuntimeException ex) {
			GraphFailure failure = GraphFailure.of(ex);
			if (failure.isPermissionMissing()) {
				// A configuration error: no retry helps until an admin grants it.
				count("permission_missing");
				this.queue.failed(aad, 403, failure.message());
				return;
			}
			transientFailure(claim, failure, "Looking up Herald in the app catalog failed: " + failure.describe());
			return;
		}
		if (appId.isEmpty()) {
			count("no_app");
			this.queue.failed(aad, 404, this.catalog.missingReason());
			return;
		}
		UserScopeTeamsAppInstallation body = new UserScopeTeamsAppInstallation();
		body.setAdditionalData(Map.of("teamsApp@odata.bind", this.catalog.bindUrl(appId.get())));
		this.installPacer.acquire();
		try {
			this.permissions.call(INSTALL_PERMISSION, INSTALL_FEATURE, () -> {
				this.graph.users()
					.byUserId(aad)
					.teamwork()
					.installedApps()
					.post(body, (rc) -> rc.options.add(NO_SDK_RETRY));
				return null;
			});
			count("installed");
			this.queue.installed(aad, 201);
		}
		catch (RuntimeException ex) {
			GraphFailure failure = GraphFailure.of(ex);
			switch (failure.status()) {
				case 409 -> {
					count("already_installed");
					this.queue.installed(aad, 409);
				}
				case 403 -> {
					if (failure.isPermissionMissing()) {
						count("permission_missing");
						this.queue.failed(aad, 403, failure.message());
						return;
					}
					count("forbidden");
					// Final: a licence is assigned by an admin, not by waiting; the next
					// send that names this person asks again.
					this.queue.failed(aad, 403,
							failure.message().toLowerCase(java.util.Locale.ROOT).contains("license")
									? "No Teams licence: Graph refused to install Herald for this person (403): "
											+ failure.message()
									: "Graph 403: the install was refused (no Teams licence, or the app may not be "
											+ "installed for this person): " + failure.message());
				}
				case 404 -> {
					count("not_found");
					boolean appMissing = !failure.message().toLowerCase().contains("user");
					if (appMissing) {
						this.catalog.forget();
					}
					this.queue.failed(aad, 404,
							appMissing ? this.catalog.missingReason() + " (" + failure.message() + ")"
									: "This person no longer exists in the directory: " + failure.message());
				}
				default -> {
					if (failure.isThrottled()) {
						count("throttled");
						Duration wait = (failure.retryAfter() != null) ? failure.retryAfter()
								: backoff(claim.attempts());
						this.installPacer.throttled(wait);
						retryOrFail(claim, failure, this.properties.maxThrottledAttempts(), wait);
					}
					else if (failure.isTransient()) {
						transientFailure(claim, failure, failure.describe());
					}
					else {
						count("rejected");
						this.queue.failed(aad, failure.status(), failure.describe());
					}
				}
			}
		}
	}

	private void teamInstallLoop() {
		while (this.threads.isRunning()) {
			try {
				List<TeamInstalls.Claim> claimed = this.settings.proactiveInstall()
						? this.teamInstalls.claim(1, this.properties.lease()) : List.of();
				for (TeamInstalls.Claim claim : claimed) {
					installInTeam(claim);
				}
				if (claimed.isEmpty()) {
					Thread.sleep(this.properties.pollInterval().toMillis());
				}
			}
			catch (InterruptedException ex) {
				return;
			}
			catch (RuntimeException ex) {
				// Only the database can throw here; the lease returns the install later.
				log.warn("Recording a team install failed: {}", ex.getMessage());
				sleep(Duration.ofSeconds(1));
			}
		}
	}

	/**
	 * Adds Herald to a team through Graph ({@code POST /teams/{id}/installedApps}), in
	 * the install budget people's installs use. Teams then posts the team's
	 * conversationUpdate, which makes its channels active; 409 means Herald is there
	 * already (added before it ran), so its channels are active at once.
	 */
	private void installInTeam(TeamInstalls.Claim claim) throws InterruptedException {
		String team = claim.aadGroupId();
		String refused = "Herald could not be added to team " + claim.describe() + ": ";
		Optional<String> appId;
		try {
			appId = this.catalog.catalogId();
		}
		catch (RuntimeException ex) {
			GraphFailure failure = GraphFailure.of(ex);
			teamRetryOrFail(claim, failure,
					refused + "looking up Herald in the app catalog failed: " + failure.describe(),
					this.properties.maxAttempts(), backoff(claim.attempts()));
			return;
		}
		if (appId.isEmpty()) {
			countTeam("no_app");
			this.teamInstalls.failed(team, 404, refused + this.catalog.missingReason());
			return;
		}
		TeamsAppInstallation body = new TeamsAppInstallation();
		body.setAdditionalData(Map.of("teamsApp@odata.bind", this.catalog.bindUrl(appId.get())));
		this.installPacer.acquire();
		try {
			this.graph.teams().byTeamId(team).installedApps().post(body, (rc) -> rc.options.add(NO_SDK_RETRY));
			countTeam("installed");
			this.teamInstalls.installed(team, 201);
			log.info("Herald added itself to team {}; waiting for its conversationUpdate", claim.describe());
		}
		catch (RuntimeException ex) {
			GraphFailure failure = GraphFailure.of(ex);
			if (failure.status() == 409) {
				countTeam("already_installed");
				this.conversations.activateTeamChannels(this.tenantId, team);
				this.teamInstalls.installed(team, 409);
			}
			else if (failure.isThrottled()) {
				countTeam("throttled");
				Duration wait = (failure.retryAfter() != null) ? failure.retryAfter() : backoff(claim.attempts());
				this.installPacer.throttled(wait);
				teamRetryOrFail(claim, failure, refused + failure.describe(), this.properties.maxThrottledAttempts(),
						wait);
			}
			else if (failure.isTransient()) {
				countTeam("transient");
				teamRetryOrFail(claim, failure, refused + failure.describe(), this.properties.maxAttempts(),
						backoff(claim.attempts()));
			}
			else {
				// 403 (app blocked, permission missing), 404 (no such team, app not in
				// the catalog): no retry changes these.
				countTeam((failure.status() == 403) ? "forbidden" : "rejected");
				if (failure.status() == 404 && failure.message().toLowerCase().contains("app")) {
					this.catalog.forget();
				}
				this.teamInstalls.failed(team, failure.status(), refused + failure.describe());
				log.warn("{}{}", refused, failure.describe());
			}
		}
	}

	private void teamRetryOrFail(TeamInstalls.Claim claim, GraphFailure failure, String reason, int limit,
			Duration wait) {
		Integer status = (failure.status() == 0) ? null : failure.status();
		if (claim.attempts() >= limit) {
			this.teamInstalls.failed(claim.aadGroupId(), status,
					reason + " (gave up after " + claim.attempts() + " attempts)");
		}
		else {
			this.teamInstalls.retry(claim.aadGroupId(), status, reason, Instant.now().plus(wait));
		}
	}

	private void countTeam(String outcome) {
		this.meters.counter("herald.install.team_outcomes", "outcome", outcome).increment();
	}

	private void transientFailure(InstallQueue.Claim claim, GraphFailure failure, String reason) {
		count("transient");
		retryOrFail(claim, new GraphFailure(failure.status(), failure.code(), reason, failure.retryAfter()),
				this.properties.maxAttempts(), backoff(claim.attempts()));
	}

	private void retryOrFail(InstallQueue.Claim claim, GraphFailure failure, int limit, Duration wait) {
		Integer status = (failure.status() == 0) ? null : failure.status();
		if (claim.attempts() >= limit) {
			this.queue.failed(claim.aadObjectId(), status,
					failure.message() + " (gave up after " + claim.attempts() + " attempts)");
		}
		else {
			this.queue.retry(claim.aadObjectId(), status, failure.message(), Instant.now().plus(wait));
		}
	}

	private Duration backoff(int attempts) {
		long factor = 1L << Math.min(Math.max(attempts - 1, 0), 8);
		return this.properties.initialBackoff().multipliedBy(factor);
	}

	private void housekeepingLoop() {
		while (this.threads.isRunning()) {
			try {
				housekeeping();
				Thread.sleep(this.properties.pollInterval().toMillis());
			}
			catch (InterruptedException ex) {
				return;
			}
			catch (RuntimeException ex) {
				log.warn("Install housekeeping failed: {}", ex.getMessage());
				sleep(Duration.ofSeconds(1));
			}
		}
	}

	private void housekeeping() throws InterruptedException {
		this.queue.recoverExpired();
		this.teamInstalls.recoverExpired();
		if (!this.settings.proactiveInstall()) {
			this.queue.failQueued(SWITCHED_OFF);
			this.teamInstalls.failQueued(TEAM_SWITCHED_OFF);
		}
		this.queue.promote();
		for (String team : this.teamInstalls.overdue(this.properties.conversationWait())) {
			this.conversations.activateTeamChannels(this.tenantId, team);
		}
		this.teamInstalls.promote();
		for (Long announcementId : this.queue.failFromInstalls()) {
			this.announcements.markSentIfComplete(announcementId);
		}
		for (Long announcementId : this.teamInstalls.failFromInstalls()) {
			this.announcements.markSentIfComplete(announcementId);
		}
		if (this.overdue.isEmpty()) {
			for (String aad : this.queue.claimOverdue(this.properties.conversationWait(),
					this.overdue.remainingCapacity(), this.properties.lease())) {
				this.overdue.put(aad);
			}
		}
	}

	private void overdueLoop() {
		while (this.threads.isRunning()) {
			String aad;
			try {
				aad = this.overdue.take();
			}
			catch (InterruptedException ex) {
				return;
			}
			try {
				resolveChat(aad);
			}
			catch (InterruptedException ex) {
				return;
			}
			catch (RuntimeException ex) {
				GraphFailure failure = GraphFailure.of(ex);
				if (failure.isThrottled() && failure.retryAfter() != null) {
					this.readPacer.throttled(failure.retryAfter());
				}
				count("chat_lookup_failed");
				try {
					if (failure.isPermissionMissing()) {
						this.queue.failed(aad, 403, failure.message());
						continue;
					}
					this.queue.overdueLater(aad, "Waiting for the chat id: " + failure.describe(),
							Instant.now().plus(this.properties.initialBackoff()));
				}
				catch (RuntimeException db) {
					log.warn("Recording a chat lookup failure failed: {}", db.getMessage());
				}
			}
		}
	}

	/**
	 * The conversationUpdate did not come: ask Graph for the personal chat of the app
	 * with this person; its id is a conversation id the Bot Connector accepts.
	 */
	private void resolveChat(String aad) throws InterruptedException {
		Optional<String> appId = this.catalog.catalogId();
		if (appId.isEmpty()) {
			this.queue.failed(aad, 404, this.catalog.missingReason());
			return;
		}
		this.readPacer.acquire();
		UserScopeTeamsAppInstallationCollectionResponse found = this.permissions.call(INSTALL_PERMISSION,
				INSTALL_FEATURE, () -> this.graph.users().byUserId(aad).teamwork().installedApps().get((rc) -> {
					rc.queryParameters.expand = new String[] { "teamsApp" };
					rc.queryParameters.filter = "teamsApp/id eq '" + appId.get() + "'";
				}));
		if (found == null || found.getValue() == null || found.getValue().isEmpty()) {
			// The install did not stick (or was removed since): install again.
			count("chat_not_installed");
			this.queue.reinstall(aad);
			return;
		}
		this.readPacer.acquire();
		String installId = found.getValue().get(0).getId();
		Chat chat = this.permissions.call(INSTALL_PERMISSION, INSTALL_FEATURE,
				() -> this.graph.users()
					.byUserId(aad)
					.teamwork()
					.installedApps()
					.byUserScopeTeamsAppInstallationId(installId)
					.chat()
					.get());
		if (chat == null || chat.getId() == null) {
			this.queue.overdueLater(aad, "Graph returned no chat id yet",
					Instant.now().plus(this.properties.initialBackoff()));
			return;
		}
		InstallQueue.Person person = this.queue.person(aad);
		this.conversations.upsertPersonal(new PersonalConversation(this.tenantId, aad, null, chat.getId(),
				this.serviceUrl.get(), person.language(), person.displayName()));
		count("chat_from_graph");
		// The next promote moves the ledger rows; the conversation is what they wait for.
	}

	private void count(String outcome) {
		this.meters.counter("herald.install.outcomes", "outcome", outcome).increment();
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
