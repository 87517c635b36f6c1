package dev.herald.report;

import java.util.ArrayList;
import java.util.List;

import dev.herald.announcement.Announcement;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Delivery and acknowledgements per language variant, by the rendition stored on each
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
	 * One row per variant that has recipients, the default first. Read from the
	 * announcement's counters and tallies: the variants' from {@code variant_tally}, kept
	 * by triggers as their ledger rows and responses change, and the default's as the
	 * rest, so no report scans the ledger (a scan took 1.7 s at a million rows).
	 * @param a the announcement
	 */
	public List<Row> of(Announcement a) {
		Announcement.DeliveryCounts c = a.counts();
		long voted = a.content().hasPoll() ? this.reports.votes(a.id(), a.content().pollChoices())
			.values()
			.stream()
			.mapToLong(Long::longValue)
			.sum() : 0;
		Row total = new Row(a.content().defaultLanguageLabel(), c.recipients(), c.delivered(), c.failed(),
				this.reports.acknowledgements(a.id()), voted);
		// Read even when the content has no variants now: an edit may have removed one
		// some people got.
		List<Row> variants = tallied(a.id());
		List<Row> rows = new ArrayList<>();
		Row rest = variants.stream().reduce(total, Row::minus);
		if (rest.recipients() > 0) {
			rows.add(rest);
		}
		rows.addAll(variants);
		return rows;
	}

	private List<Row> tallied(long announcementId) {
		return this.jdbc.sql("""
				SELECT variant, recipients, delivered, failed, acknowledged, voted
				FROM variant_tally
				WHERE announcement_id = :id AND recipients > 0
				ORDER BY variant
				""")
			.param("id", announcementId)
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

		/**
		 * The default's share: these counts less a variant's (never below zero: a purge
		 * of responses may reach the tallies in either order).
		 */
		Row minus(Row variant) {
			return new Row(this.variant, Math.max(0, this.recipients - variant.recipients),
					Math.max(0, this.delivered - variant.delivered), Math.max(0, this.failed - variant.failed),
					Math.max(0, this.acknowledged - variant.acknowledged), Math.max(0, this.voted - variant.voted));
		}

	}

}
