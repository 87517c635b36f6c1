package dev.herald.announcement;

import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.worker.WorkerThreads;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Live delivery counts over server-sent events. One timer reads the counts of every
 * watched announcement once a second (one query, whatever the number of watchers) and
 * pushes a {@code progress} event to each page that watches it, only when they changed.
 * Finished announcements get a last event and their streams end. Other modules add their
 * live figures to each event ({@link ProgressFigures}: the alerted figures of an urgent
 * announcement), read once per announcement and tick whatever the number of watchers.
 */
@Component
class ProgressStream implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(ProgressStream.class);

	private static final long TIMEOUT_MILLIS = TimeUnit.MINUTES.toMillis(30);

	private final Announcements announcements;

	private final Map<SseEmitter, Watch> watches = new ConcurrentHashMap<>();

	/** Set on the event of a finished announcement whose figures still move. */
	private static final String SETTLING = "settling";

	/** Events of finished announcements still watched (see {@link #events}). */
	private final Map<Long, Map<String, Object>> finished = new ConcurrentHashMap<>();

	private ScheduledExecutorService timer;

	/** Looked up when used: the modules that add figures depend on this one. */
	private final ObjectProvider<ProgressFigures> figures;

	ProgressStream(Announcements announcements, ObjectProvider<ProgressFigures> figures) {
		this.announcements = announcements;
		this.figures = figures;
	}

	SseEmitter watch(Set<Long> ids) {
		SseEmitter emitter = new SseEmitter(TIMEOUT_MILLIS);
		Watch watch = new Watch(Set.copyOf(ids), new ConcurrentHashMap<>());
		this.watches.put(emitter, watch);
		emitter.onCompletion(() -> this.watches.remove(emitter));
		emitter.onTimeout(() -> this.watches.remove(emitter));
		emitter.onError((ex) -> this.watches.remove(emitter));
		// The first state goes out at once, so the page is right even before any change.
		List<Announcement> current = this.announcements.findAll(watch.ids());
		push(emitter, watch, current, events(current));
		return emitter;
	}

	void tick() {
		if (this.watches.isEmpty()) {
			this.finished.clear();
			return;
		}
		Set<Long> ids = new HashSet<>();
		this.watches.values().forEach((w) -> ids.addAll(w.ids()));
		this.finished.keySet().retainAll(ids);
		List<Announcement> current;
		try {
			current = this.announcements.findAll(ids);
		}
		catch (RuntimeException ex) {
			log.debug("Progress read failed: {}", ex.getMessage());
			return;
		}
		Map<Long, Map<String, Object>> events = events(current);
		this.watches.forEach((emitter, watch) -> push(emitter, watch, current, events));
	}

	/**
	 * Each announcement's event, read once for every watcher; a finished one's is read
	 * once and kept while watched (its figures no longer move, and a list page may watch
	 * finished announcements next to a running one).
	 */
	private Map<Long, Map<String, Object>> events(List<Announcement> current) {
		Map<Long, Map<String, Object>> events = new HashMap<>();
		for (Announcement a : current) {
			Map<String, Object> event = a.status().isFinished() ? this.finished.get(a.id()) : null;
			if (event == null) {
				event = event(a);
				if (a.status().isFinished() && !settling(event)) {
					this.finished.put(a.id(), event);
				}
			}
			events.put(a.id(), event);
		}
		return events;
	}

	private void push(SseEmitter emitter, Watch watch, List<Announcement> current,
			Map<Long, Map<String, Object>> events) {
		boolean allFinished = true;
		try {
			for (Announcement a : current) {
				if (!watch.ids().contains(a.id())) {
					continue;
				}
				Map<String, Object> event = events.get(a.id());
				if (!event.equals(watch.last().get(a.id()))) {
					emitter.send(SseEmitter.event().name("progress").data(event, MediaType.APPLICATION_JSON));
					watch.last().put(a.id(), event);
				}
				allFinished &= a.status().isFinished() && !settling(event);
			}
			if (allFinished) {
				emitter.send(SseEmitter.event().name("done").data("{}"));
				emitter.complete();
				this.watches.remove(emitter);
			}
		}
		catch (IOException | IllegalStateException ex) {
			// The page went away.
			this.watches.remove(emitter);
		}
	}

	private static boolean settling(Map<String, Object> event) {
		return Boolean.TRUE.equals(event.get(SETTLING));
	}

	/** An announcement's live counts, with the figures other modules add. */
	Map<String, Object> event(Announcement a) {
		Announcement.DeliveryCounts c = a.counts();
		Map<String, Object> event = new LinkedHashMap<>();
		event.put("id", a.id());
		event.put("status", a.status().dbValue());
		event.put("recipients", c.recipients());
		event.put("pending", c.pending());
		event.put("delivered", c.delivered());
		event.put("failed", c.failed());
		event.put("blocked", c.blocked());
		event.put("optedOut", c.optedOut());
		event.put("canceled", c.canceled());
		event.put("percent", c.percentDone());
		event.put("preparedPeople", a.preparedPeople());
		this.figures.orderedStream().forEach((f) -> {
			try {
				Map<String, Object> added = f.figures(a);
				event.putAll(added);
				if (a.status().isFinished() && f.settling(added)) {
					event.put(SETTLING, true);
				}
			}
			catch (RuntimeException ex) {
				// The counts still go out; the figures come with a later tick.
				log.debug("Progress figures of {} failed: {}", a.id(), ex.getMessage());
			}
		});
		return event;
	}

	@Override
	public void start() {
		this.timer = Executors.newSingleThreadScheduledExecutor(WorkerThreads.daemons("herald-progress"));
		this.timer.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
	}

	@Override
	public void stop() {
		if (this.timer != null) {
			this.timer.shutdownNow();
			this.timer = null;
		}
		this.watches.keySet().forEach(SseEmitter::complete);
		this.watches.clear();
	}

	@Override
	public boolean isRunning() {
		return this.timer != null;
	}

	private record Watch(Set<Long> ids, Map<Long, Map<String, Object>> last) {
	}

}
