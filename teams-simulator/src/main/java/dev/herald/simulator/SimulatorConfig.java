package dev.herald.simulator;

/**
 * Start-up configuration of a {@link TeamsSimulator}. Immutable; use the {@code withX}
 * copy methods.
 *
 * @param port TCP port, 0 for a random free port
 * @param users number of generated users
 * @param seed seed of the generated tenant and of every deterministic choice
 * @param tenantId Entra tenant id (GUID)
 * @param botAppId the bot's Entra application (client) id (GUID)
 * @param teamsAppExternalId the Teams app manifest id (GUID)
 * @param botEndpoint the bot's messaging endpoint ({@code /api/messages}), may be null
 * @param limits rate limits
 * @param latency added latency
 * @param faults injected faults and user shares
 * @param strictAuth whether the token endpoint checks client secrets (on by default, as
 * Entra; certificate assertions are always checked)
 * @param installedShare share (0..1) of users who already have the app at start
 */
public record SimulatorConfig(int port, int users, long seed, String tenantId, String botAppId,
		String teamsAppExternalId, String botEndpoint, Limits limits, Latency latency, Faults faults,
		boolean strictAuth, double installedShare) {

	/** Tenant id used by {@link #defaults()}. */
	public static final String DEFAULT_TENANT_ID = "8f1c2a9e-5b7d-4c3e-9a61-2d4f6b8e0c13";

	/** Bot app id used by {@link #defaults()}. */
	public static final String DEFAULT_BOT_APP_ID = "3b9e6a51-0c2d-4f7e-8a19-6d5c4b3a2f10";

	/** Teams app manifest (external) id used by {@link #defaults()}. */
	public static final String DEFAULT_TEAMS_APP_EXTERNAL_ID = "c7a4e2f0-91b3-4d65-8e2a-0f1b3c5d7e9a";

	/**
	 * The Graph application permissions granted to the bot app by default: exactly the
	 * table in Herald's README (Configuration, "Graph application permissions").
	 */
	public static final java.util.List<String> DEFAULT_GRAPH_PERMISSIONS = java.util.List.of("User.Read.All",
			"GroupMember.Read.All", "Team.ReadBasic.All", "Channel.ReadBasic.All", "TeamMember.Read.All",
			"TeamsAppInstallation.ReadWriteSelfForUser.All", "TeamsAppInstallation.ReadWriteSelfForTeam.All",
			"AppCatalog.Read.All", "TeamsActivity.Send");

	public SimulatorConfig {
		if (users < 1) {
			throw new IllegalArgumentException("users must be >= 1");
		}
		if (installedShare < 0 || installedShare > 1) {
			throw new IllegalArgumentException("installedShare must be within 0..1");
		}
		limits = (limits != null) ? limits : Limits.teams();
		latency = (latency != null) ? latency : Latency.none();
		faults = (faults != null) ? faults : Faults.none();
	}

	public static SimulatorConfig defaults() {
		return new SimulatorConfig(0, 2_000, 42L, DEFAULT_TENANT_ID, DEFAULT_BOT_APP_ID, DEFAULT_TEAMS_APP_EXTERNAL_ID,
				null, Limits.teams(), Latency.none(), Faults.none(), true, 0.0);
	}

	public SimulatorConfig withPort(int port) {
		return new SimulatorConfig(port, this.users, this.seed, this.tenantId, this.botAppId, this.teamsAppExternalId,
				this.botEndpoint, this.limits, this.latency, this.faults, this.strictAuth, this.installedShare);
	}

	public SimulatorConfig withUsers(int users) {
		return new SimulatorConfig(this.port, users, this.seed, this.tenantId, this.botAppId, this.teamsAppExternalId,
				this.botEndpoint, this.limits, this.latency, this.faults, this.strictAuth, this.installedShare);
	}

	public SimulatorConfig withSeed(long seed) {
		return new SimulatorConfig(this.port, this.users, seed, this.tenantId, this.botAppId, this.teamsAppExternalId,
				this.botEndpoint, this.limits, this.latency, this.faults, this.strictAuth, this.installedShare);
	}

	public SimulatorConfig withTenantId(String tenantId) {
		return new SimulatorConfig(this.port, this.users, this.seed, tenantId, this.botAppId, this.teamsAppExternalId,
				this.botEndpoint, this.limits, this.latency, this.faults, this.strictAuth, this.installedShare);
	}

	public SimulatorConfig withBotAppId(String botAppId) {
		return new SimulatorConfig(this.port, this.users, this.seed, this.tenantId, botAppId, this.teamsAppExternalId,
				this.botEndpoint, this.limits, this.latency, this.faults, this.strictAuth, this.installedShare);
	}

	public SimulatorConfig withTeamsAppExternalId(String teamsAppExternalId) {
		return new SimulatorConfig(this.port, this.users, this.seed, this.tenantId, this.botAppId, teamsAppExternalId,
				this.botEndpoint, this.limits, this.latency, this.faults, this.strictAuth, this.installedShare);
	}

	public SimulatorConfig withBotEndpoint(String botEndpoint) {
		return new SimulatorConfig(this.port, this.users, this.seed, this.tenantId, this.botAppId,
				this.teamsAppExternalId, botEndpoint, this.limits, this.latency, this.faults, this.strictAuth,
				this.installedShare);
	}

	public SimulatorConfig withLimits(Limits limits) {
		return new SimulatorConfig(this.port, this.users, this.seed, this.tenantId, this.botAppId,
				this.teamsAppExternalId, this.botEndpoint, limits, this.latency, this.faults, this.strictAuth,
				this.installedShare);
	}

	public SimulatorConfig withLatency(Latency latency) {
		return new SimulatorConfig(this.port, this.users, this.seed, this.tenantId, this.botAppId,
				this.teamsAppExternalId, this.botEndpoint, this.limits, latency, this.faults, this.strictAuth,
				this.installedShare);
	}

	public SimulatorConfig withFaults(Faults faults) {
		return new SimulatorConfig(this.port, this.users, this.seed, this.tenantId, this.botAppId,
				this.teamsAppExternalId, this.botEndpoint, this.limits, this.latency, faults, this.strictAuth,
				this.installedShare);
	}

	public SimulatorConfig withStrictAuth(boolean strictAuth) {
		return new SimulatorConfig(this.port, this.users, this.seed, this.tenantId, this.botAppId,
				this.teamsAppExternalId, this.botEndpoint, this.limits, this.latency, this.faults, strictAuth,
				this.installedShare);
	}

	public SimulatorConfig withInstalledShare(double installedShare) {
		return new SimulatorConfig(this.port, this.users, this.seed, this.tenantId, this.botAppId,
				this.teamsAppExternalId, this.botEndpoint, this.limits, this.latency, this.faults, this.strictAuth,
				installedShare);
	}

	/**
	 * Rate limits.
	 *
	 * @param perThread per bot per thread limits (7/1 s, 8/2 s, 60/30 s, 1800/3600 s)
	 * @param tenantPerSecond per app per tenant limit across all Connector calls, 0 = off
	 * @param graphInstallsPerSecond Graph app installs per second per tenant, 0 = off
	 */
	public record Limits(boolean perThread, int tenantPerSecond, int graphInstallsPerSecond) {

		public Limits {
			if (tenantPerSecond < 0 || graphInstallsPerSecond < 0) {
				throw new IllegalArgumentException("limits must be >= 0");
			}
		}

		public static Limits off() {
			return new Limits(false, 0, 0);
		}

		public static Limits teams() {
			return new Limits(true, 50, 30);
		}

		public Limits withPerThread(boolean perThread) {
			return new Limits(perThread, this.tenantPerSecond, this.graphInstallsPerSecond);
		}

		public Limits withTenantPerSecond(int tenantPerSecond) {
			return new Limits(this.perThread, tenantPerSecond, this.graphInstallsPerSecond);
		}

		public Limits withGraphInstallsPerSecond(int graphInstallsPerSecond) {
			return new Limits(this.perThread, this.tenantPerSecond, graphInstallsPerSecond);
		}

	}

	/**
	 * Latency added to every Connector and Graph answer, drawn per call: fixed when min
	 * == max, else from the distribution within [min, max].
	 *
	 * @param minMs minimum in milliseconds
	 * @param maxMs maximum in milliseconds
	 * @param distribution how the draws spread between min and max
	 */
	public record Latency(int minMs, int maxMs, Distribution distribution) {

		public Latency {
			if (minMs < 0 || maxMs < minMs) {
				throw new IllegalArgumentException("latency needs 0 <= min <= max");
			}
			distribution = (distribution != null) ? distribution : Distribution.UNIFORM;
		}

		/** Uniform in [min, max]. */
		public Latency(int minMs, int maxMs) {
			this(minMs, maxMs, Distribution.UNIFORM);
		}

		public static Latency none() {
			return new Latency(0, 0);
		}

		public static Latency fixed(int ms) {
			return new Latency(ms, ms);
		}

		public Latency withDistribution(Distribution distribution) {
			return new Latency(this.minMs, this.maxMs, distribution);
		}

		/** One call's latency in milliseconds. */
		public int draw(java.util.random.RandomGenerator random) {
			if (this.minMs == this.maxMs) {
				return this.minMs;
			}
			int span = this.maxMs - this.minMs;
			return switch (this.distribution) {
				case UNIFORM -> this.minMs + random.nextInt(span + 1);
				// Most answers near the minimum, a few slow ones up to the maximum: an
				// exponential with a quarter of the span as its mean, cut at the maximum.
				case TAIL -> this.minMs + (int) Math.min(span, Math.round(random.nextExponential() * span / 4.0));
			};
		}

		/** How latency draws spread between min and max. */
		public enum Distribution {

			/** Every value in [min, max] alike. */
			UNIFORM,
			/** Exponential from min (mean min + span/4), cut at max: a long tail. */
			TAIL

		}

	}

	/**
	 * Injected faults (shares within 0..1).
	 *
	 * @param serverErrorShare share of Connector calls answered 502/503/504
	 * @param timeoutShare share of Connector calls held without an answer
	 * @param resetShare share of Connector calls whose connection is closed without an
	 * answer
	 * @param blockedUserShare share of users (chosen deterministically from the seed) who
	 * blocked the bot
	 * @param unlicensedShare share of users (deterministic) for whom Graph installs fail
	 * with 403
	 */
	public record Faults(double serverErrorShare, double timeoutShare, double resetShare, double blockedUserShare,
			double unlicensedShare) {

		public Faults {
			for (double d : new double[] { serverErrorShare, timeoutShare, resetShare, blockedUserShare,
					unlicensedShare }) {
				if (d < 0 || d > 1) {
					throw new IllegalArgumentException("fault shares must be within 0..1");
				}
			}
		}

		public static Faults none() {
			return new Faults(0, 0, 0, 0, 0);
		}

		public Faults withServerErrorShare(double v) {
			return new Faults(v, this.timeoutShare, this.resetShare, this.blockedUserShare, this.unlicensedShare);
		}

		public Faults withTimeoutShare(double v) {
			return new Faults(this.serverErrorShare, v, this.resetShare, this.blockedUserShare, this.unlicensedShare);
		}

		public Faults withResetShare(double v) {
			return new Faults(this.serverErrorShare, this.timeoutShare, v, this.blockedUserShare, this.unlicensedShare);
		}

		public Faults withBlockedUserShare(double v) {
			return new Faults(this.serverErrorShare, this.timeoutShare, this.resetShare, v, this.unlicensedShare);
		}

		public Faults withUnlicensedShare(double v) {
			return new Faults(this.serverErrorShare, this.timeoutShare, this.resetShare, this.blockedUserShare, v);
		}

	}

}
