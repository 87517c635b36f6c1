package dev.herald.report;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import dev.herald.announcement.Announcement;
import dev.herald.announcement.ProgressFigures;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * How many people an urgent announcement alerted within 1, 5 and 10 minutes of its send,
 * by channel (#25): the activity feed (Graph accepted a call naming them), the chat card
 * (Teams accepted it), and either (whichever came first). Read from the feed's ledger and
 * the delivery ledger of this announcement only, and only for urgent ones. The same
 * figures go out live with the announcement's progress ({@code alerted}), so the report
 * page's table moves while the send runs.
 */
@Component
class UrgentReach implements ProgressFigures {

	private final JdbcClient jdbc;

	UrgentReach(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public Map<String, Object> figures(Announcement a) {
		Alerted alerted = of(a);
		return (alerted != null) ? Map.of("alerted", alerted) : Map.of();
	}

	/** Feed alerts still queued or in flight: the figures move after the send ended. */
	@Override
	public boolean settling(Map<String, Object> figures) {
		return figures.get("alerted") instanceof Alerted alerted && alerted.feedPending() > 0;
	}

	/** Null for an announcement that is not urgent or has not started. */
	Alerted of(Announcement a) {
		if (!a.content().isUrgent() || a.startedAt() == null) {
			return null;
		}
		Map<String, Window> windows = new HashMap<>();
		this.jdbc.sql("""
				WITH s AS (SELECT started_at AS t FROM announcement WHERE id = :id),
				f AS (SELECT lower(recipient) AS r, alerted_at AS at FROM urgent_alert
				      WHERE announcement_id = :id AND state = 'alerted'),
				c AS (SELECT lower(recipient) AS r, alerted_chat_at AS at FROM delivery
				      WHERE announcement_id = :id AND recipient_kind = 'person' AND alerted_chat_at IS NOT NULL),
				e AS (SELECT r, min(at) AS at FROM (SELECT r, at FROM f UNION ALL SELECT r, at FROM c) x GROUP BY r),
				rows AS (SELECT 'feed' AS channel, at FROM f UNION ALL SELECT 'chat', at FROM c
				         UNION ALL SELECT 'either', at FROM e)
				SELECT rows.channel,
				       count(*) FILTER (WHERE rows.at <= s.t + interval '1 minute'),
				       count(*) FILTER (WHERE rows.at <= s.t + interval '5 minutes'),
				       count(*) FILTER (WHERE rows.at <= s.t + interval '10 minutes'),
				       count(*)
				FROM rows, s GROUP BY rows.channel
				""").param("id", a.id()).query((rs, i) -> {
			windows.put(rs.getString(1), new Window(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
			return null;
		}).list();
		Map<String, Long> feedStates = new HashMap<>();
		this.jdbc.sql("SELECT state, count(*) FROM urgent_alert WHERE announcement_id = :id GROUP BY state")
			.param("id", a.id())
			.query((rs, i) -> feedStates.put(rs.getString(1), rs.getLong(2)))
			.list();
		Window none = new Window(0, 0, 0, 0);
		return new Alerted(a.startedAt(), windows.getOrDefault("feed", none), windows.getOrDefault("chat", none),
				windows.getOrDefault("either", none), feedStates.values().stream().mapToLong(Long::longValue).sum(),
				feedStates.getOrDefault("pending", 0L) + feedStates.getOrDefault("in_flight", 0L),
				feedStates.getOrDefault("skipped", 0L) + feedStates.getOrDefault("failed", 0L));
	}

	/**
	 * People alerted through one channel.
	 *
	 * @param within1Minute by one minute after the send
	 * @param within5Minutes by five
	 * @param within10Minutes by ten
	 * @param total so far
	 */
	record Window(long within1Minute, long within5Minutes, long within10Minutes, long total) {
	}

	/**
	 * An urgent announcement's alerts.
	 *
	 * @param since the send's start, which the windows count from
	 * @param feed through the activity feed
	 * @param chat through the chat card
	 * @param either through one or the other, whichever came first
	 * @param feedQueued people the feed was to alert (Herald's records say they have the
	 * app)
	 * @param feedPending of those, not yet called
	 * @param feedNotReached of those, skipped (Teams' per-person limit) or refused: the
	 * chat card goes to them first
	 */
	record Alerted(Instant since, Window feed, Window chat, Window either, long feedQueued, long feedPending,
			long feedNotReached) {
	}

}
