package dev.herald.link;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The signed token of a tracked link: {@code /r/<token>}. It names the announcement, the
 * link's number, the recipient's language variant, the recipient (or nobody, when
 * per-person tracking is off) and the medium the link was sent in (a Teams card today, an
 * e-mail later), and never the address it leads to: the redirect looks that up in the
 * announcement as stored, so a token can only lead to that announcement's own link.
 * <p>
 * Layout (then base64url without padding): one byte of version (high nibble) and medium
 * (low nibble); the announcement id as an unsigned LEB128 varint; the link number (one
 * byte); the variant's tag (length byte, ASCII); the recipient (0 nobody, 1 a UUID in 16
 * bytes, 2 any other id: length byte and UTF-8); then the first 12 bytes of HMAC-SHA256
 * over all that with the key {@code herald.links.signing-key}. A person's token is 44 to
 * 48 characters. The key is never logged; without one (outside local mode) links are sent
 * as written and nothing is tracked.
 */
@Component
public class LinkTokens {

	private static final Logger log = LoggerFactory.getLogger(LinkTokens.class);

	private static final int VERSION = 1;

	private static final int MAC_BYTES = 12;

	/** Longer strings are not tokens (a person's token is 44 to 48 characters). */
	static final int MAX_TOKEN_CHARS = 400;

	/** Where a link was sent: its number is the token's medium nibble. */
	public enum Medium {

		TEAMS, EMAIL;

		public String dbValue() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

	}

	/**
	 * What a token says.
	 *
	 * @param announcementId the announcement
	 * @param linkIndex the link's stable number ({@code AnnouncementLinks})
	 * @param variant the recipient's language variant, null for the default
	 * @param recipient who received it; null when per-person tracking was off
	 * @param medium where it was sent
	 */
	public record Ref(long announcementId, int linkIndex, String variant, String recipient, Medium medium) {
	}

	private final SecretKeySpec key;

	private final ThreadLocal<Mac> macs;

