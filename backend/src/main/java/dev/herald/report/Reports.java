package dev.herald.report;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The report queries. Acknowledgements, poll answers, read receipts and opt-outs live in
 * tables the bot module creates; until they exist the report says so instead of failing.
 */
@Component
class Reports {

	private final JdbcClient jdbc;

	Reports(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** Ledger rows per state. */
	Map<String, Long> byState(long id) {
		Map<String, Long> counts = new LinkedHashMap<>();
		this.jdbc.sql("SELECT state, count(*) FROM delivery WHERE announcement_id = :id GROUP BY state ORDER BY state")
			.param("id", id)
			.query((rs, i) -> counts.put(rs.getString(1), rs.getLong(2)))
			.list();
		return counts;
	}

	/** Why deliveries failed, most frequent first. */
	List<Reason> failureReasons(long id) {
		return this.jdbc.sql("""
				SELECT state, last_status, COALESCE(reason, ''), count(*) AS n FROM delivery
				WHERE announcement_id = :id AND state IN ('failed', 'blocked')
				GROUP BY state, last_status, reason ORDER BY n DESC LIMIT 20
				""")
			.param("id", id)
			.query((rs, i) -> new Reason(rs.getString(1), (Integer) rs.getObject(2), rs.getString(3), rs.getLong(4)))
			.list();
	}

	/**
	 * Deliveries per time bucket between start and end, for the rate chart; about 60
	 * buckets, at least one second each.
	 */
	Timeline timeline(long id, Instant start, Instant end) {
		if (start == null) {
			return new Timeline(List.of(), 1);
		}
		Instant last = (end != null) ? end : Instant.now();
		long seconds = Math.max(1, (Duration.between(start, last).toSeconds() + 59) / 60);
		List<Bucket> buckets = this.jdbc.sql("""
				SELECT date_bin(make_interval(secs => :bucket), updated_at, CAST(:start AS timestamptz)) AS t, count(*)
				FROM delivery WHERE announcement_id = :id AND state = 'delivered'
				GROUP BY t ORDER BY t
				""")
			.param("bucket", seconds)
			.param("start", java.sql.Timestamp.from(start))
			.param("id", id)
			.query((rs, i) -> new Bucket(rs.getTimestamp(1).toInstant(), rs.getLong(2)))
			.list();
		return new Timeline(buckets, seconds);
	}

	boolean tableExists(String name) {
		return this.jdbc.sql("SELECT to_regclass(:name) IS NOT NULL").param("name", name).query(Boolean.class).single();
	}

	/** Acknowledgements, or null when the bot's table is not there yet. */
	Long acknowledgements(long id) {
		if (!tableExists("card_response")) {
			return null;
		}
		return this.jdbc
			.sql("SELECT count(*) FROM card_response WHERE announcement_id = :id AND acknowledged_at IS NOT NULL")
			.param("id", id)
			.query(Long.class)
			.single();
	}

	/** Votes per answer, in the order of the poll; null without the bot's table. */
	Map<String, Long> votes(long id, List<String> choices) {
		if (!tableExists("card_response")) {
			return null;
		}
		Map<String, Long> votes = new LinkedHashMap<>();
		choices.forEach((c) -> votes.put(c, 0L));
		this.jdbc.sql("""
				SELECT choice, count(*) FROM card_response
				WHERE announcement_id = :id AND choice IS NOT NULL GROUP BY choice
				""").param("id", id).query((rs, i) -> votes.merge(rs.getString(1), rs.getLong(2), Long::sum)).list();
		return votes;
	}

	/**
	 * Delivered copies the person has read (Teams reports the newest message read per
	 * chat; message ids grow with time); null without the bot's table.
	 */
	Long reads(long id) {
		if (!tableExists("read_receipt")) {
			return null;
		}
		return this.jdbc.sql("""
				SELECT count(*) FROM delivery d
				JOIN conversation c ON c.id = d.conversation_ref
				JOIN read_receipt r ON r.tenant_id = c.tenant_id AND r.aad_object_id = c.aad_object_id
				WHERE d.announcement_id = :id AND d.state = 'delivered'
				  AND d.activity_id ~ '^[0-9]{1,18}$' AND r.last_read_message_id ~ '^[0-9]{1,18}$'
				  AND CAST(d.activity_id AS bigint) <= CAST(r.last_read_message_id AS bigint)
				""").param("id", id).query(Long.class).single();
	}

	Instant ledgerPurgedAt(long id) {
		return this.jdbc.sql("SELECT ledger_purged_at FROM announcement WHERE id = :id")
			.param("id", id)
			.query((rs, i) -> {
				java.sql.Timestamp ts = rs.getTimestamp(1);
				return (ts != null) ? ts.toInstant() : null;
			})
			.optional()
			.orElse(null);
	}

	/** Opt-out totals and the latest changes; null without the bot's table. */
	/**
	 * The opt-out overview; {@code withNames} (Admins only) adds who changed their
	 * choice.
	 */
	OptOutOverview optOuts(boolean withNames) {
		if (!tableExists("opt_out")) {
			return null;
		}
		long total = this.jdbc.sql("SELECT count(*) FROM opt_out WHERE topic = 'all' AND opted_out")
			.query(Long.class)
			.single();
		Map<String, Long> bySource = new LinkedHashMap<>();
		this.jdbc.sql("SELECT source, count(*) FROM opt_out WHERE opted_out GROUP BY source ORDER BY source")
			.query((rs, i) -> bySource.put(rs.getString(1), rs.getLong(2)))
			.list();
		List<OptOutChange> recent = this.jdbc.sql("""
				SELECT o.opted_out, o.source, o.topic, o.changed_at, o.announcement_id, a.title, c.display_name
				FROM opt_out o
				LEFT JOIN announcement a ON a.id = o.announcement_id
				LEFT JOIN conversation c ON c.kind = 'personal' AND c.tenant_id = o.tenant_id
				                        AND c.aad_object_id = o.aad_object_id
				ORDER BY o.changed_at DESC LIMIT 50
				""")
			.query((rs, i) -> new OptOutChange(rs.getBoolean(1), rs.getString(2), rs.getString(3),
					rs.getTimestamp(4).toInstant(), (Long) rs.getObject(5), rs.getString(6),
					withNames ? rs.getString(7) : null))
			.list();
		List<TopAnnouncement> top = this.jdbc
			.sql("""
					SELECT o.announcement_id, a.title, count(*) AS n FROM opt_out o JOIN announcement a ON a.id = o.announcement_id
					WHERE o.opted_out GROUP BY o.announcement_id, a.title ORDER BY n DESC LIMIT 10
					""")
			.query((rs, i) -> new TopAnnouncement(rs.getLong(1), rs.getString(2), rs.getLong(3)))
			.list();
		return new OptOutOverview(total, bySource, recent, top);
	}

	record Reason(String state, Integer status, String reason, long count) {
	}

	record Bucket(Instant start, long count) {
	}

	/**
	 * Deliveries per bucket.
	 *
	 * @param buckets the non-empty buckets
	 * @param bucketSeconds the width of one bucket
	 */
	record Timeline(List<Bucket> buckets, long bucketSeconds) {

		/** The chart as SVG bars (per-second rate), scaled to the box. */
		List<Bar> bars(int width, int height) {
			if (this.buckets.isEmpty()) {
				return List.of();
			}
			Instant first = this.buckets.get(0).start();
			Instant lastStart = this.buckets.get(this.buckets.size() - 1).start();
			// At least 20 slots, so a short send is a few bars, not one block.
			long slots = Math.max(20, Duration.between(first, lastStart).toSeconds() / this.bucketSeconds + 1);
			double slotWidth = (double) width / slots;
			double max = this.buckets.stream().mapToLong(Bucket::count).max().orElse(1);
			List<Bar> bars = new ArrayList<>();
			for (Bucket b : this.buckets) {
				long slot = Duration.between(first, b.start()).toSeconds() / this.bucketSeconds;
				double h = Math.max(1, height * b.count() / max);
				bars.add(new Bar(round(slot * slotWidth), round(height - h), round(Math.max(1, slotWidth - 1)),
						round(h), b.count(), rate(b.count())));
			}
			return bars;
		}

		double peakRate() {
			return this.buckets.stream()
				.mapToLong(Bucket::count)
				.max()
				.stream()
				.mapToDouble(this::rate)
				.findFirst()
				.orElse(0);
		}

		private double rate(long count) {
			return Math.round(10.0 * count / this.bucketSeconds) / 10.0;
		}

		private static double round(double v) {
			return Math.round(v * 10) / 10.0;
		}

	}

	record Bar(double x, double y, double width, double height, long count, double perSecond) {
	}

	record OptOutOverview(long total, Map<String, Long> bySource, List<OptOutChange> recent,
			List<TopAnnouncement> topAnnouncements) {
	}

	record OptOutChange(boolean optedOut, String source, String topic, Instant changedAt, Long announcementId,
			String announcementTitle, String displayName) {
	}

	record TopAnnouncement(long id, String title, long count) {
	}

}
