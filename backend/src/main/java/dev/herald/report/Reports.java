package dev.herald.report;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.herald.announcement.Announcement;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The report's figures. Each comes from the announcement's counters, a rollup kept by a
 * trigger as the facts are written (V69: {@code delivery_rate}, {@code failure_tally},
 * {@code response_tally}, {@code read_tally}) or an index, so that a report costs the
 * same for ten recipients and for a million.
 */
@Component
public class Reports {

	/** Every ledger state, in lifecycle order. */
	public static final List<String> STATES = List.of("installing", "pending", "in_flight", "delivered", "failed",
			"blocked", "opted_out", "canceled");

	/** Bar widths the rate chart may use, in seconds. */
	static final long[] BAR_WIDTHS = { 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600,
			43200, 86400 };

	/** About this many bars, whatever the length of the send. */
	static final int TARGET_BARS = 60;

	private final JdbcClient jdbc;

	Reports(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Recipients per state, every state present. Final states are the announcement's
	 * counters; rows still installing or in flight are counted through their partial
	 * indexes, and only while the send can still have any; pending is the rest.
	 */
	public Map<String, Long> byState(Announcement a) {
		Announcement.DeliveryCounts c = a.counts();
		long installing = 0;
		long inFlight = 0;
		if (!a.status().isFinished()) {
			// lease_until IS NOT NULL holds for every in-flight row (V62) and selects the
			// recovery index.
			long[] live = this.jdbc.sql("""
					SELECT (SELECT count(*) FROM delivery WHERE state = 'installing' AND announcement_id = :id),
					       (SELECT count(*) FROM delivery
					        WHERE state = 'in_flight' AND lease_until IS NOT NULL AND announcement_id = :id)
					""").param("id", a.id()).query((rs, i) -> new long[] { rs.getLong(1), rs.getLong(2) }).single();
			installing = live[0];
			inFlight = live[1];
		}
		Map<String, Long> counts = new LinkedHashMap<>();
		counts.put("installing", installing);
		counts.put("pending", Math.max(0, c.pending() - installing - inFlight));
		counts.put("in_flight", inFlight);
		counts.put("delivered", (long) c.delivered());
		counts.put("failed", (long) c.failed());
		counts.put("blocked", (long) c.blocked());
		counts.put("opted_out", (long) c.optedOut());
		counts.put("canceled", (long) c.canceled());
		return counts;
	}

	/** Why deliveries failed, most frequent first. */
	List<Reason> failureReasons(long id) {
		return this.jdbc.sql("""
				SELECT state, status, COALESCE(reason, ''), n FROM failure_tally
				WHERE announcement_id = :id AND n > 0
				ORDER BY n DESC, state, status LIMIT 20
				""")
			.param("id", id)
			.query((rs, i) -> new Reason(rs.getString(1), (Integer) rs.getObject(2), rs.getString(3), rs.getLong(4)))
			.list();
	}

	/**
	 * Deliveries per bar between start and end, for the rate chart, from the per-second
	 * rollup. The bar width follows the length of the send: seconds for a short one,
	 * minutes or hours for a long one, about {@value #TARGET_BARS} bars either way.
	 */
	Timeline timeline(long id, Instant start, Instant end) {
		if (start == null) {
			return new Timeline(List.of(), 1);
		}
		Instant last = (end != null) ? end : Instant.now();
		long width = barWidth(Duration.between(start, last));
		List<Bucket> buckets = this.jdbc.sql("""
				SELECT date_bin(make_interval(secs => :width), second, CAST(:start AS timestamptz)) AS t, sum(delivered)
				FROM delivery_rate WHERE announcement_id = :id
				GROUP BY t ORDER BY t
				""")
			.param("width", width)
			.param("start", Timestamp.from(start))
			.param("id", id)
			.query((rs, i) -> new Bucket(rs.getTimestamp(1).toInstant(), rs.getLong(2)))
			.list();
		return new Timeline(buckets, width);
	}

	/** The smallest listed width that draws the send in at most about 60 bars. */
	static long barWidth(Duration send) {
		long seconds = Math.max(1, send.toSeconds());
		for (long width : BAR_WIDTHS) {
			if (seconds <= width * TARGET_BARS) {
				return width;
			}
		}
		return BAR_WIDTHS[BAR_WIDTHS.length - 1] * ((seconds / TARGET_BARS) / BAR_WIDTHS[BAR_WIDTHS.length - 1] + 1);
	}

	/** E-mail states of the fallback (#26), in lifecycle order. */
	public static final List<String> EMAIL_STATES = List.of("queued", "sending", "sent", "failed");

	/**
	 * The e-mail fallback's rows per state, every state present; empty when the send had
	 * no fallback planned.
	 */
	public Map<String, Long> emailStates(long id) {
		Map<String, Long> counts = new LinkedHashMap<>();
		boolean planned = this.jdbc.sql("SELECT EXISTS (SELECT 1 FROM email_plan WHERE announcement_id = :id)")
			.param("id", id)
			.query(Boolean.class)
			.single();
		if (!planned) {
			return counts;
		}
		EMAIL_STATES.forEach((state) -> counts.put(state, 0L));
		this.jdbc.sql("SELECT state, count(*) FROM email_delivery WHERE announcement_id = :id GROUP BY state")
			.param("id", id)
			.query((rs, i) -> counts.put(rs.getString(1), rs.getLong(2)))
			.list();
		return counts;
	}

	/** The first people of the e-mail fallback, by name, with their e-mail state. */
	List<EmailRow> emailRows(long id, int limit) {
		return this.jdbc.sql("""
				SELECT e.recipient, du.display_name, e.state, e.reason, e.sent_at
				FROM email_delivery e LEFT JOIN directory_user du ON du.aad_object_id = e.recipient
				WHERE e.announcement_id = :id
				ORDER BY e.recipient LIMIT :limit
				""")
			.param("id", id)
			.param("limit", limit)
			.query((rs, i) -> new EmailRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
					(rs.getTimestamp(5) != null) ? rs.getTimestamp(5).toInstant() : null))
			.list();
	}

