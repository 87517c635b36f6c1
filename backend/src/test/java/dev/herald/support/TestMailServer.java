package dev.herald.support;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * A real SMTP server (GreenMail) for the tests of one JVM, on a free port: Herald's
 * e-mail fallback (#26) sends to it through Spring Boot's mail starter, and tests read
 * the MIME it received.
 */
public final class TestMailServer {

	/** The unsubscribe links' HMAC key in tests. */
	public static final String UNSUBSCRIBE_SECRET = "test-unsubscribe-secret-0123456789abcdef";

	private static GreenMail shared;

	private TestMailServer() {
	}

	public static synchronized GreenMail get() {
		if (shared == null) {
			shared = new GreenMail(new ServerSetup(3025, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
			shared.start();
			Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "greenmail-stop"));
		}
		return shared;
	}

	public static int port() {
		return get().getSmtp().getPort();
	}

}
