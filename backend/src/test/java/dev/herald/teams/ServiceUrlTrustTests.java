package dev.herald.teams;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The bot's token only goes to allowed hosts, and only over https off this machine. */
class ServiceUrlTrustTests {

	private final TeamsProperties properties = new TeamsProperties("bot", "secret", "tenant",
			URI.create("https://login.example/token"), "scope", List.of("smba.trafficmanager.net", "localhost"),
			URI.create("https://login.example/meta"), "https://api.botframework.com", Duration.ofSeconds(5),
			Duration.ofSeconds(30), TeamsProperties.Credential.SECRET, null, null, null);

	@Test
	void httpsToAnAllowedHostOnly() {
		assertThat(this.properties.isTrustedServiceUrl("https://smba.trafficmanager.net/emea/")).isTrue();
		assertThat(this.properties.isTrustedServiceUrl("http://smba.trafficmanager.net/emea/")).isFalse();
		assertThat(this.properties.isTrustedServiceUrl("ftp://smba.trafficmanager.net/emea/")).isFalse();
		assertThat(this.properties.isTrustedServiceUrl("https://evil.example/emea/")).isFalse();
		assertThat(this.properties.isTrustedServiceUrl("https://smba.trafficmanager.net.evil.example/")).isFalse();
		// The simulator of local mode and tests: plain http on this machine.
		assertThat(this.properties.isTrustedServiceUrl("http://localhost:8081/")).isTrue();
	}

}
