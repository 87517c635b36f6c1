package dev.herald.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.herald.simulator.Http.Req;
import dev.herald.simulator.Http.Resp;
import dev.herald.simulator.Http.Router;
import dev.herald.simulator.Http.Kind;

/**
 * Exchange Online's {@code POST /users/{mailbox}/sendMail} as Graph serves it (#26): the
 * JSON form (custom headers only named {@code x-…}) and the MIME form (a base64 MIME
 * message as {@code text/plain}), the {@code Mail.Send} application permission, and
 * Exchange's limits per mailbox: 30 messages a minute, 10,000 recipients a day, 4
 * concurrent requests; above them 429 {@code ApplicationThrottled} with Retry-After.
 * Accepted messages go to the mailbox's outbox ({@code /_sim/mailboxes}), each refusal by
 * a limit is counted ({@code mailLimitExceeded} in {@code /_sim/stats}). The per-minute
 * limit can be raised for a time-scaled benchmark ({@link #setPerMinute}); the daily
 * recipients and the concurrency stay Exchange's.
 */
final class MailApi {

	static final int PER_MINUTE = 30;

	static final int RECIPIENTS_PER_DAY = 10_000;

	static final int CONCURRENT = 4;

	static final int MAX_RECIPIENTS = 500;

	private final TeamsSimulator sim;

	private final Map<String, Mailbox> mailboxes = new ConcurrentHashMap<>();

	final AtomicLong accepted = new AtomicLong();

	final AtomicLong limitExceeded = new AtomicLong();

	final AtomicLong concurrencyExceeded = new AtomicLong();

	final AtomicLong minuteExceeded = new AtomicLong();

	final AtomicLong dayExceeded = new AtomicLong();

	/**
	 * Messages a minute per mailbox: Exchange's 30, or more for a benchmark that scales
	 * time.
	 */
	private volatile int perMinute = PER_MINUTE;

	MailApi(TeamsSimulator sim) {
		this.sim = sim;
	}

	void register(Router r) {
		r.add("POST", "/v1.0/users/{id}/sendMail", Kind.GRAPH, this::sendMail);
		r.add("GET", "/_sim/mailboxes", Kind.SIM, (req) -> Resp.json(200, summary()));
		r.add("GET", "/_sim/mailboxes/{id}/outbox", Kind.SIM, (req) -> {
			Mailbox m = this.mailboxes.get(req.param(0).toLowerCase(Locale.ROOT));
			return Resp.json(200, Json.obj("value", (m != null) ? m.outboxCopy() : List.of()));
		});
		r.add("GET", "/_sim/mailboxes/{id}/recipients", Kind.SIM,
				(req) -> Resp.json(200, Json.obj("value", recipients(req.param(0)))));
	}

	int perMinute() {
		return this.perMinute;
	}

	/**
	 * Sets the per-mailbox limit of messages a minute (Exchange: 30); the windows start
	 * afresh.
	 */
	void setPerMinute(int perMinute) {
		if (perMinute < 1) {
			throw new IllegalArgumentException("mail perMinute must be >= 1");
		}
		this.perMinute = perMinute;
		this.mailboxes.values().forEach((m) -> {
			synchronized (m) {
				m.minute = Mailbox.window(perMinute);
			}
		});
	}

	/**
	 * Every address a mailbox sent to, with how many messages each got (the outbox keeps
	 * only the latest messages; this keeps every recipient, to judge a benchmark).
	 */
	Map<String, Integer> recipients(String mailbox) {
		Mailbox m = this.mailboxes.get(mailbox.toLowerCase(Locale.ROOT));
		if (m == null) {
			return Map.of();
		}
		synchronized (m) {
			return new LinkedHashMap<>(m.byRecipient);
		}
	}

	/** What each mailbox sent, for tests and {@code /_sim/stats}. */
	Map<String, Object> summary() {
		Map<String, Object> out = new LinkedHashMap<>();
		out.put("accepted", this.accepted.get());
		out.put("limitExceeded", this.limitExceeded.get());
		out.put("concurrencyExceeded", this.concurrencyExceeded.get());
		out.put("minuteExceeded", this.minuteExceeded.get());
		out.put("dayExceeded", this.dayExceeded.get());
		out.put("perMinute", this.perMinute);
		Map<String, Object> boxes = new LinkedHashMap<>();
		this.mailboxes.forEach((name, m) -> {
			Map<String, Object> box = new LinkedHashMap<>();
			box.put("sent", m.sent.get());
			box.put("recipients", m.recipients.get());
			box.put("peakInFlight", m.peakInFlight.get());
			synchronized (m) {
				box.put("firstAcceptedAt", (m.firstAt > 0) ? Instant.ofEpochMilli(m.firstAt).toString() : null);
				box.put("lastAcceptedAt", (m.lastAt > 0) ? Instant.ofEpochMilli(m.lastAt).toString() : null);
			}
			boxes.put(name, box);
		});
		out.put("mailboxes", boxes);
		return out;
	}

