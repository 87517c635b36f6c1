package dev.herald.announcement;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.herald.api.ApiHttp;
import dev.herald.approval.GovernanceApi;
import dev.herald.simulator.SimUser;
import dev.herald.support.BrowserSession;
import dev.herald.support.IntegrationTest;

import static dev.herald.approval.GovernanceApi.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every page and endpoint that shows an announcement, its report or its people follows
 * the read rule of {@link Owners#canRead} (#23): another author's draft is a 404 on each
 * of them, in the API and the UI, while its owner, an Approver and an Admin read it. A
 * template is deleted only by the author who saved it, or an Admin.
 */
class ReadAccessIntegrationTests extends IntegrationTest {

	private static final List<String> API_READS = List.of("", "/after-send", "/follow-ups", "/reminders/reach",
			"/variants", "/report", "/deliveries", "/deliveries.csv", "/acknowledgements",
			"/acknowledgements?acknowledged=false", "/audience", "/clicks");

	private static final List<String> UI_READS = List.of("", "/follow-ups", "/report", "/report.csv", "/variants",
			"/audience", "/progress");

	@Test
	void anotherAuthorsDraftIsNotFoundOnEveryReadInTheApi() {
		GovernanceApi gov = new GovernanceApi(baseUrl());
		ApiHttp http = new ApiHttp(baseUrl());
		SimUser person = this.simulator.tenant().users().stream().filter((u) -> !u.guest()).findFirst().orElseThrow();
		String owner = GovernanceApi.token("reads-owner", "Herald.Author");
		String other = GovernanceApi.token("reads-other", "Herald.Author");
		String approver = GovernanceApi.token("reads-approver", "Herald.Approver");
		long id = new GovernanceApi(baseUrl()).create(owner, "Private draft " + UUID.randomUUID());
		assertThat(gov.setPeople(owner, id, List.of(person.id())).statusCode()).isEqualTo(200);

		for (String read : API_READS) {
			String path = "/api/v1/announcements/" + id + read;
			Map<String, String> accept = read.contains(".csv") ? Map.of("Accept", "text/csv") : Map.of();
			ApiHttp.assertProblem(http.call("GET", path, other, null, accept), 404);
			assertThat(http.call("GET", path, owner, null, accept).statusCode()).as(path).isEqualTo(200);
			assertThat(http.call("GET", path, ADMIN, null, accept).statusCode()).as(path).isEqualTo(200);
		}
		// Approvers review drafts: they read them.
		assertThat(gov.call("GET", "/api/v1/announcements/" + id + "/report", approver, null).statusCode())
			.isEqualTo(200);
		// An unknown id stays a 404 for everyone.
		ApiHttp.assertProblem(gov.call("GET", "/api/v1/announcements/987654321/follow-ups", owner, null), 404);
	}

	@Test
	void anotherAuthorsDraftIsNotFoundOnEveryPageInTheUi() {
		BrowserSession owner = BrowserSession.signIn(baseUrl(), "reads-ui-owner", "Herald.Author");
		HttpResponse<String> created = owner.submit("/announcements/new", "/announcements/new",
				Map.of("title", "Private UI draft", "importance", "NORMAL", "acknowledge", "true"));
		Matcher matcher = Pattern.compile("/announcements/(\\d+)$").matcher(created.uri().getPath());
		assertThat(matcher.find()).as(created.uri().toString()).isTrue();
		String base = "/announcements/" + matcher.group(1);
		BrowserSession other = BrowserSession.signIn(baseUrl(), "reads-ui-other", "Herald.Author");
		BrowserSession admin = BrowserSession.signIn(baseUrl(), "reads-ui-admin", "Herald.Admin");
		for (String read : UI_READS) {
			assertThat(other.get(base + read).statusCode()).as(base + read).isEqualTo(404);
			assertThat(owner.get(base + read).statusCode()).as(base + read).isEqualTo(200);
			assertThat(admin.get(base + read).statusCode()).as(base + read).isEqualTo(200);
		}
		// Nor are its live counts streamed to someone who may not read it.
		assertThat(other.get("/announcements/progress?ids=" + matcher.group(1)).statusCode()).isEqualTo(400);
	}

	@Test
	void onlyTheAuthorWhoSavedATemplateOrAnAdminDeletesIt() {
		BrowserSession owner = BrowserSession.signIn(baseUrl(), "template-owner", "Herald.Author");
		HttpResponse<String> created = owner.submit("/announcements/new", "/announcements/new",
				Map.of("title", "Template source", "importance", "NORMAL"));
		String base = created.uri().getPath();
		String first = "tpl-" + UUID.randomUUID();
		String second = "tpl-" + UUID.randomUUID();
		owner.submit(base, base + "/template", Map.of("name", first));
		owner.submit(base, base + "/template", Map.of("name", second));
		long mine = templateId(first);
		long alsoMine = templateId(second);

		// The list offers Delete to its owner only.
		assertThat(owner.get("/announcements").body()).contains("/announcements/templates/" + mine + "/delete");
		BrowserSession other = BrowserSession.signIn(baseUrl(), "template-other", "Herald.Author");
		assertThat(other.get("/announcements").body()).doesNotContain("/announcements/templates/" + mine + "/delete");
		HttpResponse<String> refused = other.submit("/announcements", "/announcements/templates/" + mine + "/delete",
				Map.of());
		assertThat(refused.statusCode()).isEqualTo(403);
		assertThat(exists(mine)).isTrue();
		assertThat(other.submit("/announcements", "/announcements/templates/987654321/delete", Map.of()).statusCode())
			.isEqualTo(404);

		assertThat(
				owner.submit("/announcements", "/announcements/templates/" + mine + "/delete", Map.of()).statusCode())
			.isEqualTo(200);
		assertThat(exists(mine)).isFalse();
		BrowserSession admin = BrowserSession.signIn(baseUrl(), "template-admin", "Herald.Admin");
		assertThat(admin.submit("/announcements", "/announcements/templates/" + alsoMine + "/delete", Map.of())
			.statusCode()).isEqualTo(200);
		assertThat(exists(alsoMine)).isFalse();
	}

	private long templateId(String name) {
		return this.jdbc.sql("SELECT id FROM announcement_template WHERE name = :name")
			.param("name", name)
			.query(Long.class)
			.single();
	}

	private boolean exists(long id) {
		return this.jdbc.sql("SELECT EXISTS (SELECT 1 FROM announcement_template WHERE id = :id)")
			.param("id", id)
			.query(Boolean.class)
			.single();
	}

}
