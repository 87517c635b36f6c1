package dev.herald.teams;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.herald.simulator.SimulatorConfig;
import dev.herald.simulator.TeamsSimulator;

import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bot's credentials as of 2026: the token endpoint defaults to the configured tenant
 * (single-tenant bots), and a certificate works as well as a secret: the simulator, in
 * strict mode, verifies the client assertion's signature against the registered
 * certificate, as Entra ID does.
 */
class BotCredentialTests {

	@TempDir
	Path dir;

	TeamsSimulator sim;

	@BeforeEach
	void start() {
		this.sim = TeamsSimulator.start(SimulatorConfig.defaults().withUsers(5).withStrictAuth(true));
	}

	@AfterEach
	void stop() {
		this.sim.close();
	}

	@Test
	void tokenEndpointDefaultsToTheConfiguredTenant() {
		assertThat(properties(null, TeamsProperties.Credential.SECRET, null).effectiveTokenUrl())
			.isEqualTo(URI.create("https://login.microsoftonline.com/" + this.sim.tenantId() + "/oauth2/v2.0/token"));
		assertThat(properties(URI.create(this.sim.tokenUrl()), TeamsProperties.Credential.SECRET, null)
			.effectiveTokenUrl()).isEqualTo(URI.create(this.sim.tokenUrl()));
	}

	@Test
	void aRegisteredCertificateGetsATokenAndAnUnregisteredOneDoesNot() throws Exception {
		Path registered = keyStore("registered");
		Path other = keyStore("other");
		ClientCertificate certificate = ClientCertificate.load(registered, "changeit");
		this.sim.registerClientCertificate(this.sim.botAppId(), certificate.certificate());

		TeamsProperties good = properties(URI.create(this.sim.tokenUrl()), TeamsProperties.Credential.CERTIFICATE,
				registered);
		assertThat(ConnectorClient.tokens(RestClient.create(), good).token()).isNotBlank();

		TeamsProperties bad = properties(URI.create(this.sim.tokenUrl()), TeamsProperties.Credential.CERTIFICATE,
				other);
		assertThatThrownBy(() -> ConnectorClient.tokens(RestClient.create(), bad).token())
			.isInstanceOf(AccessTokenSource.TokenException.class)
			.hasMessageContaining("401")
			.hasMessageContaining("AADSTS700027");
		// and a wrong secret is still refused in strict mode
		TeamsProperties wrongSecret = properties(URI.create(this.sim.tokenUrl()), TeamsProperties.Credential.SECRET,
				null);
		assertThatThrownBy(() -> new AccessTokenSource(RestClient.create(), wrongSecret.effectiveTokenUrl(),
				wrongSecret.botAppId(), "wrong", wrongSecret.tokenScope(), Clock.systemUTC())
			.token()).isInstanceOf(AccessTokenSource.TokenException.class);
	}

	@Test
	void aCertificateFileThatCannotBeReadFailsWithoutItsPassword() throws Exception {
		Path store = keyStore("pw-check");
		assertThatThrownBy(() -> ClientCertificate.load(store, "not-the-password"))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageNotContaining("not-the-password");
	}

	private TeamsProperties properties(URI tokenUrl, TeamsProperties.Credential credential, Path certificate) {
		return new TeamsProperties(this.sim.botAppId(), "unused", this.sim.tenantId(), tokenUrl,
				"https://api.botframework.com/.default", List.of("localhost"), URI.create(this.sim.openIdMetadataUrl()),
				"https://api.botframework.com", Duration.ofSeconds(5), Duration.ofSeconds(5), credential, certificate,
				"changeit", null);
	}

	/** A self-signed RSA certificate in PKCS#12, made with the JDK's keytool. */
	private Path keyStore(String name) throws Exception {
		Path file = this.dir.resolve(name + ".p12");
		Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
		Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "bot", "-keyalg", "RSA",
				"-keysize", "2048", "-dname", "CN=herald-" + name, "-validity", "2", "-storetype", "PKCS12",
				"-keystore", file.toString(), "-storepass", "changeit", "-keypass", "changeit")
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor()).as(output).isZero();
		assertThat(Files.size(file)).isPositive();
		return file;
	}

}
