package dev.herald.announcement;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.support.ResourceBundleMessageSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The card JSON that is sent carries everything the author composed. */
class AnnouncementCardTests {

	private static final JsonMapper JSON = JsonMapper.shared();

	static final String TEAMS_APP_ID = "6f1c2b3a-0000-4000-8000-000000000001";

	private final AnnouncementCard cards = new AnnouncementCard(messages(), "en", "", TEAMS_APP_ID);

	@Test
	void contentRoundTripsThroughTheApiJson() {
		AnnouncementContent content = full(AnnouncementContent.Importance.NORMAL);
		String json = JSON.writeValueAsString(content);
		assertThat(JSON.readValue(json, AnnouncementContent.class)).isEqualTo(content);
		assertThat(JSON.readTree(json).path("importance").asString()).isEqualToIgnoringCase("normal");
		AnnouncementContent empty = JSON.readValue("{\"title\":\"\"}", AnnouncementContent.class);
		assertThat(empty.title()).isNull();
		assertThat(empty.buttons()).isEmpty();
	}

	@Test
	void normalCardHasButtonsAckPollAndUnsubscribe() {
		JsonNode card = card(full(AnnouncementContent.Importance.NORMAL));
		assertThat(card.path("version").asString()).isEqualTo("1.5");
		JsonNode actions = card.path("actions");
		assertThat(actions).hasSize(5);
		assertThat(actions.get(0).path("type").asString()).isEqualTo("Action.OpenUrl");
		assertThat(actions.get(1).path("url").asString()).isEqualTo("https://contoso.example/faq");
		JsonNode ack = actions.get(2);
		assertThat(ack.path("type").asString()).isEqualTo("Action.Execute");
		assertThat(ack.path("verb").asString()).isEqualTo("ack");
		assertThat(ack.path("data").path("action").asString()).isEqualTo("ack");
		assertThat(ack.path("data").path("announcementId").asLong()).isEqualTo(42);
		assertThat(ack.path("fallback").path("type").asString()).isEqualTo("Action.Submit");
		assertThat(ack.path("fallback").path("data")).isEqualTo(ack.path("data"));
		// The announcement in Herald's tab: a Teams deep link with its id as subEntityId.
		JsonNode open = actions.get(3);
		assertThat(open.path("type").asString()).isEqualTo("Action.OpenUrl");
		assertThat(open.path("title").asString()).isEqualTo("Open in Herald");
		assertThat(open.path("url").asString()).isEqualTo("https://teams.microsoft.com/l/entity/" + TEAMS_APP_ID
				+ "/announcements?context=%7B%22subEntityId%22%3A%2242%22%7D");
		// With a topic, Unsubscribe asks "this topic" or "everything" (#24).
		JsonNode unsubscribe = actions.get(4);
		assertThat(unsubscribe.path("type").asString()).isEqualTo("Action.ShowCard");
		assertThat(unsubscribe.path("title").asString()).isEqualTo("Unsubscribe");
		JsonNode choices = unsubscribe.path("card").path("actions");
		assertThat(choices).hasSize(2);
		assertThat(choices.get(0).path("title").asString()).contains("Benefits");
		assertThat(choices.get(0).path("data").path("scope").asString()).isEqualTo("topic");
		assertThat(choices.get(1).path("data").path("scope").asString()).isEqualTo("all");
		for (JsonNode choice : choices) {
			assertThat(choice.path("verb").asString()).isEqualTo("unsubscribe");
			assertThat(choice.path("data").path("action").asString()).isEqualTo("unsubscribe");
			assertThat(choice.path("data").path("announcementId").asLong()).isEqualTo(42);
			assertThat(choice.path("fallback").path("type").asString()).isEqualTo("Action.Submit");
			assertThat(choice.path("fallback").path("data")).isEqualTo(choice.path("data"));
		}

		String text = card.toString();
		assertThat(text).doesNotContain("herald-important").doesNotContain("herald-no-unsubscribe");
		JsonNode poll = find(card.path("body"), "herald-poll");
		JsonNode choiceSet = poll.path("items").get(0);
		assertThat(choiceSet.path("type").asString()).isEqualTo("Input.ChoiceSet");
		assertThat(choiceSet.path("id").asString()).isEqualTo("choice");
		assertThat(choiceSet.path("choices")).hasSize(3);
		JsonNode vote = poll.path("items").get(1).path("actions").get(0);
		assertThat(vote.path("type").asString()).isEqualTo("Action.Execute");
		assertThat(vote.path("verb").asString()).isEqualTo("vote");
		assertThat(vote.path("data").path("action").asString()).isEqualTo("vote");
		assertThat(vote.path("data").path("announcementId").asLong()).isEqualTo(42);
		assertThat(vote.path("fallback").path("type").asString()).isEqualTo("Action.Submit");
		assertThat(text).contains("Benefits").contains("HR team").contains("https://contoso.example/banner.png");
	}

