package dev.herald.email;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.herald.announcement.AnnouncementContent;
import dev.herald.audience.Api;
import dev.herald.simulator.SimUser;
import dev.herald.simulator.SimulatorConfig;
import dev.herald.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The Graph transport against the simulator's Exchange Online (#26): without
 * {@code Mail.Send} a permanent failure that names it; with it, the MIME form carries the
 * same message as SMTP, one-click unsubscribe headers included, into the mailbox's
 * outbox. And how long a large fallback takes over two mailboxes.
 */
class GraphMailTransportIntegrationTests extends IntegrationTest {

	@Autowired
	GraphMailTransport transport;

	@Autowired
	EmailRenderer renderer;

	@Test
	void mimeSendMailNeedsMailSendAndKeepsTheUnsubscribeHeaders() throws Exception {
		SimUser sender = this.simulator.tenant().users().get(3);
		String link = baseUrl() + "/email/unsubscribe/token";
		EmailRenderer.Rendered body = this.renderer
			.render(new AnnouncementContent("Fermeture du site", "**Lundi**", null, null, null), "fr", link);
		MailTransport.OutgoingEmail mail = new MailTransport.OutgoingEmail("someone@example.test", body, link,
				sender.mail());
		MailTransport.Failure denied = catchThrowableOfType(MailTransport.Failure.class,
				() -> this.transport.send(mail));
		assertThat(denied).isNotNull();
		assertThat(denied.temporary()).isFalse();
		assertThat(denied.getMessage()).contains("Mail.Send");
		assertThat(this.simulator.mailOutbox(sender.mail())).isEmpty();

		Set<String> granted = new HashSet<>(SimulatorConfig.DEFAULT_GRAPH_PERMISSIONS);
		granted.add("Mail.Send");
		this.simulator.setGraphPermissions(this.simulator.botAppId(), granted);
		try {
			// The token dropped at the 403 is fetched again, now with Mail.Send.
			this.transport.send(mail);
			List<Map<String, Object>> outbox = this.simulator.mailOutbox(sender.mail());
			assertThat(outbox).hasSize(1);
			assertThat(outbox.get(0)).containsEntry("form", "mime");
			@SuppressWarnings("unchecked")
			Map<String, Object> headers = (Map<String, Object>) outbox.get(0).get("headers");
			assertThat(headers).containsEntry("list-unsubscribe", "<" + link + ">")
				.containsEntry("list-unsubscribe-post", "List-Unsubscribe=One-Click")
				.containsEntry("to", "someone@example.test")
				.containsEntry("content-language", "fr");
			assertThat(String.valueOf(headers.get("from"))).contains(sender.mail());
			assertThat(String.valueOf(outbox.get(0).get("mime"))).contains("multipart/alternative");
		}
		finally {
			this.simulator.setGraphPermissions(this.simulator.botAppId(), SimulatorConfig.DEFAULT_GRAPH_PERMISSIONS);
		}
	}

	@Test
	void aLargeFallbackIsSpreadOverTheMailboxesWithinTheirLimits() {
		EmailProperties two = new EmailProperties("graph", "x@y", "Herald", 60, "", 20, Duration.ofSeconds(1),
				Duration.ofMinutes(2), Duration.ofDays(1), 3, List.of("a@contoso.test", "b@contoso.test"), 29, 10_000);
		// 20,000 over two mailboxes at 29 a minute each, 10,000 a day each: within a day.
		assertThat(two.estimate(20_000)).isEqualTo(Duration.ofSeconds((long) Math.ceil(20_000 * 60.0 / 58)));
		// 30,000 need a second day.
		assertThat(two.estimate(30_000)).isGreaterThan(Duration.ofDays(1));
		// The admin reads it through the API (SMTP here: the overall rate).
		JsonNode estimate = Api.admin(baseUrl()).json("GET", "/api/v1/admin/email/estimate?emails=120", null, 200);
		// 120 e-mails at the tests' 6,000 a minute: 1.2 s, rounded up.
		assertThat(estimate.path("seconds").asLong()).isEqualTo(2);
		assertThat(Api.author(baseUrl()).call("GET", "/api/v1/admin/email", null, null).statusCode()).isEqualTo(403);
	}

}
