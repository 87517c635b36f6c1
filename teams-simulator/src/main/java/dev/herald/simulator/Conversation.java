package dev.herald.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A personal chat with one user or a channel, with the activities posted to it. */
final class Conversation {

	final String id;

	final SimUser user;

	final SimChannel channel;

	private final List<Entry> entries = new ArrayList<>();

	private SlidingWindows threadLimiter;

	/**
	 * One activity in a conversation, kept as its JSON text only and parsed when read: a
	 * million-recipient benchmark holds a million cards, and their parsed trees would not
	 * fit where their text does.
	 */
	static final class Entry {

		final String id;

		final long createdAt;

		volatile String json;

		volatile boolean deleted;

		private final java.util.concurrent.atomic.AtomicInteger updates = new java.util.concurrent.atomic.AtomicInteger();

		int updates() {
			return this.updates.get();
		}

		void edited() {
			this.updates.incrementAndGet();
		}

		Entry(String id, String json) {
			this.id = id;
			this.createdAt = System.currentTimeMillis();
			this.json = json;
		}

		/** A fresh, mutable copy of the activity. */
		Map<String, Object> activity() {
			return Json.parseObject(this.json);
		}

		void replace(Map<String, Object> activity) {
			this.json = Json.string(activity);
		}

	}

	Conversation(String id, SimUser user, SimChannel channel) {
		this.id = id;
		this.user = user;
		this.channel = channel;
	}

	boolean personal() {
		return this.user != null;
	}

	synchronized SlidingWindows threadLimiter() {
		if (this.threadLimiter == null) {
			this.threadLimiter = new SlidingWindows(SlidingWindows.TEAMS_THREAD);
		}
		return this.threadLimiter;
	}

	synchronized void add(Entry entry) {
		this.entries.add(entry);
	}

	synchronized Entry find(String activityId) {
		for (int i = this.entries.size() - 1; i >= 0; i--) {
			Entry e = this.entries.get(i);
			if (e.id.equals(activityId)) {
				return e;
			}
		}
		return null;
	}

	/** Entries, oldest first (snapshot). */
	synchronized List<Entry> entries() {
		return new ArrayList<>(this.entries);
	}

	synchronized int size() {
		int n = 0;
		for (Entry e : this.entries) {
			if (!e.deleted) {
				n++;
			}
		}
		return n;
	}

	synchronized void clear() {
		this.entries.clear();
		this.threadLimiter = null;
	}

}
