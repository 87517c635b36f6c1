package dev.herald.email;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Properties;

import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.HttpMethod;
import com.microsoft.kiota.RequestAdapter;
import com.microsoft.kiota.RequestInformation;
import com.microsoft.kiota.serialization.Parsable;
import com.microsoft.kiota.serialization.ParsableFactory;
import dev.herald.graph.GraphFailure;
import dev.herald.graph.GraphPermissions;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Microsoft Graph's {@code POST /users/{mailbox}/sendMail} in its MIME form: the same
 * MIME message as SMTP, base64 in a {@code text/plain} body, so that
 * {@code List-Unsubscribe} and {@code List-Unsubscribe-Post} travel in the message (the
 * JSON form accepts only headers named {@code x-…}). Needs the {@code Mail.Send}
 * application permission (scope it to the sender mailboxes with RBAC for Applications). A
 * 429 is a temporary failure carrying Graph's Retry-After; a 403 fails for good.
 */
@Component
class GraphMailTransport implements MailTransport {

	private final ObjectProvider<GraphServiceClient> graph;

	private final EmailProperties properties;

	private final GraphPermissions permissions;

	GraphMailTransport(ObjectProvider<GraphServiceClient> graph, EmailProperties properties,
			GraphPermissions permissions) {
		this.graph = graph;
		this.properties = properties;
		this.permissions = permissions;
	}

	@Override
	public void send(OutgoingEmail email) throws Failure {
		if (email.mailbox() == null) {
			throw new Failure("No sender mailbox configured (herald.email.graph-mailboxes)", false, null);
		}
		byte[] body;
		try {
			MimeMessage message = SmtpTransport.message(new MimeMessage(Session.getInstance(new Properties())),
					email.mailbox(), this.properties.fromName(), email);
			ByteArrayOutputStream raw = new ByteArrayOutputStream();
			message.writeTo(raw);
			body = Base64.getEncoder().encode(raw.toByteArray());
		}
		catch (MessagingException | IOException ex) {
			throw new Failure("The e-mail could not be written: " + SmtpTransport.firstLine(ex.getMessage()), false,
					ex);
		}
		RequestAdapter adapter = this.graph.getObject().getRequestAdapter();
		RequestInformation request = new RequestInformation();
		request.httpMethod = HttpMethod.POST;
		request.urlTemplate = "{+baseurl}/users/{user%2Did}/sendMail";
		request.pathParameters = new HashMap<>(
				java.util.Map.of("baseurl", adapter.getBaseUrl(), "user%2Did", email.mailbox()));
		request.setStreamContent(new ByteArrayInputStream(body), "text/plain");
		HashMap<String, ParsableFactory<? extends Parsable>> errors = new HashMap<>();
		errors.put("XXX", ODataError::createFromDiscriminatorValue);
		try {
			// A missing Mail.Send drops the cached token, so a grant made later works at
			// the next call.
			this.permissions.call("Mail.Send", "the e-mail fallback from sender mailboxes",
					() -> adapter.sendPrimitive(request, errors, Void.class));
		}
		catch (RuntimeException ex) {
			GraphFailure failure = GraphFailure.of(ex);
			if (failure.status() == 429) {
				throw new Failure("Graph throttled mailbox " + email.mailbox() + ": " + failure.message(), true,
						(failure.retryAfter() != null) ? failure.retryAfter() : Duration.ofSeconds(5), ex);
			}
			if (failure.status() == 403) {
				throw new Failure("Graph refused sendMail from " + email.mailbox() + ": " + failure.message()
						+ " (Mail.Send, and the mailbox in its RBAC scope)", false, ex);
			}
			throw new Failure("Graph sendMail from " + email.mailbox() + " failed: " + failure.message(),
					failure.status() == 0 || failure.status() >= 500 || failure.status() == 408, ex);
		}
	}

}
