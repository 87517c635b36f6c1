package dev.herald.link;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.herald.announcement.AnnouncementContent;
import dev.herald.announcement.AnnouncementLinks;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The clicks of an announcement for its report (#26): per link, per variant, over time,
 * and who clicked; the clicks column of the CSV; the retention purge of the rows. Only
 * counted clicks (people, not scanners) are in the figures; the requests left out are one
 * number ({@code notCounted}). Callers check who may read the report first.
 */
@Component
public class LinkClicks {

	/** Largest page of clickers. */
	public static final int MAX_LIMIT = 1000;

	private final JdbcClient jdbc;

	private final TrackedLinks links;

	LinkClicks(JdbcClient jdbc, TrackedLinks links) {
		this.jdbc = jdbc;
		this.links = links;
	}

	/**
	 * The click figures of an announcement whose content is {@code content}.
	 * @param delivered delivered copies per variant tag (the default under null)
	 */
	public Summary summary(long announcementId, AnnouncementContent content, Map<String, Long> delivered) {
		Map<Integer, long[]> perLink = new HashMap<>();
		this.jdbc.sql("""
				SELECT link_index, count(*) FILTER (WHERE counted), count(DISTINCT recipient) FILTER (WHERE counted),
				       count(*) FILTER (WHERE NOT counted)
				FROM link_click WHERE announcement_id = :id GROUP BY link_index
				""").param("id", announcementId).query((rs, i) -> {
			perLink.put(rs.getInt(1), new long[] { rs.getLong(2), rs.getLong(3), rs.getLong(4) });
			return null;
		}).list();
		List<LinkRow> rows = new ArrayList<>();
		for (AnnouncementLinks.Link link : AnnouncementLinks.list(content)) {
			long[] n = perLink.remove(link.index());
			rows.add(new LinkRow(link.index(), link.label(), link.url(), (n != null) ? n[0] : 0,
					(n != null) ? n[1] : 0));
		}
		// Links clicked but no longer in the announcement keep their clicks.
		perLink.forEach((index, n) -> rows.add(new LinkRow(index, null, null, n[0], n[1])));
		rows.sort(java.util.Comparator.comparingInt(LinkRow::index));
		Totals totals = this.jdbc.sql("""
				SELECT count(*) FILTER (WHERE counted), count(DISTINCT recipient) FILTER (WHERE counted),
				       count(*) FILTER (WHERE NOT counted), min(clicked_at) FILTER (WHERE counted),
				       max(clicked_at) FILTER (WHERE counted)
				FROM link_click WHERE announcement_id = :id
				""")
			.param("id", announcementId)
			.query((rs, i) -> new Totals(rs.getLong(1), rs.getLong(2), rs.getLong(3), instant(rs, 4), instant(rs, 5)))
			.single();
		List<VariantRow> variants = new ArrayList<>();
		Map<String, long[]> perVariant = new HashMap<>();
		this.jdbc.sql("""
				SELECT coalesce(variant, ''), count(*), count(DISTINCT recipient)
				FROM link_click WHERE announcement_id = :id AND counted GROUP BY 1
				""").param("id", announcementId).query((rs, i) -> {
			perVariant.put(rs.getString(1), new long[] { rs.getLong(2), rs.getLong(3) });
			return null;
		}).list();
		boolean people = totals.uniqueClickers() > 0 || this.links.privacy().perPerson();
		delivered.forEach((variant, copies) -> {
			long[] n = perVariant.getOrDefault((variant != null) ? variant : "", new long[2]);
			// The share of delivered copies whose person clicked at all; with counts
			// only,
			// clicks per delivered copy (a person clicking twice counts twice).
			long numerator = people ? n[1] : n[0];
			Double rate = (copies > 0) ? Math.round(1000.0 * numerator / copies) / 10.0 : null;
			variants.add(new VariantRow((variant != null) ? variant : content.defaultLanguageLabel(), copies, n[0],
					n[1], rate));
		});
		return new Summary(totals.clicks(), totals.uniqueClickers(), totals.notCounted(), people, rows, variants,
				overTime(announcementId, totals.first(), totals.last()));
	}

	/**
	 * Counted clicks over time, in minutes for the first two hours of clicks, hours for
	 * up to three days, else days.
	 */
	private Series overTime(long announcementId, Instant first, Instant last) {
		if (first == null) {
			return new Series("minute", List.of());
		}
		Duration span = Duration.between(first, last);
		String unit = (span.compareTo(Duration.ofHours(2)) <= 0) ? "minute"
				: (span.compareTo(Duration.ofDays(3)) <= 0) ? "hour" : "day";
		List<Bucket> buckets = this.jdbc.sql("""
				SELECT date_trunc(:unit, clicked_at) AS at, count(*), count(DISTINCT recipient)
				FROM link_click WHERE announcement_id = :id AND counted GROUP BY 1 ORDER BY 1
				""")
			.param("unit", unit)
			.param("id", announcementId)
			.query((rs, i) -> new Bucket(instant(rs, 1), rs.getLong(2), rs.getLong(3)))
			.list();
		return new Series(unit, buckets);
	}

	/**
	 * Who clicked, in person order (keyset pages), with their clicks and first click.
	 */
	public Page clickers(long announcementId, String after, int limit) {
		if (limit < 1 || limit > MAX_LIMIT || (after != null && after.length() > 200)) {
			throw new IllegalArgumentException("limit 1.." + MAX_LIMIT + ", after up to 200 characters");
		}
		List<Clicker> items = this.jdbc.sql("""
				SELECT k.recipient, (SELECT c.display_name FROM conversation c
				                     WHERE c.kind = 'personal' AND c.aad_object_id = k.recipient LIMIT 1),
				       count(*), min(k.clicked_at), count(DISTINCT k.link_index)
				FROM link_click k
				WHERE k.announcement_id = :id AND k.counted AND k.recipient IS NOT NULL
				  AND (CAST(:after AS text) IS NULL OR k.recipient > :after)
				GROUP BY k.recipient ORDER BY k.recipient LIMIT :limit
				""")
			.param("id", announcementId)
			.param("after", after)
			.param("limit", limit)
			.query((rs, i) -> new Clicker(rs.getString(1), rs.getString(2), rs.getLong(3), instant(rs, 4),
					rs.getInt(5)))
			.list();
		return new Page(items, (items.size() == limit) ? items.get(items.size() - 1).person() : null);
	}

	/**
	 * The SQL of each person's counted clicks of an announcement (its one parameter),
	 * columns {@code recipient, clicks}: joined by the CSV in one pass (a hash join, not
	 * a lookup per ledger row).
	 */
	public static final String CLICKS_PER_PERSON = "SELECT recipient, count(*) AS clicks FROM link_click "
			+ "WHERE announcement_id = ? AND counted AND recipient IS NOT NULL GROUP BY recipient";

	/** Deletes the clicks of announcements past retention; returns rows deleted. */
	public int purge(List<Long> announcementIds) {
		if (announcementIds.isEmpty()) {
			return 0;
		}
		return this.jdbc.sql("DELETE FROM link_click WHERE announcement_id IN (:ids)")
			.param("ids", announcementIds)
			.update();
	}

	private static Instant instant(ResultSet rs, int column) throws SQLException {
		Timestamp ts = rs.getTimestamp(column);
		return (ts != null) ? ts.toInstant() : null;
	}

	private record Totals(long clicks, long uniqueClickers, long notCounted, Instant first, Instant last) {
	}

	/**
	 * The click figures of an announcement.
	 *
	 * @param clicks clicks by people (scanners and previewers left out)
	 * @param uniqueClickers people who clicked at least once (0 with counts only)
	 * @param notCounted requests of scanners and previewers (HEAD, known agents, too soon
	 * after delivery)
	 * @param perPerson whether who clicked is known (else counts only)
	 * @param links per link, buttons first
	 * @param variants per language variant, with the click-through rate
	 * @param overTime clicks over time
	 */
	public record Summary(long clicks, long uniqueClickers, long notCounted, boolean perPerson, List<LinkRow> links,
			List<VariantRow> variants, Series overTime) {
	}

	/**
	 * One link.
	 *
	 * @param index its stable number (buttons 0-3, text links from 4)
	 * @param label the button's title or link's text; null for a link since removed
	 * @param url where it leads now; null for a link since removed
	 * @param clicks clicks by people
	 * @param uniqueClickers people who clicked it
	 */
	public record LinkRow(int index, String label, String url, long clicks, long uniqueClickers) {
	}

	/**
	 * One language variant.
	 *
	 * @param variant its tag (the default's language or "default")
	 * @param delivered copies delivered
	 * @param clicks clicks by people
	 * @param uniqueClickers people who clicked
	 * @param clickThroughRate percent of delivered copies whose person clicked (with
	 * counts only: clicks per hundred copies); null before any delivery
	 */
	public record VariantRow(String variant, long delivered, long clicks, long uniqueClickers,
			Double clickThroughRate) {
	}

	/**
	 * Clicks over time.
	 *
	 * @param unit minute, hour or day
	 * @param buckets the counts of each unit that had clicks
	 */
	public record Series(String unit, List<Bucket> buckets) {
	}

	/**
	 * Clicks in one unit of time.
	 *
	 * @param at its start
	 * @param clicks clicks by people
	 * @param uniqueClickers people
	 */
	public record Bucket(Instant at, long clicks, long uniqueClickers) {
	}

	/**
	 * One person who clicked.
	 *
	 * @param person the Entra object id
	 * @param name the display name Teams gave, if known
	 * @param clicks their clicks
	 * @param firstClickAt their first click
	 * @param links how many different links they opened
	 */
	public record Clicker(String person, String name, long clicks, Instant firstClickAt, int links) {
	}

	/**
	 * A page of clickers; pass {@code next} as {@code after} for the next page.
	 *
	 * @param items the people, in id order
	 * @param next the cursor of the next page, null on the last
	 */
	public record Page(List<Clicker> items, String next) {
	}

}
