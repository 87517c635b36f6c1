package dev.herald.dispatch;

import dev.herald.admin.LedgerExpired;

import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Deletes the ledger of announcements past retention, when the admin module's purge says
 * so, in the purge's transaction. The only place the ledger is deleted from.
 */
@Component
class LedgerRetention {

	private final JdbcClient jdbc;

	LedgerRetention(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@EventListener
	void on(LedgerExpired event) {
		if (!event.announcementIds().isEmpty()) {
			this.jdbc.sql("DELETE FROM delivery WHERE announcement_id IN (:ids)")
				.param("ids", event.announcementIds())
				.update();
		}
	}

}
