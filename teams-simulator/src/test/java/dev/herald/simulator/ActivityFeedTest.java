package dev.herald.simulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Graph's activity feed: the bulk call (≤ 100 recipients, 202, 2/s with 429 and
 * Retry-After, people without the app silently skipped), the single call (204, 403
 * without the app, 5/s), the 45-minute token rule (412), declared activity types and
 * {@code systemDefault} (400 otherwise), the per-person throttle, the permission, the
 * feed per person and the counters.
 */
class ActivityFeedTest {

	static TeamsSimulator sim;

	static SimHttp http;

	static String bulkUrl;

	@BeforeAll
	static void start() {
		sim = TeamsSimulator.start(SimulatorConfig.defaults().withUsers(60));
		http = new SimHttp(sim);
		bulkUrl = sim.graphBaseUrl() + "/teamwork/sendActivityNotificationToRecipients";
	}

	@AfterAll
	static void stop() {
		sim.close();
	}

	@BeforeEach
	void clean() {
		sim.reset();
		sim.setTokenLifetimeSeconds(3599);
		sim.setActivityFeedLimits(2, 5);
		sim.setGraphPermissions(sim.botAppId(), SimulatorConfig.DEFAULT_GRAPH_PERMISSIONS);
		Map<String, Object> manifest = new LinkedHashMap<>();
		manifest.put("id", sim.teamsAppExternalId());
		manifest.put("name", Map.of("short", "Herald"));
		manifest.put("activities", Map.of("activityTypes", List.of(Map.of("type", "urgentAnnouncement", "description",
				"Urgent announcement", "templateText", "{actor}: {title}"))));
		sim.setAppManifest(manifest);
	}

	private static Map<String, Object> body(String type, List<String> userIds, String preview) {
		Map<String, Object> b = new LinkedHashMap<>();
		b.put("topic", Map.of("source", "text", "value", "Evacuate building 3", "webUrl",
				"https://teams.microsoft.com/l/entity/app/announcements?context=%7B%7D"));
		b.put("activityType", type);
		b.put("previewText", Map.of("content", preview));
		b.put("templateParameters", List.of(Map.of("name", "title", "value", "Evacuate building 3"),
				Map.of("name", "systemDefaultText", "value", "Free text")));
		List<Object> recipients = new ArrayList<>();
		for (String id : userIds) {
			recipients.add(Map.of("@odata.type", "microsoft.graph.aadUserNotificationRecipient", "userId", id));
		}
		b.put("recipients", recipients);
		return b;
	}

	private static List<SimUser> people(boolean withApp, int n) {
		return sim.tenant()
			.users()
			.stream()
			.filter((u) -> sim.tenant().reachable(u) && sim.activityFeedReaches(u.id()) == withApp)
			.limit(n)
			.toList();
	}

	@Test
	void bulkNotifiesPeopleWithTheAppAndSilentlySkipsTheOthers() {
		List<SimUser> with = people(false, 2);
		with.forEach((u) -> sim.installForUser(u.id()));
		List<SimUser> without = people(false, 2);
		List<String> ids = new ArrayList<>();
		with.forEach((u) -> ids.add(u.id()));
		without.forEach((u) -> ids.add(u.id()));
		String preview = "x".repeat(200);

		SimHttp.Response r = http.post(bulkUrl, http.graphToken(), body("urgentAnnouncement", ids, preview));

		assertThat(r.status()).isEqualTo(202);
		for (SimUser u : with) {
			List<Map<String, Object>> feed = sim.activityFeed(u.id());
			assertThat(feed).hasSize(1);
			assertThat(feed.get(0)).containsEntry("text", "Herald: Evacuate building 3")
				.containsEntry("via", "bulk")
				.containsEntry("activityType", "urgentAnnouncement");
			assertThat((String) feed.get(0).get("previewText")).hasSize(150);
		}
		without.forEach((u) -> assertThat(sim.activityFeed(u.id())).isEmpty());
		Map<String, Object> stats = feedStats();
		assertThat(stats).containsEntry("bulkCalls", 1L)
			.containsEntry("notified", 2L)
			.containsEntry("skippedNotInstalled", 2L);
		// The inspection API shows the same feed.
		SimHttp.Response page = http.get(sim.baseUrl() + "/_sim/users/" + with.get(0).id() + "/feed", null);
		assertThat(page.jsonList()).hasSize(1);
	}

