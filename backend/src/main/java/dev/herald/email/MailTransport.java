package dev.herald.email;

/**
 * Where e-mails leave Herald: the organisation's SMTP relay ({@link SmtpTransport}) or
 * Microsoft Graph's sendMail from a sender mailbox ({@link GraphMailTransport}).
 */
interface MailTransport {

	/**
	 * Sends one e-mail.
	 * @throws Failure when it did not leave; {@link Failure#temporary()} says whether a
	 * later try may succeed
	 */
	void send(OutgoingEmail email) throws Failure;

	/**
	 * One e-mail to one person.
	 *
	 * @param to the address
	 * @param unsubscribeUrl the one-click opt-out ({@code List-Unsubscribe})
	 * @param mailbox the sender mailbox (Graph), null for the configured sender (SMTP)
	 */
	record OutgoingEmail(String to, EmailRenderer.Rendered body, String unsubscribeUrl, String mailbox) {
	}

	/** The e-mail did not leave. */
	class Failure extends Exception {

		private final boolean temporary;

		private final java.time.Duration retryAfter;

		Failure(String message, boolean temporary, Throwable cause) {
			this(message, temporary, null, cause);
		}

		Failure(String message, boolean temporary, java.time.Duration retryAfter, Throwable cause) {
			super(message, cause);
			this.temporary = temporary;
			this.retryAfter = retryAfter;
		}

		boolean temporary() {
			return this.temporary;
		}

		/** The service's Retry-After when it throttled the call, else null. */
		java.time.Duration retryAfter() {
			return this.retryAfter;
		}

	}

}
