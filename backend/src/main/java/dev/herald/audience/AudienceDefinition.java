package dev.herald.audience;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * An audience as the author composed it: any mix of entries. Duplicate entries collapse;
 * people reached through several entries are deduplicated when it is resolved.
 *
 * @param entries the parts
 */
public record AudienceDefinition(@NotNull @Size(max = 100_000) List<@Valid @NotNull AudienceEntry> entries) {

	public AudienceDefinition {
		if (entries != null) {
			Map<String, AudienceEntry> unique = new LinkedHashMap<>();
			for (AudienceEntry entry : entries) {
				if (entry != null && entry.kind() != null) {
					unique.putIfAbsent(entry.kind() + "\u0000" + entry.ref(), entry);
				}
				else {
					// Keep invalid entries so that validation reports them.
					unique.put("invalid" + unique.size(), entry);
				}
			}
			entries = List.copyOf(unique.values().stream().filter((e) -> e != null).toList());
		}
	}

	/** Parses every attribute rule; throws {@link AttributeRule.InvalidRuleException}. */
	public void validateRules() {
		if (this.entries != null) {
			this.entries.forEach(AudienceEntry::validateRule);
		}
	}

	public boolean isEmpty() {
		return this.entries == null || this.entries.isEmpty();
	}

	List<AudienceEntry> of(AudienceKind kind) {
		return this.entries.stream().filter((e) -> e.kind() == kind).toList();
	}

}
