package dev.herald.dispatch;

import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Deletes the per-recipient ledger of announcements that finished more than a number of
 * days ago (the admin module decides when and how many days). The counts on the
 * announcement stay, so reports keep their totals; the announcement is marked with when
 * its details were purged.
 */
@Component
public class LedgerRetention {

	private final JdbcClient jdbc;

	LedgerRetention(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@Transactional
	public Purged purge(int days) {
		List<Long> ids = this.jdbc.sql("""
				SELECT id FROM announcement
				WHERE status IN ('sent', 'canceled') AND ledger_purged_at IS NULL
				  AND finished_at < now() - make_interval(days => :days)
				FOR UPDATE
				""").param("days", days).query(Long.class).list();
		if (ids.isEmpty()) {
			return new Purged(0, 0);
		}
		int deliveries = this.jdbc.sql("DELETE FROM delivery WHERE announcement_id IN (:ids)")
			.param("ids", ids)
			.update();
		this.jdbc.sql("UPDATE announcement SET ledger_purged_at = now() WHERE id IN (:ids)").param("ids", ids).update();
		return new Purged(ids.size(), deliveries);
	}

	/** What a purge removed: the announcements whose ledger went, and its rows. */
	public record Purged(int announcements, int deliveries) {
	}

}
