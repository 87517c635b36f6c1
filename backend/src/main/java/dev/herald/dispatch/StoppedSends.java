package dev.herald.dispatch;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.herald.announcement.AnnouncementEvents;

import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Announcements paused or canceled since their jobs were claimed: a sender that gets its
 * slot for one of them gives the job back instead of calling. Filled at once by this
 * instance's events, and from the database for changes made on other instances; an entry
 * lives while a held job could still need it.
 */
@Component
class StoppedSends {

	/**
	 * How long a pause is remembered for jobs senders already hold: far longer than a job
	 * waits for its slot, even at a few calls a second.
	 */
	private static final Duration MEMORY = Duration.ofSeconds(30);

	/** Announcement id → when it was seen stopped (nanoTime). */
	private final Map<Long, Long> stopped = new ConcurrentHashMap<>();

	boolean contains(long announcementId) {
		return this.stopped.containsKey(announcementId);
	}

	boolean isEmpty() {
		return this.stopped.isEmpty();
	}

	void add(long announcementId) {
		this.stopped.putIfAbsent(announcementId, System.nanoTime());
	}

	/**
	 * Forgets what the database says is sending again, unless the stop arrived after the
	 * database was asked ({@code askedAt}), and what is too old to matter.
	 */
	void reconcile(Set<Long> sending, long askedAt) {
		long forgetBefore = System.nanoTime() - MEMORY.toNanos();
		this.stopped.entrySet()
			.removeIf((e) -> (sending.contains(e.getKey()) && e.getValue() < askedAt) || e.getValue() < forgetBefore);
	}

	@TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
	void on(AnnouncementEvents.SendPaused event) {
		this.stopped.put(event.announcementId(), System.nanoTime());
	}

	@TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
	void on(AnnouncementEvents.SendCanceled event) {
		this.stopped.put(event.announcementId(), System.nanoTime());
	}

	@TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
	void on(AnnouncementEvents.SendResumed event) {
		this.stopped.remove(event.announcementId());
	}

}