	/** Public for the benchmark driver, which mints the tokens a send would. */
	public LinkTokens(@Value("${herald.links.signing-key:}") String signingKey,
			@Value("${herald.local-mode:false}") boolean localMode) {
		byte[] secret;
		if (signingKey != null && !signingKey.isBlank()) {
			if (signingKey.strip().length() < 32) {
				throw new IllegalStateException(
						"herald.links.signing-key (HERALD_LINKS_SIGNINGKEY) must be at least 32 characters");
			}
			secret = signingKey.strip().getBytes(StandardCharsets.UTF_8);
		}
		else if (localMode) {
			// Local mode only: a key of this run; links sent before a restart stop
			// working.
			secret = new byte[32];
			new SecureRandom().nextBytes(secret);
		}
		else {
			secret = null;
			log.warn("Link tracking is off: set herald.links.signing-key (HERALD_LINKS_SIGNINGKEY) "
					+ "and herald.links.public-url (HERALD_LINKS_PUBLICURL) to track link clicks");
		}
		this.key = (secret != null) ? new SecretKeySpec(secret, "HmacSHA256") : null;
		this.macs = ThreadLocal.withInitial(() -> {
			try {
				Mac mac = Mac.getInstance("HmacSHA256");
				mac.init(this.key);
				return mac;
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	/** Whether tokens can be made (a key is configured). */
	public boolean hasKey() {
		return this.key != null;
	}

	/** The token of one link for one recipient. */
	public String mint(Ref ref) {
		if (this.key == null) {
			throw new IllegalStateException("No link signing key");
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream(48);
		out.write((VERSION << 4) | ref.medium().ordinal());
		long id = ref.announcementId();
		while ((id & ~0x7FL) != 0) {
			out.write((int) ((id & 0x7F) | 0x80));
			id >>>= 7;
		}
		out.write((int) id);
		out.write(ref.linkIndex());
		byte[] variant = (ref.variant() != null) ? ref.variant().getBytes(StandardCharsets.US_ASCII) : new byte[0];
		out.write(variant.length);
		out.writeBytes(variant);
		UUID uuid = (ref.recipient() != null) ? uuid(ref.recipient()) : null;
		if (ref.recipient() == null) {
			out.write(0);
		}
		else if (uuid != null) {
			out.write(1);
			out.writeBytes(ByteBuffer.allocate(16)
				.putLong(uuid.getMostSignificantBits())
				.putLong(uuid.getLeastSignificantBits())
				.array());
		}
		else {
			byte[] text = ref.recipient().getBytes(StandardCharsets.UTF_8);
			if (text.length > 255) {
				throw new IllegalArgumentException("Recipient id too long for a link token");
			}
			out.write(2);
			out.write(text.length);
			out.writeBytes(text);
		}
		byte[] payload = out.toByteArray();
		byte[] mac = this.macs.get().doFinal(payload);
		byte[] token = new byte[payload.length + MAC_BYTES];
		System.arraycopy(payload, 0, token, 0, payload.length);
		System.arraycopy(mac, 0, token, payload.length, MAC_BYTES);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
	}

	/**
	 * What a token says, when it is one of ours: well formed and correctly signed
	 * (compared in constant time); empty otherwise.
	 */
	public Optional<Ref> parse(String token) {
		if (this.key == null || token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
			return Optional.empty();
		}
		byte[] bytes;
		try {
			bytes = Base64.getUrlDecoder().decode(token);
		}
		catch (IllegalArgumentException ex) {
			return Optional.empty();
		}
		// One spelling per token: the decoder ignores the unused low bits of the last
		// character, so another letter there would pass for the same signed token.
		if (!Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(token)) {
			return Optional.empty();
		}
		if (bytes.length <= MAC_BYTES + 4) {
			return Optional.empty();
		}
		int end = bytes.length - MAC_BYTES;
		Mac mac = this.macs.get();
		mac.update(bytes, 0, end);
		byte[] expected = mac.doFinal();
		byte[] given = new byte[MAC_BYTES];
		System.arraycopy(bytes, end, given, 0, MAC_BYTES);
		if (!MessageDigest.isEqual(java.util.Arrays.copyOf(expected, MAC_BYTES), given)) {
			return Optional.empty();
		}
		try {
			return Optional.ofNullable(decode(bytes, end));
		}
		catch (ArrayIndexOutOfBoundsException | IllegalArgumentException ex) {
			return Optional.empty();
		}
	}

	/** The signed payload's fields; null when its layout is not this version's. */
	private static Ref decode(byte[] b, int end) {
		int p = 0;
		int head = b[p++] & 0xFF;
		if ((head >>> 4) != VERSION || (head & 0x0F) >= Medium.values().length) {
			return null;
		}
		Medium medium = Medium.values()[head & 0x0F];
		long id = 0;
		int shift = 0;
		while (true) {
			int v = b[p++] & 0xFF;
			id |= (long) (v & 0x7F) << shift;
			if ((v & 0x80) == 0) {
				break;
			}
			shift += 7;
			if (shift > 56) {
				return null;
			}
		}
		int link = b[p++] & 0xFF;
		int variantLength = b[p++] & 0xFF;
		String variant = (variantLength == 0) ? null : new String(b, p, variantLength, StandardCharsets.US_ASCII);
		p += variantLength;
		int kind = b[p++] & 0xFF;
		String recipient;
		if (kind == 0) {
			recipient = null;
		}
		else if (kind == 1) {
			ByteBuffer buffer = ByteBuffer.wrap(b, p, 16);
			recipient = new UUID(buffer.getLong(), buffer.getLong()).toString();
			p += 16;
		}
		else if (kind == 2) {
			int length = b[p++] & 0xFF;
			recipient = new String(b, p, length, StandardCharsets.UTF_8);
			p += length;
		}
		else {
			return null;
		}
		if (p != end) {
			return null;
		}
		return new Ref(id, link, variant, recipient, medium);
	}

	/** A canonical lower-case UUID as its 16 bytes; anything else is kept as text. */
	private static UUID uuid(String id) {
		if (id.length() != 36) {
			return null;
		}
		try {
			UUID uuid = UUID.fromString(id);
			return uuid.toString().equals(id) ? uuid : null;
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

}
