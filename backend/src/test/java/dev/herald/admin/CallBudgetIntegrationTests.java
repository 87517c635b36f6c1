package dev.herald.admin;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.support.BrowserSession;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An admin reads the Connector budget's shares per kind on the settings page and through
 * its API twin; nobody else reads them.
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
