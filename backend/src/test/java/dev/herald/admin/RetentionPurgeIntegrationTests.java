package dev.herald.admin;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.herald.api.ApiHttp;
import dev.herald.support.BrowserSession;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The retention purge, pressed by an Admin on the settings page, leaves no row that names
 * a person for announcements past retention, and the page says what goes.
 */
class RetentionPurgeIntegrationTests extends IntegrationTest {

	@AfterEach
	void retentionOff() {
		this.jdbc.sql("DELETE FROM app_setting WHERE key = :key").param("key", AdminSettings.RETENTION_DAYS).update();
	}

	@Test
	void purgeLeavesNoPersonalRowsOfOldAnnouncements() {
		String person = UUID.randomUUID().toString();
		String tenant = this.simulator.tenantId();
		long old = sentFortyDaysAgo("Old news", person);
		this.jdbc.sql("""
				INSERT INTO card_response (announcement_id, tenant_id, aad_object_id, acknowledged_at)
				VALUES (:id, :tenant, :aad, now() - interval '40 days')
				""").param("id", old).param("tenant", tenant).param("aad", person).update();
		this.jdbc.sql("""
				INSERT INTO test_card_response (announcement_id, tenant_id, aad_object_id, verb)
				VALUES (:id, :tenant, :aad, 'ack')
				""").param("id", old).param("tenant", tenant).param("aad", person).update();
		this.jdbc.sql("""
				INSERT INTO tab_read (announcement_id, tenant_id, aad_object_id, read_at)
				VALUES (:id, :tenant, :aad, now() - interval '40 days')
				""").param("id", old).param("tenant", tenant).param("aad", person).update();
		// Who clicked which link (#26).
		this.jdbc.sql("""
				INSERT INTO link_click (announcement_id, link_index, recipient, clicked_at, counted)
				VALUES (:id, 0, :aad, now() - interval '40 days', true)
				""").param("id", old).param("aad", person).update();
		// Who an urgent announcement alerted through the activity feed, and when (#25).
		this.jdbc.sql("""
				INSERT INTO urgent_alert (announcement_id, recipient, state, alerted_at)
				VALUES (:id, :aad, 'alerted', now() - interval '40 days')
				""").param("id", old).param("aad", person).update();
		this.jdbc.sql("""
				INSERT INTO api_client (client_id, display_name, created_by) VALUES (:c, 'Old HR', 'test')
				""").param("c", "retention-" + person).update();
		this.jdbc.sql("INSERT INTO notification (announcement_id, client_id) VALUES (:id, :c)")
			.param("id", old)
			.param("c", "retention-" + person)
			.update();
		this.jdbc.sql("""
				INSERT INTO notification_recipient (announcement_id, position, kind, value, aad_object_id)
				VALUES (:id, 0, 'upn', 'leaver@contoso.example', :aad)
				""").param("id", old).param("aad", person).update();
		this.jdbc.sql("""
				INSERT INTO announcement_audience (announcement_id, kind, ref, label)
				VALUES (:id, 'address', 'leaver@contoso.example', NULL), (:id, 'person', :aad, 'A Leaver'),
				       (:id, 'group', 'g-1', 'Everyone in Sales')
				""").param("id", old).param("aad", person).update();
		this.jdbc.sql("""
				INSERT INTO read_receipt (tenant_id, aad_object_id, conversation_id, last_read_message_id, read_at)
				VALUES (:tenant, :aad, 'a:old', 'm1', now() - interval '40 days')
				""").param("tenant", tenant).param("aad", person).update();
		String key = "old" + UUID.randomUUID().toString().replace("-", "");
		this.jdbc.sql("""
				INSERT INTO announcement_image (key, content_type, width, height, bytes, uploaded_by, uploaded_at)
				VALUES (:key, 'image/png', 1, 1, '\\x00', 'leaver@contoso.example', now() - interval '40 days')
				""").param("key", key).update();
		this.jdbc.sql("UPDATE announcement SET image_url = :url WHERE id = :id")
			.param("url", baseUrl() + "/images/announcements/" + key)
			.param("id", old)
			.update();
		this.jdbc.sql("""
				INSERT INTO directory_user (aad_object_id, upn, display_name, deleted, updated_at)
				VALUES (:aad, 'leaver@contoso.example', 'A Leaver', true, now() - interval '40 days')
				""").param("aad", person).update();

		BrowserSession admin = BrowserSession.signIn(baseUrl(), "retention-admin", "Herald.Admin");
		this.jdbc.sql("INSERT INTO app_setting (key, value) VALUES (:key, '30')")
			.param("key", AdminSettings.RETENTION_DAYS)
			.update();
		String page = admin.get("/admin/settings").body();
		assertThat(page).contains("id=\"retention-goes\"")
			.contains("read receipts")
			.contains("directory entries")
			.contains("who clicked which link")
			.contains("who an urgent announcement alerted through the Teams activity feed");
		assertThat(admin.submit("/admin/settings", "/admin/retention/purge", Map.of()).statusCode()).isEqualTo(200);

		for (String table : List.of("delivery", "card_response", "test_card_response", "notification_recipient",
				"tab_read", "link_click", "urgent_alert")) {
			assertThat(this.jdbc.sql("SELECT count(*) FROM " + table + " WHERE announcement_id = :id")
				.param("id", old)
				.query(Long.class)
				.single()).as(table).isZero();
		}
		assertThat(this.jdbc.sql("SELECT kind FROM announcement_audience WHERE announcement_id = :id")
			.param("id", old)
			.query(String.class)
			.list()).containsExactly("group");
		assertThat(count("SELECT count(*) FROM read_receipt WHERE aad_object_id = :v", person)).isZero();
		assertThat(count("SELECT count(*) FROM directory_user WHERE aad_object_id = :v", person)).isZero();
		assertThat(count("SELECT count(*) FROM announcement_image WHERE key = :v", key)).isZero();
		assertThat(this.jdbc.sql("SELECT ledger_purged_at IS NOT NULL FROM announcement WHERE id = :id")
			.param("id", old)
			.query(Boolean.class)
			.single()).isTrue();
		// The report keeps its acknowledgement total, like its delivery counts (#28).
		assertThat(this.jdbc.sql("SELECT n FROM response_tally WHERE announcement_id = :id AND kind = 'ack'")
			.param("id", old)
			.query(Long.class)
			.single()).isEqualTo(1);
	}

