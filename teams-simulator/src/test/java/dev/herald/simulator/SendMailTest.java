package dev.herald.simulator;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exchange Online's sendMail as the simulator serves it (#26): Mail.Send required, the
 * MIME form keeps the message's headers, the JSON form refuses headers not named x-…, and
 * the per-mailbox limits answer 429 ApplicationThrottled with Retry-After.
 */
class SendMailTest {

	static TeamsSimulator sim;

	static SimHttp http;

	@BeforeAll
	static void start() {
		sim = TeamsSimulator.start(SimulatorConfig.defaults().withUsers(50));
		http = new SimHttp(sim);
	}

	@AfterAll
	static void stop() {
		sim.close();
	}

	@Test
	void withoutMailSendTheCallIsForbiddenAndWithItAMimeMessageKeepsItsHeaders() {
		SimUser sender = sim.tenant().users().get(0);
		String url = sim.graphBaseUrl() + "/users/" + sender.mail() + "/sendMail";
		SimHttp.Response denied = mime(url, http.graphToken(), "a@b.test", "Hi");
		assertThat(denied.status()).isEqualTo(403);
		assertThat(denied.body()).contains("Mail.Send");
		Set<String> granted = new java.util.HashSet<>(sim.graphPermissions(sim.botAppId()));
		granted.add("Mail.Send");
		sim.setGraphPermissions(sim.botAppId(), granted);
		try {
			SimHttp.Response ok = mime(url, http.graphToken(), "a@b.test", "Hello");
			assertThat(ok.status()).as(ok.body()).isEqualTo(202);
			List<Map<String, Object>> outbox = sim.mailOutbox(sender.mail());
			assertThat(outbox).hasSize(1);
			@SuppressWarnings("unchecked")
			Map<String, Object> headers = (Map<String, Object>) outbox.get(0).get("headers");
			assertThat(headers).containsEntry("list-unsubscribe", "<https://herald.test/email/unsubscribe/t>")
				.containsEntry("list-unsubscribe-post", "List-Unsubscribe=One-Click");
			// The JSON form takes only x- headers.
			SimHttp.Response json = http.post(url, http.graphToken(),
					Map.of("message", Map.of("subject", "Hi", "toRecipients",
							List.of(Map.of("emailAddress", Map.of("address", "a@b.test"))), "internetMessageHeaders",
							List.of(Map.of("name", "List-Unsubscribe", "value", "<https://x>")))));
			assertThat(json.status()).isEqualTo(400);
			assertThat(json.body()).contains("should start with 'x-' or 'X-'");
			// Bad base64 is Graph's 400.
			SimHttp.Response bad = SimHttp.send(HttpRequest.newBuilder(URI.create(url))
				.header("Authorization", "Bearer " + http.graphToken())
				.header("Content-Type", "text/plain")
				.POST(HttpRequest.BodyPublishers.ofString("***not base64***"))
				.build());
			assertThat(bad.status()).isEqualTo(400);
			assertThat(bad.body()).contains("ErrorMimeContentInvalidBase64String");
		}
		finally {
			sim.setGraphPermissions(sim.botAppId(), SimulatorConfig.DEFAULT_GRAPH_PERMISSIONS);
		}
	}

	@Test
	void aMailboxTakes30MessagesAMinuteThen429WithRetryAfter() {
		SimUser sender = sim.tenant().users().get(1);
		String url = sim.graphBaseUrl() + "/users/" + sender.id() + "/sendMail";
		Set<String> granted = new java.util.HashSet<>(sim.graphPermissions(sim.botAppId()));
		granted.add("Mail.Send");
		sim.setGraphPermissions(sim.botAppId(), granted);
		try {
			String token = http.graphToken();
			for (int i = 0; i < 30; i++) {
				assertThat(mime(url, token, "p" + i + "@b.test", "n" + i).status()).isEqualTo(202);
			}
			SimHttp.Response refused = mime(url, token, "late@b.test", "late");
			assertThat(refused.status()).isEqualTo(429);
			assertThat(refused.body()).contains("ApplicationThrottled");
			assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(1, 60);
			assertThat(sim.mailOutbox(sender.mail())).hasSize(30);
			@SuppressWarnings("unchecked")
			Map<String, Object> boxes = (Map<String, Object>) sim.mailStats().get("mailboxes");
			assertThat(boxes).containsKey(sender.mail().toLowerCase(java.util.Locale.ROOT));
			assertThat(((Number) sim.mailStats().get("limitExceeded")).longValue()).isPositive();
		}
		finally {
			sim.setGraphPermissions(sim.botAppId(), SimulatorConfig.DEFAULT_GRAPH_PERMISSIONS);
		}
	}

