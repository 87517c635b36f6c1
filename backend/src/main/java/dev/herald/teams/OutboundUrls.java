package dev.herald.teams;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Start-up checks of where Herald sends credentials and whom it trusts.
 * <ul>
 * <li>Every endpoint Herald sends credentials to or trusts keys from is reached over
 * https, except hosts named in {@code herald.plain-http-hosts} (the compose trial's
 * simulator) and in local mode.</li>
 * <li>Local mode ({@code herald.local-mode}: the local runner and tests, with the
 * simulator on this machine) is refused unless the database is on this machine and the
 * Bot Framework metadata and the sign-in issuer are not https ones: local mode must never
 * run against a real tenant or a shared database (#23). {@link LocalModeGuard} checks it
 * before any bean is made, so that the refusal is the first thing said.</li>
 * </ul>
 */
@Component
class OutboundUrls {

	private static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1", "::1", "[::1]");

	OutboundUrls(TeamsProperties teams, @Value("${herald.local-mode:false}") boolean localMode,
			@Value("${herald.plain-http-hosts:}") List<String> plainHttpHosts,
			@Value("${herald.graph.base-url:https://graph.microsoft.com/v1.0}") String graphBaseUrl,
			@Value("${herald.graph.token-url:}") String graphTokenUrl) {
		if (localMode) {
			// LocalModeGuard refused it already unless the database and the tenant are
			// local.
			return;
		}
		Map<String, String> urls = new LinkedHashMap<>();
		urls.put("herald.teams.token-url", teams.effectiveTokenUrl().toString());
		urls.put("herald.teams.open-id-metadata-url", teams.openIdMetadataUrl().toString());
		urls.put("herald.graph.base-url", graphBaseUrl);
		urls.put("herald.graph.token-url", graphTokenUrl);
		urls.forEach((name, url) -> {
			if (url != null && !url.isBlank()) {
				URI uri = URI.create(url.trim());
				if (!"https".equalsIgnoreCase(uri.getScheme()) && !isPlainHttpHost(uri.getHost(), plainHttpHosts)) {
					throw new IllegalStateException(name + " must be an https URL outside local mode: " + url);
				}
			}
		});
	}

	/** Whether {@code host} was named in {@code herald.plain-http-hosts}. */
	static boolean isPlainHttpHost(String host, List<String> plainHttpHosts) {
		return host != null && plainHttpHosts.stream().map(String::strip).anyMatch(host::equalsIgnoreCase);
	}

	static void refuseLocalModeOutsideThisMachine(String databaseUrl, String botMetadataUrl, String signInIssuer) {
		for (String host : databaseHosts(databaseUrl)) {
			if (!LOCAL_HOSTS.contains(host.toLowerCase(Locale.ROOT))) {
				throw new IllegalStateException("Local mode (herald.local-mode / HERALD_LOCALMODE) is refused: the "
						+ "database is on " + host + ", not on this machine (localhost, 127.0.0.1 or ::1). Local mode "
						+ "is for trying Herald on a laptop; turn it off for any shared installation.");
			}
		}
		Map<String, String> urls = new LinkedHashMap<>();
		urls.put("herald.teams.open-id-metadata-url", botMetadataUrl);
		urls.put("spring.security.oauth2.client.provider.entra.issuer-uri", signInIssuer);
		urls.forEach((name, url) -> {
			if (url != null && url.strip().toLowerCase(Locale.ROOT).startsWith("https:")) {
				throw new IllegalStateException("Local mode (herald.local-mode / HERALD_LOCALMODE) is refused: " + name
						+ " is " + url + ", a real Microsoft (Entra) endpoint. Local mode works only with the "
						+ "simulator and the local sign-in provider; turn it off for a real tenant.");
			}
		});
	}

	/**
	 * The hosts of a PostgreSQL JDBC URL ({@code jdbc:postgresql://h1:5432,h2/db}); a URL
	 * without a host ({@code jdbc:postgresql:db}) means localhost.
	 */
	static List<String> databaseHosts(String jdbcUrl) {
		String url = (jdbcUrl != null) ? jdbcUrl.strip() : "";
		String prefix = "jdbc:postgresql:";
		if (!url.regionMatches(true, 0, prefix, 0, prefix.length())) {
			// Not PostgreSQL, or nothing: nothing to prove it is local.
			return List.of(url.isEmpty() ? "(no database URL)" : url);
		}
		String rest = url.substring(prefix.length());
		if (!rest.startsWith("//")) {
			return List.of("localhost");
		}
		String authority = rest.substring(2).split("[/?]", 2)[0];
		if (authority.isEmpty()) {
			return List.of("localhost");
		}
		return java.util.Arrays.stream(authority.split(",")).map(OutboundUrls::hostOf).toList();
	}

	private static String hostOf(String hostAndPort) {
		String value = hostAndPort.contains("@") ? hostAndPort.substring(hostAndPort.lastIndexOf('@') + 1)
				: hostAndPort;
		if (value.startsWith("[")) {
			int end = value.indexOf(']');
			return (end > 0) ? value.substring(0, end + 1) : value;
		}
		int colon = value.indexOf(':');
		return (colon >= 0) ? value.substring(0, colon) : value;
	}

}
