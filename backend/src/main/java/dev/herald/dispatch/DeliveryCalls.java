package dev.herald.dispatch;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.announcement.Announcement;
import dev.herald.announcement.AnnouncementCard;
import dev.herald.announcement.AnnouncementEvents;
import dev.herald.announcement.Announcements;
import dev.herald.conversation.ConversationStatus;
import dev.herald.conversation.Conversations;
import dev.herald.link.TrackedLinks;
import dev.herald.teams.CallBudget;
import dev.herald.teams.ConnectorClient;
import dev.herald.teams.ConnectorReply;

import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * What a send's call is ({@link CallMaker} of the delivery ledger): the announcement's
 * card in the recipient's rendition, posted to the chat; after the outcomes are written,
 * blocked chats are marked, a send whose failures pile up is paused, and a finished send
 * completed.
 */
@Component
class DeliveryCalls implements CallMaker<Ledger.Job> {

	private static final Logger log = LoggerFactory.getLogger(DeliveryCalls.class);

	private static final long VERSION_CHECK = TimeUnit.SECONDS.toNanos(1);

	private final ConnectorClient connector;

	private final Announcements announcements;

	private final AnnouncementCard cards;

	private final Conversations conversations;

	private final FailureWatch failures;

	private final MeterRegistry meters;

	private final TrackedLinks links;

	/**
	 * Rendered activities by announcement, rendition (language variant) and content
	 * version: an edit after the send, on any instance, changes the version each claimed
	 * job carries, and the edit's own instance also forgets them ({@link #on}); no timed
	 * re-render: rendering reads the database, and a periodic re-render inside
	 * {@code compute} held every sender of the announcement behind it, which bunched
	 * calls into bursts.
	 */
	private final Map<Ledger.RenditionKey, TrackedLinks.Card> activities = new ConcurrentHashMap<>();

	/**
	 * The content version of each announcement being sent, as last read. Jobs claimed
	 * before an edit made on another instance still carry the old version; one sender
	 * re-reads it at most every {@link #VERSION_CHECK}, without holding the others (well
	 * inside the edit margin within which the update operation covers copies that left
	 * with the old content).
	 */
	private final Map<Long, Version> versions = new ConcurrentHashMap<>();

	private final Set<Long> checking = ConcurrentHashMap.newKeySet();

	DeliveryCalls(DispatchProperties properties, ConnectorClient connector, Announcements announcements,
			AnnouncementCard cards, Conversations conversations, MeterRegistry meters, TrackedLinks links) {
		this.links = links;
		this.connector = connector;
		this.announcements = announcements;
		this.cards = cards;
		this.conversations = conversations;
		this.meters = meters;
		this.failures = new FailureWatch(properties.failureWindow(), properties.failureThreshold());
	}

	@Override
	public Object prepare(Ledger.Job job) {
		if (this.activities.size() > 500 || this.versions.size() > 500) {
			this.activities.clear();
			this.versions.clear();
		}
		Ledger.RenditionKey key = job.rendition().atLeast(version(job.announcementId()));
		return new Rendered(key, personal(job, activity(key)));
	}

	@Override
	public RetryPolicy.Call kind(Ledger.Job job) {
		return RetryPolicy.Call.SEND;
	}

	/**
	 * A channel's conversation is a thread ({@code 19:…@thread.tacv2}); a chat is not.
	 */
	@Override
	public CallBudget.Kind purpose(Ledger.Job job) {
		return (job.conversationId() != null && job.conversationId().contains("@thread.")) ? CallBudget.Kind.CHANNEL
				: CallBudget.Kind.SEND;
	}

	@Override
	public ConnectorReply call(Ledger.Job job, Object prepared, CallBudget.Slot slot) {
		Rendered ready = (Rendered) prepared;
		// Marked ahead, a job may have waited half a second for its slot: an edit whose
		// version another sender read meanwhile goes out now (rendered once, then from
		// the cache; nothing is read from the database here, between slot and call).
		Version known = this.versions.get(job.announcementId());
		Ledger.RenditionKey key = job.rendition().atLeast((known != null) ? known.editedAt() : 0);
		TrackedLinks.Card newer = key.equals(ready.key()) ? null : this.activities.get(key);
		byte[] activity = (newer != null) ? personal(job, newer) : ready.activity();
		ConnectorReply reply = this.connector.sendActivity(job.serviceUrl(), job.conversationId(), activity, slot);
		if (reply.kind() == ConnectorReply.Kind.BLOCKED && isChannel(job.conversationId())
				&& !"BotNotInConversationRoster".equals(reply.errorCode())) {
			// Nobody blocks a channel: Teams answers a moderated channel that does not
			// let bots post as it answers a person who blocked the bot. The channel
			// fails with that reason and stays usable once an owner allows bots.
			return new ConnectorReply(reply.status(), null, "ChannelModerated", null, MODERATED_CHANNEL + " ("
					+ reply.errorCode() + ((reply.detail() != null) ? ": " + reply.detail() : "") + ")");
		}
		return reply;
	}

