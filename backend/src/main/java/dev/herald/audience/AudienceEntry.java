package dev.herald.audience;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * One part of an audience.
 *
 * @param kind what {@code ref} names
 * @param ref group or team id, channel id, Entra object id, or address; ignored for
 * {@code everyone}
 * @param teamId the team of a channel
 * @param label what the author saw when picking it (shown back, never trusted)
 */
public record AudienceEntry(@NotNull AudienceKind kind, @Size(max = 320) String ref, @Size(max = 200) String teamId,
		@Size(max = 300) String label) {

	public AudienceEntry {
		ref = (kind == AudienceKind.EVERYONE) ? "*" : trim(ref);
		// Entra ids and addresses are case-insensitive: one spelling per person.
		if (ref != null && (kind == AudienceKind.PERSON || kind == AudienceKind.ADDRESS)) {
			ref = ref.toLowerCase(java.util.Locale.ROOT);
		}
		teamId = trim(teamId);
	}

	@AssertTrue(message = "needs a ref (and a teamId for a channel)")
	boolean isComplete() {
		return this.kind == null || (this.ref != null && !this.ref.isEmpty()
				&& (this.kind != AudienceKind.CHANNEL || (this.teamId != null && !this.teamId.isEmpty())));
	}

	private static String trim(String value) {
		return (value == null) ? null : value.trim();
	}

}
