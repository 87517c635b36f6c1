package dev.herald.dispatch;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.admin.AdminSettings;
import dev.herald.support.Await;
import dev.herald.support.BrowserSession;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin's retention purge goes through the dispatcher, which owns the ledger: the
 * rows of a send that finished longer ago than the retention go, its counts stay, and a
 * recent send keeps its rows.
 */
class LedgerRetentionIntegrationTests extends IntegrationTest {

	private static final JsonMapper JSON = JsonMapper.shared();

	@Autowired
	private AdminSettings settings;

	@AfterEach
	void forgetRetention() {
		this.jdbc.sql("DELETE FROM app_setting WHERE key = :key").param("key", AdminSettings.RETENTION_DAYS).update();
	}

	@Test
	void deletingAnAnnouncementTakesItsLedgerRowsWithIt() {
		// V99 dropped the ledger's foreign key (a per-row check that cost a quarter of a
		// 1M freeze); its cascade is a trigger now. Only drafts are deleted, and a draft
		// has no rows: written here directly, as a damaged database might hold them.
		long id = this.jdbc
			.sql("INSERT INTO announcement (title, created_by) VALUES ('Ledger cascade', 'x') RETURNING id")
			.query(Long.class)
			.single();
		this.jdbc
			.sql("""
					INSERT INTO delivery (announcement_id, recipient, recipient_kind, conversation_ref, state)
					VALUES (:id, 'cascade-person-1', 'person', 1, 'pending'), (:id, 'cascade-person-2', 'person', 1, 'pending')
					""")
			.param("id", id)
			.update();
		assertThat(rows(id)).isEqualTo(2L);
		this.jdbc.sql("DELETE FROM announcement WHERE id = :id").param("id", id).update();
		assertThat(rows(id)).isZero();
	}

	@Test
	void thePurgeDeletesOnlyExpiredLedgersAndKeepsTheirCounts() {
		installApp(0, 3);
		long old = sendAndWait("Retention: old");
		long recent = sendAndWait("Retention: recent");
		int delivered = counter(old, "delivered");
		assertThat(delivered).isPositive();
		assertThat(rows(old)).isEqualTo(counter(old, "recipients"));
		this.jdbc.sql("UPDATE announcement SET finished_at = now() - interval '40 days' WHERE id = :id")
			.param("id", old)
			.update();

		// The activity feed's ledger (#25) names the same people: it goes with the
		// ledger.
		feedAlert(old);
		feedAlert(recent);

		this.settings.putAll(Map.of(AdminSettings.RETENTION_DAYS, "30"), "retention-test");
		BrowserSession admin = BrowserSession.signIn(baseUrl(), "adele@contoso.example", "Herald.Admin");
		HttpResponse<String> purged = admin.submit("/admin/settings", "/admin/retention/purge", Map.of());
		assertThat(purged.statusCode()).isLessThan(400);

		assertThat(rows(old)).as("expired ledger").isZero();
		assertThat(counter(old, "delivered")).as("counts stay").isEqualTo(delivered);
		assertThat(this.jdbc.sql("SELECT ledger_purged_at IS NOT NULL FROM announcement WHERE id = :id")
			.param("id", old)
			.query(Boolean.class)
			.single()).isTrue();
		assertThat(rows(recent)).as("recent ledger").isEqualTo(counter(recent, "recipients")).isPositive();
		assertThat(feedAlerts(old)).as("expired feed alerts").isZero();
		assertThat(feedAlerts(recent)).as("recent feed alerts").isOne();
	}

	/**
	 * A feed alert for one of the announcement's recipients, as the urgent lane writes
	 * it.
	 */
	private void feedAlert(long id) {
		this.jdbc.sql("""
				INSERT INTO urgent_alert (announcement_id, recipient, variant, state, attempts, alerted_at, last_status)
				SELECT announcement_id, recipient, variant, 'alerted', 1, now(), 202
				FROM delivery WHERE announcement_id = :id ORDER BY recipient LIMIT 1
				""").param("id", id).update();
	}

	private long feedAlerts(long id) {
		return this.jdbc.sql("SELECT count(*) FROM urgent_alert WHERE announcement_id = :id")
			.param("id", id)
			.query(Long.class)
			.single();
	}

	private long sendAndWait(String title) {
		String token = TestIdentityProvider.accessToken("retention-test", "Herald.Author");
		HttpResponse<String> created = api("POST", "/api/v1/announcements", token,
				"{\"title\":\"" + title + "\",\"summary\":\"Test\"}");
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		long id = ((JsonNode) JSON.readTree(created.body())).path("id").asLong();
		HttpResponse<String> sent = api("POST", "/api/v1/announcements/" + id + "/send", token, null);
		assertThat(sent.statusCode()).as(sent.body()).isLessThan(300);
		Await.until(Duration.ofSeconds(60), title + " sent",
				() -> "sent".equals(this.jdbc.sql("SELECT status FROM announcement WHERE id = :id")
					.param("id", id)
					.query(String.class)
					.single()));
		return id;
	}

	private int counter(long id, String column) {
		return this.jdbc.sql("SELECT " + column + " FROM announcement WHERE id = :id")
			.param("id", id)
			.query(Integer.class)
			.single();
	}

	private long rows(long id) {
		return this.jdbc.sql("SELECT count(*) FROM delivery WHERE announcement_id = :id")
			.param("id", id)
			.query(Long.class)
			.single();
	}

}
