package dev.herald.graph;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.herald.simulator.SimulatorConfig;
import dev.herald.simulator.TeamsSimulator;
import dev.herald.teams.AccessTokenSource;
import dev.herald.teams.TeamsProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Graph uses the bot's app registration by default, with the bot's kind of credential: a
 * certificate gets a Graph token from a strict token endpoint (no secret exists to send),
 * and the token lists the granted permissions.
 */
class GraphCredentialTests {

	@TempDir
	Path dir;

	TeamsSimulator sim;

	@BeforeEach
	void start() {
		this.sim = TeamsSimulator.start(SimulatorConfig.defaults().withUsers(5));
	}

	@AfterEach
	void stop() {
		this.sim.close();
	}

	@Test
	void aCertificateCredentialGetsAGraphTokenWithTheGrantedRoles() throws Exception {
		Path store = keyStore();
		java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
		try (var in = java.nio.file.Files.newInputStream(store)) {
			keys.load(in, "changeit".toCharArray());
		}
		this.sim.registerClientCertificate(this.sim.botAppId(),
				(java.security.cert.X509Certificate) keys.getCertificate("bot"));
		AccessTokenSource tokens = new GraphConfig()
			.graphToken(graph(), teams(TeamsProperties.Credential.CERTIFICATE, store, "no-secret-here"))
			.source();
		SignedJWT jwt = SignedJWT.parse(tokens.token());
		assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("https://graph.microsoft.com");
		assertThat(jwt.getJWTClaimsSet().getStringListClaim("roles"))
			.containsExactlyInAnyOrderElementsOf(SimulatorConfig.DEFAULT_GRAPH_PERMISSIONS);
	}

	@Test
	void aSecretCredentialNeedsTheRightSecret() {
		assertThat(new GraphConfig()
			.graphToken(graph(), teams(TeamsProperties.Credential.SECRET, null, this.sim.clientSecret()))
			.source()
			.token()).isNotBlank();
		AccessTokenSource wrong = new GraphConfig()
			.graphToken(graph(), teams(TeamsProperties.Credential.SECRET, null, "wrong"))
			.source();
		assertThatThrownBy(wrong::token).isInstanceOf(AccessTokenSource.TokenException.class)
			.hasMessageContaining("AADSTS7000215");
	}

	private GraphProperties graph() {
		return new GraphProperties(URI.create(this.sim.graphBaseUrl()), URI.create(this.sim.tokenUrl()), null, null,
				null, "https://graph.microsoft.com/.default", List.of("localhost"), this.sim.teamsAppExternalId(),
				null);
	}

	private TeamsProperties teams(TeamsProperties.Credential credential, Path certificate, String secret) {
		return new TeamsProperties(this.sim.botAppId(), secret, this.sim.tenantId(), URI.create(this.sim.tokenUrl()),
				"https://api.botframework.com/.default", List.of("localhost"), URI.create(this.sim.openIdMetadataUrl()),
				"https://api.botframework.com", Duration.ofSeconds(5), Duration.ofSeconds(5), credential, certificate,
				"changeit", null);
	}

	/** A self-signed RSA certificate in PKCS#12, made with the JDK's keytool. */
	private Path keyStore() throws Exception {
		Path file = this.dir.resolve("bot.p12");
		Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
		Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "bot", "-keyalg", "RSA",
				"-keysize", "2048", "-dname", "CN=herald-graph", "-validity", "2", "-storetype", "PKCS12", "-keystore",
				file.toString(), "-storepass", "changeit", "-keypass", "changeit")
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor()).as(output).isZero();
		return file;
	}

}
