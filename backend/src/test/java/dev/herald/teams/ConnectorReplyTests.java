package dev.herald.teams;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectorReplyTests {

	@Test
	void readsBothErrorShapes() {
		ConnectorClient client = new ConnectorClient(org.springframework.web.client.RestClient.builder(),
				new TeamsProperties("bot", "secret", "tenant", java.net.URI.create("http://localhost/token"), "scope",
						java.util.List.of("localhost"), java.net.URI.create("http://localhost/meta"), "issuer",
						Duration.ofSeconds(1), Duration.ofSeconds(1), TeamsProperties.Credential.SECRET, null, null,
						null));
		JsonMapper json = JsonMapper.shared();
		assertThat(client.errorCode(json.readTree("{\"error\":{\"code\":\"ConversationNotFound\",\"message\":\"x\"}}")))
			.isEqualTo("ConversationNotFound");
		assertThat(client.errorCode(json.readTree(
				"{\"errorCode\":209,\"message\":\"{\\r\\n  \\\"subCode\\\": \\\"MessageWritesBlocked\\\",\\r\\n  \\\"details\\\": \\\"Thread is blocked from message writes.\\\"}\"}")))
			.isEqualTo("MessageWritesBlocked");
		assertThat(client.errorCode(json.readTree("{\"errorCode\":209,\"message\":\"blocked\"}"))).isEqualTo("209");
	}

	@Test
	void parsesRetryAfterSeconds() {
		assertThat(ConnectorClient.parseRetryAfter("2")).isEqualTo(Duration.ofSeconds(2));
		assertThat(ConnectorClient.parseRetryAfter("2.128")).isEqualTo(Duration.ofMillis(2128));
		assertThat(ConnectorClient.parseRetryAfter(null)).isNull();
		assertThat(ConnectorClient.parseRetryAfter("soon")).isNull();
	}

	@Test
	void trustsOnlyConfiguredServiceHosts() {
		TeamsProperties properties = new TeamsProperties("bot", "s", "t", java.net.URI.create("http://x"), "scope",
				java.util.List.of("smba.trafficmanager.net"), java.net.URI.create("http://x"), "i",
				Duration.ofSeconds(1), Duration.ofSeconds(1), TeamsProperties.Credential.SECRET, null, null, null);
		assertThat(properties.isTrustedServiceUrl("https://smba.trafficmanager.net/amer/")).isTrue();
		assertThat(properties.isTrustedServiceUrl("https://evil.example/amer/")).isFalse();
		assertThat(properties.isTrustedServiceUrl("https://smba.trafficmanager.net.evil.example/")).isFalse();
		assertThat(properties.isTrustedServiceUrl("not a url")).isFalse();
	}

}
