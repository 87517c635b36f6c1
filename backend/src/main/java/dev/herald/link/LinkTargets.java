package dev.herald.link;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.herald.announcement.Announcement;
import dev.herald.announcement.AnnouncementEvents;
import dev.herald.announcement.AnnouncementLinks;
import dev.herald.announcement.AnnouncementStatus;
import dev.herald.announcement.Announcements;

import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Where a token's link leads now: the announcement's link of that number in the
 * recipient's variant, as currently stored. Announcements are read at most every few
 * seconds each (an edit on this instance is seen at once, on another within
 * {@link #FRESH}), so a burst of clicks costs no database read. Never from the token: a
 * token carries no address.
 */
@Component
class LinkTargets {

	private static final long FRESH = TimeUnit.SECONDS.toNanos(5);

	/** Announcements remembered at most; a burst of old ones just reads again. */
	private static final int MAX_CACHED = 2000;

	private final Announcements announcements;

	private final Map<Long, Known> known = new ConcurrentHashMap<>();

	LinkTargets(Announcements announcements) {
		this.announcements = announcements;
	}

	/**
	 * The address, or empty when the announcement is gone, was withdrawn (recalled or
	 * deleted) or has no such link any more.
	 */
	Optional<String> target(LinkTokens.Ref ref) {
		Known k = this.known.get(ref.announcementId());
		long now = System.nanoTime();
		if (k == null || now - k.readAt() > FRESH) {
			if (this.known.size() > MAX_CACHED) {
				this.known.clear();
			}
			k = new Known(this.announcements.find(ref.announcementId()).orElse(null), now);
			this.known.put(ref.announcementId(), k);
		}
		Announcement a = k.announcement();
		if (a == null || a.status() == AnnouncementStatus.DRAFT || a.status() == AnnouncementStatus.RECALLED) {
			return Optional.empty();
		}
		return Optional.ofNullable(AnnouncementLinks.target(a.content(), ref.variant(), ref.linkIndex()))
			.filter((url) -> url.startsWith("https://") || url.startsWith("http://"));
	}

	@TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
	void on(AnnouncementEvents.ContentEdited event) {
		this.known.remove(event.announcementId());
	}

	private record Known(Announcement announcement, long readAt) {
	}

}
