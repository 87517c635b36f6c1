package dev.herald.install;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.herald.audience.Api;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The proactive install's 409 path, end to end: the app is already installed for the
 * person but Herald never heard of it (no callback). Graph answers the install with 409,
 * no conversationUpdate follows, so Herald looks the chat up through Graph ({@code GET
 * /users/{id}/teamwork/installedApps/{id}/chat}), stores it as the person's conversation
 * and delivers to it.
 */
class AlreadyInstalledTests extends IntegrationTest {

	@Test
	void anInstallThatGraphAnswers409IsDeliveredThroughTheChatGraphNames() {
		Api author = Api.author(baseUrl());
		Api.admin(baseUrl()).syncDirectory();
		List<SimUser> reachable = peopleOnlyAnInstallReaches();
		assertThat(reachable).isNotEmpty();
		// from the middle: other tests take people from the end of this list
		SimUser person = reachable.get(reachable.size() / 2);
		assertThat(this.simulator.installWithoutCallback(person.id())).isTrue();
		assertThat(hasActiveChat(person.id())).as("Herald knows no chat yet").isFalse();
		long installsBefore = stat("graphInstalls");

		String marker = "already-installed-" + UUID.randomUUID();
		long id = author.json("POST", "/api/v1/announcements", Map.of("title", marker), 201).path("id").asLong();
		author.json("PUT", "/api/v1/announcements/" + id + "/audience",
				Map.of("entries", List.of(Map.of("kind", "PERSON", "ref", person.id()))), 200);
		author.json("POST", "/api/v1/announcements/" + id + "/send", null, 202);
		Await.until(Duration.ofSeconds(90), "announcement sent", () -> "sent"
			.equals(author.json("GET", "/api/v1/announcements/" + id, null, 200).path("status").asString()));

		var counts = author.json("GET", "/api/v1/announcements/" + id, null, 200).path("counts");
		assertThat(counts.path("failed").asInt()).as(counts.toString()).isZero();
		assertThat(this.simulator.inbox(person.id())).anyMatch((a) -> a.toString().contains(marker));
		// Graph installed nothing new: it answered 409
		assertThat(stat("graphInstalls")).isEqualTo(installsBefore);
		// the stored conversation is the chat Graph named
		assertThat(this.jdbc.sql("""
				SELECT conversation_id FROM conversation
				WHERE lower(aad_object_id) = lower(:aad) AND kind = 'personal' AND status = 'active'
				""").param("aad", person.id()).query(String.class).list())
			.containsExactly(this.simulator.chatIdFor(person.id()));
		assertThat(this.jdbc.sql("SELECT resolved_by FROM app_install WHERE lower(aad_object_id) = lower(:aad)")
			.param("aad", person.id())
			.query(String.class)
			.list()).containsExactly("graph");
	}

	private long stat(String name) {
		return ((Number) this.simulator.stats().get(name)).longValue();
	}

}
