package dev.herald.graph;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.herald.simulator.SimUser;
import dev.herald.simulator.SimulatorConfig;
import dev.herald.simulator.TeamsSimulator;
import dev.herald.teams.AccessTokenSource;
import dev.herald.teams.ConnectorClient;
import dev.herald.teams.TeamsProperties;
import dev.herald.teams.TeamsProperties.Credential;

import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every kind of credential Herald supports gets its tokens from the (strict) simulator
 * and uses them for many Connector and Graph calls: one token per resource, reused until
 * near expiry (the simulator counts what it issues per client and credential). Managed
 * identity runs in a child JVM whose environment points azure-identity at the simulator's
 * IMDS or App Service endpoint, as Azure's hosts set it.
 */
class CredentialKindsTests {

	static final String CONNECTOR = "https://api.botframework.com";

	static final String GRAPH = "https://graph.microsoft.com";

	static final String EXCHANGE = "api://AzureADTokenExchange";

	static final String SUBJECT = "system:serviceaccount:herald:herald";

	static final int CALLS = 25;

	@TempDir
	static Path dir;

	static TeamsSimulator sim;

	static CredentialExercise.Target target;

	static SimUser person;

	@BeforeAll
	static void start() {
		// No rate limits: this counts tokens, not pacing.
		sim = TeamsSimulator.start(SimulatorConfig.defaults().withUsers(5).withLimits(SimulatorConfig.Limits.off()));
		person = sim.tenant().users().stream().filter((u) -> !u.guest()).findFirst().orElseThrow();
		sim.installForUser(person.id());
		target = new CredentialExercise.Target(sim.baseUrl(), sim.tenantId(), sim.botAppId(), sim.teamsAppExternalId(),
				sim.conversationIdFor(person.id()), person.id());
	}

	@AfterAll
	static void stop() {
		sim.close();
	}

	@BeforeEach
	void strict() {
		assertThat(sim.config().strictAuth()).isTrue();
	}

	@Test
	void clientSecret() throws Exception {
		CredentialExercise.run(target,
				CredentialExercise.teams(target, Credential.SECRET, sim.clientSecret(), null, null), CALLS);
		assertOneTokenPerResource("secret");
	}

	@Test
	void certificate() throws Exception {
		Path store = keyStore("bot");
		KeyStore keys = KeyStore.getInstance("PKCS12");
		try (var in = Files.newInputStream(store)) {
			keys.load(in, "changeit".toCharArray());
		}
		sim.registerClientCertificate(sim.botAppId(), (X509Certificate) keys.getCertificate("bot"));
		// no secret anywhere: the assertion alone gets the tokens
		CredentialExercise.run(target, CredentialExercise.teams(target, Credential.CERTIFICATE, null, store, null),
				CALLS);
		assertOneTokenPerResource("certificate");
	}

	@Test
	void workloadIdentity() throws Exception {
		sim.addFederatedCredential(sim.botAppId(), sim.clusterIssuer(), SUBJECT, EXCHANGE);
		Path file = dir.resolve("azure-identity-token");
		Files.writeString(file, sim.serviceAccountToken(SUBJECT, EXCHANGE, Duration.ofHours(1)) + "\n");
		CredentialExercise.run(target, CredentialExercise.teams(target, Credential.WORKLOAD_IDENTITY, null, null, file),
				CALLS);
		assertOneTokenPerResource("federated");

		// The file is read at each fetch: the kubelet rotates it.
		TeamsProperties teams = CredentialExercise.teams(target, Credential.WORKLOAD_IDENTITY, null, null, file);
		AccessTokenSource tokens = ConnectorClient.tokens(RestClient.create(), teams,
				java.net.URI.create(sim.tokenUrl()), CONNECTOR + "/.default");
		Files.writeString(file,
				sim.serviceAccountToken("system:serviceaccount:other:thief", EXCHANGE, Duration.ofHours(1)));
		assertThatThrownBy(tokens::token).isInstanceOf(AccessTokenSource.TokenException.class)
			.hasMessageContaining("AADSTS70021");
		Files.writeString(file, sim.serviceAccountToken(SUBJECT, EXCHANGE, Duration.ofHours(1)));
		assertThat(SignedJWT.parse(tokens.token()).getJWTClaimsSet().getStringClaim("appid")).isEqualTo(sim.botAppId());
		Files.writeString(file, "");
		tokens.invalidate();
		assertThatThrownBy(tokens::token).isInstanceOf(AccessTokenSource.TokenException.class)
			.hasMessageContaining("empty");
	}