	/** The messages a mailbox sent (as stored: headers and raw MIME or JSON). */
	public List<Map<String, Object>> outbox(String mailbox) {
		Mailbox m = this.mailboxes.get(mailbox.toLowerCase(Locale.ROOT));
		return (m != null) ? m.outboxCopy() : List.of();
	}

	void reset() {
		this.mailboxes.clear();
		this.accepted.set(0);
		this.limitExceeded.set(0);
		this.concurrencyExceeded.set(0);
		this.minuteExceeded.set(0);
		this.dayExceeded.set(0);
	}

	private Resp sendMail(Req req) {
		SimUser user = this.sim.tenant.user(req.param(0));
		if (user == null) {
			user = this.sim.tenant.users()
				.stream()
				.filter((u) -> req.param(0).equalsIgnoreCase(u.userPrincipalName())
						|| req.param(0).equalsIgnoreCase(u.mail()))
				.findFirst()
				.orElse(null);
		}
		if (user == null) {
			return GraphApi.error(404, "ErrorInvalidUser", "The requested user '" + req.param(0) + "' is invalid.");
		}
		Mailbox box = this.mailboxes.computeIfAbsent(user.mail().toLowerCase(Locale.ROOT),
				(k) -> new Mailbox(this.perMinute));
		int inFlight = box.inFlight.incrementAndGet();
		try {
			box.peakInFlight.accumulateAndGet(inFlight, Math::max);
			if (inFlight > CONCURRENT) {
				this.concurrencyExceeded.incrementAndGet();
				this.limitExceeded.incrementAndGet();
				return applicationThrottled("Application is over its MailboxConcurrency limit.", 1000);
			}
			Message message;
			String type = String.valueOf(req.header("Content-Type")).toLowerCase(Locale.ROOT);
			if (type.startsWith("text/plain")) {
				byte[] mime;
				try {
					mime = Base64.getMimeDecoder().decode(req.body);
				}
				catch (IllegalArgumentException ex) {
					return GraphApi.error(400, "ErrorMimeContentInvalidBase64String",
							"Invalid base64 string for MIME content.");
				}
				message = Message.ofMime(new String(mime, StandardCharsets.UTF_8));
			}
			else {
				Map<String, Object> json = req.json();
				Object m = (json != null) ? json.get("message") : null;
				if (!(m instanceof Map<?, ?> map)) {
					return GraphApi.error(400, "ErrorInvalidRequest", "The message is missing.");
				}
				@SuppressWarnings("unchecked")
				Map<String, Object> fields = (Map<String, Object>) map;
				String bad = Message.badHeader(fields);
				if (bad != null) {
					return GraphApi.error(400, "InvalidInternetMessageHeader",
							"The internet message header name '" + bad + "' should start with 'x-' or 'X-'.");
				}
				message = Message.ofJson(fields);
			}
			if (message.recipients() == 0) {
				return GraphApi.error(400, "ErrorInvalidRecipients", "At least one recipient is not valid.");
			}
			if (message.recipients() > MAX_RECIPIENTS) {
				return GraphApi.error(400, "ErrorTooManyRecipients",
						"The message exceeds the maximum supported size of " + MAX_RECIPIENTS + " recipients.");
			}
			long now = System.currentTimeMillis();
			synchronized (box) {
				long wait = box.minute.tryAcquire(now);
				if (wait > 0) {
					this.limitExceeded.incrementAndGet();
					this.minuteExceeded.incrementAndGet();
					return applicationThrottled("Mailbox send rate exceeded: " + this.perMinute + " messages a minute.",
							wait);
				}
				long dayWait = box.dayWait(now, message.recipients());
				if (dayWait > 0) {
					this.limitExceeded.incrementAndGet();
					this.dayExceeded.incrementAndGet();
					return applicationThrottled("Mailbox recipient limit exceeded: 10,000 recipients a day.", dayWait);
				}
				box.day.add(new long[] { now, message.recipients() });
				box.dayCount += message.recipients();
				if (box.firstAt == 0) {
					box.firstAt = now;
				}
				box.lastAt = now;
				for (String address : message.addresses()) {
					box.byRecipient.merge(address, 1, Integer::sum);
				}
			}
			box.sent.incrementAndGet();
			box.recipients.addAndGet(message.recipients());
			this.accepted.incrementAndGet();
			Map<String, Object> stored = new LinkedHashMap<>(message.fields());
			stored.put("at", Instant.ofEpochMilli(now).toString());
			box.add(stored);
			return Resp.empty(202);
		}
		finally {
			box.inFlight.decrementAndGet();
		}
	}

