package dev.herald.dispatch;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Ledger rows of recalled announcements that could still be sent: handed back by a sender
 * after the recall, or recovered after a crash. The recall canceled what was pending at
 * the time (see {@link Freezer}); these come later.
 */
@Component
public class RecalledSends {

	private final JdbcClient jdbc;

	RecalledSends(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** Cancels such rows and counts them; returns how many. */
	public int cancelLeftovers() {
		return this.jdbc.sql("""
				WITH canceled AS (
				  UPDATE delivery d SET state = 'canceled', updated_at = now()
				  FROM announcement a
				  WHERE a.id = d.announcement_id AND a.status = 'recalled' AND d.state IN ('pending', 'installing')
				  RETURNING d.announcement_id
				)
				UPDATE announcement a SET canceled = a.canceled + c.n
				FROM (SELECT announcement_id, count(*) AS n FROM canceled GROUP BY announcement_id) c
				WHERE a.id = c.announcement_id
				""").update();
	}

}
