package dev.herald.simulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.herald.simulator.Http.Kind;
import dev.herald.simulator.Http.Req;
import dev.herald.simulator.Http.Resp;
import dev.herald.simulator.Http.Route;
import dev.herald.simulator.SimulatorConfig.Faults;
import dev.herald.simulator.SimulatorConfig.Latency;
import dev.herald.simulator.SimulatorConfig.Limits;

/**
 * A stand-in for Entra ID, the Bot Framework Connector v3 and Microsoft Graph v1.0, on
 * their real HTTP paths, on one local port. Embeddable (no Spring) and runnable through
 * {@link SimulatorMain}.
 */
public final class TeamsSimulator implements AutoCloseable {

	static {
		// The JDK server writes headers and body separately: without TCP_NODELAY every
		// answer waits for the client's delayed ACK (~40 ms). Read once per JVM.
		if (System.getProperty("sun.net.httpserver.nodelay") == null) {
			System.setProperty("sun.net.httpserver.nodelay", "true");
		}
	}

	/** Default client secret accepted in strict mode for the bot app id. */
	public static final String DEFAULT_CLIENT_SECRET = "herald-sim-secret";

	/**
	 * Graph's 403 message for a team install without the permission (the shape Teams APIs
	 * answer a missing application permission with).
	 */
	public static final String TEAM_INSTALL_DENIED = "Missing role permissions on the request. API requires one of "
			+ "'TeamsAppInstallation.ReadWriteSelfForTeam.All, TeamsAppInstallation.ReadWriteForTeam.All, "
			+ "TeamsAppInstallation.ReadWriteAndConsentForTeam.All, Group.ReadWrite.All, Directory.ReadWrite.All'. "
			+ "Roles on the request 'User.Read.All, GroupMember.Read.All, TeamMember.Read.All'.";

	private volatile SimulatorConfig config;

	private final int port;

	final SimTenant tenant;

	final SimKeys keys = new SimKeys();

	final Stats stats = new Stats();

	/** Graph's activity feed: notifications per person, limits, counters. */
	final ActivityFeed activityFeed = new ActivityFeed(this);

	/**
	 * Lifetime of Graph and Connector tokens from the token endpoint (Entra: about an
	 * hour).
	 */
	volatile int tokenLifetimeSeconds = 3599;

	/** Managed and workload identity, and the tokens issued per client. */
	final IdentityApi identity;

	final BotClient bot;

	/** How callbacks reach the bot: re-post, duplicates, invoke answers checked. */
	final Callbacks callbacks = new Callbacks();

	/** Roster changes after the seed. */
	final Rosters rosters = new Rosters();

	private final HttpServer server;

	private final ThreadPoolExecutor executor;

	private final ScheduledExecutorService holds;

	private final Http.Router router = new Http.Router();

	private final String teamsAppCatalogId;

	// ---- run-time options beyond SimulatorConfig ----

	volatile int maxMessageBytes = 100 * 1024;

	volatile long timeoutHoldMillis = 35_000;

	volatile double preconditionFailedShare;

	/** Share of Connector 429s without Retry-After. */
	volatile double retryAfterAbsentShare;

	volatile boolean requireInstall = true;

	/**
	 * Whether channel posts need the app installed in the channel's team (default true:
	 * Teams' 403 {@code BotNotInConversationRoster} otherwise).
	 */
	volatile boolean requireTeamInstall = true;

	/**
	 * When not null, Graph refuses to install the app into any team with 403 and this
	 * message (an admin blocked the app, or the permission is missing).
	 */
	volatile String teamInstallDenied;

	volatile String botEndpoint;

	/**
	 * The tenant admin blocked the app (Teams admin center, "Manage apps"): every
	 * Connector write answers 403 {@code BotDisabledByAdmin}.
	 */
	volatile boolean appBlockedByAdmin;

	/** Graph install requests per user id (to show who was, or was never, tried). */
	private final Map<String, AtomicInteger> installRequests = new ConcurrentHashMap<>();

	private final Map<String, String> clientSecrets = new ConcurrentHashMap<>();

	/**
	 * Graph application permissions granted (with admin consent) per app registration.
	 */
	private final Map<String, Set<String>> graphGrants = new ConcurrentHashMap<>();

	/** App registrations that are multi-tenant (may get tokens at botframework.com). */
	private final Set<String> multiTenantApps = ConcurrentHashMap.newKeySet();

	/** The last Graph calls refused for a missing permission, newest last. */
	private final java.util.Deque<String> permissionDenials = new java.util.concurrent.ConcurrentLinkedDeque<>();

	// ---- state ----

	private final Map<String, Conversation> conversations = new ConcurrentHashMap<>();

	private final Map<String, SimUser> personalIds = new ConcurrentHashMap<>();

	private final Set<String> installed = ConcurrentHashMap.newKeySet();

	private final Set<String> installedAtStart;

	private final Set<String> blocked = ConcurrentHashMap.newKeySet();

	private final Set<String> unblocked = ConcurrentHashMap.newKeySet();

	/** Exchange Online's sendMail, with its limits per mailbox (#26). */
	private final MailApi mail = new MailApi(this);

	/** People whose Teams licence a test took away ({@link #removeTeamsLicence}). */
	private final Set<String> licenceRemoved = ConcurrentHashMap.newKeySet();

	private final Set<String> uninstalled = ConcurrentHashMap.newKeySet();

	/** Teams (by Graph id) the app is installed in. */
	private final Set<String> teamsWithBot = ConcurrentHashMap.newKeySet();

	/** Users who share at least one team with the installed bot. */
	private final Set<String> sharingTeamWithBot = ConcurrentHashMap.newKeySet();

	/**
	 * Teams (by Graph id) that had the app at start: every third team, from the third.
	 */
	private final Set<String> teamsWithAppAtStart;

	/** The manifest of the app package uploaded to the catalog, null until one is. */
	private volatile Map<String, Object> installedManifest;

	/**
	 * The {@code accessTokenAcceptedVersion} of the app registration behind the tab's SSO
	 * (1 or 2): which form of token Teams gets for {@code getAuthToken}.
	 */
	private volatile int accessTokenAcceptedVersion = 2;

	/** The Teams client's side of personal tabs: host pages and SSO tokens. */
	private final TabHost tabHost;

	/** Users who switched read receipts off in Teams' privacy settings. */
	private final Set<String> receiptsOff = ConcurrentHashMap.newKeySet();

	private final AtomicLong activityIds = new AtomicLong(1_700_000_000_000L);

	private SlidingWindows tenantLimiter;

	private SlidingWindows graphInstallLimiter;

