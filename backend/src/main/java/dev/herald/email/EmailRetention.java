package dev.herald.email;

import dev.herald.admin.PersonalDataExpired;

import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Deletes who was e-mailed at which address, for announcements past retention, in the
 * retention purge's transaction (the plan's counts stay). Addresses themselves live in
 * the directory and go with it.
 */
@Component
class EmailRetention {

	private final JdbcClient jdbc;

	EmailRetention(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@EventListener
	void on(PersonalDataExpired expired) {
		if (!expired.announcementIds().isEmpty()) {
			expired.deleted()
				.addAndGet(this.jdbc.sql("DELETE FROM email_delivery WHERE announcement_id IN (:ids)")
					.param("ids", expired.announcementIds())
					.update());
		}
	}

}
