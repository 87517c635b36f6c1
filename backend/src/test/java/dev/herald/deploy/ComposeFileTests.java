package dev.herald.deploy;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientProperties;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No Docker engine runs here, so the compose file is checked as text: every image is
 * pinned to a version, every variable given to Herald binds to a real property, and the
 * sign-in URLs agree (the issuer Herald validates is the provider's name inside the
 * network, the authorization endpoint the browser opens is the published port, same
 * path).
 */
class ComposeFileTests {

	private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

	private static final Pattern DEFAULTED = Pattern.compile("\\$\\{([A-Z0-9_]+):([-?])(.*)}");

	/** try.env: what {@code docker compose --env-file try.env --profile try} sets. */
	private static Map<String, String> tryEnv() throws IOException {
		Map<String, String> values = new java.util.LinkedHashMap<>();
		for (String line : Files.readAllLines(ROOT.resolve("try.env"))) {
			if (!line.isBlank() && !line.startsWith("#")) {
				values.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
			}
		}
		return values;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> compose() throws IOException {
		return new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> service(String name) throws IOException {
		return (Map<String, Object>) ((Map<String, Object>) compose().get("services")).get(name);
	}

	/** Herald's environment in the trial: try.env's values, else the defaults. */
	private static Map<String, String> heraldEnvironment() throws IOException {
		Map<String, String> tried = tryEnv();
		Map<String, String> env = new java.util.LinkedHashMap<>();
		heraldEnvironmentAsWritten().forEach((k, v) -> {
			Matcher m = DEFAULTED.matcher(v);
			env.put(k, !m.matches() ? v : tried.getOrDefault(m.group(1), m.group(2).equals("-") ? m.group(3) : null));
		});
		return env;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, String> heraldEnvironmentAsWritten() throws IOException {
		Map<String, String> env = new java.util.LinkedHashMap<>();
		((Map<String, Object>) service("herald").get("environment")).forEach((k, v) -> env.put(k, String.valueOf(v)));
		return env;
	}

	@Test
	@SuppressWarnings("unchecked")
	void everyImageIsPinnedToAVersion() throws IOException {
		List<String> images = new ArrayList<>();
		((Map<String, Object>) compose().get("services")).values().forEach((s) -> {
			Object image = ((Map<String, Object>) s).get("image");
			if (image != null) {
				images.add((String) image);
			}
		});
		for (Path dockerfile : List.of(ROOT.resolve("Dockerfile"), ROOT.resolve("teams-simulator/Dockerfile"))) {
			Files.readAllLines(dockerfile)
				.stream()
				.filter((l) -> l.startsWith("FROM "))
				.forEach((l) -> images.add(l.substring(5).trim()));
		}
		assertThat(images).hasSizeGreaterThanOrEqualTo(4)
			.allSatisfy((image) -> assertThat(image).as(image)
				.matches(".+(@sha256:[0-9a-f]{64}|:[^:/]*\\d+\\.\\d+[^:/]*)")
				.doesNotContain(":latest"));
	}

	@Test
	void everyVariableBindsToARealProperty() throws IOException {
		String applicationYml = Files.readString(ROOT.resolve("backend/src/main/resources/application.yml"));
		Set<String> known = new HashSet<>();
		ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
		scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
		scanner.findCandidateComponents("dev.herald").forEach((definition) -> {
			try {
				Class<?> type = Class.forName(definition.getBeanClassName());
				String prefix = type.getAnnotation(ConfigurationProperties.class).value();
				if (type.isRecord()) {
					for (RecordComponent component : type.getRecordComponents()) {
						known.add(envName(prefix) + "_" + component.getName().toUpperCase(Locale.ROOT));
					}
				}
			}
			catch (ClassNotFoundException ex) {
				throw new IllegalStateException(ex);
			}
		});
		for (java.lang.reflect.Field field : OAuth2ClientProperties.Provider.class.getDeclaredFields()) {
			known.add("SPRING_SECURITY_OAUTH2_CLIENT_PROVIDER_ENTRA_" + field.getName().toUpperCase(Locale.ROOT));
		}
		assertThat(known).contains("HERALD_TEAMS_TOKENURL", "HERALD_GRAPH_BASEURL");
		assertThat(heraldEnvironment().keySet())
			.allSatisfy((name) -> assertThat(applicationYml.contains("${" + name + ":") || known.contains(name))
				.as(name + " is read by application.yml or binds to a property")
				.isTrue());
	}

	@Test
	@SuppressWarnings("unchecked")
	void signInUrlsAgree() throws IOException {
		Map<String, String> env = heraldEnvironment();
		URI issuer = URI.create(env.get("HERALD_ENTRA_ISSUER"));
		URI authorize = URI.create(env.get("SPRING_SECURITY_OAUTH2_CLIENT_PROVIDER_ENTRA_AUTHORIZATIONURI"));
		assertThat(env.get("HERALD_API_ISSUER")).isEqualTo(issuer.toString());
		// Herald reaches the provider by its service name and port...
		Map<String, Object> provider = service(issuer.getHost());
		assertThat(provider).as("a compose service named like the issuer host").isNotNull();
		assertThat((String) provider.get("image")).startsWith("ghcr.io/navikt/mock-oauth2-server:");
		assertThat(((Map<String, Object>) provider.get("environment")).get("SERVER_PORT"))
			.isEqualTo(String.valueOf(issuer.getPort()));
		// ...the browser by the published port on localhost, same path.
		assertThat(authorize.getHost()).isEqualTo("localhost");
		assertThat((List<String>) provider.get("ports"))
			.contains("127.0.0.1:" + authorize.getPort() + ":" + issuer.getPort());
		assertThat(authorize.getPath()).isEqualTo(issuer.getPath() + "/authorize");
		// The redirect URI Spring builds ({baseUrl}/login/oauth2/code/entra) is the
		// published Herald port the browser uses.
		assertThat((List<String>) service("herald").get("ports")).contains("127.0.0.1:8080:8080");
		// The simulator is reachable under the host Herald trusts for service URLs.
		assertThat(env.get("HERALD_TEAMS_ALLOWEDSERVICEHOSTS")).isEqualTo("simulator");
		assertThat((List<String>) service("simulator").get("command")).contains("http://simulator:8081");
		assertThat(URI.create(env.get("HERALD_TEAMS_TOKENURL")).getPath()).as("single-tenant token endpoint")
			.isEqualTo("/" + env.get("HERALD_TENANT_ID") + "/oauth2/v2.0/token");
	}

	/**
	 * By default only PostgreSQL and Herald run, and only Herald's port is published, on
	 * this machine alone; the simulator (whose /_sim control API has no authentication)
	 * and the local sign-in provider (anyone may be admin) need the "try" profile, and
	 * are published on localhost too.
	 */
	@Test
	@SuppressWarnings("unchecked")
	void onlyHeraldIsPublishedAndOnlyOnLocalhostByDefault() throws IOException {
		Map<String, Object> services = (Map<String, Object>) compose().get("services");
		List<String> byDefault = new ArrayList<>();
		services.forEach((name, definition) -> {
			Map<String, Object> service = (Map<String, Object>) definition;
			List<String> profiles = (List<String>) service.get("profiles");
			List<String> ports = (List<String>) service.getOrDefault("ports", List.of());
			if (profiles == null || profiles.isEmpty()) {
				byDefault.add(name);
				if (!name.equals("herald")) {
					assertThat(ports).as(name + " publishes no port").isEmpty();
				}
			}
			else {
				assertThat(profiles).as(name).containsExactly("try");
			}
			assertThat(ports).as(name + " ports").allSatisfy((p) -> assertThat(p).startsWith("127.0.0.1:"));
		});
		assertThat(byDefault).containsExactlyInAnyOrder("postgres", "herald");
		assertThat((List<String>) service("simulator").get("profiles")).containsExactly("try");
		assertThat((List<String>) service("oidc").get("profiles")).containsExactly("try");
		// Herald starts without them when the profile is off.
		Map<String, Object> dependsOn = (Map<String, Object>) service("herald").get("depends_on");
		for (String optional : List.of("simulator", "oidc")) {
			assertThat((Map<String, Object>) dependsOn.get(optional)).as(optional).containsEntry("required", false);
		}
	}

	/**
	 * Nothing in the compose file defaults to a value unsafe in production: every secret
	 * must be given (no default), local mode and plain http are off, every URL default is
	 * an https Microsoft endpoint. The trial's values live in try.env alone.
	 */
	@Test
	@SuppressWarnings("unchecked")
	void noSecretOrLocalModeFlagDefaultsToAnUnsafeValue() throws IOException {
		Map<String, String> written = heraldEnvironmentAsWritten();
		written.forEach((name, value) -> {
			Matcher m = DEFAULTED.matcher(value);
			assertThat(m.matches()).as(name + " is taken from the environment").isTrue();
			String defaultValue = m.group(2).equals("-") ? m.group(3) : null;
			if (name.contains("PASSWORD") || name.contains("SECRET")) {
				assertThat(defaultValue).as(name + " has no default").isNull();
			}
			if (defaultValue != null && defaultValue.contains("://") && !name.equals("HERALD_DB_URL")) {
				assertThat(defaultValue).as(name).startsWith("https://");
			}
		});
		assertThat(written.get("HERALD_LOCALMODE")).isEqualTo("${HERALD_LOCALMODE:-false}");
		assertThat(written.get("HERALD_PLAINHTTPHOSTS")).isEqualTo("${HERALD_PLAINHTTPHOSTS:-}");
		Matcher postgresPassword = DEFAULTED.matcher(String
			.valueOf(((Map<String, Object>) service("postgres").get("environment")).get("POSTGRES_PASSWORD")));
		assertThat(postgresPassword.matches()).isTrue();
		assertThat(postgresPassword.group(2)).as("the database password is required").isEqualTo("?");
		// The trial never turns local mode on: its database is not on Herald's machine.
		assertThat(tryEnv()).doesNotContainKey("HERALD_LOCALMODE").containsEntry("HERALD_PLAINHTTPHOSTS", "simulator");
		assertThat(heraldEnvironment()).as("the trial gives every required value").doesNotContainValue(null);
	}

	private static String envName(String prefix) {
		return prefix.replace(".", "_").replace("-", "").toUpperCase(Locale.ROOT);
	}

}
