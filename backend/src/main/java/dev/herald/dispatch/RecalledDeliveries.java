package dev.herald.dispatch;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The ledger's side of a recall: rows of recalled announcements that could still be sent
 * (handed back by a sender after the recall, or recovered after a crash) are canceled and
 * counted, here, where the ledger and its counts are written.
 */
@Component
public class RecalledDeliveries {

	private final JdbcClient jdbc;

	RecalledDeliveries(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** Answers the rows canceled. */
	public int cancelPending() {
		return this.jdbc.sql("""
				WITH canceled AS (
				  UPDATE delivery d SET state = :canceled, updated_at = now()
				  FROM announcement a
				  WHERE a.id = d.announcement_id AND a.status = 'recalled' AND d.state IN (:pending, :installing)
				  RETURNING d.announcement_id
				)
				UPDATE announcement a SET canceled = a.canceled + c.n
				FROM (SELECT announcement_id, count(*) AS n FROM canceled GROUP BY announcement_id) c
				WHERE a.id = c.announcement_id
				""")
			.param("canceled", DeliveryState.CANCELED.dbValue())
			.param("pending", DeliveryState.PENDING.dbValue())
			.param("installing", DeliveryState.INSTALLING.dbValue())
			.update();
	}

}
