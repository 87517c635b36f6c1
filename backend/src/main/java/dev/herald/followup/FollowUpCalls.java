package dev.herald.followup;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.herald.announcement.Announcement;
import dev.herald.announcement.AnnouncementCard;
import dev.herald.announcement.AnnouncementEvents;
import dev.herald.announcement.Announcements;
import dev.herald.announcement.VariantSelector;
import dev.herald.dispatch.CallMaker;
import dev.herald.dispatch.RetryPolicy;
import dev.herald.link.TrackedLinks;
import dev.herald.teams.CallBudget;
import dev.herald.teams.ConnectorClient;
import dev.herald.teams.ConnectorReply;

import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * What a follow-up item's call is ({@link CallMaker} of the follow-up item ledger): PUT
 * the announcement's current card over the copy, DELETE the copy, or reply to it with a
 * reminder, each in the copy's rendition.
 * <p>
 * Activities are cached by announcement, kind, audience, rendition and content version,
 * and rendered outside the map's lock; the version is re-read at most every second by one
 * caller without holding the others, and this instance's own edits drop it at once. (A
 * timed re-render inside the map's {@code compute} used to hold every caller of the
 * announcement behind one database read, which bunched calls.)
 */
@Component
class FollowUpCalls implements CallMaker<FollowUpLedger.Item> {

	private static final long VERSION_CHECK = TimeUnit.SECONDS.toNanos(1);

	private final ConnectorClient connector;

	private final Announcements announcements;

	private final AnnouncementCard cards;

	private final TrackedLinks links;

	private final Map<Rendition, TrackedLinks.Card> activities = new ConcurrentHashMap<>();

	private final Map<Long, Version> versions = new ConcurrentHashMap<>();

	private final Set<Long> checking = ConcurrentHashMap.newKeySet();

	FollowUpCalls(ConnectorClient connector, Announcements announcements, AnnouncementCard cards, TrackedLinks links) {
		this.links = links;
		this.connector = connector;
		this.announcements = announcements;
		this.cards = cards;
	}

	@Override
	public Object prepare(FollowUpLedger.Item item) {
		if (item.kind() == FollowUpKind.DELETE) {
			return null;
		}
		if (this.activities.size() > 500 || this.versions.size() > 500) {
			this.activities.clear();
			this.versions.clear();
		}
		Rendition key = new Rendition(item.announcementId(), item.kind(), item.who(), item.rendition(),
				version(item.announcementId()));
		TrackedLinks.Card activity = this.activities.get(key);
		if (activity == null) {
			// Rendered outside the map's lock; two callers may render once each.
			activity = render(key);
			this.activities.put(key, activity);
		}
		// An updated copy keeps leading through the recipient's own tokens (#26); a
		// channel's names nobody.
		boolean channel = item.conversationId() != null && item.conversationId().contains("@thread.");
		return activity.personalize(item.announcementId(), item.variant(), channel ? null : item.recipient());
	}

	@Override
	public RetryPolicy.Call kind(FollowUpLedger.Item item) {
		return item.kind().call();
	}

	@Override
	public CallBudget.Kind purpose(FollowUpLedger.Item item) {
		return CallBudget.Kind.FOLLOW_UP;
	}

	@Override
	public ConnectorReply call(FollowUpLedger.Item item, Object prepared, CallBudget.Slot slot) {
		byte[] activity = (byte[]) prepared;
		return switch (item.kind()) {
			case UPDATE -> this.connector.updateActivity(item.serviceUrl(), item.conversationId(),
					item.targetActivityId(), activity, slot);
			case DELETE ->
				this.connector.deleteActivity(item.serviceUrl(), item.conversationId(), item.targetActivityId(), slot);
			case REMIND -> this.connector.replyToActivity(item.serviceUrl(), item.conversationId(),
					item.targetActivityId(), activity, slot);
		};
	}

	/** Forgets the rendered cards of an announcement edited on this instance. */
	@TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
	void on(AnnouncementEvents.ContentEdited event) {
		this.activities.keySet().removeIf((key) -> key.announcementId() == event.announcementId());
		this.versions.remove(event.announcementId());
	}

	/** The content version last read for an announcement, re-read when stale. */
	private long version(long announcementId) {
		Version known = this.versions.get(announcementId);
		long now = System.nanoTime();
		if ((known == null || now - known.checkedAt() > VERSION_CHECK) && this.checking.add(announcementId)) {
			try {
				known = new Version(this.announcements.editedAtMillis(announcementId), now);
				this.versions.put(announcementId, known);
			}
			catch (RuntimeException ex) {
				// The database is away: the start mark will say so; keep the last known.
			}
			finally {
				this.checking.remove(announcementId);
			}
		}
		return (known != null) ? known.editedAt() : 0;
	}

	private TrackedLinks.Card render(Rendition key) {
		Announcement a = this.announcements.require(key.announcementId());
		return this.links.compile((key.kind() == FollowUpKind.UPDATE)
				? this.cards.activity(a.id(), a.content(), a.createdBy(), key.rendition(), this.links.placeholders())
				: this.cards.reminderActivity(a.id(), a.content(), key.who(), key.rendition()));
	}

	private record Rendition(long announcementId, FollowUpKind kind, String who, VariantSelector.Rendition rendition,
			long editedAt) {
	}

	private record Version(long editedAt, long checkedAt) {
	}

}