	private TeamsSimulator(SimulatorConfig config) throws IOException {
		this.config = config;
		this.tenant = new SimTenant(config.tenantId(), config.seed(), config.users());
		this.teamsAppCatalogId = UUID
			.nameUUIDFromBytes(
					(config.teamsAppExternalId() + "|catalog|" + config.seed()).getBytes(StandardCharsets.UTF_8))
			.toString();
		this.botEndpoint = config.botEndpoint();
		this.clientSecrets.put(config.botAppId(), DEFAULT_CLIENT_SECRET);
		this.graphGrants.put(config.botAppId(), Set.copyOf(SimulatorConfig.DEFAULT_GRAPH_PERMISSIONS));
		Set<String> initial = new java.util.HashSet<>();
		for (SimUser u : this.tenant.users()) {
			// People who blocked the bot had it first: blocking is done in its chat.
			if ((this.tenant.fraction(u, "installed") < config.installedShare() && !unlicensed(u))
					|| this.tenant.kind(u) == SimTenant.AccountKind.BLOCKED) {
				initial.add(u.id());
			}
		}
		this.installedAtStart = Collections.unmodifiableSet(initial);
		this.installed.addAll(initial);
		// Some teams had the app before the bot ever ran (no callbacks for them: the bot
		// learns of them when it tries to add itself and Graph answers 409).
		Set<String> teamsAtStart = new java.util.LinkedHashSet<>();
		List<SimTeam> teams = this.tenant.teams();
		for (int i = 2; i < teams.size(); i += 3) {
			teamsAtStart.add(teams.get(i).id());
			this.sharingTeamWithBot.addAll(teams.get(i).memberUserIds());
		}
		this.teamsWithAppAtStart = Collections.unmodifiableSet(teamsAtStart);
		this.teamsWithBot.addAll(teamsAtStart);
		applyLimits(config.limits());
		this.identity = new IdentityApi(this);
		// The host this stands for has the bot's user-assigned identity (a bot of type
		// UserAssignedMSI: the identity's client id is the bot's app id).
		this.identity.assignedIdentities.add(config.botAppId().toLowerCase(java.util.Locale.ROOT));
		this.bot = new BotClient(this);
		AtomicInteger n = new AtomicInteger();
		this.executor = new ThreadPoolExecutor(16, 400, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), (r) -> {
			Thread t = new Thread(r, "teams-sim-http-" + n.incrementAndGet());
			t.setDaemon(true);
			return t;
		}, new ThreadPoolExecutor.CallerRunsPolicy());
		this.holds = Executors.newSingleThreadScheduledExecutor((r) -> {
			Thread t = new Thread(r, "teams-sim-hold");
			t.setDaemon(true);
			return t;
		});
		// -Dteams-simulator.bind-address=127.0.0.1 keeps benchmarks on loopback; the
		// default (all interfaces) suits containers.
		String bind = System.getProperty("teams-simulator.bind-address");
		this.server = HttpServer.create(
				(bind != null) ? new InetSocketAddress(bind, config.port()) : new InetSocketAddress(config.port()),
				1024);
		// A request is stamped when the server's dispatcher hands it over, not when a
		// handler thread gets to it: rate limits count arrivals, as Teams' front door
		// does, and a busy host's thread wake-ups should not shift them.
		this.server.setExecutor((task) -> {
			long arrived = System.currentTimeMillis();
			this.executor.execute(() -> {
				ARRIVAL.set(arrived);
				try {
					task.run();
				}
				finally {
					ARRIVAL.remove();
				}
			});
		});
		this.server.createContext("/", this::handle);
		new EntraApi(this).register(this.router);
		new ConnectorApi(this).register(this.router);
		new GraphApi(this).register(this.router);
		this.mail.register(this.router);
		new AdminApi(this).register(this.router);
		this.identity.register(this.router);
		new CallbackAdminApi(this).register(this.router);
		this.tabHost = new TabHost(this);
		this.tabHost.register(this.router);
		this.server.start();
		this.port = this.server.getAddress().getPort();
	}

	/** Starts a simulator; it listens until {@link #close()}. */
	public static TeamsSimulator start(SimulatorConfig config) {
		try {
			return new TeamsSimulator((config != null) ? config : SimulatorConfig.defaults());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start the Teams simulator", ex);
		}
	}

	// ---- URLs and ids ----

	private volatile String publicBaseUrl;

	public int port() {
		return this.port;
	}

	public String baseUrl() {
		String publicUrl = this.publicBaseUrl;
		return (publicUrl != null) ? publicUrl : "http://localhost:" + this.port;
	}

	/**
	 * The base URL others reach this simulator at, when not localhost (e.g.
	 * {@code http://simulator:8081} in docker-compose); used in serviceUrls, links and
	 * tokens.
	 */
	public void setPublicBaseUrl(String url) {
		this.publicBaseUrl = (url.endsWith("/")) ? url.substring(0, url.length() - 1) : url;
	}

	public String serviceUrl() {
		return baseUrl() + "/amer/";
	}

	public String graphBaseUrl() {
		return baseUrl() + "/v1.0";
	}

	public String tokenUrl() {
		return baseUrl() + "/" + tenantId() + "/oauth2/v2.0/token";
	}

	/** The multi-tenant bot token URL ({@code /botframework.com/oauth2/v2.0/token}). */
	public String botFrameworkTokenUrl() {
		return baseUrl() + "/botframework.com/oauth2/v2.0/token";
	}

	public String openIdMetadataUrl() {
		return baseUrl() + "/v1/.well-known/openidconfiguration";
	}

	public String tenantId() {
		return this.config.tenantId();
	}

	public String botAppId() {
		return this.config.botAppId();
	}

	public String teamsAppExternalId() {
		return this.config.teamsAppExternalId();
	}

	public String teamsAppCatalogId() {
		return this.teamsAppCatalogId;
	}

	/** The client secret accepted for the bot app id in strict mode. */
	public String clientSecret() {
		return this.clientSecrets.get(botAppId());
	}

	/** Registers (or replaces) an app's client secret, for strict mode. */
	public void registerClient(String clientId, String secret) {
		this.clientSecrets.put(clientId, secret);
	}

	private final Map<String, java.security.cert.X509Certificate> clientCertificates = new ConcurrentHashMap<>();

	/** Registers an app's certificate credential. */
	public void registerClientCertificate(String clientId, java.security.cert.X509Certificate certificate) {
		this.clientCertificates.put(clientId, certificate);
	}

	java.security.cert.X509Certificate clientCertificate(String clientId) {
		return (clientId != null) ? this.clientCertificates.get(clientId) : null;
	}

	/**
	 * Marks an app registration multi-tenant (or single-tenant, the default and the only
	 * kind Azure creates for bots since July 2025): only a multi-tenant app gets tokens
	 * at the {@code botframework.com} authority.
	 */
	public void setMultiTenant(String clientId, boolean multiTenant) {
		if (multiTenant) {
			this.multiTenantApps.add(clientId);
		}
		else {
			this.multiTenantApps.remove(clientId);
		}
	}

	boolean multiTenant(String clientId) {
		return clientId != null && this.multiTenantApps.contains(clientId);
	}

	/**
	 * Replaces the Graph application permissions granted to an app registration (the bot
	 * app starts with {@link SimulatorConfig#DEFAULT_GRAPH_PERMISSIONS}). Tokens carry
	 * them as {@code roles}; a revocation also applies to tokens already issued (Entra
	 * lets those live until they expire; tests need not wait an hour).
	 */
	public void setGraphPermissions(String clientId, java.util.Collection<String> permissions) {
		this.graphGrants.put(clientId, Set.copyOf(permissions));
	}

	/** Withdraws one Graph application permission from an app registration. */
	public void revokeGraphPermission(String clientId, String permission) {
		Set<String> now = new java.util.HashSet<>(graphPermissions(clientId));
		now.removeIf((p) -> p.equalsIgnoreCase(permission));
		setGraphPermissions(clientId, now);
	}

	/** The Graph application permissions granted to an app registration. */
	public Set<String> graphPermissions(String clientId) {
		return (clientId != null) ? this.graphGrants.getOrDefault(clientId, Set.of()) : Set.of();
	}

	// ---- Graph read throttling per family (Graph's throttling limits for Teams) ----

	private volatile int[] graphReadLimits = { 30, 60, 4 };

	private final Map<String, SlidingWindows> graphReadWindows = new ConcurrentHashMap<>();

	/**
	 * Graph read limits per second, 0 = off: GETs of installed apps and the app catalog
	 * (Graph: 30 per app per tenant), GETs of team members and channels (60), and reads
	 * of one team (4 per app per team). Defaults are Graph's; above them Graph answers
	 * 429 with Retry-After.
	 */
	public void setGraphReadLimits(int installedAppsAndCatalog, int teamMembersAndChannels, int perTeam) {
		this.graphReadLimits = new int[] { installedAppsAndCatalog, teamMembersAndChannels, perTeam };
		this.graphReadWindows.clear();
	}

	private Resp graphReadThrottled(Route route, Req req) {
		if (!"GET".equals(req.method) && !"HEAD".equals(req.method)) {
			return null;
		}
		String template = ("/" + String.join("/", route.template())).replaceAll("\\{[^}/]*\\}", "{}");
		int[] limits = this.graphReadLimits;
		List<String[]> families = new ArrayList<>(2);
		if (template.contains("/installedApps") || template.startsWith("/v1.0/appCatalogs")) {
			families.add(new String[] { "installedApps", Integer.toString(limits[0]) });
		}
		if (template.startsWith("/v1.0/teams/{}/members") || template.startsWith("/v1.0/teams/{}/channels")) {
			families.add(new String[] { "teamReads", Integer.toString(limits[1]) });
		}
		if (template.startsWith("/v1.0/teams/{}/")) {
			families.add(new String[] { "team:" + req.param(0).toLowerCase(java.util.Locale.ROOT),
					Integer.toString(limits[2]) });
		}
		long now = arrivedAt();
		for (String[] f : families) {
			int limit = Integer.parseInt(f[1]);
			if (limit <= 0) {
				continue;
			}
			SlidingWindows w = this.graphReadWindows.computeIfAbsent(f[0], (k) -> SlidingWindows.perSecond(limit));
			long wait;
			synchronized (w) {
				wait = w.tryAcquire(now);
			}
			if (wait > 0) {
				this.stats.throttledGraphReads.incrementAndGet();
				return GraphApi.throttled(wait);
			}
		}
		return null;
	}

	/** Graph calls refused for a missing permission (method, path, what was needed). */
	public List<String> graphPermissionDenials() {
		return List.copyOf(this.permissionDenials);
	}

	/**
	 * Graph's 403 when the token's roles (still granted) admit none of the permissions
	 * the route needs; null otherwise, and for tokens the handler itself rejects with
	 * 401.
	 */
	private Resp graphPermissionDenied(Route route, Req req) {
		String template = "/" + String.join("/", route.template());
		if (GraphPermissions.accepted(route.method(), template) == null) {
			return null;
		}
		String auth = req.header("Authorization");
		if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
			return null;
		}
		SimKeys.Validated token = this.keys.validate(auth.substring(7).trim());
		if (token == null || !SimKeys.GRAPH_AUDIENCE.equals(token.audience())) {
			return null;
		}
		Set<String> granted = graphPermissions(token.appId());
		Set<String> roles = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
		for (String r : token.roles()) {
			if (granted.stream().anyMatch(r::equalsIgnoreCase)) {
				roles.add(r);
			}
		}
		Resp denied = GraphPermissions.check(route.method(), template, roles);
		if (denied != null) {
			this.stats.forbidden403.incrementAndGet();
			this.permissionDenials.addLast(req.method + " " + req.rawPath + " needs one of "
					+ GraphPermissions.accepted(route.method(), template));
			while (this.permissionDenials.size() > 200) {
				this.permissionDenials.pollFirst();
			}
		}
		return denied;
	}

	// ---- managed identity and workload identity ----

	/**
	 * Assigns a user-assigned managed identity to the host the simulator stands for: IMDS
	 * and the App Service endpoint issue tokens for its client id (the bot's app id is
	 * assigned from the start).
	 */
	public void assignManagedIdentity(String clientId) {
		this.identity.assignedIdentities.add(clientId.toLowerCase(java.util.Locale.ROOT));
	}

	/** Removes a managed identity from the host: its token requests answer 400. */
	public void unassignManagedIdentity(String clientId) {
		this.identity.assignedIdentities.remove(clientId.toLowerCase(java.util.Locale.ROOT));
	}

	/**
	 * What {@code AZURE_POD_IDENTITY_AUTHORITY_HOST} is set to for azure-identity to ask
	 * this simulator's IMDS ({@code /metadata/identity/oauth2/token}) instead of
	 * 169.254.169.254.
	 */
	public String imdsAuthorityHost() {
		return baseUrl();
	}

	/** App Service's {@code IDENTITY_ENDPOINT}. */
	public String appServiceIdentityEndpoint() {
		return baseUrl() + "/msi/token";
	}

	/** App Service's {@code IDENTITY_HEADER} (the endpoint's shared secret). */
	public String appServiceIdentityHeader() {
		return this.identity.identityHeader;
	}

	/**
	 * The OIDC issuer of the simulated Kubernetes cluster whose service-account tokens
	 * apps exchange (workload identity federation).
	 */
	public String clusterIssuer() {
		return this.identity.clusterIssuer();
	}

	/**
	 * Adds a federated identity credential to an app registration: Entra then accepts a
	 * client assertion from this issuer for this subject and audience (usually
	 * {@code api://AzureADTokenExchange}).
	 */
	public void addFederatedCredential(String clientId, String issuer, String subject, String audience) {
		this.identity.addFederatedCredential(clientId, new IdentityApi.FederatedCredential(issuer, subject, audience));
	}

	/**
	 * A service-account token of the simulated cluster, as the kubelet projects into
	 * {@code AZURE_FEDERATED_TOKEN_FILE}.
	 */
	public String serviceAccountToken(String subject, String audience, java.time.Duration lifetime) {
		java.time.Instant now = java.time.Instant.now();
		return this.identity.serviceAccountToken(subject, audience, now, now.plus(lifetime));
	}

	/** Same, with explicit validity (for expired or not-yet-valid tokens). */
	public String serviceAccountToken(String subject, String audience, java.time.Instant notBefore,
			java.time.Instant expires) {
		return this.identity.serviceAccountToken(subject, audience, notBefore, expires);
	}

	/**
	 * Tokens issued to a client with one kind of credential ({@code secret},
	 * {@code certificate}, {@code federated}, {@code imds}, {@code appService}) for one
	 * audience ({@code https://api.botframework.com},
	 * {@code https://graph.microsoft.com}).
	 */
	public long tokensIssued(String clientId, String kind, String audience) {
		return this.identity.issued(clientId, kind, audience);
	}

	boolean clientValid(String clientId, String secret) {
		return clientId != null && secret != null && secret.equals(this.clientSecrets.get(clientId));
	}

	boolean clientRegistered(String clientId) {
		return clientId != null && this.clientSecrets.containsKey(clientId);
	}

	public SimulatorConfig config() {
		return this.config;
	}

	public SimTenant tenant() {
		return this.tenant;
	}

	// ---- run-time configuration ----

	public void setBotEndpoint(String url) {
		this.botEndpoint = url;
		this.config = this.config.withBotEndpoint(url);
	}

	public String botEndpoint() {
		return this.botEndpoint;
	}

	/**
	 * Applies run-time changes of limits, latency, faults, strict auth and bot endpoint
	 * (port, users, seed and ids cannot change after start and are kept).
	 */
	public synchronized void updateConfig(UnaryOperator<SimulatorConfig> change) {
		SimulatorConfig next = change.apply(this.config);
		SimulatorConfig current = this.config;
		this.config = new SimulatorConfig(current.port(), current.users(), current.seed(), current.tenantId(),
				current.botAppId(), current.teamsAppExternalId(), next.botEndpoint(), next.limits(), next.latency(),
				next.faults(), next.strictAuth(), current.installedShare());
		this.botEndpoint = next.botEndpoint();
		if (!next.limits().equals(current.limits())) {
			applyLimits(next.limits());
		}
	}

	public void setFaults(Faults faults) {
		updateConfig((c) -> c.withFaults(faults));
	}

	public void setLatency(Latency latency) {
		updateConfig((c) -> c.withLatency(latency));
	}

	public void setLimits(Limits limits) {
		updateConfig((c) -> c.withLimits(limits));
	}

	public void setStrictAuth(boolean strict) {
		updateConfig((c) -> c.withStrictAuth(strict));
	}

	/**
	 * Largest accepted activity, measured as UTF-16 bytes of the JSON body (default 100
	 * KB).
	 */
	public void setMaxMessageBytes(int bytes) {
		this.maxMessageBytes = bytes;
	}

	/** How long a "timeout" fault holds the request before closing it (default 35 s). */
	public void setTimeoutHoldMillis(long millis) {
		this.timeoutHoldMillis = millis;
	}

	/**
	 * Share of Connector 429s answered without a Retry-After header (default 0): Teams
	 * sends it "if available", and clients must then back off on their own.
	 */
	public void setRetryAfterAbsentShare(double share) {
		if (share < 0 || share > 1) {
			throw new IllegalArgumentException("share must be within 0..1");
		}
		this.retryAfterAbsentShare = share;
	}

	/** Share of Connector sends answered 412 PreconditionFailed (default 0). */
	public void setPreconditionFailedShare(double share) {
		this.preconditionFailedShare = share;
	}

	/**
	 * Whether personal sends and 1:1 creates need the app installed for the user (default
	 * true: 403 otherwise).
	 */
	public void setRequireInstall(boolean require) {
		this.requireInstall = require;
	}

	/**
	 * Whether channel posts need the app installed in the channel's team (default true:
	 * 403 {@code BotNotInConversationRoster} otherwise).
	 */
	public void setRequireTeamInstall(boolean require) {
		this.requireTeamInstall = require;
	}

	/**
	 * Makes Graph refuse every install into a team with 403 and this message (null: allow
	 * again), as when the admin blocked the app or the permission is missing.
	 */
	public void setTeamInstallDenied(String message) {
		this.teamInstallDenied = message;
	}

	/**
	 * As if the tenant admin blocked (true) or allowed again (false) the app: while
	 * blocked, every Connector send, update, delete and conversation create answers 403
	 * {@code BotDisabledByAdmin} "The tenant admin disabled this bot".
	 */
	public void setAppBlockedByAdmin(boolean blocked) {
		this.appBlockedByAdmin = blocked;
	}

	public boolean appBlockedByAdmin() {
		return this.appBlockedByAdmin;
	}

	/** How many Graph install requests named this user (accepted or refused). */
	public int installRequests(String aadObjectId) {
		AtomicInteger n = this.installRequests.get(aadObjectId.toLowerCase(java.util.Locale.ROOT));
		return (n != null) ? n.get() : 0;
	}

	void countInstallRequest(SimUser u) {
		this.installRequests.computeIfAbsent(u.id(), (k) -> new AtomicInteger()).incrementAndGet();
	}

	private synchronized void applyLimits(Limits limits) {
		this.tenantLimiter = (limits.tenantPerSecond() > 0) ? SlidingWindows.perSecond(limits.tenantPerSecond()) : null;
		this.graphInstallLimiter = (limits.graphInstallsPerSecond() > 0)
				? SlidingWindows.perSecond(limits.graphInstallsPerSecond()) : null;
	}

	Map<String, Object> runtimeOptions() {
		Map<String, Object> m = new LinkedHashMap<>();
		SimulatorConfig c = this.config;
		m.put("limits", c.limits());
		m.put("latency", c.latency());
		m.put("faults", c.faults());
		m.put("strictAuth", c.strictAuth());
		m.put("botEndpoint", this.botEndpoint);
		m.put("maxMessageBytes", this.maxMessageBytes);
		m.put("timeoutHoldMillis", this.timeoutHoldMillis);
		m.put("preconditionFailedShare", this.preconditionFailedShare);
		m.put("retryAfterAbsentShare", this.retryAfterAbsentShare);
		m.put("requireInstall", this.requireInstall);
		m.put("requireTeamInstall", this.requireTeamInstall);
		m.put("teamInstallDenied", this.teamInstallDenied);
		m.put("appBlockedByAdmin", this.appBlockedByAdmin);
		m.put("accessTokenAcceptedVersion", this.accessTokenAcceptedVersion);
		m.put("tokenLifetimeSeconds", this.tokenLifetimeSeconds);
		m.put("activityFeedLimits", Json.obj("bulkPerSecond", this.activityFeed.bulkPerSecond(), "singlePerSecond",
				this.activityFeed.singlePerSecond()));
		m.put("mailLimits", Json.obj("perMinute", this.mail.perMinute(), "recipientsPerDay", MailApi.RECIPIENTS_PER_DAY,
				"concurrent", MailApi.CONCURRENT));
		return m;
	}

	// ---- users: install, block ----

	boolean unlicensed(SimUser u) {
		// Resource and shared mailboxes have no licence; a disabled account cannot use
		// one.
		return !this.tenant.teamsLicence(u) || !this.tenant.accountEnabled(u) || this.licenceRemoved.contains(u.id())
				|| this.tenant.fraction(u, "unlicensed") < this.config.faults().unlicensedShare();
	}

	/**
	 * Takes the person's Teams licence away: Graph installs for them answer 403 as for
	 * the realistic tenant's unlicensed people.
	 */
	public void removeTeamsLicence(String aadObjectId) {
		this.licenceRemoved.add(requireUser(aadObjectId).id());
	}

	public void restoreTeamsLicence(String aadObjectId) {
		this.licenceRemoved.remove(requireUser(aadObjectId).id());
	}

	public boolean isInstalled(String aadObjectId) {
		return this.installed.contains(aadObjectId);
	}

	public boolean isBlocked(String aadObjectId) {
		SimUser u = this.tenant.user(aadObjectId);
		return u != null && blocked(u);
	}

	boolean blocked(SimUser u) {
		if (this.blocked.contains(u.id())) {
			return true;
		}
		return !this.unblocked.contains(u.id()) && (this.tenant.kind(u) == SimTenant.AccountKind.BLOCKED
				|| this.tenant.fraction(u, "blocked") < this.config.faults().blockedUserShare());
	}

	/** Which 403 body a blocked user produces: true = {@code errorCode 209} shape. */
	boolean blockedShapeLegacy(SimUser u) {
		return this.tenant.fraction(u, "blockshape") < 0.5;
	}

	/** Marks the user as having blocked the bot (sends answer 403). */
	public void block(String aadObjectId) {
		SimUser u = requireUser(aadObjectId);
		this.unblocked.remove(u.id());
		this.blocked.add(u.id());
	}

	public void unblock(String aadObjectId) {
		SimUser u = requireUser(aadObjectId);
		this.blocked.remove(u.id());
		this.unblocked.add(u.id());
	}

	/**
	 * Installs the app for a person without telling the bot, as if before it ran (a
	 * benchmark that seeds the bot's store itself); the activity feed then reaches them.
	 */
	public void installQuietly(String aadObjectId) {
		markInstalled(requireUser(aadObjectId));
	}

	/**
	 * Installs the app for a user without telling the bot. Returns false if already
	 * installed.
	 */
	boolean markInstalled(SimUser u) {
		this.uninstalled.remove(u.id());
		boolean added = this.installed.add(u.id());
		if (added) {
			this.stats.installs.incrementAndGet();
		}
		return added;
	}

	/**
	 * As if the user installed the app: marks it installed and posts the signed
	 * {@code installationUpdate} and {@code conversationUpdate} to the bot (waits for the
	 * first delivery attempt; failed deliveries are retried in the background).
	 */
	public void installForUser(String aadObjectId) {
		SimUser u = requireUser(aadObjectId);
		markInstalled(u);
		this.bot.deliver(this.bot.installActivities(u)).join();
	}

	/**
	 * As if the app was installed for a person while no bot endpoint listened (an admin
	 * policy, or before Herald ran): installed, but the bot never hears of it. A Graph
	 * install then answers 409, and only Graph knows the chat. Returns false if already
	 * installed.
	 */
	public boolean installWithoutCallback(String aadObjectId) {
		return markInstalled(requireUser(aadObjectId));
	}

	/** Async variant used by Graph installs. */
	CompletableFuture<Boolean> installAsync(SimUser u) {
		markInstalled(u);
		return this.bot.deliver(this.bot.installActivities(u));
	}

	/**
	 * Posts install callbacks for every user who had the app at start (see
	 * {@link SimulatorConfig#installedShare()}); waits for the first attempts. Returns
	 * how many users.
	 */
	public int installForExisting() {
		List<CompletableFuture<Boolean>> futures = new ArrayList<>();
		int count = 0;
		for (SimUser u : this.tenant.users()) {
			if (this.installedAtStart.contains(u.id()) && this.installed.contains(u.id())) {
				futures.add(this.bot.deliver(this.bot.installActivities(u)));
				count++;
			}
		}
		CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])).join();
		return count;
	}

	/** Users who had the app installed at start. */
	public Set<String> installedAtStart() {
		return this.installedAtStart;
	}

	/**
	 * As if the user uninstalled the app: posts {@code installationUpdate} (remove) and
	 * {@code conversationUpdate} (membersRemoved); later sends answer 403.
	 */
	public void uninstall(String aadObjectId) {
		SimUser u = requireUser(aadObjectId);
		if (this.installed.remove(u.id())) {
			this.stats.uninstalls.incrementAndGet();
		}
		this.uninstalled.add(u.id());
		this.bot.deliver(this.bot.uninstallActivities(u)).join();
	}

	boolean uninstallQuietly(SimUser u) {
		boolean removed = this.installed.remove(u.id());
		if (removed) {
			this.stats.uninstalls.incrementAndGet();
			this.uninstalled.add(u.id());
		}
		return removed;
	}

	/**
	 * As if a team owner added the app to a team: the bot becomes part of the team (its
	 * members may now be messaged 1:1 through a created conversation) and Teams posts the
	 * team's {@code conversationUpdate} (bot in {@code membersAdded},
	 * {@code eventType: teamMemberAdded}) to the bot; waits for the first delivery
	 * attempt. Accepts the Graph id or the thread id; returns false for an unknown team.
	 */
	public boolean installInTeam(String teamId) {
		SimTeam team = this.tenant.team(teamId);
		if (team == null) {
			return false;
		}
		this.teamsWithBot.add(team.id());
		this.sharingTeamWithBot.addAll(teamMembers(team));
		this.bot.deliver(List.of(this.bot.teamInstallActivity(team, teamActor(team)))).join();
		return true;
	}

	/**
	 * A Graph install into a team: marks it installed and posts the team's
	 * {@code conversationUpdate} in the background, as Teams does.
	 */
	CompletableFuture<Boolean> installInTeamAsync(SimTeam team) {
		this.teamsWithBot.add(team.id());
		this.sharingTeamWithBot.addAll(teamMembers(team));
		return this.bot.deliver(List.of(this.bot.teamInstallActivity(team, teamActor(team))));
	}

	// ---- team uninstalls and roster changes (#27) ----

	/** Who Teams names as having done something to a team: its first owner. */
	private SimUser teamActor(SimTeam team) {
		return this.tenant
			.user(team.ownerUserIds().isEmpty() ? team.memberUserIds().get(0) : team.ownerUserIds().get(0));
	}

	private SimTeam requireTeam(String teamId) {
		SimTeam team = this.tenant.team(teamId);
		if (team == null) {
			throw new IllegalArgumentException("Unknown team: " + teamId);
		}
		return team;
	}

	/** A team's members now (the seed plus later changes). */
	public List<String> teamMembers(SimTeam team) {
		return this.rosters.members(team);
	}

	/** Rebuilds who shares a team with the bot, after a team or a member left. */
	private synchronized void recomputeSharing() {
		Set<String> sharing = new java.util.HashSet<>();
		for (String id : this.teamsWithBot) {
			SimTeam t = this.tenant.team(id);
			if (t != null) {
				sharing.addAll(teamMembers(t));
			}
		}
		this.sharingTeamWithBot.retainAll(sharing);
		this.sharingTeamWithBot.addAll(sharing);
	}

	/**
	 * As if a team owner removed the app from a team: its channels refuse the bot's posts
	 * again (403), and Teams posts {@code installationUpdate} (remove) and the team's
	 * {@code conversationUpdate} with the bot in {@code membersRemoved}; waits for the
	 * first delivery attempt. Returns false when the app was not in the team.
	 */
	public boolean uninstallFromTeam(String teamId) {
		SimTeam team = requireTeam(teamId);
		boolean was = this.teamsWithBot.remove(team.id());
		recomputeSharing();
		if (was) {
			this.bot.deliver(this.bot.teamUninstallActivities(team, teamActor(team))).join();
		}
		return was;
	}

	/**
	 * As if the team was deleted: the app goes with it and Teams posts the team's
	 * {@code conversationUpdate} with {@code eventType: teamDeleted} (when the app was in
	 * it). Graph still lists the team (a deleted group lingers); {@link #restoreRosters}
	 * forgets the deletion.
	 */
	public boolean deleteTeam(String teamId) {
		SimTeam team = requireTeam(teamId);
		this.rosters.markDeleted(team);
		boolean was = this.teamsWithBot.remove(team.id());
		recomputeSharing();
		if (was) {
			this.bot.deliver(List.of(this.bot.teamEvent(team, teamActor(team), "teamDeleted", List.of(), List.of())))
				.join();
		}
		return was;
	}

	/** Whether {@link #deleteTeam} deleted this team. */
	public boolean isTeamDeleted(String teamId) {
		SimTeam team = this.tenant.team(teamId);
		return team != null && this.rosters.deleted(team);
	}

	/**
	 * Adds a person to a team. When the app is in the team and {@code notify} is true,
	 * Teams posts {@code conversationUpdate} ({@code eventType: teamMemberAdded}, the
	 * person in {@code membersAdded}); {@code notify: false} is an event that was lost.
	 * Returns false when they already were a member.
	 */
	public boolean addTeamMember(String teamId, String aadObjectId, boolean notify) {
		SimTeam team = requireTeam(teamId);
		SimUser u = requireUser(aadObjectId);
		boolean changed = this.rosters.add(team, u.id());
		if (changed && this.teamsWithBot.contains(team.id())) {
			this.sharingTeamWithBot.add(u.id());
			if (notify) {
				this.bot.deliver(List.of(this.bot.teamEvent(team, teamActor(team), "teamMemberAdded",
						List.of(Json.obj("id", u.teamsUserId(), "aadObjectId", u.id())), List.of())))
					.join();
			}
		}
		return changed;
	}

	/**
	 * Removes a person from a team; the event ({@code teamMemberRemoved},
	 * {@code membersRemoved}) as for {@link #addTeamMember}.
	 */
	public boolean removeTeamMember(String teamId, String aadObjectId, boolean notify) {
		SimTeam team = requireTeam(teamId);
		SimUser u = requireUser(aadObjectId);
		boolean changed = this.rosters.remove(team, u.id());
		if (changed) {
			recomputeSharing();
		}
		if (changed && notify && this.teamsWithBot.contains(team.id())) {
			this.bot.deliver(List.of(this.bot.teamEvent(team, teamActor(team), "teamMemberRemoved", List.of(),
					List.of(Json.obj("id", u.teamsUserId(), "aadObjectId", u.id())))))
				.join();
		}
		return changed;
	}

	/** Puts every team's roster back as seeded, without events (test clean-up). */
	public void restoreRosters() {
		this.rosters.restore();
		recomputeSharing();
	}

	/**
	 * The largest page of {@code GET /v3/conversations/{id}/pagedmembers}, below Teams'
	 * floor of 50 too; null restores Teams' clamp (50..500).
	 */
	public void setRosterPageSize(Integer pageSize) {
		if (pageSize != null && pageSize < 1) {
			throw new IllegalArgumentException("page size must be at least 1");
		}
		this.rosters.pageSize = pageSize;
	}

	// ---- Teams' callback behaviour (#27) ----

	/**
	 * How long Teams waits before its one re-post of a callback the bot did not answer
	 * 2xx (15 s, as Teams; tests shorten it).
	 */
	public void setCallbackRetryDelay(java.time.Duration delay) {
		this.callbacks.retryDelay = (delay != null) ? delay : Callbacks.TEAMS_RETRY_DELAY;
	}

	/**
	 * Whether every activity (callbacks, messages, invokes) is posted to the bot twice
	 * with the same id, at the same time, as Teams sometimes does.
	 */
	public void setDuplicateActivities(boolean duplicate) {
		this.callbacks.duplicate = duplicate;
	}

	/**
	 * Answers to {@code adaptiveCard/action} invokes Teams could not use (wrong status or
	 * body shape), oldest first: {@code at, activityId, status, body, problem}.
	 */
	public List<Map<String, Object>> invalidInvokeAnswers() {
		return this.callbacks.invokeErrors();
	}

	/**
	 * Callback counters: re-posts, drops, duplicates, invoke answers checked and invalid.
	 */
	public Map<String, Object> callbackStats() {
		return this.callbacks.toMap();
	}

	/** Teams (Graph ids) that had the app at start, without any callback. */
	public Set<String> teamsWithAppAtStart() {
		return this.teamsWithAppAtStart;
	}

	/** Whether the app is installed in this team (Graph id or thread id). */
	public boolean isInstalledInTeam(String teamId) {
		SimTeam team = this.tenant.team(teamId);
		return team != null && this.teamsWithBot.contains(team.id());
	}

	/**
	 * Teams' rule for creating a 1:1 conversation: the bot and the person share a team.
	 */
	boolean sharesTeamWithBot(SimUser u) {
		return this.sharingTeamWithBot.contains(u.id());
	}

	/**
	 * The app package uploaded to the catalog ({@code POST /v1.0/appCatalogs/teamsApps},
	 * a zip holding {@code manifest.json}); what Teams grants the bot follows from it.
	 */
	public void publishApp(byte[] zip) {
		this.installedManifest = AppPackages.manifest(zip);
	}

	/**
	 * Puts an app's manifest in the catalog as if its package had been uploaded (null
	 * empties it): for tests that never build a package, e.g. to try a tab with a
	 * manifest Herald would not generate.
	 */
	public void setAppManifest(Map<String, Object> manifest) {
		this.installedManifest = Json.copy(manifest);
	}

	/** A copy of the manifest in the catalog, or null when none was uploaded or set. */
	public Map<String, Object> appManifest() {
		Map<String, Object> manifest = this.installedManifest;
		return (manifest != null) ? Json.copy(manifest) : null;
	}

	/**
	 * The Teams host page of a personal tab for a person ({@code GET
	 * /_sim/teams/users/{aad}/apps/{appId}/tabs/{entityId}}); add
	 * {@code ?theme=dark&hostClientType=android&subEntityId=...&tokenVersion=1} as
	 * needed.
	 */
	public String tabHostUrl(String aadObjectId, String entityId) {
		Map<String, Object> manifest = this.installedManifest;
		String appId = (manifest != null && Json.str(manifest.get("id")) != null) ? Json.str(manifest.get("id"))
				: teamsAppExternalId();
		return baseUrl() + "/_sim/teams/users/" + urlEncode(requireUser(aadObjectId).id()) + "/apps/" + urlEncode(appId)
				+ "/tabs/" + urlEncode(entityId);
	}

	private static String urlEncode(String s) {
		return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
	}

	/**
	 * The SSO token Teams would hand the app's tab for this person
	 * ({@code authentication.getAuthToken}), in the form
	 * {@link #accessTokenAcceptedVersion()} says. Throws IllegalStateException (message
	 * starting with Teams' error, e.g. {@code resourceDisabled}) where Teams gives none.
	 */
	public String tabSsoToken(String aadObjectId) {
		return this.tabHost.ssoToken(aadObjectId, this.accessTokenAcceptedVersion);
	}

	/** {@link #tabSsoToken(String)} in the v1 ({@code 1}) or v2 ({@code 2}) form. */
	public String tabSsoToken(String aadObjectId, int version) {
		return this.tabHost.ssoToken(aadObjectId, version);
	}

	/**
	 * The app registration's {@code accessTokenAcceptedVersion} (2 by default, as the
	 * Teams SSO guide sets it; 1 gives v1 tokens, {@code aud} = the Application ID URI).
	 */
	public void setAccessTokenAcceptedVersion(int version) {
		if (version != 1 && version != 2) {
			throw new IllegalArgumentException("accessTokenAcceptedVersion must be 1 or 2");
		}
		this.accessTokenAcceptedVersion = version;
	}

	public int accessTokenAcceptedVersion() {
		return this.accessTokenAcceptedVersion;
	}

	/** Whether the uploaded manifest requests this resource-specific permission. */
	public boolean appHasPermission(String name) {
		return AppPackages.hasResourceSpecificPermission(this.installedManifest, name);
	}

	/** A person's read-receipt privacy setting (on by default). */
	public void setReadReceipts(String aadObjectId, boolean on) {
		SimUser u = requireUser(aadObjectId);
		if (on) {
			this.receiptsOff.remove(u.id());
		}
		else {
			this.receiptsOff.add(u.id());
		}
	}

	boolean readReceiptsOn(SimUser u) {
		return !this.receiptsOff.contains(u.id());
	}

	SimUser requireUser(String aadObjectId) {
		SimUser u = this.tenant.user(aadObjectId);
		if (u == null) {
			throw new IllegalArgumentException("Unknown user: " + aadObjectId);
		}
		return u;
	}

	// ---- conversations ----

	/** The personal (1:1) conversation id ({@code a:...}) of the bot with a user. */
	public String conversationIdFor(String aadObjectId) {
		return personalConversationId(requireUser(aadObjectId));
	}

	/** The Graph chat id of the bot's personal chat with a user. */
	public String chatIdFor(String aadObjectId) {
		return chatId(requireUser(aadObjectId));
	}

	String chatId(SimUser u) {
		return "19:" + u.id() + "_" + botAppId() + "@unq.gbl.spaces";
	}

	String personalConversationId(SimUser u) {
		try {
			MessageDigest sha = MessageDigest.getInstance("SHA-256");
			byte[] d = sha.digest((botAppId() + "|" + u.id()).getBytes(StandardCharsets.UTF_8));
			String id = "a:1" + Base64.getUrlEncoder().withoutPadding().encodeToString(d)
					+ Base64.getUrlEncoder()
						.withoutPadding()
						.encodeToString(u.id().getBytes(StandardCharsets.UTF_8))
						.substring(0, 20);
			this.personalIds.putIfAbsent(id, u);
			return id;
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Resolves a Connector conversation id to a conversation, or null when unknown. */
	Conversation resolve(String conversationId) {
		if (conversationId == null) {
			return null;
		}
		Conversation existing = this.conversations.get(conversationId);
		if (existing != null) {
			return existing;
		}
		if (conversationId.startsWith("a:")) {
			SimUser u = this.personalIds.get(conversationId);
			if (u == null && this.personalIds.size() < this.tenant.users().size()) {
				for (SimUser each : this.tenant.users()) {
					personalConversationId(each);
				}
				u = this.personalIds.get(conversationId);
			}
			return (u != null && this.tenant.user(u.id()) != null) ? personal(u) : null;
		}
		if (conversationId.startsWith("19:") && conversationId.endsWith("@unq.gbl.spaces")) {
			String inner = conversationId.substring(3, conversationId.length() - "@unq.gbl.spaces".length());
			int us = inner.indexOf('_');
			if (us > 0 && inner.substring(us + 1).equalsIgnoreCase(botAppId())) {
				SimUser u = this.tenant.user(inner.substring(0, us));
				return (u != null) ? personal(u) : null;
			}
			return null;
		}
		if (conversationId.startsWith("19:")) {
			int semi = conversationId.indexOf(';');
			String channelId = (semi < 0) ? conversationId : conversationId.substring(0, semi);
			SimChannel channel = this.tenant.channel(channelId);
			return (channel != null) ? channel(channel) : null;
		}
		return null;
	}

	Conversation personal(SimUser u) {
		String id = personalConversationId(u);
		return this.conversations.computeIfAbsent(id, (k) -> new Conversation(k, u, null));
	}

	Conversation channel(SimChannel channel) {
		return this.conversations.computeIfAbsent(channel.id(), (k) -> new Conversation(k, null, channel));
	}

	String nextActivityId() {
		return Long.toString(this.activityIds.incrementAndGet());
	}

	/** Stores a delivered activity; returns its id. */
	String store(Conversation c, Map<String, Object> activity, String replyToId) {
		return store(c, activity, replyToId, null);
	}

	/**
	 * Stores an activity given with the request text it was parsed from: the text is kept
	 * with the id (and reply id, timestamp) added in front, instead of copying the map
	 * and writing it out again (a visible share of the simulator's CPU at 3,000
	 * messages/s).
	 */
	String store(Conversation c, Map<String, Object> activity, String replyToId, String body) {
		String id = nextActivityId();
		String text = spliced(body, activity, id, replyToId);
		if (text != null) {
			c.add(new Conversation.Entry(id, text));
			this.stats.activitiesDelivered.incrementAndGet();
			return id;
		}
		Map<String, Object> stored = new LinkedHashMap<>(activity);
		stored.put("id", id);
		if (replyToId != null) {
			stored.put("replyToId", replyToId);
		}
		stored.putIfAbsent("timestamp", java.time.Instant.now().toString());
		c.add(new Conversation.Entry(id, Json.string(stored)));
		this.stats.activitiesDelivered.incrementAndGet();
		return id;
	}

	/** The JSON object text with the stored fields first; null when it cannot be done. */
	private static String spliced(String body, Map<String, Object> activity, String id, String replyToId) {
		if (body == null || activity.containsKey("id") || activity.containsKey("timestamp")
				|| (replyToId != null && activity.containsKey("replyToId"))) {
			return null;
		}
		int open = body.indexOf('{');
		if (open < 0 || !body.substring(0, open).isBlank()) {
			return null;
		}
		String rest = body.substring(open + 1);
		StringBuilder text = new StringBuilder(body.length() + 100).append("{\"id\":").append(Json.string(id));
		if (replyToId != null) {
			text.append(",\"replyToId\":").append(Json.string(replyToId));
		}
		text.append(",\"timestamp\":\"").append(java.time.Instant.now()).append('"');
		return text.append(rest.stripLeading().startsWith("}") ? "" : ",").append(rest).toString();
	}

	/** When the request this thread handles arrived (epoch ms). */
	private static final ThreadLocal<Long> ARRIVAL = new ThreadLocal<>();

	static long arrivedAt() {
		Long arrived = ARRIVAL.get();
		return (arrived != null) ? arrived : System.currentTimeMillis();
	}

	/** Per-thread limiter check; returns wait ms or 0. */
	long acquireThread(Conversation c) {
		if (!this.config.limits().perThread()) {
			return 0;
		}
		SlidingWindows w = c.threadLimiter();
		synchronized (w) {
			return w.tryAcquire(arrivedAt());
		}
	}

	/** Per-tenant limiter check; returns wait ms or 0. */
	long acquireTenant() {
		SlidingWindows w = this.tenantLimiter;
		if (w == null) {
			return 0;
		}
		long now = arrivedAt();
		synchronized (w) {
			this.stats.tenantMargin(w.margin(now));
			return w.tryAcquire(now);
		}
	}

	long acquireGraphInstall() {
		SlidingWindows w = this.graphInstallLimiter;
		if (w == null) {
			return 0;
		}
		synchronized (w) {
			return w.tryAcquire(arrivedAt());
		}
	}

	// ---- activity feed ----

	/**
	 * A person's activity feed (Graph's activity notifications shown to them), newest
	 * first: {@code id, at, via (bulk|single), activityType, text, previewText, topic,
	 * templateParameters, chainId}.
	 */
	public List<Map<String, Object>> activityFeed(String aadObjectId) {
		return this.activityFeed.feed(requireUser(aadObjectId));
	}

	/**
	 * Whether the activity feed can reach a person: the app is theirs or their team's.
	 */
	public boolean activityFeedReaches(String aadObjectId) {
		return this.activityFeed.hasApp(requireUser(aadObjectId));
	}

	/**
	 * Activity feed calls per second per app and tenant: bulk (Graph: 2) and single (5);
	 * 0 turns a limit off.
	 */
	public void setActivityFeedLimits(int bulkPerSecond, int singlePerSecond) {
		this.activityFeed.setLimits(bulkPerSecond, singlePerSecond);
	}

	/**
	 * The lifetime of access tokens the token endpoint issues from now on (3599 s, as
	 * Entra); below 45 minutes every activity feed call answers 412.
	 */
	public void setTokenLifetimeSeconds(int seconds) {
		if (seconds < 60) {
			throw new IllegalArgumentException("token lifetime must be at least 60 s");
		}
		this.tokenLifetimeSeconds = seconds;
	}

	// ---- inspection ----

	/**
	 * Activities in a user's personal chat, latest first, as posted plus the sim "id".
	 */
	public List<Map<String, Object>> inbox(String aadObjectId) {
		SimUser u = requireUser(aadObjectId);
		return inboxOf(this.conversations.get(personalConversationId(u)));
	}

	/** Activities posted to a channel (and its reply threads), latest first. */
	public List<Map<String, Object>> channelInbox(String channelId) {
		return inboxOf(this.conversations.get(channelId));
	}

	List<Map<String, Object>> inboxOf(Conversation c) {
		return inboxOf(c, false);
	}

	/**
	 * Activities of a conversation, latest first. An updated one carries
	 * {@code "edited": true} (Teams shows "Edited" next to it); a deleted one is gone,
	 * or, for the /_sim/ page only ({@code withDeleted}), a stub {@code {"id", "deleted":
	 * true}} where it was, as Teams shows "This message has been deleted".
	 */
	List<Map<String, Object>> inboxOf(Conversation c, boolean withDeleted) {
		List<Map<String, Object>> result = new ArrayList<>();
		if (c == null) {
			return result;
		}
		List<Conversation.Entry> entries = c.entries();
		for (int i = entries.size() - 1; i >= 0; i--) {
			Conversation.Entry e = entries.get(i);
			if (!e.deleted) {
				Map<String, Object> a = e.activity();
				if (e.updates() > 0) {
					a.put("edited", true);
				}
				result.add(a);
			}
			else if (withDeleted) {
				Map<String, Object> stub = new LinkedHashMap<>();
				stub.put("id", e.id);
				stub.put("deleted", true);
				result.add(stub);
			}
		}
		return result;
	}

	/** A user's chat as the /_sim/ page shows it, deleted messages as stubs. */
	List<Map<String, Object>> inboxForPage(String aadObjectId) {
		SimUser u = requireUser(aadObjectId);
		return inboxOf(this.conversations.get(personalConversationId(u)), true);
	}

	Conversation conversation(String id) {
		return this.conversations.get(id);
	}

	Iterable<Conversation> conversations() {
		return this.conversations.values();
	}

	/**
	 * For activities whose JSON contains the marker: how many conversations received one
	 * ({@code conversations}), how many received more than one ({@code duplicated}), and
	 * the total ({@code activities}).
	 */
	public Map<String, Object> deliveries(String marker) {
		long activities = 0;
		long conversationsHit = 0;
		long duplicated = 0;
		long updated = 0;
		long updatedMoreThanOnce = 0;
		long deleted = 0;
		List<String> duplicatedIds = new ArrayList<>();
		for (Conversation c : this.conversations.values()) {
			int n = 0;
			for (Conversation.Entry e : c.entries()) {
				if (!e.json.contains(marker)) {
					continue;
				}
				if (e.deleted) {
					deleted++;
					continue;
				}
				n++;
				if (e.updates() > 0) {
					updated++;
				}
				if (e.updates() > 1) {
					updatedMoreThanOnce++;
				}
			}
			activities += n;
			if (n > 0) {
				conversationsHit++;
			}
			if (n > 1) {
				duplicated++;
				if (duplicatedIds.size() < 100) {
					duplicatedIds.add(c.id);
				}
			}
		}
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("marker", marker);
		m.put("activities", activities);
		m.put("conversations", conversationsHit);
		m.put("duplicated", duplicated);
		m.put("updated", updated);
		m.put("updatedMoreThanOnce", updatedMoreThanOnce);
		m.put("deleted", deleted);
		m.put("duplicatedConversations", duplicatedIds);
		return m;
	}

	/** Same as {@code GET /_sim/stats}. */
	public Map<String, Object> stats() {
		Map<String, Object> m = this.stats.toMap();
		m.put("activityFeed", this.activityFeed.stats());
		m.put("tokensIssuedByClient", this.identity.issuedMap());
		int active = 0;
		for (Conversation c : this.conversations.values()) {
			if (c.size() > 0) {
				active++;
			}
		}
		m.put("conversationsWithActivities", active);
		m.put("installedUsers", this.installed.size());
		m.put("teamsWithApp", this.teamsWithBot.size());
		m.put("callbackBehaviour", this.callbacks.toMap());
		m.put("mail", this.mail.summary());
		return m;
	}

	/**
	 * What a mailbox sent through Graph's sendMail: per message its form ({@code mime} or
	 * {@code json}), its headers (MIME form, by lower-case name) or message, and when.
	 */
	public List<Map<String, Object>> mailOutbox(String mailbox) {
		return this.mail.outbox(mailbox);
	}

	/** sendMail counts: accepted, refused by a limit, and per mailbox. */
	public Map<String, Object> mailStats() {
		return this.mail.summary();
	}

	/**
	 * Every address a mailbox sent to through sendMail, with how many messages each got
	 * (all of them, unlike the outbox, which keeps the latest 5,000).
	 */
	public Map<String, Integer> mailRecipients(String mailbox) {
		return this.mail.recipients(mailbox);
	}

	/**
	 * The per-mailbox sendMail limit of messages a minute (Exchange Online: 30). A
	 * benchmark raises it to scale time; the 10,000 recipients a day and the 4 concurrent
	 * requests stay Exchange's.
	 */
	public void setMailPerMinute(int perMinute) {
		this.mail.setPerMinute(perMinute);
	}

	public int mailPerMinute() {
		return this.mail.perMinute();
	}

	/** Clears inboxes, stats, conversations and rate-limit windows. */
	public void reset() {
		this.conversations.clear();
		this.stats.reset();
		this.activityFeed.reset();
		this.identity.reset();
		this.callbacks.reset();
		applyLimits(this.config.limits());
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.bot.close();
		this.holds.shutdownNow();
		this.executor.shutdownNow();
	}

	// ---- HTTP dispatch ----

	private void handle(HttpExchange exchange) {
		this.stats.requests.incrementAndGet();
		Req req;
		try {
			req = new Req(exchange);
		}
		catch (IOException ex) {
			exchange.close();
			return;
		}
		Resp resp = dispatch(req, false);
		try {
			if (resp == Resp.RESET) {
				exchange.close();
			}
			else if (resp == Resp.HOLD) {
				this.holds.schedule(exchange::close, this.timeoutHoldMillis, TimeUnit.MILLISECONDS);
			}
			else {
				resp.write(exchange);
			}
		}
		catch (IOException ex) {
			exchange.close();
		}
	}

	Resp dispatch(Req req, boolean batchItem) {
		Route route = this.router.find(req);
		Kind kind = (route != null) ? route.kind() : kindOf(req);
		if (kind == Kind.CONNECTOR) {
			this.stats.connectorRequests.incrementAndGet();
			this.stats.tick();
		}
		else if (kind == Kind.GRAPH) {
			this.stats.graphRequests.incrementAndGet();
		}
		if (route == null) {
			return notFound(req, kind);
		}
		Resp denied = (kind == Kind.GRAPH) ? graphPermissionDenied(route, req) : null;
		if (denied == null && kind == Kind.GRAPH) {
			denied = graphReadThrottled(route, req);
		}
		Resp resp = (denied != null) ? denied : handle(route, req, kind);
		// The latency is added after the request was admitted and handled, as in Teams:
		// throttling is decided when a request arrives, processing time follows. Added
		// before, it would shift arrivals by a random 0..max-min ms and turn an evenly
		// paced client into bursts the per-second window rejects.
		if (!batchItem && (kind == Kind.CONNECTOR || kind == Kind.GRAPH)) {
			Latency latency = this.config.latency();
			if (latency.maxMs() > 0) {
				int ms = latency.draw(ThreadLocalRandom.current());
				try {
					Thread.sleep(ms);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}
		return resp;
	}

	private Resp handle(Route route, Req req, Kind kind) {
		try {
			return route.handler().handle(req);
		}
		catch (Http.BadJson ex) {
			return switch (kind) {
				case GRAPH -> GraphApi.error(400, "BadRequest", "Unable to read JSON request payload.");
				case CONNECTOR -> ConnectorApi.error(400, "BadSyntax", "Invalid JSON: " + ex.getMessage());
				default -> Resp.json(400, Json.obj("error", "invalid_request", "error_description", "Invalid JSON"));
			};
		}
		catch (IllegalArgumentException ex) {
			return switch (kind) {
				case GRAPH -> GraphApi.error(400, "BadRequest", ex.getMessage());
				case CONNECTOR -> ConnectorApi.error(400, "BadArgument", ex.getMessage());
				default ->
					Resp.json(400, Json.obj("error", Json.obj("code", "BadRequest", "message", ex.getMessage())));
			};
		}
		catch (Exception ex) {
			return switch (kind) {
				case GRAPH -> GraphApi.error(500, "InternalServerError", ex.toString());
				case CONNECTOR -> ConnectorApi.error(500, "ServiceError", ex.toString());
				default ->
					Resp.json(500, Json.obj("error", Json.obj("code", "ServiceError", "message", ex.toString())));
			};
		}
	}

	private static Kind kindOf(Req req) {
		List<String> s = req.segments;
		if (!s.isEmpty() && "v1.0".equals(s.get(0))) {
			return Kind.GRAPH;
		}
		if (s.size() > 1 && "v3".equals(s.get(1))) {
			return Kind.CONNECTOR;
		}
		if (!s.isEmpty() && "_sim".equals(s.get(0))) {
			return Kind.SIM;
		}
		return Kind.ENTRA;
	}

	private Resp notFound(Req req, Kind kind) {
		boolean otherMethod = this.router.pathExists(req);
		if (kind == Kind.GRAPH) {
			if (otherMethod) {
				return GraphApi.error(405, "Request_BadRequest",
						"Specified HTTP method is not allowed for the request target.");
			}
			String last = req.segments.isEmpty() ? "" : req.segments.get(req.segments.size() - 1);
			return GraphApi.error(400, "BadRequest", "Resource not found for the segment '" + last + "'.");
		}
		if (kind == Kind.CONNECTOR) {
			return otherMethod
					? ConnectorApi.error(405, "MethodNotAllowed",
							"The requested resource does not support http method '" + req.method + "'.")
					: ConnectorApi.error(404, "NotFound", "The requested resource was not found.");
		}
		return Resp.json(otherMethod ? 405 : 404, Json.obj("error", Json.obj("code", "NotFound", "message",
				req.method + " " + req.rawPath + " is not a simulator endpoint")));
	}

}
