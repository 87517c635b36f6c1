package dev.herald.simulator;

import java.util.Locale;
import java.util.concurrent.CountDownLatch;

import dev.herald.simulator.SimulatorConfig.Faults;
import dev.herald.simulator.SimulatorConfig.Latency;
import dev.herald.simulator.SimulatorConfig.Limits;

/** Runs the simulator standalone until killed. See README.md for the options. */
public final class SimulatorMain {

	private SimulatorMain() {
	}

	public static void main(String[] args) throws InterruptedException {
		Options options;
		try {
			options = parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println("teams-simulator: " + ex.getMessage());
			System.err.println(usage());
			System.exit(2);
			return;
		}
		if (options == null) {
			System.out.println(usage());
			return;
		}
		TeamsSimulator sim = TeamsSimulator.start(options.config);
		if (options.publicUrl != null) {
			sim.setPublicBaseUrl(options.publicUrl);
		}
		if (options.clientSecret != null) {
			sim.registerClient(sim.botAppId(), options.clientSecret);
		}
		if (options.graphReadLimits != null) {
			sim.setGraphReadLimits(options.graphReadLimits[0], options.graphReadLimits[1], options.graphReadLimits[2]);
		}
		if (options.graphPermissions != null) {
			sim.setGraphPermissions(sim.botAppId(), options.graphPermissions);
		}
		if (options.maxMessageBytes > 0) {
			sim.setMaxMessageBytes(options.maxMessageBytes);
		}
		if (options.mailPerMinute > 0) {
			sim.setMailPerMinute(options.mailPerMinute);
		}
		if (options.timeoutHoldMillis > 0) {
			sim.setTimeoutHoldMillis(options.timeoutHoldMillis);
		}
		sim.setPreconditionFailedShare(options.preconditionFailedShare);
		sim.setRetryAfterAbsentShare(options.retryAfterAbsentShare);
		sim.setRequireInstall(options.requireInstall);
		sim.setRequireTeamInstall(options.requireTeamInstall);
		if (options.denyTeamInstall) {
			sim.setTeamInstallDenied(TeamsSimulator.TEAM_INSTALL_DENIED);
		}
		Runtime.getRuntime().addShutdownHook(new Thread(sim::close, "teams-sim-shutdown"));
		System.out.println("Teams simulator listening on " + sim.baseUrl());
		System.out.println("  tenant        " + sim.tenantId() + " (" + sim.tenant().users().size() + " users)");
		System.out.println("  bot app id    " + sim.botAppId() + "  secret " + sim.clientSecret());
		System.out.println("  token URL     " + sim.tokenUrl() + (sim.config().strictAuth() ? "" : "  (lenient)"));
		System.out.println(
				"  Graph roles   " + String.join(" ", new java.util.TreeSet<>(sim.graphPermissions(sim.botAppId()))));
		System.out.println("  serviceUrl    " + sim.serviceUrl());
		System.out.println("  Graph         " + sim.graphBaseUrl());
		System.out.println("  OpenID (bot)  " + sim.openIdMetadataUrl());
		// A managed identity reaches the simulator with these in Herald's environment.
		System.out.println("  managed id    AZURE_POD_IDENTITY_AUTHORITY_HOST=" + sim.imdsAuthorityHost()
				+ "  or IDENTITY_ENDPOINT=" + sim.appServiceIdentityEndpoint() + " IDENTITY_HEADER="
				+ sim.appServiceIdentityHeader());
		System.out.println("  bot endpoint  " + sim.botEndpoint());
		System.out.println("  UI            " + sim.baseUrl() + "/_sim/");
		if (options.installExisting && sim.botEndpoint() != null) {
			System.out.println("  install callbacks posted for " + sim.installForExisting() + " users");
		}
		new CountDownLatch(1).await();
	}

	static final class Options {

		SimulatorConfig config = SimulatorConfig.defaults().withPort(8089);

		String clientSecret;

		java.util.List<String> graphPermissions;

		int[] graphReadLimits;

		String publicUrl;

		int maxMessageBytes;

