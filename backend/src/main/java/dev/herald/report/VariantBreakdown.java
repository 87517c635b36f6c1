package dev.herald.report;

import java.util.List;

import dev.herald.announcement.Announcement;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Delivery and acknowledgements per language variant, from the rendition stored on each
 * ledger row when the audience was frozen. Channel posts count with the default.
 */
@Component
public class VariantBreakdown {

	private final JdbcClient jdbc;

	private final Reports reports;

	VariantBreakdown(JdbcClient jdbc, Reports reports) {
		this.jdbc = jdbc;
		this.reports = reports;
	}

	/**
	 * One row per variant that has recipients, the default first. An announcement in one
	 * language (most are) is one row read from its counters and tallies; only one with
	 * variants reads its ledger (1.7 s at a million rows, so the JSON report of a
	 * single-language million-person send stays a few milliseconds).
	 * @param a the announcement
	 */
	public List<Row> of(Announcement a) {
		String label = a.content().defaultLanguageLabel();
		if (!a.content().variants().isEmpty()) {
			return scan(a.id(), label);
		}
		Announcement.DeliveryCounts c = a.counts();
		if (c.recipients() == 0) {
			return List.of();
		}
		long voted = a.content().hasPoll() ? this.reports.votes(a.id(), a.content().pollChoices())
			.values()
			.stream()
			.mapToLong(Long::longValue)
			.sum() : 0;
		return List.of(new Row(label, c.recipients(), c.delivered(), c.failed(), this.reports.acknowledgements(a.id()),
				voted));
	}

	private List<Row> scan(long announcementId, String defaultLabel) {
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
