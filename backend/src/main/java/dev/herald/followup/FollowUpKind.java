package dev.herald.followup;

import java.util.Locale;

/** What an operation does to each copy. */
enum FollowUpKind {

	/** PUT the current content over the delivered copy. */
	UPDATE,
	/** DELETE the delivered copy. */
	DELETE,
	/** Post a short reminder as a reply to the delivered copy. */
	REMIND;

	String dbValue() {
		return name().toLowerCase(Locale.ROOT);
	}

	static FollowUpKind fromDb(String value) {
		return valueOf(value.toUpperCase(Locale.ROOT));
	}

}