		long timeoutHoldMillis;

		int mailPerMinute;

		double preconditionFailedShare;

		double retryAfterAbsentShare;

		boolean requireInstall = true;

		boolean installExisting;

		boolean requireTeamInstall = true;

		boolean denyTeamInstall;

	}

	/** Parses the command line; null for --help. */
	static Options parse(String[] args) {
		Options o = new Options();
		SimulatorConfig c = o.config;
		boolean threadLimits = true;
		Integer tenantLimit = null;
		Integer graphLimit = null;
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			String value = null;
			int eq = arg.indexOf('=');
			if (arg.startsWith("--") && eq > 0) {
				value = arg.substring(eq + 1);
				arg = arg.substring(0, eq);
			}
			switch (arg) {
				case "--help", "-h" -> {
					return null;
				}
				case "--no-thread-limits" -> threadLimits = false;
				case "--strict" -> c = c.withStrictAuth(true);
				case "--lenient-auth" -> c = c.withStrictAuth(false);
				case "--no-install-check" -> o.requireInstall = false;
				case "--install-existing" -> o.installExisting = true;
				case "--no-team-install-check" -> o.requireTeamInstall = false;
				case "--deny-team-install" -> o.denyTeamInstall = true;
				default -> {
					if (value == null) {
						if (i + 1 >= args.length) {
							throw new IllegalArgumentException("missing value for " + arg);
						}
						value = args[++i];
					}
					switch (arg) {
						case "--port" -> c = c.withPort(Integer.parseInt(value));
						case "--users" -> c = c.withUsers(Integer.parseInt(value));
						case "--seed" -> c = c.withSeed(Long.parseLong(value));
						case "--tenant-id" -> c = c.withTenantId(value);
						case "--bot-app-id" -> c = c.withBotAppId(value);
						case "--teams-app-id" -> c = c.withTeamsAppExternalId(value);
						case "--client-secret" -> o.clientSecret = value;
						case "--public-url" -> o.publicUrl = value;
						case "--graph-read-limits" -> {
							String[] parts = value.split(",");
							if (parts.length != 3) {
								throw new IllegalArgumentException("--graph-read-limits needs three numbers");
							}
							o.graphReadLimits = new int[] { Integer.parseInt(parts[0].trim()),
									Integer.parseInt(parts[1].trim()), Integer.parseInt(parts[2].trim()) };
						}
						case "--graph-permissions" -> o.graphPermissions = java.util.Arrays.stream(value.split(","))
							.map(String::trim)
							.filter((p) -> !p.isEmpty())
							.toList();
						case "--bot-endpoint" -> c = c.withBotEndpoint(value);
						case "--limit" -> tenantLimit = Integer.parseInt(value);
						case "--graph-install-limit" -> graphLimit = Integer.parseInt(value);
						case "--latency-ms" ->
							c = c.withLatency(latency(value).withDistribution(c.latency().distribution()));
						case "--latency-dist" -> c = c.withLatency(c.latency()
							.withDistribution(Latency.Distribution.valueOf(value.trim().toUpperCase(Locale.ROOT))));
						case "--retry-after-absent" -> o.retryAfterAbsentShare = Double.parseDouble(value);
						case "--faults" -> {
							o.preconditionFailedShare = faultShare(value, "412");
							c = c.withFaults(faults(value));
						}
						case "--installed-share" -> c = c.withInstalledShare(Double.parseDouble(value));
						case "--max-message-bytes" -> o.maxMessageBytes = Integer.parseInt(value);
						case "--timeout-hold-ms" -> o.timeoutHoldMillis = Long.parseLong(value);
						case "--mail-per-minute" -> {
							o.mailPerMinute = Integer.parseInt(value);
							if (o.mailPerMinute < 1) {
								throw new IllegalArgumentException("--mail-per-minute must be >= 1");
							}
						}
						default -> throw new IllegalArgumentException("unknown option " + arg);
					}
				}
			}
		}
		Limits limits = Limits.teams().withPerThread(threadLimits);
		if (tenantLimit != null) {
			if (tenantLimit == 0) {
				limits = Limits.off();
			}
			else {
				limits = limits.withTenantPerSecond(tenantLimit);
			}
		}
		if (graphLimit != null) {
			limits = limits.withGraphInstallsPerSecond(graphLimit);
		}
		o.config = c.withLimits(limits);
		return o;
	}

	static Latency latency(String value) {
		int dash = value.indexOf('-');
		if (dash < 0) {
			return Latency.fixed(Integer.parseInt(value.trim()));
		}
		return new Latency(Integer.parseInt(value.substring(0, dash).trim()),
				Integer.parseInt(value.substring(dash + 1).trim()));
	}

	static Faults faults(String value) {
		return new Faults(faultShare(value, "5xx"), faultShare(value, "timeout"), faultShare(value, "reset"),
				faultShare(value, "blocked"), faultShare(value, "unlicensed"));
	}

	private static double faultShare(String value, String name) {
		for (String part : value.split(",")) {
			String[] kv = part.split("=", 2);
			if (kv.length != 2) {
				throw new IllegalArgumentException("bad --faults entry '" + part + "'");
			}
			String key = kv[0].trim().toLowerCase(Locale.ROOT);
			if (!key.matches("5xx|timeout|reset|blocked|unlicensed|412")) {
				throw new IllegalArgumentException("unknown fault '" + key + "'");
			}
			if (key.equals(name)) {
				return Double.parseDouble(kv[1].trim());
			}
		}
		return 0;
	}

	static String usage() {
		return """
				Usage: java -jar teams-simulator.jar [options]
				  --port N                 listen port (default 8089; 0 = random)
				  --users N                generated users (default 2000)
				  --seed N                 tenant seed (default 42)
				  --tenant-id GUID         tenant id
				  --bot-app-id GUID        bot app (client) id
				  --teams-app-id GUID      Teams app manifest (external) id
				  --client-secret S        the bot app's client secret (default herald-sim-secret)
				  --graph-permissions LIST Graph application permissions granted to the bot app, comma-separated
				                           (default: the table in Herald's README)
				  --public-url URL         base URL others reach the simulator at (default http://localhost:PORT)
				  --bot-endpoint URL       bot messaging endpoint (.../api/messages)
				  --installed-share X      share 0..1 of users who have the app at start
				  --install-existing       post install callbacks for them at start (needs --bot-endpoint)
				  --limit N                per app per tenant Connector limit per second (default 50; 0 = all limits off)
				  --no-thread-limits       disable per-thread limits (7/1s, 8/2s, 60/30s, 1800/h)
				  --graph-install-limit N  Graph installs per second (default 30; 0 = off)
				  --graph-read-limits A,B,C Graph reads per second: installed apps + catalog, team members +
				                           channels, one team (default 30,60,4; 0 = off)
				  --latency-ms MIN-MAX     added latency, fixed (N) or drawn within MIN-MAX
				  --latency-dist D         uniform (default) or tail (exponential from MIN, mean MIN + span/4, cut at MAX)
				  --retry-after-absent X   share 0..1 of Connector 429s sent without Retry-After (default 0)
				  --faults LIST            e.g. 5xx=0.2,timeout=0.01,reset=0.01,blocked=0.01,unlicensed=0.05,412=0.01
				  --max-message-bytes N    413 threshold in UTF-16 bytes (default 102400)
				  --timeout-hold-ms N      how long timeout faults hold the request (default 35000)
				  --mail-per-minute N      sendMail messages a minute per mailbox (default 30, Exchange's; raise it to
				                           scale a benchmark's time; 10,000 recipients a day stay)
				  --no-install-check       allow personal sends to users without the app
				  --no-team-install-check  allow channel posts in teams without the app (default: 403)
				  --deny-team-install      Graph refuses installs into teams (403, permission missing)
				  --strict                 token endpoint checks secrets, exact scopes, tenants (the default)
				  --lenient-auth           accept any secret and scope prefixes (certificates are still checked)
				""";
	}

}
