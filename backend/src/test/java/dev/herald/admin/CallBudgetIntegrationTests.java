package dev.herald.admin;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.audience.Api;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.BrowserSession;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An admin reads the Connector budget's shares per kind on the settings page and through
 * its API twin, and the urgent lane's activity feed budget (#25) next to it; nobody else
 * reads them.
 */
class CallBudgetIntegrationTests extends IntegrationTest {

	@Test
	void anAdminReadsEveryKindsPriorityAndShare() {
		HttpResponse<String> response = api("GET", "/api/v1/admin/call-budget",
				TestIdentityProvider.accessToken("budget-admin", "Herald.Admin"), null);
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode budget = JsonMapper.shared().readTree(response.body());
		assertThat(budget.path("ratePerSecond").asInt()).isPositive();
		assertThat(budget.path("sideShare").asDouble()).isBetween(0.01, 0.5);
		JsonNode kinds = budget.path("kinds");
		assertThat(kinds.propertyNames()).containsExactly("INTERACTIVE", "APPROVAL", "TEST", "FOLLOW_UP", "SEND",
				"CHANNEL", "CONVERSATION", "WELCOME");
		assertThat(kinds.path("INTERACTIVE").path("priority").asInt()).isEqualTo(1);
		assertThat(kinds.path("WELCOME").path("priority").asInt()).isEqualTo(8);
		double sum = 0;
		for (JsonNode kind : kinds) {
			sum += kind.path("share").asDouble();
		}
		assertThat(sum).as("the shares together").isLessThanOrEqualTo(1.0001);
	}

	@Test
	void authorsAndApproversMayNotReadTheBudget() {
		for (String role : new String[] { "Herald.Author", "Herald.Approver" }) {
			assertThat(api("GET", "/api/v1/admin/call-budget", TestIdentityProvider.accessToken("budget-" + role, role),
					null)
				.statusCode()).as(role).isEqualTo(403);
		}
		assertThat(api("GET", "/api/v1/admin/call-budget", null, null).statusCode()).as("no token").isEqualTo(401);
		HttpResponse<String> author = api("GET", "/api/v1/admin/call-budget",
				TestIdentityProvider.accessToken("budget-feed-author", "Herald.Author"), null);
		assertThat(author.statusCode()).isEqualTo(403);
		assertThat(author.body()).doesNotContain("graph-activity-feed");
		BrowserSession page = BrowserSession.signIn(baseUrl(), "budget-page-author", "Herald.Author");
		assertThat(page.get("/admin/settings").statusCode()).isEqualTo(403);
	}

	/**
	 * The activity feed's budget shows its rate, this instance's calls, and the pause a
	 * 429 causes: with Graph allowing one call a second, Herald's second call within the
	 * second (it paces at 1.97) is refused, and every caller waits out the Retry-After.
	 */
	@Test
	void theActivityFeedBudgetShowsItsCallsAndThePauseAfterA429() {
		String token = TestIdentityProvider.accessToken("budget-feed-admin", "Herald.Admin");
		JsonNode before = feedBudget(token);
		assertThat(before.path("name").asString()).isEqualTo("graph-activity-feed");
		assertThat(before.path("ratePerSecond").asDouble()).isEqualTo(1.97);
		assertThat(before.path("pace").asDouble()).isBetween(1.97 * 0.85, 1.97);

		Api admin = Api.admin(baseUrl());
		admin.syncDirectory();
		SimUser person = installApp(165, 1).get(0);
		this.simulator.setActivityFeedLimits(1, 5);
		JsonNode[] paused = new JsonNode[1];
		try {
			for (int i = 0; i < 4; i++) {
				long id = admin
					.json("POST", "/api/v1/announcements",
							Map.of("title", "Budget drill " + i, "summary", "Drill.", "importance", "URGENT"), 201)
					.path("id")
					.asLong();
				admin.json("PUT", "/api/v1/announcements/" + id + "/audience",
						Map.of("entries", List.of(Map.of("kind", "PERSON", "ref", person.id()))), 200);
				admin.json("POST", "/api/v1/announcements/" + id + "/send", null, 202);
			}
			Await.until(Duration.ofSeconds(60), "the feed paused after a 429", () -> {
				JsonNode feed = feedBudget(token);
				if (feed.path("paused").asBoolean()) {
					paused[0] = feed;
				}
				return paused[0] != null;
			});
		}
		finally {
			this.simulator.setActivityFeedLimits(2, 5);
		}
		assertThat(paused[0].path("pausedForMillis").asLong()).isBetween(1L, 60_000L);
		assertThat(paused[0].path("throttled").asLong()).isGreaterThan(before.path("throttled").asLong());
		JsonNode after = feedBudget(token);
		assertThat(after.path("total").asLong()).isGreaterThan(before.path("total").asLong());
		assertThat(after.path("lastMinute").asInt()).isPositive()
			.isLessThanOrEqualTo((int) after.path("total").asLong());
		assertThat(after.path("pace").asDouble()).as("eased after the 429").isLessThan(1.97);

		BrowserSession ui = BrowserSession.signIn(baseUrl(), "budget-feed-page-admin", "Herald.Admin");
		String page = ui.get("/admin/settings?lang=fr").body();
		assertThat(page).contains("id=\"feed-budget\"", "Budget du flux d’activité (annonces urgentes)",
				"id=\"feed-last-minute\"", "Réponses 429");
		assertThat(ui.get("/admin/settings?lang=en").body()).contains("Activity feed budget (urgent announcements)");
	}

	private JsonNode feedBudget(String token) {
		HttpResponse<String> response = api("GET", "/api/v1/admin/call-budget", token, null);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return JsonMapper.shared().readTree(response.body()).path("activityFeed");
	}

	@Test
	void theSettingsPageShowsTheSharesInTheAdminsLanguage() {
		BrowserSession admin = BrowserSession.signIn(baseUrl(), "budget-page-admin", "Herald.Admin");
		String page = admin.get("/admin/settings?lang=fr").body();
		assertThat(page).contains("id=\"call-budget-table\"", "Budget du Bot Connector", "Messages de bienvenue",
				"Réponses aux commandes");
		assertThat(admin.get("/admin/settings?lang=en").body()).contains("Welcome messages");
	}

}
