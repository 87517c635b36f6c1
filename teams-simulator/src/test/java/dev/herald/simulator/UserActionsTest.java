package dev.herald.simulator;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.herald.simulator.SimulatorConfig.Limits;

import static org.assertj.core.api.Assertions.assertThat;

class UserActionsTest extends FakeBotTest {

	SimUser user;

	String cardActivityId;

	static final Map<String, Object> CARD = Map.of("type", "AdaptiveCard", "version", "1.5", "body",
			List.of(Map.of("type", "TextBlock", "text", "Quarterly <all-hands>", "weight",
					"Bolder"), Map.of("type", "FactSet", "facts", List.of(Map.of("title", "When", "value", "Friday")))),
			"actions",
			List.of(Map.of("type", "Action.Execute", "title", "Acknowledge", "verb", "ack", "data",
					Map.of("notificationId", "n-1")),
					Map.of("type", "Action.Submit", "title", "Unsubscribe", "data", Map.of("action", "unsubscribe"))));

	@Override
	SimulatorConfig config() {
		return SimulatorConfig.defaults().withUsers(50).withLimits(Limits.off());
	}

	@BeforeEach
	void installAndSendACard() throws Exception {
		this.user = this.sim.tenant().users().get(0);
		this.sim.installForUser(this.user.id());
		this.bot.received.clear();
		SimHttp.Response r = this.http.post(
				this.sim.serviceUrl() + "v3/conversations/" + this.sim.conversationIdFor(this.user.id())
						+ "/activities",
				this.http.botToken(), Map.of("type", "message", "attachments",
						List.of(Map.of("contentType", "application/vnd.microsoft.card.adaptive", "content", CARD))));
		this.cardActivityId = (String) r.json().get("id");
	}

	@Test
	void executeSendsAnInvokeAndTheReturnedCardReplacesTheMessage() throws Exception {
		this.bot.invokeResponder = (a) -> Map.of("statusCode", 200, "type", "application/vnd.microsoft.card.adaptive",
				"value", Map.of("type", "AdaptiveCard", "version", "1.5", "body",
						List.of(Map.of("type", "TextBlock", "text", "Thanks, acknowledged"))));
		SimHttp.Response r = this.http.post(this.sim.baseUrl() + "/_sim/users/" + this.user.id() + "/actions", null,
				Map.of("activityId", this.cardActivityId, "actionTitle", "Acknowledge"));
		assertThat(r.status()).isEqualTo(200);
		assertThat(r.json()).containsEntry("status", 200).containsEntry("cardReplaced", true);
		FakeBot.Received invoke = this.bot.take();
		assertThat(invoke.activity()).containsEntry("type", "invoke")
			.containsEntry("name", "adaptiveCard/action")
			.containsEntry("replyToId", this.cardActivityId);
		assertThat((Map<String, Object>) ((Map<String, Object>) invoke.activity().get("value")).get("action"))
			.containsEntry("type", "Action.Execute")
			.containsEntry("verb", "ack")
			.containsEntry("data", Map.of("notificationId", "n-1"));
		assertThat(this.sim.inbox(this.user.id()).get(0).toString()).contains("Thanks, acknowledged")
			.doesNotContain("Quarterly");
	}

	@Test
	void submitSendsAMessageWithValue() throws Exception {
		SimHttp.Response r = this.http.post(this.sim.baseUrl() + "/_sim/users/" + this.user.id() + "/actions", null,
				Map.of("activityId", this.cardActivityId, "actionTitle", "Unsubscribe", "data", Map.of("extra", 1)));
		assertThat(r.json()).containsEntry("status", 200);
		FakeBot.Received submit = this.bot.take();
		assertThat(submit.activity()).containsEntry("type", "message")
			.containsEntry("replyToId", this.cardActivityId)
			.containsEntry("value", Map.of("action", "unsubscribe", "extra", 1));
	}

	@Test
	void typedMessageReadReceiptAndUninstall() throws Exception {
		this.http.post(this.sim.baseUrl() + "/_sim/users/" + this.user.id() + "/messages", null,
				Map.of("text", "stop"));
		assertThat(this.bot.take().activity()).containsEntry("type", "message").containsEntry("text", "stop");
		this.sim.publishApp(RosterAndReceiptsTest.appPackage(true));
		this.http.post(this.sim.baseUrl() + "/_sim/users/" + this.user.id() + "/read", null, Map.of());
		FakeBot.Received read = this.bot.take();
		assertThat(read.activity()).containsEntry("type", "event")
			.containsEntry("name", "application/vnd.microsoft.readReceipt")
			.containsEntry("value", Map.of("lastReadMessageId", this.cardActivityId));
		this.http.post(this.sim.baseUrl() + "/_sim/users/" + this.user.id() + "/uninstall", null, Map.of());
		assertThat(this.bot.take().activity()).containsEntry("type", "installationUpdate")
			.containsEntry("action", "remove");
		assertThat((List<Map<String, Object>>) this.bot.take().activity().get("membersRemoved"))
			.extracting((m) -> m.get("id"))
			.containsExactly("28:" + this.sim.botAppId());
		assertThat(this.http
			.post(this.sim.serviceUrl() + "v3/conversations/" + this.sim.conversationIdFor(this.user.id())
					+ "/activities", this.http.botToken(), SimHttp.message("after uninstall"))
			.status()).isEqualTo(403);
	}

	@Test
	void pageRendersTheInboxReadably() {
		SimHttp.Response page = this.http.get(this.sim.baseUrl() + "/_sim/", null);
		assertThat(page.status()).isEqualTo(200);
		assertThat(page.body()).contains("<title>Teams simulator</title>");
		SimHttp.Response html = this.http.get(this.sim.baseUrl() + "/_sim/users/" + this.user.id() + "/inbox.html",
				null);
		assertThat(html.body()).contains("Quarterly &lt;all-hands&gt;")
			.contains("<th>When</th><td>Friday</td>")
			.contains("data-title=\"Acknowledge\"")
			.contains("data-kind=\"execute\"");
	}

}
