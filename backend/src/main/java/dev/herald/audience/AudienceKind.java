package dev.herald.audience;

import java.util.Locale;

/** The kinds of audience an author can mix in one announcement. */
public enum AudienceKind {

	/** Every member of the tenant (from the synced directory). */
	EVERYONE,
	/** An Entra group, nested groups included (Graph transitiveMembers). */
	GROUP,
	/** The members of a team, each in their 1:1 chat. */
	TEAM,
	/** A post in one channel of a team. */
	CHANNEL,
	/** One person by Entra object id. */
	PERSON,
	/** One person by UPN or mail address (CSV uploads), matched against the directory. */
	ADDRESS,
	/**
	 * Everyone whose synced directory fields match a rule ({@link AttributeRule}), e.g.
	 * {@code department in (Sales) and country in (DE, FR)}.
	 */
	ATTRIBUTE;

	public String dbValue() {
		return name().toLowerCase(Locale.ROOT);
	}

	static AudienceKind fromDb(String value) {
		return valueOf(value.toUpperCase(Locale.ROOT));
	}

}
