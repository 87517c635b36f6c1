package dev.herald.link;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.herald.announcement.AnnouncementCard;
import dev.herald.settings.AppSettings;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Turns a card rendered once per language variant into each recipient's card (#26). The
 * card is rendered with a marker in place of each link ({@link #placeholders}); the
 * marker holds a random part of this run, so no author's text can contain one. The
 * rendered bytes are split once at the markers ({@link #compile}), and each recipient's
 * copy is the parts joined with their own tokens ({@link Card#personalize}): a few HMACs
 * and one array copy per send, no rendering and no database read.
 */
@Component
public class TrackedLinks {

	/**
	 * Whether Herald keeps who clicked (off: counts only). On unless an admin turns it
	 * off.
	 */
	public static final String TRACK_PEOPLE = "links.track-people";

	/** Whether a card with tracked links must say so in its footer. */
	public static final String REQUIRE_NOTICE = "links.require-notice";

	private static final long SETTINGS_CHECK = TimeUnit.SECONDS.toNanos(5);

	private final LinkTokens tokens;

	private final AppSettings settings;

	private final Environment environment;

	private final String configuredUrl;

	private final boolean localMode;

	/** {@code hlk<random>-}: a link's marker is this, its number and {@code -}. */
	private final String mark;

	private final byte[] markBytes;

	private final AtomicReference<Privacy> privacy = new AtomicReference<>();

	TrackedLinks(LinkTokens tokens, AppSettings settings, Environment environment,
			@Value("${herald.links.public-url:}") String publicUrl,
			@Value("${herald.local-mode:false}") boolean localMode) {
		this.tokens = tokens;
		this.settings = settings;
		this.environment = environment;
		this.configuredUrl = (publicUrl != null) ? publicUrl.strip().replaceAll("/+$", "") : "";
		this.localMode = localMode;
		byte[] random = new byte[8];
		new SecureRandom().nextBytes(random);
		this.mark = "hlk" + HexFormat.of().formatHex(random) + "-";
		this.markBytes = this.mark.getBytes(StandardCharsets.US_ASCII);
	}

	/** Whether links are tracked: a signing key and a public address are configured. */
	public boolean active() {
		return this.tokens.hasKey() && !baseUrl().isEmpty();
	}

	/**
	 * Herald's public address, where {@code /r/} is served:
	 * {@code herald.links.public-url}, in local mode this server.
	 */
	String baseUrl() {
		if (!this.configuredUrl.isEmpty()) {
			return this.configuredUrl;
		}
		if (this.localMode) {
			String port = this.environment.getProperty("local.server.port");
			return (port != null) ? "http://localhost:" + port : "";
		}
		return "";
	}

	private volatile byte[] prefix;

	/** {@code <public url>/r/}, as bytes. */
	byte[] prefix() {
		byte[] known = this.prefix;
		if (known == null) {
			known = (baseUrl() + "/r/").getBytes(StandardCharsets.US_ASCII);
			this.prefix = known;
		}
		return known;
	}

	/** The privacy settings, read at most every five seconds. */
	public Privacy privacy() {
		Privacy known = this.privacy.get();
		long now = System.nanoTime();
		if (known != null && now - known.readAt() <= SETTINGS_CHECK) {
			return known;
		}
		Privacy fresh;
		try {
			fresh = read(now);
		}
		catch (RuntimeException ex) {
			// The database is away: keep the last known (per person when never read)
			// for another while, rather than asking again on every copy.
			fresh = (known != null) ? new Privacy(known.perPerson(), known.notice(), now)
					: new Privacy(true, false, now);
		}
		// Only over what this read started from: a change an admin just made (read
		// afresh by settingsChanged) is not overwritten by a read that began before it.
		this.privacy.compareAndSet(known, fresh);
		return fresh;
	}

	private Privacy read(long now) {
		return new Privacy(this.settings.get(TRACK_PEOPLE).map(Boolean::parseBoolean).orElse(true),
				this.settings.get(REQUIRE_NOTICE).map(Boolean::parseBoolean).orElse(false), now);
	}

	/** Reads the privacy settings again, after an admin changed them here (committed). */
	public void settingsChanged() {
		try {
			this.privacy.set(read(System.nanoTime()));
		}
		catch (RuntimeException ex) {
			this.privacy.set(null);
		}
	}

	/**
	 * How to render a card whose links are tracked (null when tracking is off: the card
	 * keeps the author's links): a marker for each link, and the notice when required and
	 * per-person tracking is on.
	 */
	public AnnouncementCard.TrackedLinks placeholders() {
		if (!active()) {
			return null;
		}
		Privacy p = privacy();
		return new AnnouncementCard.TrackedLinks((index) -> this.mark + index + "-", p.perPerson() && p.notice());
	}

	/** A rendered activity split at its link markers. */
	public Card compile(byte[] activity) {
		List<byte[]> parts = new ArrayList<>();
		List<Integer> links = new ArrayList<>();
		int from = 0;
		int at;
		while ((at = indexOf(activity, this.markBytes, from)) >= 0) {
			int p = at + this.markBytes.length;
			int index = 0;
			int digits = 0;
			while (p < activity.length && activity[p] >= '0' && activity[p] <= '9' && digits < 4) {
				index = index * 10 + (activity[p++] - '0');
				digits++;
			}
			if (digits == 0 || p >= activity.length || activity[p] != '-') {
				from = at + 1;
				continue;
			}
			parts.add(java.util.Arrays.copyOfRange(activity, from, at));
			links.add(index);
			from = p + 1;
		}
		if (links.isEmpty()) {
			return new Card(activity, null, null, null);
		}
		parts.add(java.util.Arrays.copyOfRange(activity, from, activity.length));
		return new Card(activity, parts.toArray(new byte[0][]), links.stream().mapToInt(Integer::intValue).toArray(),
				this);
	}

	private static int indexOf(byte[] haystack, byte[] needle, int from) {
		outer: for (int i = from; i <= haystack.length - needle.length; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (haystack[i + j] != needle[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

	/**
	 * The privacy settings.
	 *
	 * @param perPerson whether who clicked is kept (else counts only)
	 * @param notice whether a card with tracked links must say so
	 * @param readAt when read (nanoTime)
	 */
	public record Privacy(boolean perPerson, boolean notice, long readAt) {
	}

	/**
	 * One rendered activity, ready to be given each recipient's tokens.
	 */
	public static final class Card {

		private final byte[] plain;

		private final byte[][] parts;

		private final int[] links;

		private final TrackedLinks owner;

		Card(byte[] plain, byte[][] parts, int[] links, TrackedLinks owner) {
			this.plain = plain;
			this.parts = parts;
			this.links = links;
			this.owner = owner;
		}

		/** Whether the card has tracked links. */
		public boolean tracked() {
			return this.links != null;
		}

		/**
		 * The activity one recipient gets: every link leads through {@code /r/} with a
		 * token naming them ({@code recipient} null: nobody, as for a channel or with
		 * per-person tracking off).
		 */
		public byte[] personalize(long announcementId, String variant, String recipient) {
			if (this.links == null) {
				return this.plain;
			}
			String who = this.owner.privacy().perPerson() ? recipient : null;
			byte[] prefix = this.owner.prefix();
			byte[][] tokens = new byte[this.links.length][];
			int size = 0;
			for (int i = 0; i < this.links.length; i++) {
				tokens[i] = this.owner.tokens
					.mint(new LinkTokens.Ref(announcementId, this.links[i], variant, who, LinkTokens.Medium.TEAMS))
					.getBytes(StandardCharsets.US_ASCII);
				size += prefix.length + tokens[i].length;
			}
			for (byte[] part : this.parts) {
				size += part.length;
			}
			byte[] out = new byte[size];
			int p = 0;
			for (int i = 0; i < this.parts.length; i++) {
				System.arraycopy(this.parts[i], 0, out, p, this.parts[i].length);
				p += this.parts[i].length;
				if (i < this.links.length) {
					System.arraycopy(prefix, 0, out, p, prefix.length);
					p += prefix.length;
					System.arraycopy(tokens[i], 0, out, p, tokens[i].length);
					p += tokens[i].length;
				}
			}
			return out;
		}

	}

}
