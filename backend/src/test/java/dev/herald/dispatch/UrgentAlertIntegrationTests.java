package dev.herald.dispatch;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.audience.Api;
import dev.herald.simulator.SimUser;
import dev.herald.simulator.SimulatorConfig;
import dev.herald.support.Await;
import dev.herald.support.BrowserSession;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The urgent lane (#25) against the simulator over HTTP: an urgent announcement to a
 * mixed audience (people with the app, people without it, people Teams would throttle)
 * alerts each person at most once per channel, as the simulator's feeds and inboxes show
 * and the report (JSON, CSV, page) says.
 */
class UrgentAlertIntegrationTests extends IntegrationTest {

	private Api admin;

	@BeforeEach
	void publishHeraldsPackage() throws Exception {
		this.admin = Api.admin(baseUrl());
		// Graph accepts only activity types the app in the catalog declares.
		HttpResponse<byte[]> zip = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/admin/teams-app.zip"))
				.header("Authorization", "Bearer " + TestIdentityProvider.accessToken("it-admin", "Herald.Admin"))
				.build(), HttpResponse.BodyHandlers.ofByteArray());
		assertThat(zip.statusCode()).isEqualTo(200);
		this.simulator.publishApp(zip.body());
	}

	private long send(String title, List<SimUser> people) {
		long id = this.admin
			.json("POST", "/api/v1/announcements",
					Map.of("title", title, "summary", "Leave by the nearest exit.", "importance", "URGENT"), 201)
			.path("id")
			.asLong();
		this.admin.json("PUT", "/api/v1/announcements/" + id + "/audience",
				Map.of("entries", people.stream().map((p) -> Map.of("kind", "PERSON", "ref", p.id())).toList()), 200);
		this.admin.json("POST", "/api/v1/announcements/" + id + "/send", null, 202);
		return id;
	}

	/** Feed notifications of one announcement in a person's simulated feed. */
	private List<Map<String, Object>> feedEntries(SimUser person, long id) {
		String subEntity = "%22subEntityId%22%3A%22" + id + "%22";
		return this.simulator.activityFeed(person.id())
			.stream()
			.filter((n) -> String.valueOf(((Map<?, ?>) n.get("topic")).get("webUrl")).contains(subEntity))
			.toList();
	}

	private long feedAlerts(SimUser person, long id) {
		return feedEntries(person, id).size();
	}

	private boolean feedSettled(long id) {
		return this.jdbc.sql("""
				SELECT count(*) FROM urgent_alert WHERE announcement_id = :id AND state IN ('pending', 'in_flight')
				""").param("id", id).query(Long.class).single() == 0;
	}

	@Test
	void anUrgentAnnouncementAlertsAMixedAudienceOncePerChannelAsTheReportSays() throws Exception {
		this.admin.syncDirectory();
		List<SimUser> withApp = installApp(140, 3);
		List<SimUser> throttled = installApp(146, 2);
		List<SimUser> candidates = peopleOnlyAnInstallReaches();
		List<SimUser> withoutApp = candidates.subList(candidates.size() - 6, candidates.size() - 4);
		assertThat(withApp).hasSize(3);
		assertThat(throttled).hasSize(2);
		assertThat(withoutApp).hasSize(2);
		// Ten urgent alerts to the throttled two within the last minute: an eleventh
		// would
		// be dropped by Teams, so Herald does not send it through the feed.
		List<Long> earlier = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			earlier.add(send("Drill " + i + " " + UUID.randomUUID(), throttled));
		}
		Await.until(Duration.ofSeconds(60), "ten earlier alerts",
				() -> throttled.stream().allMatch((p) -> this.simulator.activityFeed(p.id()).size() >= 10)
						&& earlier.stream().allMatch(this::feedSettled));

		List<SimUser> everyone = new ArrayList<>(withApp);
		everyone.addAll(throttled);
		everyone.addAll(withoutApp);
		String title = "Evacuate building 3 " + UUID.randomUUID();
		long id = send(title, everyone);
		Await.until(Duration.ofSeconds(90), "sent and every feed alert settled",
				() -> "sent"
					.equals(this.admin.json("GET", "/api/v1/announcements/" + id, null, 200).path("status").asString())
						&& feedSettled(id));

		// The simulator: the feed once for people with the app, never for the others;
		// the chat card once for everyone.
		withApp.forEach((p) -> assertThat(feedAlerts(p, id)).as(p.id()).isEqualTo(1));
		throttled.forEach((p) -> assertThat(feedAlerts(p, id)).as(p.id()).isZero());
		withoutApp.forEach((p) -> assertThat(feedAlerts(p, id)).as(p.id()).isZero());
		everyone.forEach((p) -> assertThat(cardsReceived(p.id(), id)).as(p.id()).isEqualTo(1));
		List<Map<String, Object>> entries = feedEntries(withApp.get(0), id);
		assertThat(entries).as(this.simulator.activityFeed(withApp.get(0).id()).toString()).hasSize(1);
		Map<String, Object> entry = entries.get(0);
		assertThat(entry).containsEntry("activityType", "urgentAnnouncement");
		assertThat((String) entry.get("text")).endsWith(title);
		assertThat(String.valueOf(((Map<?, ?>) entry.get("topic")).get("webUrl")))
			.startsWith("https://teams.microsoft.com/l/entity/")
			.contains("/announcements?context=");

		// The report says the same.
		JsonNode alerted = this.admin.json("GET", "/api/v1/announcements/" + id + "/report", null, 200).path("alerted");
		assertThat(alerted.path("feed").path("total").asLong()).isEqualTo(3);
		assertThat(alerted.path("chat").path("total").asLong()).isEqualTo(7);
		assertThat(alerted.path("either").path("total").asLong()).isEqualTo(7);
		assertThat(alerted.path("feed").path("within10Minutes").asLong()).isEqualTo(3);
		assertThat(alerted.path("feedQueued").asLong()).isEqualTo(5);
		assertThat(alerted.path("feedNotReached").asLong()).isEqualTo(2);
		assertThat(alerted.path("feedPending").asLong()).isZero();
		// CSV: per person, when each channel reached them.
		HttpResponse<String> csv = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/announcements/" + id + "/deliveries.csv"))
				.header("Authorization", "Bearer " + TestIdentityProvider.accessToken("it-admin", "Herald.Admin"))
				.header("Accept", "text/csv")
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(csv.statusCode()).isEqualTo(200);
		List<String> lines = csv.body().lines().toList();
		// Columns by name: other features add theirs after these.
		List<String> header = List.of(lines.get(0).split(","));
		assertThat(header).contains("alerted_chat_at", "alerted_feed_at", "feed_state");
		int chatAt = header.indexOf("alerted_chat_at");
		int feedAt = header.indexOf("alerted_feed_at");
		int feedStateAt = header.indexOf("feed_state");
		for (SimUser p : everyone) {
			String line = lines.stream().filter((l) -> l.startsWith(p.id())).findFirst().orElseThrow();
			String[] cells = line.split(",", -1);
			String feedState = cells[feedStateAt];
			assertThat(cells[chatAt]).as("chat time of " + p.id()).isNotEmpty();
			if (withApp.contains(p)) {
				assertThat(feedState).isEqualTo("alerted");
				assertThat(cells[feedAt]).isNotEmpty();
			}
			else if (throttled.contains(p)) {
				assertThat(feedState).isEqualTo("skipped");
			}
			else {
				assertThat(feedState).isEmpty();
			}
		}
		// The report page.
		BrowserSession ui = adminPages("urgent-admin");
		String page = ui.get("/announcements/" + id + "/report").body();
		assertThat(page).contains("id=\"alerted-feed\"").contains("Activity feed").contains("Chat card");
	}

	/**
	 * The report page's "alerted" table is live (#25): the progress JSON and the
	 * server-sent events it watches carry the same figures as the report while the send
	 * runs. Teams' Connector fails every call for a while, so the chat card waits while
	 * the activity feed (Graph) alerts the person: the live figures show the feed first,
	 * then the card once Teams answers again.
	 */
	@Test
	void theLiveProgressCarriesTheAlertedFiguresWhileTheSendRuns() throws Exception {
		this.admin.syncDirectory();
		SimUser person = installApp(166, 1).get(0);
		BrowserSession ui = adminPages("urgent-live-admin");
		SimulatorConfig.Faults faults = this.simulator.config().faults();
		long id;
		JsonNode live;
		this.simulator.setFaults(faults.withServerErrorShare(1.0));
		try {
			id = send("Gas leak, live " + UUID.randomUUID(), List.of(person));
			JsonNode[] seen = new JsonNode[1];
			Await.until(Duration.ofSeconds(30), "the feed alert in the live progress", () -> {
				seen[0] = progress(ui, id);
				return seen[0].path("alerted").path("feed").path("total").asLong() == 1;
			});
			live = seen[0];
			// The same figures in the server-sent events the page watches.
			HttpResponse<Stream<String>> stream = ui.exchange("/announcements/progress?ids=" + id,
					HttpRequest.newBuilder().header("Accept", "text/event-stream").GET(),
					HttpResponse.BodyHandlers.ofLines());
			assertThat(stream.statusCode()).isEqualTo(200);
			String data;
			try (Stream<String> lines = stream.body()) {
				data = lines.filter((l) -> l.startsWith("data:")).findFirst().orElseThrow().substring(5);
			}
			JsonNode event = JsonMapper.shared().readTree(data);
			assertThat(event.path("id").asLong()).isEqualTo(id);
			assertThat(event.path("alerted").path("feed").path("total").asLong()).isEqualTo(1);
			assertThat(event.path("alerted").path("feedQueued").asLong()).isEqualTo(1);
		}
		finally {
			this.simulator.setFaults(faults);
		}
		assertThat(live.path("status").asString()).as(live.toString()).isEqualTo("sending");
		assertThat(live.path("delivered").asLong()).isZero();
		assertThat(live.path("alerted").path("chat").path("total").asLong()).isZero();
		assertThat(live.path("alerted").path("either").path("total").asLong()).isEqualTo(1);
		assertThat(live.path("alerted").path("feed").path("within1Minute").asLong()).isEqualTo(1);
		assertThat(live.path("alerted").path("feedPending").asLong()).isZero();
		// The page watches that stream, and its table has the cells the script fills.
		String page = ui.get("/announcements/" + id + "/report").body();
		assertThat(page).contains("id=\"report-live\"", "data-status=\"sending\"", "/js/herald.js",
				"data-window=\"within1Minute\"", "data-pattern=\"");

		// Teams answers again: the card follows, and the live figures match the report.
		Await.until(Duration.ofSeconds(60), "the card in the live progress",
				() -> progress(ui, id).path("alerted").path("chat").path("total").asLong() == 1);
		Await.until(Duration.ofSeconds(30), "sent", () -> "sent".equals(progress(ui, id).path("status").asString()));
		JsonNode done = progress(ui, id).path("alerted");
		JsonNode report = this.admin.json("GET", "/api/v1/announcements/" + id + "/report", null, 200).path("alerted");
		for (String channel : List.of("feed", "chat", "either")) {
			assertThat(done.path(channel)).as(channel).isEqualTo(report.path(channel));
		}
		assertThat(done.path("either").path("total").asLong()).isEqualTo(1);
		assertThat(cardsReceived(person.id(), id)).isEqualTo(1);
		assertThat(feedAlerts(person, id)).isEqualTo(1);

		// Not urgent: no alerted figures.
		long normal = this.admin
			.json("POST", "/api/v1/announcements", Map.of("title", "Canteen menu", "summary", "Soup."), 201)
			.path("id")
			.asLong();
		assertThat(progress(ui, normal).has("alerted")).isFalse();
	}

	/**
	 * Feed alerts can outlast the chat cards (the feed's budget is taken by another
	 * urgent send, or waits out a 429): after {@code sent} the live figures still move,
	 * so the progress says {@code settling}, the report page keeps watching, and the
	 * stream ends only once the feed alert went out, with it in its last figures.
	 */
	@Test
	void theLiveFiguresGoOnAfterTheSendWhileFeedAlertsAreQueued() throws Exception {
		this.admin.syncDirectory();
		SimUser person = installApp(167, 1).get(0);
		BrowserSession ui = adminPages("urgent-settling-admin");
		// The feed's next free slot is 10 s away, as if other calls had taken them.
		this.jdbc.sql("""
				INSERT INTO rate_budget (name, next_slot) VALUES (:name, clock_timestamp() + interval '10 seconds')
				ON CONFLICT (name) DO UPDATE SET next_slot = EXCLUDED.next_slot
				""").param("name", UrgentAlerts.BUDGET).update();
		long id = send("Storm warning, settling " + UUID.randomUUID(), List.of(person));
		Await.until(Duration.ofSeconds(30), "the card sent",
				() -> "sent".equals(progress(ui, id).path("status").asString()));
		JsonNode afterSend = progress(ui, id);
		assertThat(afterSend.path("alerted").path("feedPending").asLong()).as(afterSend.toString()).isEqualTo(1);
		assertThat(afterSend.path("settling").asBoolean()).isTrue();
		assertThat(ui.get("/announcements/" + id + "/report").body()).contains("data-status=\"sent\"",
				"data-settling=\"true\"");

		HttpResponse<Stream<String>> stream = ui.exchange("/announcements/progress?ids=" + id,
				HttpRequest.newBuilder().header("Accept", "text/event-stream").GET(),
				HttpResponse.BodyHandlers.ofLines());
		assertThat(stream.statusCode()).isEqualTo(200);
		List<String> events = CompletableFuture.supplyAsync(() -> {
			List<String> seen = new ArrayList<>();
			try (Stream<String> lines = stream.body()) {
				for (String line : (Iterable<String>) lines::iterator) {
					if (line.startsWith("event:")) {
						seen.add(line.substring(6));
					}
					else if (line.startsWith("data:")) {
						seen.add(line.substring(5));
					}
					if (line.equals("event:done")) {
						break;
					}
				}
			}
			return seen;
		}).get(60, TimeUnit.SECONDS);
		assertThat(events).last().isEqualTo("done");
		assertThat(events).as("a progress event with the feed alert before the end")
			.anySatisfy((e) -> assertThat(e).contains("\"feedPending\":0"));
		JsonNode last = JsonMapper.shared().readTree(events.get(events.lastIndexOf("progress") + 1));
		assertThat(last.path("alerted").path("feed").path("total").asLong()).isEqualTo(1);
		assertThat(last.has("settling")).isFalse();
		assertThat(feedAlerts(person, id)).isEqualTo(1);
	}

	/** The admin UI, signed in as an admin of this name. */
	private BrowserSession adminPages(String name) {
		TestIdentityProvider.nextSignIn(name, "Herald.Admin");
		return new BrowserSession(baseUrl());
	}

	private static JsonNode progress(BrowserSession ui, long id) {
		HttpResponse<String> response = ui.get("/announcements/" + id + "/progress");
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return JsonMapper.shared().readTree(response.body());
	}

}