	@Test
	void moreThanOneHundredRecipientsOrAnUnknownTypeIsABadRequest() {
		// Refused calls count against the rate as well; this test is about the checks.
		sim.setActivityFeedLimits(0, 0);
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 101; i++) {
			ids.add(sim.tenant().users().get(i % 60).id());
		}
		assertThat(http.post(bulkUrl, http.graphToken(), body("urgentAnnouncement", ids, "p")).status()).isEqualTo(400);
		SimUser u = people(false, 1).get(0);
		sim.installForUser(u.id());
		SimHttp.Response unknown = http.post(bulkUrl, http.graphToken(), body("notDeclared", List.of(u.id()), "p"));
		assertThat(unknown.status()).isEqualTo(400);
		assertThat(unknown.body()).contains("not declared");
		// systemDefault is reserved and always available, with its free text.
		assertThat(http.post(bulkUrl, http.graphToken(), body("systemDefault", List.of(u.id()), "p")).status())
			.isEqualTo(202);
		assertThat(sim.activityFeed(u.id()).get(0)).containsEntry("text", "Free text");
		// A text topic needs a Teams webUrl.
		Map<String, Object> b = body("urgentAnnouncement", List.of(u.id()), "p");
		b.put("topic", Map.of("source", "text", "value", "x", "webUrl", "https://evil.example/phish"));
		assertThat(http.post(bulkUrl, http.graphToken(), b).status()).isEqualTo(400);
	}

	@Test
	@SuppressWarnings("unchecked")
	void bulkAllowsTwoCallsASecondThen429WithRetryAfter() {
		SimUser u = people(false, 1).get(0);
		sim.installForUser(u.id());
		String token = http.graphToken();
		List<Integer> statuses = new ArrayList<>();
		String retryAfter = null;
		for (int i = 0; i < 3; i++) {
			SimHttp.Response r = http.post(bulkUrl, token, body("systemDefault", List.of(u.id()), "p"));
			statuses.add(r.status());
			if (r.status() == 429) {
				retryAfter = r.header("Retry-After");
			}
		}
		assertThat(statuses).containsExactly(202, 202, 429);
		assertThat(Integer.parseInt(retryAfter)).isGreaterThanOrEqualTo(1);
		Map<String, Object> stats = feedStats();
		assertThat(stats).containsEntry("throttled429", 1L);
		// The span a client's rate is judged over: the two accepted calls, not the
		// refused one.
		long first = (Long) stats.get("firstBulkCallAt");
		long last = (Long) stats.get("lastBulkCallAt");
		assertThat(first).isPositive();
		assertThat(last).isBetween(first, System.currentTimeMillis());
		// Every call by its window's margin: the first two found room, the third none.
		Map<String, Object> margins = (Map<String, Object>) stats.get("bulkWindowMarginMs");
		assertThat(margins).containsEntry("<-20", 1L);
		assertThat(margins.values().stream().mapToLong((v) -> ((Number) v).longValue()).sum()).isEqualTo(1);
	}

	@Test
	void aTokenWithLessThan45MinutesLeftIsRefusedWith412() {
		SimUser u = people(false, 1).get(0);
		sim.installForUser(u.id());
		sim.setTokenLifetimeSeconds(44 * 60);
		String shortLived = http.graphToken();
		SimHttp.Response r = http.post(bulkUrl, shortLived, body("systemDefault", List.of(u.id()), "p"));
		assertThat(r.status()).isEqualTo(412);
		assertThat(sim.activityFeed(u.id())).isEmpty();
		sim.setTokenLifetimeSeconds(3599);
		assertThat(http.post(bulkUrl, http.graphToken(), body("systemDefault", List.of(u.id()), "p")).status())
			.isEqualTo(202);
		assertThat(feedStats()).containsEntry("preconditionFailed412", 1L);
	}

	@Test
	void withoutTeamsActivitySendTheCallIsForbidden() {
		SimUser u = people(false, 1).get(0);
		sim.installForUser(u.id());
		sim.revokeGraphPermission(sim.botAppId(), "TeamsActivity.Send");
		SimHttp.Response r = http.post(bulkUrl, http.graphToken(), body("systemDefault", List.of(u.id()), "p"));
		assertThat(r.status()).isEqualTo(403);
		assertThat(r.body()).contains("Missing role permissions").contains("TeamsActivity.Send");
		assertThat(sim.activityFeed(u.id())).isEmpty();
	}

	@Test
	void singleCallNotifiesWith204AndRefusesPeopleWithoutTheApp() {
		SimUser with = people(false, 1).get(0);
		sim.installForUser(with.id());
		SimUser without = people(false, 1).get(0);
		Map<String, Object> b = body("urgentAnnouncement", List.of(), "p");
		b.remove("recipients");
		String token = http.graphToken();
		assertThat(http.post(singleUrl(with), token, b).status()).isEqualTo(204);
		assertThat(sim.activityFeed(with.id()).get(0)).containsEntry("via", "single");
		SimHttp.Response refused = http.post(singleUrl(without), token, b);
		assertThat(refused.status()).isEqualTo(403);
		assertThat(refused.body()).contains("Ensure that the expected Teams app is installed");
	}

	@Test
	void moreThanTenAMinuteToOnePersonAreThrottled() {
		sim.setActivityFeedLimits(0, 0);
		SimUser u = people(false, 1).get(0);
		sim.installForUser(u.id());
		String token = http.graphToken();
		for (int i = 0; i < 11; i++) {
			assertThat(http.post(bulkUrl, token, body("systemDefault", List.of(u.id()), "p")).status()).isEqualTo(202);
		}
		assertThat(sim.activityFeed(u.id())).hasSize(10);
		assertThat(feedStats()).containsEntry("skippedThrottledPerson", 1L);
		Map<String, Object> b = body("systemDefault", List.of(), "p");
		b.remove("recipients");
		assertThat(http.post(singleUrl(u), token, b).status()).isEqualTo(429);
	}

	@Test
	void teamMembersReachedThroughTheTeamsApp() {
		SimTeam team = sim.tenant()
			.teams()
			.stream()
			.filter((t) -> sim.teamsWithAppAtStart().contains(t.id()))
			.findFirst()
			.orElseThrow();
		SimUser member = sim.tenant().user(team.memberUserIds().get(0));
		assertThat(sim.isInstalled(member.id())).isFalse();
		assertThat(http.post(bulkUrl, http.graphToken(), body("systemDefault", List.of(member.id()), "p")).status())
			.isEqualTo(202);
		assertThat(sim.activityFeed(member.id())).hasSize(1);
	}

	private static String singleUrl(SimUser u) {
		return sim.graphBaseUrl() + "/users/" + u.id() + "/teamwork/sendActivityNotification";
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> feedStats() {
		Map<String, Object> stats = (Map<String, Object>) sim.stats().get("activityFeed");
		Map<String, Object> longs = new LinkedHashMap<>();
		stats.forEach((k, v) -> longs.put(k, (v instanceof Number n) ? (Object) n.longValue() : v));
		return longs;
	}

}
