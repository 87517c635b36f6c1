package dev.herald.question;

import dev.herald.admin.PersonalDataExpired;

import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Deletes the questions (and answers) of announcements past retention, in the retention
 * purge's transaction (the admin module decides when); a deleted announcement takes its
 * questions with it (foreign key cascade).
 */
@Component
class QuestionRetention {

	private final JdbcClient jdbc;

	QuestionRetention(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@EventListener
	void on(PersonalDataExpired expired) {
		if (!expired.announcementIds().isEmpty()) {
			expired.deleted()
				.addAndGet(this.jdbc.sql("DELETE FROM question WHERE announcement_id IN (:ids)")
					.param("ids", expired.announcementIds())
					.update());
		}
	}

}
