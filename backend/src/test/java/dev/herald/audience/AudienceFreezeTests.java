package dev.herald.audience;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.herald.conversation.Conversations;
import dev.herald.conversation.PersonalConversation;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.IntegrationTest;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The freeze without any Graph expansion: people named directly (twice, in different
 * case) who already have a conversation are frozen once as pending and messaged once; the
 * preview's count is the frozen count.
 */
class AudienceFreezeTests extends IntegrationTest {

	@Autowired
	Conversations conversations;

	@Test
	void peopleWithAConversationAreMessagedOnceEvenWhenNamedTwice() {
		Api author = Api.author(baseUrl());
		List<SimUser> people = this.simulator.tenant()
			.users()
			.stream()
			.filter((u) -> !u.guest())
			.skip(40)
			.limit(3)
			.toList();
		for (SimUser person : people) {
			this.simulator.installForUser(person.id());
			this.conversations.upsertPersonal(new PersonalConversation(this.simulator.tenantId(), person.id(),
					person.teamsUserId(), this.simulator.conversationIdFor(person.id()), this.simulator.serviceUrl(),
					null, person.displayName()));
		}
		Map<String, Object> audience = Map.of("entries",
				List.of(Map.of("kind", "PERSON", "ref", people.get(0).id()),
						Map.of("kind", "PERSON", "ref", people.get(0).id().toUpperCase()),
						Map.of("kind", "PERSON", "ref", people.get(1).id()),
						Map.of("kind", "PERSON", "ref", people.get(2).id())));
		JsonNode preview = author.json("POST", "/api/v1/audiences/preview", audience, 200);
		assertThat(preview.path("recipients").asInt()).isEqualTo(3);
		assertThat(preview.path("needInstall").asInt()).isZero();

		String marker = "freeze-" + UUID.randomUUID();
		long id = author.json("POST", "/api/v1/announcements", Map.of("title", marker), 201).path("id").asLong();
		assertThat(author.json("PUT", "/api/v1/announcements/" + id + "/audience", audience, 200).path("entries"))
			.hasSize(3);
		author.json("POST", "/api/v1/announcements/" + id + "/send", null, 202);
		Await.until(Duration.ofSeconds(30), "announcement sent", () -> "sent"
			.equals(author.json("GET", "/api/v1/announcements/" + id, null, 200).path("status").asString()));
		JsonNode counts = author.json("GET", "/api/v1/announcements/" + id, null, 200).path("counts");
		assertThat(counts.path("recipients").asInt()).isEqualTo(3);
		assertThat(counts.path("delivered").asInt()).isEqualTo(3);
		for (SimUser person : people) {
			assertThat(this.simulator.inbox(person.id()).stream().filter((a) -> a.toString().contains(marker)).count())
				.isEqualTo(1);
		}
	}

}