	/**
	 * The API twin of "Purge now": Admins only, refused while retention is off (nothing
	 * lost), and audited like the page's.
	 */
	@Test
	void theApiPurgesForAdminsOnlyAndNeverWhileRetentionIsOff() {
		ApiHttp http = new ApiHttp(baseUrl());
		String admin = TestIdentityProvider.accessToken("retention-admin-cli", "Herald.Admin");
		String author = TestIdentityProvider.accessToken("retention-author-cli", "Herald.Author");
		String person = UUID.randomUUID().toString();
		long old = sentFortyDaysAgo("Old news (API)", person);
		String purge = "/api/v1/admin/retention/purge";

		ApiHttp.assertProblem(http.call("POST", purge, author, null), 403);
		ApiHttp.assertProblem(http.call("POST", purge, null, null), 401);
		ApiHttp.assertProblem(http.call("POST", purge, admin, null), 409);
		assertThat(count("SELECT count(*) FROM delivery WHERE recipient = :v", person)).isOne();

		this.jdbc.sql("INSERT INTO app_setting (key, value) VALUES (:key, '30')")
			.param("key", AdminSettings.RETENTION_DAYS)
			.update();
		long audited = count("SELECT count(*) FROM audit_event WHERE action = :v", "retention_purge");
		var purged = http.call("POST", purge, admin, null);
		assertThat(purged.statusCode()).as(purged.body()).isEqualTo(200);
		var body = ApiHttp.read(purged);
		assertThat(body.path("retentionDays").asInt()).isEqualTo(30);
		assertThat(body.path("announcements").asInt()).isPositive();
		assertThat(body.path("deliveries").asInt()).isPositive();
		assertThat(count("SELECT count(*) FROM delivery WHERE recipient = :v", person)).isZero();
		assertThat(count("SELECT count(*) FROM audit_event WHERE action = :v", "retention_purge"))
			.isEqualTo(audited + 1);
	}

