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

	@Test
	/** Teams' status table (teams-protocol.md §1.5), row by row. */
	void everyRowOfTheTeamsStatusTable() {
		// | HTTP | code | Retry? | → what Herald does
		assertKind(400, "Bad Argument", ConnectorReply.Kind.FINAL);
		assertKind(401, "BotNotRegistered", ConnectorReply.Kind.FINAL);
		// The whole app is blocked, not this person: the send pauses until it is allowed
		// (#27).
		assertKind(403, "BotDisabledByAdmin", ConnectorReply.Kind.APP_DISABLED);
		assertKind(403, "BotNotInConversationRoster", ConnectorReply.Kind.BLOCKED);
		assertKind(403, "ConversationBlockedByUser", ConnectorReply.Kind.BLOCKED);
		assertKind(403, "ForbiddenOperationException", ConnectorReply.Kind.BLOCKED);
		// Herald is configured with the right host per cloud: not retried elsewhere.
		assertKind(403, "InvalidBotApiHost", ConnectorReply.Kind.FINAL);
		assertKind(403, "NotEnoughPermissions", ConnectorReply.Kind.FINAL);
		assertKind(404, "ActivityNotFoundInConversation", ConnectorReply.Kind.FINAL);
		assertKind(404, "ConversationNotFound", ConnectorReply.Kind.FINAL);
		assertKind(412, "PreconditionFailed", ConnectorReply.Kind.TRANSIENT);
		assertKind(413, "MessageSizeTooBig", ConnectorReply.Kind.FINAL);
		assertKind(429, "Throttled", ConnectorReply.Kind.THROTTLED);
		assertKind(500, "ServiceError", ConnectorReply.Kind.FINAL);
		assertKind(502, "ServiceError", ConnectorReply.Kind.TRANSIENT);
		assertKind(503, null, ConnectorReply.Kind.TRANSIENT);
		assertKind(504, null, ConnectorReply.Kind.TRANSIENT);
	}

	@Test
	void theOtherShapesOfAReply() {
		assertKind(200, null, ConnectorReply.Kind.SUCCESS);
		assertKind(201, null, ConnectorReply.Kind.SUCCESS);
		// The blocked thread's second error shape:
		// {"errorCode":209,"message":"{subCode}"}.
		assertKind(403, "MessageWritesBlocked", ConnectorReply.Kind.BLOCKED);
		assertKind(403, "209", ConnectorReply.Kind.BLOCKED);
		// A 403 without a code is not known to be a block: final, the conversation kept.
		assertKind(403, null, ConnectorReply.Kind.FINAL);
		// "Avoid retrying status codes that aren't specified."
		assertKind(409, null, ConnectorReply.Kind.FINAL);
		assertKind(501, null, ConnectorReply.Kind.FINAL);
		// No reply at all (timeout, reset, refused, untrusted host): retried.
		assertThat(ConnectorReply.Kind.of(ConnectorReply.transportFailure("SocketTimeoutException")))
			.isEqualTo(ConnectorReply.Kind.TRANSIENT);
		assertThat(ConnectorReply.Kind.of(ConnectorReply.notSent("interrupted")))
			.isEqualTo(ConnectorReply.Kind.NOT_SENT);
	}

	private static void assertKind(int status, String code, ConnectorReply.Kind expected) {
		assertThat(ConnectorReply.Kind.of(new ConnectorReply(status, null, code, null, null))).as(status + " " + code)
			.isEqualTo(expected);
	}

}
