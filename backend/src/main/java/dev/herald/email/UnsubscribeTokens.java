package dev.herald.email;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.stereotype.Component;

/**
 * The unsubscribe link's token: which person, from which announcement, signed with
 * HMAC-SHA256 under {@code herald.email.unsubscribe-secret}. Anyone holding a person's
 * link can opt that person out (that is what the link is for, RFC 8058); nobody can make
 * one for someone else without the secret. The secret is never logged.
 */
@Component
class UnsubscribeTokens {

	private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

	private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

	/** Longest token accepted: no work is spent on larger input. */
	static final int MAX_LENGTH = 300;

	private final byte[] secret;

	UnsubscribeTokens(EmailProperties properties) {
		String configured = properties.unsubscribeSecret();
		if (properties.enabled() && configured.length() < 32) {
			throw new IllegalStateException(
					"herald.email.unsubscribe-secret must be at least 32 characters when e-mail is on");
		}
		this.secret = configured.getBytes(StandardCharsets.UTF_8);
	}

	/** The token for one person (Entra object id) and announcement. */
	String issue(long announcementId, String aadObjectId) {
		String payload = announcementId + "." + aadObjectId.toLowerCase(Locale.ROOT);
		return ENCODER.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "."
				+ ENCODER.encodeToString(mac(payload));
	}

	/** Who a token names, if it is well formed and its signature holds. */
	Optional<Subject> verify(String token) {
		if (token == null || token.length() > MAX_LENGTH || this.secret.length == 0) {
			return Optional.empty();
		}
		int dot = token.indexOf('.');
		if (dot <= 0 || dot != token.lastIndexOf('.')) {
			return Optional.empty();
		}
		try {
			String payload = new String(DECODER.decode(token.substring(0, dot)), StandardCharsets.UTF_8);
			byte[] given = DECODER.decode(token.substring(dot + 1));
			if (!MessageDigest.isEqual(mac(payload), given)) {
				return Optional.empty();
			}
			int sep = payload.indexOf('.');
			return Optional.of(new Subject(Long.parseLong(payload.substring(0, sep)), payload.substring(sep + 1)));
		}
		catch (IllegalArgumentException | IndexOutOfBoundsException ex) {
			return Optional.empty();
		}
	}

	private byte[] mac(String payload) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(this.secret.length > 0 ? this.secret : new byte[1], "HmacSHA256"));
			return mac.doFinal(("herald-unsubscribe:" + payload).getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException | InvalidKeyException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The person and announcement a valid token names. */
	record Subject(long announcementId, String aadObjectId) {
	}

}
