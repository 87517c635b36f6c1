package dev.herald.tab;

import dev.herald.admin.PersonalDataExpired;

import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Deletes who opened which announcement in the tab, for announcements past retention, in
 * the retention purge's transaction (the admin module decides when).
 */
@Component
class TabRetention {

	private final JdbcClient jdbc;

	TabRetention(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@EventListener
	void on(PersonalDataExpired expired) {
		if (!expired.announcementIds().isEmpty()) {
			expired.deleted()
				.addAndGet(this.jdbc.sql("DELETE FROM tab_read WHERE announcement_id IN (:ids)")
					.param("ids", expired.announcementIds())
					.update());
		}
	}

}
