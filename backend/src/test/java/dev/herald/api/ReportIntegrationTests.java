package dev.herald.api;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;

import static dev.herald.api.ApiHttp.assertProblem;
import static dev.herald.api.ApiHttp.read;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The delivery report: counts per state, keyset pages with a state filter, and a streamed
 * CSV. The ledger rows are written directly (final states only, on a draft, so the
 * dispatcher never touches them), with the announcement's counters moved as the
 * dispatcher moves them.
 */
class ReportIntegrationTests extends IntegrationTest {

	private final String author = TestIdentityProvider.accessToken("report-reader", "Herald.Author");

	@Test
	void pagesFilterAndCsvAgreeWithTheLedger() {
		ApiHttp http = new ApiHttp(baseUrl());
		long id = read(http.call("POST", "/api/v1/announcements", this.author, "{\"title\":\"Report me\"}")).path("id")
			.asLong();
		for (int i = 0; i < 5; i++) {
			ledger(id, "person-" + i, (i < 3) ? "delivered" : "failed",
					(i == 4) ? "=HYPERLINK(\"x\"), said Teams" : null);
		}

		JsonNode report = read(http.call("GET", "/api/v1/announcements/" + id + "/report", this.author, null));
		assertThat(report.path("byState").path("delivered").asLong()).isEqualTo(3);
		assertThat(report.path("byState").path("failed").asLong()).isEqualTo(2);
		assertThat(report.path("byState").path("pending").asLong()).isZero();
		// One language: its one variant row comes from the counters, and agrees with
		// them.
		assertThat(report.path("variants").size()).isEqualTo(1);
		assertThat(report.path("variants").path(0).path("recipients").asLong()).isEqualTo(5);
		assertThat(report.path("variants").path(0).path("delivered").asLong()).isEqualTo(3);
		assertThat(report.path("variants").path(0).path("failed").asLong()).isEqualTo(2);

		List<String> all = new ArrayList<>();
		String next = null;
		int pages = 0;
		do {
			String query = "?limit=2" + ((next != null) ? "&after=" + next : "");
			JsonNode page = read(
					http.call("GET", "/api/v1/announcements/" + id + "/deliveries" + query, this.author, null));
			page.path("items").forEach((item) -> all.add(item.path("recipient").asString()));
			next = page.path("next").isNull() ? null : page.path("next").asString();
			pages++;
		}
		while (next != null && pages < 10);
		assertThat(all).containsExactly("person-0", "person-1", "person-2", "person-3", "person-4");

		JsonNode failed = read(
				http.call("GET", "/api/v1/announcements/" + id + "/deliveries?state=failed", this.author, null));
		assertThat(failed.path("items").size()).isEqualTo(2);
		assertThat(failed.path("items").get(0).path("state").asString()).isEqualTo("failed");

		// The report page's failure reasons come from the tally the ledger's trigger
		// keeps. (The announcement is still a draft here, readable by its owner and
		// Admins only: #23.)
		String page = dev.herald.support.BrowserSession.signIn(baseUrl(), "report-admin", "Herald.Admin")
			.get("/announcements/" + id + "/report")
			.body();
		assertThat(page).contains("=HYPERLINK(&quot;x&quot;), said Teams").doesNotContain("=HYPERLINK(\"x\")");
		assertThat(this.jdbc.sql("SELECT sum(n) FROM failure_tally WHERE announcement_id = :id AND state = 'failed'")
			.param("id", id)
			.query(Long.class)
			.single()).isEqualTo(2);

		HttpResponse<String> csv = http
			.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/announcements/" + id + "/deliveries.csv"))
				.header("Authorization", "Bearer " + this.author)
				.header("Accept", "text/csv")
				.GET()
				.build());
		assertThat(csv.statusCode()).isEqualTo(200);
		assertThat(csv.headers().firstValue("Content-Type"))
			.hasValueSatisfying((t) -> assertThat(t).startsWith("text/csv"));
		assertThat(csv.headers().firstValue("Content-Disposition"))
			.hasValueSatisfying((d) -> assertThat(d).contains("attachment"));
		String[] lines = csv.body().split("\r\n");
		assertThat(lines).hasSize(6);
		assertThat(lines[0]).startsWith("recipient,kind,name,state");
		assertThat(lines[1]).startsWith("person-0,person,,delivered,");
		// A formula from outside is defused and quoted, never evaluated by a spreadsheet.
		assertThat(lines[5]).contains("\"'=HYPERLINK(\"\"x\"\"), said Teams\"");
	}

	@Test
	void badParametersAndUnknownIdsAre4xxProblemJson() {
		ApiHttp http = new ApiHttp(baseUrl());
		long id = read(http.call("POST", "/api/v1/announcements", this.author, "{\"title\":\"Report params\"}"))
			.path("id")
			.asLong();
		assertProblem(http.call("GET", "/api/v1/announcements/" + id + "/deliveries?state=lost", this.author, null),
				400);
		assertProblem(http.call("GET", "/api/v1/announcements/" + id + "/deliveries?limit=0", this.author, null), 400);
		assertProblem(http.call("GET", "/api/v1/announcements/" + id + "/deliveries?limit=x", this.author, null), 400);
		assertProblem(http.call("GET", "/api/v1/announcements/987654321/deliveries", this.author, null), 404);
		assertProblem(http.call("GET", "/api/v1/announcements/987654321/report", this.author, null), 404);
		assertProblem(http
			.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/announcements/987654321/deliveries.csv"))
				.header("Authorization", "Bearer " + this.author)
				.header("Accept", "text/csv")
				.build()), 404);
		// Asking the CSV export for JSON is a clear 406, still as problem+json.
		assertProblem(http.call("GET", "/api/v1/announcements/" + id + "/deliveries.csv", this.author, null), 406);
		assertProblem(http.call("GET", "/api/v1/no-such-thing", this.author, null), 404);
		assertProblem(http.call("GET", "/api/v1/announcements/abc/report", this.author, null), 400);
		String nobody = TestIdentityProvider.accessToken("no-role-app");
		assertProblem(http.call("GET", "/api/v1/announcements/" + id + "/deliveries", nobody, null), 403);
	}

	private void ledger(long id, String recipient, String state, String reason) {
		this.jdbc.sql("""
				INSERT INTO delivery (announcement_id, recipient, state, attempts, last_status, reason)
				VALUES (:id, :recipient, :state, 1, :status, :reason)
				""")
			.param("id", id)
			.param("recipient", recipient)
			.param("state", state)
			.param("status", "delivered".equals(state) ? 201 : 400)
			.param("reason", reason)
			.update();
		this.jdbc
			.sql("UPDATE announcement SET recipients = recipients + 1, %1$s = %1$s + 1 WHERE id = :id".formatted(state))
			.param("id", id)
			.update();
	}

}