	@Test
	void workloadIdentityNeedsATokenFile() {
		TeamsProperties teams = CredentialExercise.teams(target, Credential.WORKLOAD_IDENTITY, null, null, null);
		if (System.getenv("AZURE_FEDERATED_TOKEN_FILE") == null) {
			assertThat(teams.effectiveFederatedTokenFile()).isNull();
		}
		TeamsProperties missing = CredentialExercise.teams(target, Credential.WORKLOAD_IDENTITY, null, null,
				dir.resolve("absent"));
		assertThatThrownBy(() -> ConnectorClient
			.tokens(RestClient.create(), missing, java.net.URI.create(sim.tokenUrl()), CONNECTOR + "/.default")
			.token()).isInstanceOf(AccessTokenSource.TokenException.class).hasMessageContaining("cannot be read");
	}

	@Test
	void managedIdentityThroughImds() throws Exception {
		String output = child(Map.of("AZURE_POD_IDENTITY_AUTHORITY_HOST", sim.imdsAuthorityHost()));
		assertThat(output).contains("CREDENTIAL-EXERCISE OK");
		assertOneTokenPerResource("imds");
	}

	@Test
	void managedIdentityOnAppService() throws Exception {
		String output = child(Map.of("IDENTITY_ENDPOINT", sim.appServiceIdentityEndpoint(), "IDENTITY_HEADER",
				sim.appServiceIdentityHeader()));
		assertThat(output).contains("CREDENTIAL-EXERCISE OK");
		assertOneTokenPerResource("appService");
	}

	@Test
	void aManagedIdentityNotAssignedToTheHostGetsNoToken() throws Exception {
		sim.unassignManagedIdentity(sim.botAppId());
		try {
			String output = child(Map.of("AZURE_POD_IDENTITY_AUTHORITY_HOST", sim.imdsAuthorityHost()));
			assertThat(output).contains("CREDENTIAL-EXERCISE FAILED").contains("Managed identity token not obtained");
		}
		finally {
			sim.assignManagedIdentity(sim.botAppId());
		}
	}

	private static void assertOneTokenPerResource(String kind) {
		assertThat(sim.tokensIssued(sim.botAppId(), kind, CONNECTOR)).as(kind + " Connector tokens").isEqualTo(1);
		assertThat(sim.tokensIssued(sim.botAppId(), kind, GRAPH)).as(kind + " Graph tokens").isEqualTo(1);
	}

	/** Runs {@link CredentialExercise} in a JVM with this environment only. */
	private static String child(Map<String, String> env) throws Exception {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-cp");
		String surefire = System.getProperty("surefire.test.class.path");
		command.add((surefire != null && !surefire.isBlank()) ? surefire : System.getProperty("java.class.path"));
		command.add(CredentialExercise.class.getName());
		command.addAll(List.of(target.baseUrl(), target.tenantId(), target.botAppId(), target.teamsAppExternalId(),
				target.conversationId(), target.graphUserId(), Integer.toString(CALLS)));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment()
			.keySet()
			.removeIf((k) -> k.startsWith("AZURE_") || k.startsWith("IDENTITY_") || k.startsWith("MSI_")
					|| k.equals("IMDS_ENDPOINT"));
		builder.environment().putAll(env);
		Process process = builder.start();
		byte[] out = process.getInputStream().readAllBytes();
		assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
		return new String(out);
	}

	private static Path keyStore(String name) throws Exception {
		Path file = dir.resolve(name + ".p12");
		Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
		Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "bot", "-keyalg", "RSA",
				"-keysize", "2048", "-dname", "CN=herald-" + name, "-validity", "2", "-storetype", "PKCS12",
				"-keystore", file.toString(), "-storepass", "changeit", "-keypass", "changeit")
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor()).as(output).isZero();
		return file;
	}

}
