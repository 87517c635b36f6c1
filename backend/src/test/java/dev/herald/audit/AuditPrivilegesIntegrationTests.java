package dev.herald.audit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import dev.herald.support.IntegrationTest;
import dev.herald.support.TestDatabase;

import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The audit log cannot be changed or emptied (#23): through the application's own
 * connection (the owner or a superuser here, as in local mode: the triggers refuse), and
 * in the production setup, where Flyway migrates as an owner role and Herald connects as
 * another role (privileges refuse, before any trigger). The purge function deletes only
 * rows older than the 90-day floor.
 */
class AuditPrivilegesIntegrationTests extends IntegrationTest {

	@Test
	void theApplicationsOwnConnectionCanNeitherUpdateNorDeleteNorTruncate() {
		this.jdbc.sql("""
				INSERT INTO audit_event (actor_id, actor_name, actor_kind, action, summary)
				VALUES ('priv-test', 'priv-test', 'system', 'edit', 'to be tampered with')
				""").update();
		assertThatThrownBy(
				() -> this.jdbc.sql("UPDATE audit_event SET summary = 'forged' WHERE actor_id = 'priv-test'").update())
			.hasMessageContaining("append-only");
		assertThatThrownBy(() -> this.jdbc.sql("DELETE FROM audit_event WHERE actor_id = 'priv-test'").update())
			.hasMessageContaining("append-only");
		assertThatThrownBy(() -> this.jdbc.sql("TRUNCATE audit_event").update()).hasMessageContaining("append-only");
		// Setting the purge flag by hand does not open young rows either.
		assertThatThrownBy(() -> this.jdbc.sql("""
				WITH flag AS (SELECT set_config('herald.audit_purge', 'on', false))
				DELETE FROM audit_event WHERE actor_id = 'priv-test' AND EXISTS (SELECT 1 FROM flag)
				""").update()).hasMessageContaining("append-only");
		this.jdbc.sql("SELECT set_config('herald.audit_purge', 'off', false)").query(String.class).single();
		assertThat(this.jdbc.sql("SELECT count(*) FROM audit_event WHERE actor_id = 'priv-test'")
			.query(Long.class)
			.single()).isOne();
	}

	@Test
	void inTheProductionSetupTheApplicationRoleHoldsNoRightToChangeTheLog() throws SQLException {
		TestDatabase.Connection admin = TestDatabase.get();
		String suffix = UUID.randomUUID().toString().substring(0, 8);
		String owner = "herald_owner_" + suffix;
		String app = "herald_app_" + suffix;
		String database = "herald_priv_" + suffix;
		// What docs/security.md tells a DBA to do, before the first start.
		try (Connection c = DriverManager.getConnection(admin.jdbcUrl(), admin.username(), admin.password());
				Statement s = c.createStatement()) {
			s.execute("CREATE ROLE " + owner + " LOGIN NOSUPERUSER PASSWORD 'owner-pw'");
			s.execute("CREATE ROLE " + app + " LOGIN NOSUPERUSER PASSWORD 'app-pw'");
			s.execute("CREATE DATABASE " + database + " OWNER " + owner);
		}
		// Without the query string: the embedded server's URL names its superuser there.
		String url = admin.jdbcUrl().replaceFirst("\\?.*$", "").replaceFirst("/[^/]+$", "/" + database);
		try (Connection c = DriverManager.getConnection(url, admin.username(), admin.password());
				Statement s = c.createStatement()) {
			s.execute("GRANT USAGE ON SCHEMA public TO " + app);
			s.execute("ALTER DEFAULT PRIVILEGES FOR ROLE " + owner + " IN SCHEMA public "
					+ "GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLES TO " + app);
			s.execute("ALTER DEFAULT PRIVILEGES FOR ROLE " + owner + " IN SCHEMA public "
					+ "GRANT USAGE, SELECT ON SEQUENCES TO " + app);
		}
		Flyway.configure()
			.dataSource(url, owner, "owner-pw")
			.locations("classpath:db/migration")
			.cleanDisabled(true)
			.load()
			.migrate();

		try (Connection appConnection = DriverManager.getConnection(url, app, "app-pw");
				Connection ownerConnection = DriverManager.getConnection(url, owner, "owner-pw")) {
			JdbcClient asApp = JdbcClient.create(new SingleConnectionDataSource(appConnection, true));
			JdbcClient asOwner = JdbcClient.create(new SingleConnectionDataSource(ownerConnection, true));

			// Herald's own start-up check passes: no forbidden right, not the owner.
			AuditPrivileges.State state = AuditPrivileges.inspect(asApp);
			assertThat(state.role()).isEqualTo(app);
			assertThat(asOwner.sql("SELECT tableowner FROM pg_tables WHERE tablename = 'audit_event'")
				.query(String.class)
				.single()).isEqualTo(owner);
			assertThat(state.ownerOrSuperuser()).isFalse();
			assertThat(state.forbidden()).isEmpty();

			// Append works, with the time the database stamps; back-dating does not.
			asApp.sql("""
					INSERT INTO audit_event (actor_id, actor_name, actor_kind, action, summary)
					VALUES ('app', 'app', 'system', 'edit', 'appended')
					""").update();
			assertThatThrownBy(() -> asApp.sql("""
					INSERT INTO audit_event (actor_id, actor_name, actor_kind, action, summary, at)
					VALUES ('app', 'app', 'system', 'edit', 'back-dated', now() - interval '1 year')
					""").update()).hasStackTraceContaining("permission denied");
			// Privileges refuse the application role, whatever the triggers.
			for (String tamper : new String[] { "UPDATE audit_event SET summary = 'forged'", "DELETE FROM audit_event",
					"TRUNCATE audit_event" }) {
				assertThatThrownBy(() -> asApp.sql(tamper).update()).as(tamper)
					.hasStackTraceContaining("permission denied");
			}
			// Other tables keep the rights the DBA gave.
			asApp.sql("INSERT INTO app_setting (key, value) VALUES ('audit.retention-days', '30')").update();

			// The owner is stopped by the triggers.
			asOwner.sql("""
					INSERT INTO audit_event (actor_id, actor_name, actor_kind, action, summary, at)
					VALUES ('old', 'old', 'system', 'edit', 'a hundred days old', now() - interval '100 days'),
					       ('mid', 'mid', 'system', 'edit', 'fifty days old', now() - interval '50 days')
					""").update();
			for (String tamper : new String[] { "UPDATE audit_event SET summary = 'forged'",
					"DELETE FROM audit_event WHERE actor_id = 'old'", "TRUNCATE audit_event" }) {
				assertThatThrownBy(() -> asOwner.sql(tamper).update()).as(tamper)
					.hasStackTraceContaining("append-only");
			}

			// The purge, called by the application role: retention 30 days is held to the
			// 90-day floor, so the fifty-day-old row stays.
			assertThat(asApp.sql("SELECT audit_event_purge()").query(Integer.class).single()).isEqualTo(1);
			assertThat(asApp.sql("SELECT actor_id FROM audit_event ORDER BY id").query(String.class).list())
				.containsExactly("app", "mid");

			// A later GRANT of a forbidden right is caught by the start-up check.
			asOwner.sql("GRANT DELETE ON audit_event TO " + app).update();
			assertThat(AuditPrivileges.inspect(asApp).forbidden()).containsExactly("DELETE");
			assertThatThrownBy(() -> new AuditPrivileges(asApp).afterPropertiesSet())
				.hasMessageContaining("may [DELETE] the audit log");
		}
	}

}
