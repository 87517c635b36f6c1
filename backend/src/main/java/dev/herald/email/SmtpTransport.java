package dev.herald.email;

import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;

import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.mail.MailAuthenticationException;
import org.springframework.mail.MailException;
import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;

/**
 * SMTP through Spring Boot's mail starter ({@code spring.mail.*}, Jakarta Mail): a
 * {@code multipart/alternative} of text and HTML, with RFC 8058's one-click unsubscribe
 * headers. A recipient the relay refuses fails for good; a relay that cannot be reached
 * is a temporary failure.
 */
@Component
class SmtpTransport implements MailTransport {

	private final ObjectProvider<JavaMailSender> sender;

	private final EmailProperties properties;

	SmtpTransport(ObjectProvider<JavaMailSender> sender, EmailProperties properties) {
		this.sender = sender;
		this.properties = properties;
	}

	@Override
	public void send(OutgoingEmail email) throws Failure {
		JavaMailSender mail = this.sender.getIfAvailable();
		if (mail == null) {
			throw new Failure("No SMTP relay configured (spring.mail.host)", true, null);
		}
		try {
			mail.send(message(mail, email));
		}
		catch (MailSendException ex) {
			boolean refused = ex.getFailedMessages().values().stream().anyMatch(SendFailedException.class::isInstance);
			throw new Failure("The SMTP relay " + (refused ? "refused the address" : "did not take the e-mail") + ": "
					+ firstLine(ex.getMostSpecificCause().getMessage()), !refused, ex);
		}
		catch (MailAuthenticationException ex) {
			throw new Failure("The SMTP relay refused Herald's sign-in", true, ex);
		}
		catch (MailException | MessagingException | UnsupportedEncodingException ex) {
			throw new Failure("The e-mail could not be sent: " + firstLine(ex.getMessage()), true, ex);
		}
	}

	MimeMessage message(JavaMailSender mail, OutgoingEmail email)
			throws MessagingException, UnsupportedEncodingException {
		return message(mail.createMimeMessage(), this.properties.from(), this.properties.fromName(), email);
	}

	/**
	 * Fills {@code message} with one e-mail: sender, recipient, subject, the one-click
	 * unsubscribe headers and the text and HTML parts. Shared by both transports (Graph's
	 * MIME form sends the same message).
	 */
	static MimeMessage message(MimeMessage message, String from, String fromName, OutgoingEmail email)
			throws MessagingException, UnsupportedEncodingException {
		message.setFrom(new InternetAddress(from, EmailRenderer.headerSafe(fromName), StandardCharsets.UTF_8.name()));
		message.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress(email.to(), true));
		// The subject is free of line breaks (EmailRenderer.headerSafe) and encoded by
		// Jakarta Mail: a title cannot add a header.
		message.setSubject(email.body().subject(), StandardCharsets.UTF_8.name());
		message.setHeader("Content-Language", email.body().language());
		// RFC 2369 and RFC 8058: mail clients offer "Unsubscribe", and a one-click POST
		// to
		// the link opts the person out.
		message.setHeader("List-Unsubscribe", "<" + email.unsubscribeUrl() + ">");
		message.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
		message.setHeader("Auto-Submitted", "auto-generated");
		MimeBodyPart text = new MimeBodyPart();
		text.setText(email.body().text(), StandardCharsets.UTF_8.name(), "plain");
		MimeBodyPart html = new MimeBodyPart();
		html.setText(email.body().html(), StandardCharsets.UTF_8.name(), "html");
		MimeMultipart alternative = new MimeMultipart("alternative");
		alternative.addBodyPart(text);
		alternative.addBodyPart(html);
		message.setContent(alternative);
		return message;
	}

	static String firstLine(String message) {
		if (message == null) {
			return "";
		}
		int eol = message.indexOf('\n');
		String line = (eol < 0) ? message : message.substring(0, eol);
		return (line.length() > 300) ? line.substring(0, 300) : line.strip();
	}

}