	/** One person of the e-mail fallback. */
	record EmailRow(String recipient, String name, String state, String reason, Instant sentAt) {
	}

	/** People who pressed "Got it". */
	public long acknowledgements(long id) {
		return this.jdbc
			.sql("SELECT COALESCE(sum(n), 0) FROM response_tally WHERE announcement_id = :id AND kind = 'ack'")
			.param("id", id)
			.query(Long.class)
			.single();
	}

	/** Votes per answer, in the order of the poll (answers no longer offered after). */
	public Map<String, Long> votes(long id, List<String> choices) {
		Map<String, Long> votes = new LinkedHashMap<>();
		choices.forEach((c) -> votes.put(c, 0L));
		this.jdbc.sql("SELECT choice, n FROM response_tally WHERE announcement_id = :id AND kind = 'vote' AND n > 0")
			.param("id", id)
			.query((rs, i) -> votes.merge(rs.getString(1), rs.getLong(2), Long::sum))
			.list();
		return votes;
	}

	/**
	 * Delivered copies the person has read (Teams reports the newest message read per
	 * chat; message ids grow with time), counted as receipts arrive.
	 */
	public long reads(long id) {
		return this.jdbc.sql("SELECT COALESCE(sum(n), 0) FROM read_tally WHERE announcement_id = :id")
			.param("id", id)
			.query(Long.class)
			.single();
	}

	Instant ledgerPurgedAt(long id) {
		return this.jdbc.sql("SELECT ledger_purged_at FROM announcement WHERE id = :id")
			.param("id", id)
			.query((rs, i) -> {
				Timestamp ts = rs.getTimestamp(1);
				return (ts != null) ? ts.toInstant() : null;
			})
			.optional()
			.orElse(null);
	}

	/**
	 * Opt-out totals and the latest changes; {@code withNames} (Admins only) adds who
	 * changed their choice.
	 */
	OptOutOverview optOuts(boolean withNames) {
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

		/** The bar width for people: a number and a unit (s, min or h). */
		Width width() {
			if (this.bucketSeconds % 3600 == 0) {
				return new Width(this.bucketSeconds / 3600, "h");
			}
			if (this.bucketSeconds % 60 == 0) {
				return new Width(this.bucketSeconds / 60, "min");
			}
			return new Width(this.bucketSeconds, "s");
		}

		private double rate(long count) {
			return Math.round(10.0 * count / this.bucketSeconds) / 10.0;
		}

		private static double round(double v) {
			return Math.round(v * 10) / 10.0;
		}

	}

	record Width(long amount, String unit) {
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
