package dev.herald.announcement;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.audience.Api;
import dev.herald.bot.Activities;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One announcement with en/fr/de-DE variants to people of five languages: each copy in
 * the simulator's inboxes is the person's variant (exact tag, language only, or the
 * default), with the card's own buttons in the person's language, a speak text and alt
 * text; the report counts deliveries per variant.
 */
class LanguageVariantIntegrationTests extends IntegrationTest {

	private static final JsonMapper JSON = JsonMapper.shared();

	@Test
	void everyRecipientGetsTheirVariantAndTheirButtons() {
		Api author = Api.author(baseUrl());
		Map<String, List<SimUser>> people = new LinkedHashMap<>();
		for (String language : List.of("en-US", "fr-FR", "de-DE", "es-ES", "zh-CN")) {
			people.put(language, install(language, 2));
		}
		// Austrian German: no de-AT or de variant, so the German of another region.
		people.put("de-AT", install("de-AT", 1));
		// One French speaker whose chat never told Herald a locale: the directory's
		// preferredLanguage decides.
		SimUser noLocale = people.get("fr-FR").get(1);
		this.jdbc.sql("UPDATE conversation SET locale = NULL WHERE lower(aad_object_id) = lower(:aad)")
			.param("aad", noLocale.id())
			.update();
		Api.admin(baseUrl()).syncDirectory();

		String marker = "variants-" + UUID.randomUUID();
		Map<String, Object> content = new LinkedHashMap<>();
		content.put("title", "Office move " + marker);
		content.put("summary", "We move on **Monday**.");
		content.put("language", "en");
		content.put("imageUrl", "https://contoso.example/move.png");
		content.put("imageAlt", "Map of the new office");
		content.put("buttons", List.of(Map.of("title", "Floor plan", "url", "https://contoso.example/plan")));
		content.put("acknowledge", true);
		content.put("pollQuestion", "Which day suits you?");
		content.put("pollChoices", List.of("Monday", "Tuesday"));
		content.put("variants", Map.of(
				"fr",
				Map.of("title", "Déménagement " + marker, "summary", "Nous déménageons **lundi**.", "buttonLabels",
						List.of("Plan de l'étage"), "pollQuestion", "Quel jour vous convient ?", "pollChoices",
						List.of("Lundi", "Mardi"), "imageAlt", "Plan du nouveau bureau"),
				"de-DE",
				Map.of("title", "Umzug " + marker, "buttonLabels", List.of("Grundriss"), "speak", "Umzug am Montag")));
		long id = author.json("POST", "/api/v1/announcements", content, 201).path("id").asLong();
		JsonNode stored = author.json("GET", "/api/v1/announcements/" + id, null, 200);
		assertThat(stored.path("content").path("variants").path("de-DE").path("title").asString())
			.isEqualTo("Umzug " + marker);

		// The API twin of the compose page's preview of each language.
		JsonNode frenchCard = author.json("GET", "/api/v1/announcements/" + id + "/card?variant=fr", null, 200);
		assertThat(frenchCard.toString()).contains("Déménagement " + marker, "Bien reçu", "Plan de l'étage");
		assertThat(author.json("GET", "/api/v1/announcements/" + id + "/card", null, 200).toString())
			.contains("Office move " + marker, "Got it");
		Api.assertProblem(author.call("GET", "/api/v1/announcements/" + id + "/card?variant=it", null, null), 404);

		List<Object> entries = new ArrayList<>();
		people.values().forEach((list) -> list.forEach((u) -> entries.add(Map.of("kind", "PERSON", "ref", u.id()))));
		author.json("PUT", "/api/v1/announcements/" + id + "/audience", Map.of("entries", entries), 200);
		JsonNode split = author.json("GET", "/api/v1/announcements/" + id + "/variants", null, 200);
		assertThat(split.path("fr").asInt()).isEqualTo(2);
		assertThat(split.path("de-DE").asInt()).isEqualTo(3);
		assertThat(split.path("en").asInt()).isEqualTo(6);
		author.json("POST", "/api/v1/announcements/" + id + "/send", null, 202);
		Await.until(Duration.ofSeconds(60), "announcement sent", () -> "sent"
			.equals(author.json("GET", "/api/v1/announcements/" + id, null, 200).path("status").asString()));

		// Exact match: de-DE has its own variant; its buttons are German. de-AT gets it
		// too, as the German there is.
		List<SimUser> german = new ArrayList<>(people.get("de-DE"));
		german.addAll(people.get("de-AT"));
		for (SimUser u : german) {
			Map<String, Object> card = card(u, id);
			assertThat(texts(card)).contains("Umzug " + marker).doesNotContain("Office move " + marker);
			assertThat(actionTitles(card)).containsExactly("Grundriss", "Verstanden", "In Herald öffnen", "Abmelden");
			assertThat(card.get("speak")).isEqualTo("Umzug am Montag");
			assertThat(voteTitle(card)).isEqualTo("Abstimmen");
		}
		// Language only: fr-FR gets "fr" (with and without a Teams locale).
		for (SimUser u : people.get("fr-FR")) {
			Map<String, Object> card = card(u, id);
			assertThat(texts(card)).contains("Déménagement " + marker, "Nous déménageons **lundi**.");
			assertThat(actionTitles(card)).containsExactly("Plan de l'étage", "Bien reçu", "Ouvrir dans Herald",
					"Se désabonner");
			assertThat(choices(card)).containsExactly("Lundi=Monday", "Mardi=Tuesday");
			assertThat(image(card).get("altText")).isEqualTo("Plan du nouveau bureau");
			assertThat((String) card.get("speak")).startsWith("Déménagement " + marker + ". Nous déménageons lundi.");
		}
		// Fallback: es and zh-CN read the default content, with the card's own texts in
		// their language.
		Map<String, List<String>> fallbackButtons = Map.of("es-ES",
				List.of("Floor plan", "Entendido", "Abrir en Herald", "Darse de baja"), "zh-CN",
				List.of("Floor plan", "知道了", "在 Herald 中打开", "退订"), "en-US",
				List.of("Floor plan", "Got it", "Open in Herald", "Unsubscribe"));
		for (String language : fallbackButtons.keySet()) {
			for (SimUser u : people.get(language)) {
				Map<String, Object> card = card(u, id);
				assertThat(texts(card)).contains("Office move " + marker);
				assertThat(actionTitles(card)).containsExactlyElementsOf(fallbackButtons.get(language));
				assertThat(choices(card)).containsExactly("Monday=Monday", "Tuesday=Tuesday");
				assertThat(image(card).get("altText")).isEqualTo("Map of the new office");
				assertThat((String) card.get("speak")).contains("Office move " + marker);
			}
		}

		JsonNode report = author.json("GET", "/api/v1/announcements/" + id + "/report", null, 200);
		Map<String, Integer> delivered = new LinkedHashMap<>();
		report.path("variants")
			.forEach((v) -> delivered.put(v.path("variant").asString(), v.path("delivered").asInt()));
		assertThat(delivered).containsEntry("fr", 2).containsEntry("de-DE", 3).containsEntry("en", 6);

		// Presses count in the presser's variant, from tallies kept as people press (no
		// report scans the ledger), and every row agrees with the ledger itself.
		Activities activities = new Activities(this.simulator, baseUrl());
		SimUser french = people.get("fr-FR").get(0);
		press(activities, french, Map.of("action", "ack", "announcementId", id));
		press(activities, french, Map.of("action", "vote", "announcementId", id, "choice", "Tuesday"));
		// A changed answer is still one vote.
		press(activities, french, Map.of("action", "vote", "announcementId", id, "choice", "Monday"));
		press(activities, people.get("de-AT").get(0), Map.of("action", "ack", "announcementId", id));
		press(activities, people.get("es-ES").get(0),
				Map.of("action", "vote", "announcementId", id, "choice", "Monday"));
		Map<String, List<Long>> rows = new LinkedHashMap<>();
		author.json("GET", "/api/v1/announcements/" + id + "/report", null, 200)
			.path("variants")
			.forEach((v) -> rows.put(v.path("variant").asString(),
					List.of(v.path("recipients").asLong(), v.path("delivered").asLong(), v.path("failed").asLong(),
							v.path("acknowledged").asLong(), v.path("voted").asLong())));
		assertThat(rows).isEqualTo(Map.of("en", List.of(6L, 6L, 0L, 0L, 1L), "de-DE", List.of(3L, 3L, 0L, 1L, 0L), "fr",
				List.of(2L, 2L, 0L, 1L, 1L)));
		assertThat(rows.keySet()).as("the default first").containsExactly("en", "de-DE", "fr");
		assertThat(rows).isEqualTo(ledgerScan(id, "en"));
		assertThat(this.jdbc.sql("SELECT count(*) FROM variant_tally WHERE announcement_id = :id")
			.param("id", id)
			.query(Long.class)
			.single()).as("the variants' tallies the report reads").isEqualTo(2);
	}