	private static Resp applicationThrottled(String message, long waitMillis) {
		return GraphApi.error(429, "ApplicationThrottled", message)
			.header("Retry-After", String.valueOf(Math.max(1, (waitMillis + 999) / 1000)));
	}

	private static final class Mailbox {

		SlidingWindows minute;

		/** When the first and the latest message were accepted (epoch ms, 0 = none). */
		long firstAt;

		long lastAt;

		/** Every recipient address accepted, with its count of messages. */
		final Map<String, Integer> byRecipient = new java.util.HashMap<>();

		Mailbox(int perMinute) {
			this.minute = window(perMinute);
		}

		static SlidingWindows window(int perMinute) {
			return new SlidingWindows(new long[][] { { 60_000, perMinute } });
		}

		/** Recipients accepted in the last day: {time, count}, oldest first. */
		final ArrayDeque<long[]> day = new ArrayDeque<>();

		long dayCount;

		final AtomicInteger inFlight = new AtomicInteger();

		final AtomicInteger peakInFlight = new AtomicInteger();

		final AtomicLong sent = new AtomicLong();

		final AtomicLong recipients = new AtomicLong();

		private final List<Map<String, Object>> outbox = Collections.synchronizedList(new ArrayList<>());

		long dayWait(long now, int more) {
			while (!this.day.isEmpty() && this.day.peekFirst()[0] <= now - 86_400_000L) {
				this.dayCount -= this.day.pollFirst()[1];
			}
			if (this.dayCount + more <= RECIPIENTS_PER_DAY) {
				return 0;
			}
			return (this.day.isEmpty()) ? 86_400_000L : this.day.peekFirst()[0] + 86_400_000L - now;
		}

		void add(Map<String, Object> message) {
			// Keep the latest 5,000 per mailbox: a benchmark of 20,000 must not fill
			// memory.
			synchronized (this.outbox) {
				if (this.outbox.size() >= 5_000) {
					this.outbox.remove(0);
				}
				this.outbox.add(message);
			}
		}

		List<Map<String, Object>> outboxCopy() {
			synchronized (this.outbox) {
				return new ArrayList<>(this.outbox);
			}
		}

	}

	/** The parts of a sent message the simulator keeps. */
	private record Message(Map<String, Object> fields, List<String> addresses) {

		private static final java.util.regex.Pattern ADDRESS = java.util.regex.Pattern
			.compile("[^\\s<>,;\"()]+@[^\\s<>,;\"()]+");

		int recipients() {
			return this.addresses.size();
		}

		/**
		 * Headers of a MIME message (unfolded, by lower-case name) and its recipients.
		 */
		static Message ofMime(String mime) {
			int end = mime.indexOf("\r\n\r\n");
			String head = (end < 0) ? mime : mime.substring(0, end);
			Map<String, Object> headers = new LinkedHashMap<>();
			String unfolded = head.replaceAll("\r\n[ \t]+", " ");
			for (String line : unfolded.split("\r\n")) {
				int colon = line.indexOf(':');
				if (colon > 0) {
					headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
							line.substring(colon + 1).trim());
				}
			}
			List<String> addresses = new ArrayList<>();
			for (String field : List.of("to", "cc", "bcc")) {
				Object value = headers.get(field);
				if (value != null) {
					java.util.regex.Matcher m = ADDRESS.matcher(value.toString());
					while (m.find()) {
						addresses.add(m.group().toLowerCase(Locale.ROOT));
					}
				}
			}
			Map<String, Object> fields = new LinkedHashMap<>();
			fields.put("form", "mime");
			fields.put("headers", headers);
			fields.put("mime", mime);
			return new Message(fields, addresses);
		}

		static Message ofJson(Map<String, Object> message) {
			List<String> addresses = new ArrayList<>();
			for (String field : List.of("toRecipients", "ccRecipients", "bccRecipients")) {
				if (message.get(field) instanceof List<?> list) {
					for (Object r : list) {
						Object address = (r instanceof Map<?, ?> m && m.get("emailAddress") instanceof Map<?, ?> e)
								? e.get("address") : null;
						addresses.add(String.valueOf(address).toLowerCase(Locale.ROOT));
					}
				}
			}
			Map<String, Object> fields = new LinkedHashMap<>();
			fields.put("form", "json");
			fields.put("message", message);
			return new Message(fields, addresses);
		}

		/** A custom header Graph refuses in the JSON form (not named x-…), else null. */
		static String badHeader(Map<String, Object> message) {
			if (message.get("internetMessageHeaders") instanceof List<?> list) {
				for (Object h : list) {
					if (h instanceof Map<?, ?> header) {
						String name = String.valueOf(header.get("name"));
						if (!name.toLowerCase(Locale.ROOT).startsWith("x-")) {
							return name;
						}
					}
				}
			}
			return null;
		}

	}

}
