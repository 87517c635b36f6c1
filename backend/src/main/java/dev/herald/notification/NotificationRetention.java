package dev.herald.notification;

import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Deletes the recipients an API client named (UPNs, mail addresses) for notifications
 * past retention; the notification itself and its counts stay.
 */
@Component
public class NotificationRetention {

	private final JdbcClient jdbc;

	NotificationRetention(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** Runs in the caller's transaction; answers the rows deleted. */
	public int purge(List<Long> announcementIds) {
		if (announcementIds.isEmpty()) {
			return 0;
		}
		return this.jdbc.sql("DELETE FROM notification_recipient WHERE announcement_id IN (:ids)")
			.param("ids", announcementIds)
			.update();
	}

}
