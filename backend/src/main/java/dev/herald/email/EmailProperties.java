package dev.herald.email;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The e-mail fallback's configuration ({@code herald.email.*}). Herald's public address
 * ({@code herald.email.public-url}, for the unsubscribe links) is read from the
 * environment when an e-mail is written, not bound here, so that it may name the port a
 * test server chose after start.
 *
 * @param transport {@code none} (no e-mail leaves; nothing is planned), {@code smtp} (the
 * relay of {@code spring.mail.*}) or {@code graph} (Graph sendMail from
 * {@code graphMailboxes})
 * @param from the sender address
 * @param fromName the sender's display name
 * @param ratePerMinute e-mails per minute for all instances together
 * @param unsubscribeSecret the HMAC key of the unsubscribe links (at least 32
 * characters); never logged
 * @param batch rows claimed at once by an instance
 * @param tick how long the worker waits when there is nothing to do
 * @param lease how long a claimed row is an instance's own
 * @param planWindow how long after a send finished its fallback may still be planned
 * @param maxAttempts tries of a temporary SMTP failure before the row fails
 * @param graphMailboxes with transport {@code graph}: the sender mailboxes (UPN or
 * address), a large fallback spread over them
 * @param mailboxRatePerMinute with {@code graph}: messages a minute per mailbox for all
 * instances together (Exchange Online allows 30)
 * @param mailboxRecipientsPerDay with {@code graph}: recipients a day per mailbox
 * (Exchange Online allows 10,000)
 */
@ConfigurationProperties("herald.email")
public record EmailProperties(@DefaultValue("none") String transport, @DefaultValue("herald@localhost") String from,
		@DefaultValue("Herald") String fromName, @DefaultValue("60") double ratePerMinute,
		@DefaultValue("") String unsubscribeSecret, @DefaultValue("20") int batch, @DefaultValue("1s") Duration tick,
		@DefaultValue("2m") Duration lease, @DefaultValue("1d") Duration planWindow, @DefaultValue("3") int maxAttempts,
		@DefaultValue("") java.util.List<String> graphMailboxes, @DefaultValue("29") double mailboxRatePerMinute,
		@DefaultValue("10000") int mailboxRecipientsPerDay) {

	@ConstructorBinding
	public EmailProperties {
		graphMailboxes = (graphMailboxes != null)
				? graphMailboxes.stream().map(String::strip).filter((m) -> !m.isEmpty()).distinct().toList()
				: java.util.List.of();
	}

	/** Without Graph mailboxes (SMTP). */
	public EmailProperties(String transport, String from, String fromName, double ratePerMinute,
			String unsubscribeSecret, int batch, Duration tick, Duration lease, Duration planWindow, int maxAttempts) {
		this(transport, from, fromName, ratePerMinute, unsubscribeSecret, batch, tick, lease, planWindow, maxAttempts,
				java.util.List.of(), 29, 10_000);
	}

	boolean graph() {
		return "graph".equalsIgnoreCase(this.transport);
	}

	/**
	 * How long {@code emails} e-mails take at the configured pace: for Graph, spread over
	 * the mailboxes at their per-minute rate and within their daily recipients; for SMTP,
	 * at the overall rate.
	 */
	Duration estimate(long emails) {
		if (emails <= 0) {
			return Duration.ZERO;
		}
		if (!graph()) {
			return Duration.ofSeconds((long) Math.ceil(emails * 60.0 / Math.max(0.001, this.ratePerMinute)));
		}
		int boxes = Math.max(1, this.graphMailboxes.size());
		double perMinute = boxes * this.mailboxRatePerMinute;
		long perDay = Math.min((long) boxes * this.mailboxRecipientsPerDay, (long) (perMinute * 1440));
		long fullDays = (emails - 1) / Math.max(1, perDay);
		long rest = emails - fullDays * perDay;
		return Duration.ofDays(fullDays).plusSeconds((long) Math.ceil(rest * 60.0 / perMinute));
	}

	/** Without the secret: a configuration dump must not show it. */
	@Override
	public String toString() {
		return "EmailProperties[transport=" + this.transport + ", from=" + this.from + ", ratePerMinute="
				+ this.ratePerMinute + ", unsubscribeSecret=" + (this.unsubscribeSecret.isEmpty() ? "" : "***") + "]";
	}

	boolean enabled() {
		return !"none".equalsIgnoreCase(this.transport);
	}

}
