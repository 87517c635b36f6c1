package dev.herald.bot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.announcement.AnnouncementContent;
import dev.herald.announcement.Announcements;
import dev.herald.optout.OptOuts;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.IntegrationTest;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What people do in their chat with Herald: typed commands, card buttons (Action.Submit
 * and Action.Execute), read receipts. Every test leaves its person opted in, so other
 * classes' audiences are not affected.
 */
class BotActionsIntegrationTests extends IntegrationTest {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@Autowired
	OptOuts optOuts;

	@Autowired
	Announcements announcements;

	private Activities activities;

	@BeforeEach
	void activities() {
		this.activities = new Activities(this.simulator, baseUrl());
	}

	@Test
	void stopAndStartTypedInAnyLanguage() {
		SimUser user = installed(0);
		int before = this.simulator.inbox(user.id()).size();
		assertThat(this.activities.post(this.activities.message(user, "stop")).status()).isEqualTo(200);
		assertThat(this.optOuts.isOptedOut(this.simulator.tenantId(), user.id())).isTrue();
		Await.until(WAIT, "stop confirmation", () -> this.simulator.inbox(user.id()).size() == before + 1);
		assertThat(text(this.simulator.inbox(user.id()).get(0))).contains("start");

		assertThat(this.activities.post(this.activities.message(user, "Reprendre")).status()).isEqualTo(200);
		assertThat(this.optOuts.isOptedOut(this.simulator.tenantId(), user.id())).isFalse();

		this.activities.post(this.activities.message(user, "停止"));
		assertThat(this.optOuts.isOptedOut(this.simulator.tenantId(), user.id())).isTrue();
		this.activities.post(this.activities.message(user, "start"));
		assertThat(this.optOuts.isOptedOut(this.simulator.tenantId(), user.id())).isFalse();
		Await.until(WAIT, "four replies", () -> this.simulator.inbox(user.id()).size() == before + 4);
	}

	@Test
	void helpAnswersWithACard() {
		SimUser user = installed(1);
		int before = this.simulator.inbox(user.id()).size();
		this.activities.post(this.activities.message(user, "help"));
		Await.until(WAIT, "help card", () -> this.simulator.inbox(user.id()).size() == before + 1);
		assertThat(text(this.simulator.inbox(user.id()).get(0))).contains("application/vnd.microsoft.card.adaptive")
			.contains("\"action\":\"stop\"");
	}

	@Test
	void unsubscribeFromACardWithExecuteAnswersWithTheUpdatedCard() {
		SimUser user = installed(2);
		long id = announcement();
		Activities.Reply reply = this.activities
			.post(this.activities.execute(user, Map.of("action", "unsubscribe", "announcementId", id)));
		assertThat(reply.status()).isEqualTo(200);
		JsonNode body = reply.json();
		assertThat(body.path("statusCode").asInt()).isEqualTo(200);
		assertThat(body.path("type").asString()).isEqualTo("application/vnd.microsoft.card.adaptive");
		assertThat(body.path("value").path("type").asString()).isEqualTo("AdaptiveCard");
		assertThat(body.path("value").toString()).contains("resubscribe");
		assertThat(this.optOuts.isOptedOut(this.simulator.tenantId(), user.id())).isTrue();
		assertThat(this.jdbc.sql("SELECT source || ':' || announcement_id FROM opt_out WHERE aad_object_id = :aad")
			.param("aad", user.id())
			.query(String.class)
			.single()).isEqualTo("card:" + id);

		this.activities.post(this.activities.execute(user, Map.of("action", "resubscribe", "announcementId", id)));
		assertThat(this.optOuts.isOptedOut(this.simulator.tenantId(), user.id())).isFalse();
	}

	@Test
	void unsubscribeWithSubmitOptsOut() {
		SimUser user = installed(3);
		long id = announcement();
		assertThat(this.activities
			.post(this.activities.submit(user, Map.of("action", "unsubscribe", "announcementId", id)))
			.status()).isEqualTo(200);
		assertThat(this.optOuts.isOptedOut(this.simulator.tenantId(), user.id())).isTrue();
		this.activities.post(this.activities.message(user, "start"));
		assertThat(this.optOuts.isOptedOut(this.simulator.tenantId(), user.id())).isFalse();
	}

