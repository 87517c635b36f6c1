package dev.herald.audit;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Start-up check that the role Herald connects as cannot change or delete audit rows
 * (#23). A role that is neither the table's owner nor a superuser must hold no UPDATE,
 * DELETE or TRUNCATE on {@code audit_event} (V82 revokes them; a later
 * {@code GRANT ALL ON ALL TABLES} would give them back): Herald refuses to start then.
 * Connected as the owner or a superuser (local mode, tests, a one-role installation),
 * privileges cannot bind, only the triggers do: a warning says so.
 */
@Component
class AuditPrivileges implements InitializingBean {

	private static final Logger log = LoggerFactory.getLogger(AuditPrivileges.class);

	private final JdbcClient jdbc;

	AuditPrivileges(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public void afterPropertiesSet() {
		State state = inspect(this.jdbc);
		if (state.ownerOrSuperuser()) {
			log.warn("Connected to PostgreSQL as {}, the audit log's owner or a superuser: only triggers keep the log "
					+ "append-only. In production, run Flyway as the owner and Herald as another role "
					+ "(docs/security.md).", state.role());
			return;
		}
		if (!state.forbidden().isEmpty()) {
			throw new IllegalStateException("The database role " + state.role() + " may " + state.forbidden()
					+ " the audit log (audit_event); revoke it: REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM "
					+ state.role() + " (see docs/security.md)");
		}
	}

	/** What the connected role may do to the audit log. */
	static State inspect(JdbcClient jdbc) {
		return jdbc.sql("""
				SELECT current_user, r.rolsuper OR pg_has_role(current_user, c.relowner, 'USAGE'),
				       has_table_privilege('audit_event', 'UPDATE'), has_table_privilege('audit_event', 'DELETE'),
				       has_table_privilege('audit_event', 'TRUNCATE')
				FROM pg_roles r, pg_class c
				WHERE r.rolname = current_user AND c.oid = 'audit_event'::regclass
				""").query((rs, i) -> {
			List<String> forbidden = new ArrayList<>();
			if (rs.getBoolean(3)) {
				forbidden.add("UPDATE");
			}
			if (rs.getBoolean(4)) {
				forbidden.add("DELETE");
			}
			if (rs.getBoolean(5)) {
				forbidden.add("TRUNCATE");
			}
			return new State(rs.getString(1), rs.getBoolean(2), forbidden);
		}).single();
	}

	/**
	 * @param role the role connected
	 * @param ownerOrSuperuser whether privileges cannot bind it
	 * @param forbidden the privileges it holds and should not
	 */
	record State(String role, boolean ownerOrSuperuser, List<String> forbidden) {
	}

}
