package dev.herald.link;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.worker.WorkerThreads;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Clicks wait in a bounded queue in memory and one background thread writes them in
 * batches, so {@code /r/} answers without a database write. When the queue is full (the
 * database is away or slower than the clicks for long), a click is dropped, counted in
 * {@code herald.links.clicks.dropped} and logged (at most once a minute); the redirect is
 * answered all the same. On shutdown the queue is written before the database goes.
 * <p>
 * The writer also applies the last scanner rule: a click on a person's link within
 * {@link #TOO_SOON} of their copy's delivery is a scanner's (nobody reads and clicks that
 * fast). With per-person tracking off, the recipient is never stored.
 */
@Component
class ClickWriter implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(ClickWriter.class);

	/** Clicks this soon after the copy's delivery are not a person's. */
	static final String TOO_SOON = "2 seconds";

	private static final int BATCH = 1000;

	private final BlockingQueue<Click> queue;

	private final JdbcTemplate jdbc;

	private final TrackedLinks links;

	private final Counter dropped;

	private final Counter written;

	private final WorkerThreads threads = new WorkerThreads();

	private volatile long lastWarning;

	ClickWriter(JdbcTemplate jdbc, TrackedLinks links, MeterRegistry meters,
			@Value("${herald.links.queue-capacity:100000}") int capacity) {
		this.jdbc = jdbc;
		this.links = links;
		this.queue = new ArrayBlockingQueue<>(capacity);
		this.dropped = Counter.builder("herald.links.clicks.dropped")
			.description("Link clicks dropped because the click queue was full")
			.register(meters);
		this.written = Counter.builder("herald.links.clicks.written")
			.description("Link requests written (people and scanners)")
			.register(meters);
		meters.gauge("herald.links.clicks.queued", this.queue, BlockingQueue::size);
	}

	/**
	 * One request to {@code /r/}.
	 *
	 * @param ref what its token said
	 * @param at when
	 * @param notCounted why it is not a person's click, null when it may be
	 */
	record Click(LinkTokens.Ref ref, Instant at, String notCounted) {
	}

	/** Queues a click; false (and counted as dropped) when the queue is full. */
	boolean offer(Click click) {
		if (this.queue.offer(click)) {
			return true;
		}
		this.dropped.increment();
		long now = System.currentTimeMillis();
		if (now - this.lastWarning > 60_000) {
			this.lastWarning = now;
			log.warn("Link click queue full ({} waiting): clicks are being dropped (herald.links.clicks.dropped)",
					this.queue.size());
		}
		return false;
	}

	/** Writes everything queued now (tests and benchmarks wait on it). */
	void flush() {
		List<Click> batch = new ArrayList<>();
		while (this.queue.drainTo(batch, BATCH) > 0) {
			write(batch);
			batch.clear();
		}
	}

	private void loop() {
		List<Click> batch = new ArrayList<>(BATCH);
		while (this.threads.isRunning()) {
			try {
				Click first = this.queue.poll(200, TimeUnit.MILLISECONDS);
				if (first == null) {
					continue;
				}
				batch.add(first);
				this.queue.drainTo(batch, BATCH - 1);
				write(batch);
				batch.clear();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/** Writes a batch; on failure puts it back (as far as it fits) and waits a second. */
	private void write(List<Click> batch) {
		try {
			insert(batch);
			this.written.increment(batch.size());
		}
		catch (RuntimeException ex) {
			log.warn("Writing {} link clicks failed, retrying: {}", batch.size(), ex.toString());
			for (Click click : batch) {
				if (!this.queue.offer(click)) {
					this.dropped.increment();
				}
			}
			try {
				Thread.sleep(1000);
			}
			catch (InterruptedException ie) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private void insert(List<Click> batch) {
		boolean perPerson = this.links.privacy().perPerson();
		int n = batch.size();
		Long[] ids = new Long[n];
		Integer[] indexes = new Integer[n];
		String[] variants = new String[n];
		String[] recipients = new String[n];
		String[] media = new String[n];
		Timestamp[] times = new Timestamp[n];
		String[] whys = new String[n];
		for (int i = 0; i < n; i++) {
			Click c = batch.get(i);
			ids[i] = c.ref().announcementId();
			indexes[i] = c.ref().linkIndex();
			variants[i] = c.ref().variant();
			recipients[i] = c.ref().recipient();
			media[i] = c.ref().medium().dbValue();
			times[i] = Timestamp.from(c.at());
			whys[i] = c.notCounted();
		}
		this.jdbc.execute((Connection con) -> {
			// The delivery time decides the too-soon rule before the recipient is dropped
			// (counts only, or the announcement's personal data already purged); clicks
			// of announcements deleted meanwhile are left out.
			try (PreparedStatement ps = con.prepareStatement(
					"""
							INSERT INTO link_click (announcement_id, link_index, variant, recipient, medium, clicked_at, counted, why)
							SELECT c.a, c.l, c.v, CASE WHEN ? AND an.ledger_purged_at IS NULL THEN c.r END, c.m, c.t,
							       c.w IS NULL AND NOT coalesce(s.soon, false),
							       coalesce(c.w, CASE WHEN s.soon THEN 'too-soon' END)
							FROM unnest(?::bigint[], ?::int[], ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::text[])
							     AS c(a, l, v, r, m, t, w)
							JOIN announcement an ON an.id = c.a
							LEFT JOIN LATERAL (
							  SELECT true AS soon FROM delivery d
							  WHERE c.w IS NULL AND c.r IS NOT NULL AND d.announcement_id = c.a AND d.recipient = c.r
							    AND d.state = 'delivered'
							    AND c.t BETWEEN d.updated_at - interval '5 seconds' AND d.updated_at + interval '%s'
							) s ON true
							"""
						.formatted(TOO_SOON))) {
				ps.setBoolean(1, perPerson);
				ps.setArray(2, con.createArrayOf("bigint", ids));
				ps.setArray(3, con.createArrayOf("int4", indexes));
				ps.setArray(4, con.createArrayOf("text", variants));
				ps.setArray(5, con.createArrayOf("text", recipients));
				ps.setArray(6, con.createArrayOf("text", media));
				ps.setArray(7, con.createArrayOf("timestamptz", times));
				ps.setArray(8, con.createArrayOf("text", whys));
				return ps.executeUpdate();
			}
		});
	}

	@Override
	public void start() {
		if (!this.threads.isRunning()) {
			this.threads.start("link-click-writer", this::loop);
		}
	}

	/** Stops the writer and writes what is still queued. */
	@Override
	public void stop() {
		if (this.threads.isRunning()) {
			this.threads.requestStop();
			this.threads.awaitStop(Duration.ofSeconds(2));
			try {
				flush();
			}
			catch (RuntimeException ex) {
				log.warn("Link clicks not written at shutdown: {}", ex.toString());
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.threads.isRunning();
	}

	/**
	 * Stops after the web server (phases stop from the highest down; the server stops at
	 * {@code DEFAULT_PHASE - 2048}), so its last requests' clicks are written too.
	 */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 4096;
	}

}