	/** Why a post to a moderated channel failed, as the report shows it. */
	static final String MODERATED_CHANNEL = "Teams refused the post: the channel is moderated and does not let "
			+ "bots post. A team owner can allow it in the channel's settings (Channel moderation, "
			+ "\"Allow bots to submit messages\")";

	/**
	 * Channel conversations are team threads; personal chats are {@code a:} or 1:1 chats.
	 */
	private static boolean isChannel(String conversationId) {
		return conversationId != null && conversationId.contains("@thread.");
	}

	@Override
	public void written(List<CallLedger.Outcome<Ledger.Job>> outcomes) {
		Set<Long> touched = new HashSet<>();
		for (CallLedger.Outcome<Ledger.Job> outcome : outcomes) {
			long id = outcome.call().announcementId();
			touched.add(id);
			try {
				followUp(id, outcome);
			}
			catch (RuntimeException ex) {
				log.warn("Follow-up of an outcome failed (recorded anyway): {}", ex.getMessage());
			}
		}
		for (long id : touched) {
			try {
				if (this.announcements.markSentIfComplete(id)) {
					this.failures.forget(id);
				}
			}
			catch (RuntimeException ex) {
				log.warn("Completion check failed: {}", ex.getMessage());
			}
		}
	}

	private void followUp(long announcementId, CallLedger.Outcome<Ledger.Job> outcome) {
		RetryPolicy.Decision decision = outcome.decision();
		if (decision.verdict() == RetryPolicy.Verdict.BLOCKED) {
			this.conversations.markStatus(outcome.call().conversationRef(), ConversationStatus.BLOCKED);
		}
		if (decision.kind() == ConnectorReply.Kind.APP_DISABLED) {
			// Every other recipient would be refused alike: pause the whole send with the
			// reason instead of failing everyone; a resume after the admin lifted the
			// block sends the rest.
			if (this.announcements.pauseAutomatically(announcementId, RetryPolicy.APP_DISABLED_REASON)) {
				log.warn("Announcement {}: paused, the tenant admin blocked the app", announcementId);
				this.meters.counter("herald.dispatch.auto.paused").increment();
			}
			return;
		}
		if (decision.tally() == RetryPolicy.Tally.NOT_COUNTED) {
			return;
		}
		String reason = this.failures.record(announcementId, outcome.call().claimedAt(),
				decision.tally() == RetryPolicy.Tally.FAILURE, decision.reason());
		if (reason != null && this.announcements.pauseAutomatically(announcementId, reason)) {
			log.warn("Announcement {}: {}", announcementId, reason);
			this.meters.counter("herald.dispatch.auto.paused").increment();
		}
	}

	/** Forgets the rendered card of an announcement whose content was edited. */
	@TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
	void on(AnnouncementEvents.ContentEdited event) {
		this.activities.keySet().removeIf((key) -> key.announcementId() == event.announcementId());
		// The next job re-reads the version at once, and jobs marked ahead go with it.
		this.versions.remove(event.announcementId());
	}

	/**
	 * The recipient's own copy: their tokens in the links (#26); a channel's copy names
	 * nobody, since many people read it.
	 */
	private byte[] personal(Ledger.Job job, TrackedLinks.Card card) {
		return card.personalize(job.announcementId(), job.variant(),
				isChannel(job.conversationId()) ? null : job.recipient());
	}

	/** The rendered activity of a rendition, from the cache or rendered now. */
	private TrackedLinks.Card activity(Ledger.RenditionKey key) {
		TrackedLinks.Card activity = this.activities.get(key);
		if (activity == null) {
			// Rendered outside the map's lock; two senders may render once each.
			activity = renderActivity(key);
			this.activities.put(key, activity);
		}
		return activity;
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

	private TrackedLinks.Card renderActivity(Ledger.RenditionKey key) {
		Announcement announcement = this.announcements.require(key.announcementId());
		return this.links.compile(this.cards.activity(key.announcementId(), announcement.content(),
				announcement.createdBy(), key.rendition(), this.links.placeholders()));
	}

	private record Version(long editedAt, long checkedAt) {
	}

	private record Rendered(Ledger.RenditionKey key, byte[] activity) {
	}

}