	/**
	 * Recalled and expired announcements (an expiry is a recall by Herald) are purged
	 * like sent ones, with the items of their updates, deletions and reminders (who each
	 * reached); one whose deletion of copies is still running keeps its rows until done.
	 */
	@Test
	void recalledAndExpiredAnnouncementsAndTheirFollowUpItemsArePurgedToo() {
		ApiHttp http = new ApiHttp(baseUrl());
		String admin = TestIdentityProvider.accessToken("retention-admin-cli", "Herald.Admin");
		String recalledPerson = UUID.randomUUID().toString();
		String expiredPerson = UUID.randomUUID().toString();
		String runningPerson = UUID.randomUUID().toString();
		long recalled = sentFortyDaysAgo("Recalled long ago", recalledPerson);
		long expired = sentFortyDaysAgo("Expired long ago", expiredPerson);
		long running = sentFortyDaysAgo("Recall still deleting", runningPerson);
		this.jdbc.sql("UPDATE announcement SET status = 'recalled', recalled_at = finished_at WHERE id IN (:ids)")
			.param("ids", List.of(recalled, expired, running))
			.update();
		this.jdbc.sql("UPDATE announcement SET expires_at = finished_at, expires_zone = 'UTC' WHERE id = :id")
			.param("id", expired)
			.update();
		long recalledOp = followUp(recalled, recalledPerson, "done", "delete", null);
		long remindOp = followUp(expired, expiredPerson, "done", "remind", "not-read");
		long expiredOp = followUp(expired, expiredPerson + "-2", "canceled", "delete", null);
		// Paused, not running: a running operation whose items are all done is completed
		// by the follow-up worker at once, and this one must stay unfinished.
		long runningOp = followUp(running, runningPerson, "paused", "delete", null);

		this.jdbc.sql("INSERT INTO app_setting (key, value) VALUES (:key, '30')")
			.param("key", AdminSettings.RETENTION_DAYS)
			.update();
		var purged = http.call("POST", "/api/v1/admin/retention/purge", admin, null);
		assertThat(purged.statusCode()).as(purged.body()).isEqualTo(200);

		for (String person : List.of(recalledPerson, expiredPerson)) {
			assertThat(count("SELECT count(*) FROM delivery WHERE recipient = :v", person)).as(person).isZero();
			assertThat(count("SELECT count(*) FROM follow_up_item WHERE recipient LIKE :v || '%'", person)).as(person)
				.isZero();
		}
		assertThat(this.jdbc.sql("SELECT count(*) FROM follow_up WHERE id IN (:ids)")
			.param("ids", List.of(recalledOp, remindOp, expiredOp))
			.query(Long.class)
			.single()).as("the operations and their counts stay").isEqualTo(3);
		assertThat(this.jdbc.sql("SELECT id FROM announcement WHERE id IN (:ids) AND ledger_purged_at IS NOT NULL")
			.param("ids", List.of(recalled, expired, running))
			.query(Long.class)
			.list()).containsExactlyInAnyOrder(recalled, expired);
		assertThat(count("SELECT count(*) FROM delivery WHERE recipient = :v", runningPerson)).isOne();
		assertThat(count("SELECT count(*) FROM follow_up_item WHERE recipient = :v", runningPerson)).isOne();
		this.jdbc.sql("UPDATE follow_up SET status = 'canceled', finished_at = now() WHERE id = :id")
			.param("id", runningOp)
			.update();
	}

	/** An operation on the announcement's copy for {@code person}, and its one item. */
	// The conversation is only a reference for the item: stored as uninstalled, so that
	// no later test's "everyone who has the app" tries to reach its made-up service URL.
	private long followUp(long announcementId, String person, String status, String kind, String who) {
		long op = this.jdbc.sql("""
				INSERT INTO follow_up (announcement_id, kind, who, status, requested_by, planning, targets, done)
				VALUES (:id, :kind, :who, :status, 'test', false, 1, 1) RETURNING id
				""")
			.param("id", announcementId)
			.param("kind", kind)
			.param("who", who)
			.param("status", status)
			.query(Long.class)
			.single();
		long conversation = this.jdbc
			.sql("""
					INSERT INTO conversation (kind, tenant_id, aad_object_id, conversation_id, service_url, display_name, status)
					VALUES ('personal', :tenant, :aad, :conversation, 'http://localhost/none', 'retention-test', 'uninstalled')
					RETURNING id
					""")
			.param("tenant", this.simulator.tenantId())
			.param("aad", person)
			.param("conversation", "a:" + person)
			.query(Long.class)
			.single();
		this.jdbc.sql("""
				INSERT INTO follow_up_item (follow_up_id, recipient, announcement_id, conversation_ref,
				                            target_activity_id, state)
				VALUES (:op, :person, :id, :conversation, 'activity-1', 'done')
				""")
			.param("op", op)
			.param("person", person)
			.param("id", announcementId)
			.param("conversation", conversation)
			.update();
		return op;
	}

	/** A sent announcement finished 40 days ago, delivered to one person. */
	private long sentFortyDaysAgo(String title, String person) {
		long id = this.jdbc.sql("""
				INSERT INTO announcement (title, created_by, status, source, finished_at, started_at)
				VALUES (:title, 'test', 'sent', 'api', now() - interval '40 days', now() - interval '40 days')
				RETURNING id
				""").param("title", title).query(Long.class).single();
		this.jdbc.sql("""
				INSERT INTO delivery (announcement_id, recipient, recipient_kind, state)
				VALUES (:id, :aad, 'person', 'delivered')
				""").param("id", id).param("aad", person).update();
		return id;
	}

	private long count(String sql, String value) {
		return this.jdbc.sql(sql).param("v", value).query(Long.class).single();
	}

}
