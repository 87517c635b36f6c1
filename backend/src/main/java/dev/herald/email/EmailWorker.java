package dev.herald.email;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.herald.announcement.AnnouncementContent;
import dev.herald.announcement.Announcements;
import dev.herald.pacing.SharedPacer;
import dev.herald.worker.BackgroundWorker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The background worker of the e-mail fallback (never a request thread): plans the
 * fallback of finished sends, then claims queued e-mails and sends them, paced by one
 * budget for all instances ({@code rate_budget} 'email'). Off while the transport is
 * {@code none}.
 */
@Component
class EmailWorker extends BackgroundWorker {

	private static final Logger log = LoggerFactory.getLogger(EmailWorker.class);

	private final EmailProperties properties;

	private final EmailLedger ledger;

	private final EmailRenderer renderer;

	private final MailTransport smtp;

	private final MailTransport graph;

	/** One budget per sender mailbox, shared by all instances ({@code rate_budget}). */
	private final Map<String, SharedPacer> mailboxPacers = new HashMap<>();

	private final JdbcClient jdbc;

	private int nextMailbox;

	private final UnsubscribeTokens tokens;

	private final Announcements announcements;

	private final Environment environment;

	private final SharedPacer pacer;

	private final UUID me = UUID.randomUUID();

	EmailWorker(EmailProperties properties, EmailLedger ledger, EmailRenderer renderer, SmtpTransport smtp,
			GraphMailTransport graph, UnsubscribeTokens tokens, Announcements announcements, Environment environment,
			JdbcClient jdbc) {
		this.properties = properties;
		this.ledger = ledger;
		this.renderer = renderer;
		this.smtp = smtp;
		this.graph = graph;
		this.jdbc = jdbc;
		this.tokens = tokens;
		this.announcements = announcements;
		this.environment = environment;
		this.pacer = new SharedPacer(jdbc, "email", properties.ratePerMinute() / 60.0);
	}

	@Override
	protected boolean enabled() {
		return this.properties.enabled();
	}

	@Override
	protected void startThreads() {
		this.threads.start("email-fallback", this::run);
	}

	private void run() {
		while (this.threads.isRunning()) {
			try {
				if (!workOnce()) {
					Thread.sleep(this.properties.tick().toMillis());
				}
			}
			catch (InterruptedException ex) {
				return;
			}
			catch (RuntimeException ex) {
				// The database may be away for a moment; the ledger keeps every row's
				// place.
				log.warn("E-mail fallback round failed: {}", ex.toString());
				try {
					Thread.sleep(Math.max(1000, this.properties.tick().toMillis()));
				}
				catch (InterruptedException stop) {
					return;
				}
			}
		}
	}

	/** One round; returns whether there was work. */
	boolean workOnce() throws InterruptedException {
		boolean planned = this.ledger.planNext(this.properties.planWindow()).isPresent();
		this.ledger.failAbandoned();
		List<EmailLedger.Job> jobs = this.ledger.claim(this.properties.batch(), this.properties.lease(), this.me);
		Map<String, AnnouncementContent> contents = new HashMap<>();
		Map<String, Long> sentToday = this.properties.graph() ? this.ledger.sentToday() : Map.of();
		for (EmailLedger.Job job : jobs) {
			String mailbox = null;
			if (this.properties.graph()) {
				mailbox = nextMailbox(sentToday);
				if (mailbox == null) {
					// Every mailbox sent its day's recipients: wait, without spending a
					// try.
					this.ledger.failed(job, "Every sender mailbox reached its recipients for today",
							Duration.ofMinutes(30), this.me, true);
					continue;
				}
				sentToday.merge(mailbox, 1L, Long::sum);
				mailboxPacer(mailbox).acquire();
			}
			else {
				this.pacer.acquire();
			}
			send(job, contents, mailbox);
		}
		return planned || !jobs.isEmpty();
	}

	/**
	 * The next sender mailbox in turn that has recipients left today, or null. Taking
	 * them in turn spreads a large fallback evenly over them.
	 */
	private String nextMailbox(Map<String, Long> sentToday) {
		List<String> boxes = this.properties.graphMailboxes();
		for (int i = 0; i < boxes.size(); i++) {
			String box = boxes.get(Math.floorMod(this.nextMailbox++, boxes.size()));
			if (sentToday.getOrDefault(box, 0L) < this.properties.mailboxRecipientsPerDay()) {
				return box;
			}
		}
		return null;
	}

	private SharedPacer mailboxPacer(String mailbox) {
		return this.mailboxPacers.computeIfAbsent(mailbox, (box) -> new SharedPacer(this.jdbc,
				"email:" + box.toLowerCase(java.util.Locale.ROOT), this.properties.mailboxRatePerMinute() / 60.0));
	}

	private void send(EmailLedger.Job job, Map<String, AnnouncementContent> contents, String mailbox) {
		try {
			if (this.ledger.optedOutSince(job)) {
				this.ledger.failed(job, EmailLedger.OPTED_OUT, null, this.me, false);
				return;
			}
			AnnouncementContent content = contents.computeIfAbsent(job.announcementId() + "/" + job.variant(),
					(key) -> this.announcements.require(job.announcementId()).content().forVariant(job.variant()));
			String unsubscribeUrl = publicUrl() + "/email/unsubscribe/"
					+ this.tokens.issue(job.announcementId(), job.recipient());
			EmailRenderer.Rendered body = this.renderer.render(content, job.cardLanguage(), unsubscribeUrl);
			MailTransport transport = this.properties.graph() ? this.graph : this.smtp;
			transport.send(new MailTransport.OutgoingEmail(job.address(), body, unsubscribeUrl, mailbox));
			this.ledger.sent(job, this.me, mailbox);
		}
		catch (MailTransport.Failure ex) {
			if (ex.retryAfter() != null) {
				// Throttled: every instance waits, the row goes again without spending a
				// try.
				if (mailbox != null) {
					mailboxPacer(mailbox).throttled(ex.retryAfter());
				}
				this.ledger.failed(job, ex.getMessage(), ex.retryAfter(), this.me, true);
				return;
			}
			boolean retry = ex.temporary() && job.attempts() < this.properties.maxAttempts();
			this.ledger.failed(job, ex.getMessage(), retry ? Duration.ofSeconds(30L * job.attempts()) : null, this.me,
					false);
		}
		catch (RuntimeException ex) {
			this.ledger.failed(job, "The e-mail could not be written: " + ex.getClass().getSimpleName(), null, this.me,
					false);
		}
	}

	/**
	 * Herald's public address, read now (a test server's port is known only after start).
	 */
	private String publicUrl() {
		String url = this.environment.getProperty("herald.email.public-url", "");
		return url.replaceAll("/+$", "");
	}

}
