package dev.herald.audience;

import java.util.Locale;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * One part of an audience.
 *
 * @param kind what {@code ref} names
 * @param ref group or team id, channel id, Entra object id, address, or attribute rule;
 * ignored for {@code everyone}
 * @param teamId the team of a channel
 * @param label what the author saw when picking it (shown back, never trusted)
 */
public record AudienceEntry(@NotNull AudienceKind kind, @Size(max = AttributeRule.MAX_LENGTH) String ref,
		@Size(max = 200) String teamId, @Size(max = 300) String label) {

	public AudienceEntry {
		ref = (kind == AudienceKind.EVERYONE) ? "*" : trim(ref);
		// Entra ids and addresses are case-insensitive: one spelling per person.
		if (ref != null && (kind == AudienceKind.PERSON || kind == AudienceKind.ADDRESS)) {
			ref = ref.toLowerCase(Locale.ROOT);
		}
		teamId = trim(teamId);
		// A rule is its own label: chips and summaries show it as written.
		if (kind == AudienceKind.ATTRIBUTE && (label == null || label.isBlank())) {
			label = (ref != null && ref.length() <= 300) ? ref : null;
		}
	}

	@AssertTrue(message = "needs a ref (and a teamId for a channel)")
	boolean isComplete() {
		return this.kind == null || (this.ref != null && !this.ref.isEmpty()
				&& (this.kind != AudienceKind.CHANNEL || (this.teamId != null && !this.teamId.isEmpty())));
	}

	/**
	 * An attribute rule must parse: a bad one is refused when it is stored or counted.
	 */
	public void validateRule() {
		if (this.kind == AudienceKind.ATTRIBUTE) {
			AttributeRule.validate(this.ref);
		}
	}

	private static String trim(String value) {
		return (value == null) ? null : value.trim();
	}

}