	@Test
	void acknowledgementIsRecordedOnce() {
		SimUser user = installed(4);
		long id = announcement();
		Activities.Reply first = this.activities
			.post(this.activities.execute(user, Map.of("action", "ack", "announcementId", id)));
		assertThat(first.status()).isEqualTo(200);
		assertThat(first.json().path("value").toString()).contains("herald-response-state")
			.contains("herald-announcement-" + id);
		String recorded = response(id, user);
		assertThat(recorded).isNotNull();
		this.activities.post(this.activities.execute(user, Map.of("action", "ack", "announcementId", id)));
		assertThat(response(id, user)).as("a second ack changes nothing").isEqualTo(recorded);
	}

	@Test
	void aSecondVoteReplacesTheFirst() {
		SimUser user = installed(5);
		long id = announcement();
		this.activities
			.post(this.activities.execute(user, Map.of("action", "vote", "announcementId", id, "choice", "A")));
		assertThat(choice(id, user)).isEqualTo("A");
		Activities.Reply reply = this.activities
			.post(this.activities.execute(user, Map.of("action", "vote", "announcementId", id, "choice", "B")));
		assertThat(reply.json().path("value").toString()).contains("B");
		assertThat(choice(id, user)).isEqualTo("B");
		assertThat(this.jdbc.sql("SELECT count(*) FROM card_response WHERE announcement_id = :id")
			.param("id", id)
			.query(Long.class)
			.single()).isEqualTo(1);
	}

	@Test
	void unknownInvokesAreNotImplemented() {
		SimUser user = installed(6);
		Map<String, Object> invoke = this.activities.personal("invoke", user);
		invoke.put("name", "composeExtension/query");
		assertThat(this.activities.post(invoke).status()).isEqualTo(501);
	}

	@Test
	void readReceiptsAreRecorded() {
		SimUser user = installed(7);
		Map<String, Object> event = this.activities.personal("event", user);
		event.put("name", "application/vnd.microsoft.readReceipt");
		event.put("value", Map.of("lastReadMessageId", "1700000000002"));
		assertThat(this.activities.post(event).status()).isEqualTo(200);
		event.put("value", Map.of("lastReadMessageId", "1700000000001"));
		this.activities.post(event);
		assertThat(this.jdbc.sql("SELECT last_read_message_id FROM read_receipt WHERE aad_object_id = :aad")
			.param("aad", user.id())
			.query(String.class)
			.single()).as("an older receipt does not move the mark back").isEqualTo("1700000000002");
	}

	private SimUser installed(int skip) {
		List<SimUser> users = new ArrayList<>(this.simulator.tenant().users());
		Collections.reverse(users); // away from the people other classes install by index
		SimUser user = users.stream()
			.filter((u) -> !u.guest() && this.simulator.tenant().reachable(u) && u.preferredLanguage().equals("en-US"))
			.skip(10 + skip)
			.findFirst()
			.orElseThrow();
		this.simulator.installForUser(user.id());
		// The welcome goes out in the background; wait for it so it is not mistaken for
		// a reply.
		Await.until(WAIT, "welcome", () -> !this.simulator.inbox(user.id()).isEmpty());
		return user;
	}

	private long announcement() {
		return this.announcements.create(
				new AnnouncementContent("Quarterly all-hands", "Friday 10:00", null, null, null), "comms@example.com");
	}

	private String response(long id, SimUser user) {
		return this.jdbc.sql("""
				SELECT acknowledged_at::text FROM card_response WHERE announcement_id = :id AND aad_object_id = :aad
				""").param("id", id).param("aad", user.id()).query(String.class).single();
	}

	private String choice(long id, SimUser user) {
		return this.jdbc.sql("SELECT choice FROM card_response WHERE announcement_id = :id AND aad_object_id = :aad")
			.param("id", id)
			.param("aad", user.id())
			.query(String.class)
			.single();
	}

	private static String text(Map<String, Object> activity) {
		return JsonMapper.shared().writeValueAsString(activity);
	}

}