	@Test
	void criticalCardSaysImportantAndWhyItCannotBeUnsubscribed() {
		JsonNode card = card(full(AnnouncementContent.Importance.CRITICAL));
		JsonNode header = card.path("body").get(0).path("items");
		assertThat(header.get(0).path("text").asString()).contains("Important");
		assertThat(header.get(0).path("color").asString()).isEqualTo("Attention");
		assertThat(card.toString()).contains("cannot be unsubscribed");
		for (JsonNode action : card.path("actions")) {
			assertThat(action.path("verb").asString()).isNotEqualTo("unsubscribe");
		}
		JsonNode activity = JSON.readTree(this.cards.activity(42, full(AnnouncementContent.Importance.CRITICAL), "x"));
		assertThat(activity.path("importance").asString()).isEqualTo("high");
	}

	@Test
	void openInHeraldMakesWayForTheAuthorsButtons() {
		List<AnnouncementContent.Button> four = List.of(new AnnouncementContent.Button("A", "https://a.example"),
				new AnnouncementContent.Button("B", "https://b.example"),
				new AnnouncementContent.Button("C", "https://c.example"),
				new AnnouncementContent.Button("D", "https://d.example"));
		AnnouncementContent full = new AnnouncementContent("T", null, null, null, four,
				AnnouncementContent.Importance.NORMAL, null, true, null, List.of());
		JsonNode actions = card(full).path("actions");
		// Four buttons, "Got it" and "Unsubscribe" already exceed what Teams shows.
		assertThat(actions).hasSize(6);
		// Without a topic, Unsubscribe is one button: everything, as before topics.
		assertThat(actions.get(5).path("verb").asString()).isEqualTo("unsubscribe");
		assertThat(actions.get(5).path("data").has("scope")).isFalse();
		assertThat(actions.toString()).doesNotContain("herald-open-tab");
		AnnouncementContent critical = new AnnouncementContent("T", null, null, null, four,
				AnnouncementContent.Importance.CRITICAL, null, false, null, List.of());
		assertThat(card(critical).path("actions").toString()).contains("herald-open-tab");
		// Without a Teams app id (no bot configured) there is nothing to link to.
		AnnouncementCard unconfigured = new AnnouncementCard(messages(), "en");
		assertThat(JSON.valueToTree(unconfigured.card(42, full(AnnouncementContent.Importance.NORMAL), "m")).toString())
			.doesNotContain("herald-open-tab");
	}

	@Test
	void everyCardOffersAskAQuestionBelowItsBodyWithoutTakingAFooterSlot() {
		for (AnnouncementContent.Importance importance : AnnouncementContent.Importance.values()) {
			JsonNode card = card(full(importance));
			JsonNode ask = find(card.path("body"), "herald-question");
			assertThat(ask.path("type").asString()).isEqualTo("ActionSet");
			JsonNode show = ask.path("actions").get(0);
			assertThat(show.path("type").asString()).isEqualTo("Action.ShowCard");
			assertThat(show.path("title").asString()).isEqualTo("Ask a question");
			JsonNode input = show.path("card").path("body").get(0);
			assertThat(input.path("type").asString()).isEqualTo("Input.Text");
			assertThat(input.path("id").asString()).isEqualTo("question");
			assertThat(input.path("maxLength").asInt()).isEqualTo(1000);
			JsonNode send = show.path("card").path("actions").get(0);
			// A Submit: the bot replies in the chat and leaves the card as it is.
			assertThat(send.path("type").asString()).isEqualTo("Action.Submit");
			assertThat(send.path("data").path("action").asString()).isEqualTo("question");
			assertThat(send.path("data").path("announcementId").asLong()).isEqualTo(42);
			assertThat(card.path("actions").toString()).doesNotContain("question");
		}
	}

	@Test
	void sizeIsCountedAsUtf16() {
		AnnouncementContent content = new AnnouncementContent("T", "x".repeat(4000), null, null, null);
		int size = this.cards.teamsSize(1, content, "a");
		assertThat(size).isEqualTo(
				new String(this.cards.activity(1, content, "a"), java.nio.charset.StandardCharsets.UTF_8).length() * 2);
		assertThat(size).isGreaterThan(8000);
	}

	static AnnouncementContent full(AnnouncementContent.Importance importance) {
		return new AnnouncementContent("Open enrolment", "Pick your **plan** by Friday.",
				"https://contoso.example/banner.png", "HR team",
				List.of(new AnnouncementContent.Button("Portal", "https://contoso.example/portal"),
						new AnnouncementContent.Button("FAQ", "https://contoso.example/faq")),
				importance, "Benefits", true, "Which plan?", List.of("Basic", "Plus", "Premium"));
	}

	private JsonNode card(AnnouncementContent content) {
		Map<String, Object> card = this.cards.card(42, content, "megan");
		return JSON.valueToTree(card);
	}

	private static JsonNode find(JsonNode body, String id) {
		for (JsonNode element : body) {
			if (id.equals(element.path("id").asString())) {
				return element;
			}
		}
		throw new AssertionError("No element " + id + " in " + body);
	}

	static ResourceBundleMessageSource messages() {
		ResourceBundleMessageSource messages = new ResourceBundleMessageSource();
		messages.setBasename("i18n/messages");
		messages.setDefaultEncoding("UTF-8");
		messages.setFallbackToSystemLocale(false);
		return messages;
	}

}
