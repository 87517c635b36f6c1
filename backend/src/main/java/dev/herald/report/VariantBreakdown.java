package dev.herald.report;

import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Delivery and acknowledgements per language variant, from the rendition stored on each
 * ledger row when the audience was frozen. Channel posts count with the default.
 */
@Component
public class VariantBreakdown {

	private final JdbcClient jdbc;

	VariantBreakdown(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * One row per variant that has recipients, the default first.
	 * @param announcementId the announcement
	 * @param defaultLabel what to call the default content (its language tag)
	 */
	public List<Row> of(long announcementId, String defaultLabel) {
		return this.jdbc.sql("""
				SELECT COALESCE(d.variant, :default) AS variant, count(*) AS recipients,
				       count(*) FILTER (WHERE d.state = 'delivered') AS delivered,
				       count(*) FILTER (WHERE d.state = 'failed') AS failed,
				       count(r.acknowledged_at) AS acknowledged,
				       count(r.choice) AS voted
				FROM delivery d
				LEFT JOIN card_response r ON r.announcement_id = d.announcement_id
				     AND lower(r.aad_object_id) = lower(d.recipient)
				WHERE d.announcement_id = :id
				GROUP BY d.variant
				ORDER BY d.variant NULLS FIRST
				""")
			.param("id", announcementId)
			.param("default", defaultLabel)
			.query((rs, i) -> new Row(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
					rs.getLong(6)))
			.list();
	}

	/**
	 * Counts of one variant.
	 *
	 * @param variant its language tag (the default's for the default content)
	 * @param recipients ledger rows that got (or get) it
	 * @param delivered accepted by Teams
	 * @param failed failed for good
	 * @param acknowledged pressed "Got it"
	 * @param voted answered the poll
	 */
	public record Row(String variant, long recipients, long delivered, long failed, long acknowledged, long voted) {
	}

}
