package dev.herald.bot;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Who has been greeted (table {@code bot_welcome}). A welcome is claimed before it is
 * sent, so concurrent or replayed install activities greet once; a failed send releases
 * the claim so the next install event tries again.
 */
@Component
class Welcomes {

	static final String PERSONAL = "personal";

	static final String TEAM = "team";

	private final JdbcClient jdbc;

	Welcomes(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** Whether this caller won the right to send the welcome. */
	boolean claim(String tenantId, String scope, String subjectId, BotLanguage language) {
		return this.jdbc
			.sql("""
					INSERT INTO bot_welcome (tenant_id, scope, subject_id, locale) VALUES (:tenant, :scope, :subject, :locale)
					ON CONFLICT DO NOTHING
					""")
			.param("tenant", tenantId)
			.param("scope", scope)
			.param("subject", subjectId)
			.param("locale", language.tag())
			.update() == 1;
	}

	void release(String tenantId, String scope, String subjectId) {
		this.jdbc.sql("DELETE FROM bot_welcome WHERE tenant_id = :tenant AND scope = :scope AND subject_id = :subject")
			.param("tenant", tenantId)
			.param("scope", scope)
			.param("subject", subjectId)
			.update();
	}

}