	@Test
	void thePerMinuteLimitScalesForABenchmarkAndEveryRecipientIsCounted() {
		SimUser sender = sim.tenant().users().get(2);
		String url = sim.graphBaseUrl() + "/users/" + sender.mail() + "/sendMail";
		Set<String> granted = new java.util.HashSet<>(sim.graphPermissions(sim.botAppId()));
		granted.add("Mail.Send");
		sim.setGraphPermissions(sim.botAppId(), granted);
		long minuteBefore = ((Number) sim.mailStats().get("minuteExceeded")).longValue();
		try {
			// Through the admin API, as a standalone simulator is configured.
			SimHttp.Response set = http.post(sim.baseUrl() + "/_sim/config", null,
					Map.of("mailLimits", Map.of("perMinute", 40)));
			assertThat(set.status()).as(set.body()).isEqualTo(200);
			assertThat(set.body()).contains("\"perMinute\":40").contains("\"recipientsPerDay\":10000");
			String token = http.graphToken();
			for (int i = 0; i < 40; i++) {
				// One person twice: the recipients count it twice.
				String to = (i == 39) ? "p0@b.test" : "p" + i + "@b.test";
				assertThat(mime(url, token, to, "n" + i).status()).isEqualTo(202);
			}
			SimHttp.Response refused = mime(url, token, "late@b.test", "late");
			assertThat(refused.status()).isEqualTo(429);
			assertThat(refused.body()).contains("40 messages a minute");
			assertThat(((Number) sim.mailStats().get("minuteExceeded")).longValue()).isEqualTo(minuteBefore + 1);
			Map<String, Integer> recipients = sim.mailRecipients(sender.mail());
			assertThat(recipients).hasSize(39).containsEntry("p0@b.test", 2).containsEntry("p1@b.test", 1);
			assertThat(http.get(sim.baseUrl() + "/_sim/mailboxes/" + sender.mail() + "/recipients", null).body())
				.contains("\"p0@b.test\":2");
			// Hostile values are refused, the limit stays.
			assertThat(http.post(sim.baseUrl() + "/_sim/config", null, Map.of("mailLimits", Map.of("perMinute", 0)))
				.status()).isEqualTo(400);
			assertThat(sim.mailPerMinute()).isEqualTo(40);
		}
		finally {
			sim.setMailPerMinute(30);
			sim.setGraphPermissions(sim.botAppId(), SimulatorConfig.DEFAULT_GRAPH_PERMISSIONS);
		}
	}

	@Test
	void theStandaloneSimulatorTakesThePerMinuteLimitOnItsCommandLine() {
		assertThat(SimulatorMain.parse(new String[] { "--mail-per-minute", "360" }).mailPerMinute).isEqualTo(360);
		assertThat(SimulatorMain.parse(new String[0]).mailPerMinute).isZero();
		org.assertj.core.api.Assertions
			.assertThatThrownBy(() -> SimulatorMain.parse(new String[] { "--mail-per-minute=0" }))
			.isInstanceOf(IllegalArgumentException.class);
		assertThat(SimulatorMain.usage()).contains("--mail-per-minute");
	}

	static SimHttp.Response mime(String url, String token, String to, String subject) {
		String mime = "From: sender@herald.test\r\nTo: " + to + "\r\nSubject: " + subject
				+ "\r\nList-Unsubscribe: <https://herald.test/email/unsubscribe/t>\r\n"
				+ "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\nContent-Type: text/plain\r\n\r\nBody\r\n";
		return SimHttp.send(HttpRequest.newBuilder(URI.create(url))
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "text/plain")
			.POST(HttpRequest.BodyPublishers
				.ofString(Base64.getEncoder().encodeToString(mime.getBytes(StandardCharsets.UTF_8))))
			.build());
	}

}
