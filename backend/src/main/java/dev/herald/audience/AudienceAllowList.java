package dev.herald.audience;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which audience entries someone may address, as {@code kind:ref} strings (e.g.
 * {@code group:<id>}, {@code team:<id>}, {@code channel:<id>}, {@code everyone:*}); the
 * one mechanism behind API clients' allowed audiences and author guardrails.
 * {@code kind:*} allows every entry of a kind; a team allows its channels too.
 *
 * @param allowed the allowed entries
 */
public record AudienceAllowList(Set<String> allowed) {

	public AudienceAllowList {
		allowed = allowed.stream()
			.map((a) -> a.strip().toLowerCase(Locale.ROOT))
			.collect(Collectors.toUnmodifiableSet());
	}

	public static AudienceAllowList of(Collection<String> allowed) {
		return new AudienceAllowList(Set.copyOf(allowed));
	}

	/** The {@code kind:ref} form of an entry. */
	public static String key(AudienceEntry entry) {
		return entry.kind().dbValue() + ":" + entry.ref();
	}

	public boolean allows(AudienceEntry entry) {
		String kind = entry.kind().dbValue();
		return has(key(entry)) || has(kind + ":*")
				|| (entry.kind() == AudienceKind.CHANNEL && entry.teamId() != null && has("team:" + entry.teamId()));
	}

	/**
	 * Whether this channel entry is allowed only because its team is (so only if the
	 * channel really is one of that team's).
	 */
	public boolean allowsOnlyThroughTeam(AudienceEntry entry) {
		return entry.kind() == AudienceKind.CHANNEL && !has(key(entry)) && !has("channel:*") && allows(entry);
	}

	/** The entries of this audience that are not allowed, in {@code kind:ref} form. */
	public List<String> refused(AudienceDefinition audience) {
		return audience.entries().stream().filter((e) -> !allows(e)).map(AudienceAllowList::key).toList();
	}

	private boolean has(String key) {
		return this.allowed.contains(key.toLowerCase(Locale.ROOT));
	}

}