	private static void press(Activities activities, SimUser user, Map<String, Object> data) {
		assertThat(activities.post(activities.execute(user, data)).status()).isEqualTo(200);
	}

	/** The breakdown as the ledger and the responses give it, row by row. */
	private Map<String, List<Long>> ledgerScan(long id, String defaultLabel) {
		Map<String, List<Long>> rows = new LinkedHashMap<>();
		this.jdbc.sql("""
				SELECT COALESCE(d.variant, :default), count(*), count(*) FILTER (WHERE d.state = 'delivered'),
				       count(*) FILTER (WHERE d.state = 'failed'), count(r.acknowledged_at), count(r.choice)
				FROM delivery d
				LEFT JOIN card_response r ON r.announcement_id = d.announcement_id
				     AND lower(r.aad_object_id) = lower(d.recipient)
				WHERE d.announcement_id = :id
				GROUP BY d.variant ORDER BY d.variant NULLS FIRST
				""")
			.param("id", id)
			.param("default", defaultLabel)
			.query((rs, i) -> rows.put(rs.getString(1),
					List.of(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6))))
			.list();
		return rows;
	}

	@Test
	void notificationsCarryVariantsTooAndBadTagsAreRefused() {
		dev.herald.api.ApiHttp http = new dev.herald.api.ApiHttp(baseUrl());
		String client = "variants-" + UUID.randomUUID();
		String admin = dev.herald.support.TestIdentityProvider.accessToken("variant-admin", "Herald.Admin");
		assertThat(http
			.call("POST", "/api/v1/admin/clients", admin,
					"{\"clientId\":\"" + client + "\",\"displayName\":\"HR system\"}")
			.statusCode()).isEqualTo(201);
		String token = dev.herald.support.TestIdentityProvider.accessToken(client);
		SimUser french = install("fr-FR", 1).get(0);
		SimUser english = install("en-US", 1).get(0);
		String marker = UUID.randomUUID().toString();
		String body = """
				{"recipients":[{"aadObjectId":"%s"},{"aadObjectId":"%s"}],
				 "card":{"title":"Payslips are out %s","language":"en","acknowledge":true,
				         "variants":{"fr":{"title":"Les fiches de paie sont là %s"}}}}
				""".formatted(french.id(), english.id(), marker, marker);
		assertThat(http.call("POST", "/api/v1/notifications", token, body).statusCode()).isEqualTo(202);
		Await.until(Duration.ofSeconds(30), "both delivered",
				() -> inboxHas(french, "Les fiches de paie sont là " + marker)
						&& inboxHas(english, "Payslips are out " + marker));
		assertThat(inboxHas(french, "Payslips are out " + marker)).isFalse();
		assertThat(inboxHas(french, "Bien reçu")).isTrue();

		String badTag = body.replace("\"fr\":", "\"not a tag\":");
		dev.herald.api.ApiHttp.assertProblem(http.call("POST", "/api/v1/notifications", token, badTag), 400);
		String untitled = body.replace("\"title\":\"Les fiches", "\"summary\":\"Les fiches");
		dev.herald.api.ApiHttp.assertProblem(http.call("POST", "/api/v1/notifications", token, untitled), 400);
	}

	private boolean inboxHas(SimUser user, String text) {
		return this.simulator.inbox(user.id()).stream().anyMatch((a) -> JSON.writeValueAsString(a).contains(text));
	}

	/**
	 * People whose Teams client has this locale and who do not have the app yet,
	 * installed now.
	 */
	private List<SimUser> install(String locale, int count) {
		List<SimUser> users = new ArrayList<>(this.simulator.tenant().users());
		Collections.reverse(users);
		List<SimUser> chosen = users.stream()
			.filter((u) -> !u.guest() && this.simulator.tenant().reachable(u) && u.teamsLocale().equals(locale))
			.skip(2)
			.limit(count)
			.toList();
		// Installed afresh whatever earlier tests did with their chats (a full suite has
		// used most people by now).
		// The uninstall's callback is awaited before the install: Teams' callbacks come
		// asynchronously, and a late "removed" landing after the "added" would leave
		// Herald's store out of step with the chats for the tests that follow.
		List<SimUser> reinstalled = chosen.stream().filter((u) -> this.simulator.isInstalled(u.id())).toList();
		reinstalled.forEach((u) -> this.simulator.uninstall(u.id()));
		Await.until(Duration.ofSeconds(20), "uninstalls stored",
				() -> reinstalled.stream().noneMatch((u) -> hasActiveChat(u.id())));
		chosen.forEach((u) -> this.simulator.installForUser(u.id()));
		Await.until(Duration.ofSeconds(20), "chats stored",
				() -> chosen.stream().allMatch((u) -> hasActiveChat(u.id())));
		return chosen;
	}

	/** The one card of this announcement in the person's chat. */
	@SuppressWarnings("unchecked")
	private Map<String, Object> card(SimUser user, long id) {
		String tag = "\"herald-announcement-" + id + "\"";
		List<Map<String, Object>> copies = this.simulator.inbox(user.id())
			.stream()
			.filter((a) -> JSON.writeValueAsString(a).contains(tag))
			.toList();
		assertThat(copies).as("copies for %s", user.teamsLocale()).hasSize(1);
		List<Map<String, Object>> attachments = (List<Map<String, Object>>) copies.get(0).get("attachments");
		return (Map<String, Object>) attachments.get(0).get("content");
	}

	private static String texts(Map<String, Object> card) {
		return JSON.writeValueAsString(card.get("body"));
	}

	@SuppressWarnings("unchecked")
	private static List<String> actionTitles(Map<String, Object> card) {
		return ((List<Map<String, Object>>) card.get("actions")).stream().map((a) -> (String) a.get("title")).toList();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> image(Map<String, Object> card) {
		return ((List<Map<String, Object>>) card.get("body")).stream()
			.filter((b) -> "Image".equals(b.get("type")))
			.findFirst()
			.orElseThrow();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> poll(Map<String, Object> card) {
		return ((List<Map<String, Object>>) card.get("body")).stream()
			.filter((b) -> "herald-poll".equals(b.get("id")))
			.findFirst()
			.orElseThrow();
	}

	@SuppressWarnings("unchecked")
	private static List<String> choices(Map<String, Object> card) {
		Map<String, Object> input = ((List<Map<String, Object>>) poll(card).get("items")).get(0);
		return ((List<Map<String, Object>>) input.get("choices")).stream()
			.map((c) -> c.get("title") + "=" + c.get("value"))
			.toList();
	}

	@SuppressWarnings("unchecked")
	private static String voteTitle(Map<String, Object> card) {
		Map<String, Object> actionSet = ((List<Map<String, Object>>) poll(card).get("items")).get(1);
		return (String) ((List<Map<String, Object>>) actionSet.get("actions")).get(0).get("title");
	}

}
