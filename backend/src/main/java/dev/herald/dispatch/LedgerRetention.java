package dev.herald.dispatch;

import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Deletes the per-recipient ledger of announcements that finished more than a number of
 * days ago (the admin module decides when and how many days): sent, canceled, and
 * recalled (by hand or at their expiry), unless an update, deletion or reminder of their
 * copies is still running or paused, since it works from the ledger. The activity feed's
 * ledger of an urgent announcement ({@code urgent_alert}: who was alerted when) goes with
 * it: it names the same people. The counts on the announcement stay, so reports keep
 * their totals; the announcement is marked with when its details were purged.
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
				SELECT a.id FROM announcement a
				WHERE a.status IN ('sent', 'canceled', 'recalled') AND a.ledger_purged_at IS NULL
				  AND a.finished_at < now() - make_interval(days => :days)
				  AND NOT EXISTS (SELECT 1 FROM follow_up f
				                  WHERE f.announcement_id = a.id AND f.status IN ('running', 'paused'))
				FOR UPDATE OF a
				""").param("days", days).query(Long.class).list();
		if (ids.isEmpty()) {
			return new Purged(ids, 0, 0);
		}
		int urgentAlerts = this.jdbc.sql("DELETE FROM urgent_alert WHERE announcement_id IN (:ids)")
			.param("ids", ids)
			.update();
		int deliveries = this.jdbc.sql("DELETE FROM delivery WHERE announcement_id IN (:ids)")
			.param("ids", ids)
			.update();
		this.jdbc.sql("UPDATE announcement SET ledger_purged_at = now() WHERE id IN (:ids)").param("ids", ids).update();
		return new Purged(ids, deliveries, urgentAlerts);
	}

	/**
	 * What a purge removed: the announcements whose ledger went (their other personal
	 * rows go with them, deleted by the modules that own them), its rows, and the rows of
	 * the urgent lane's activity feed ledger.
	 */
	public record Purged(List<Long> announcementIds, int deliveries, int urgentAlerts) {
	}

}
