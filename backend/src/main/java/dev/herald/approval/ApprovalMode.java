package dev.herald.approval;

import java.util.Locale;

/** When a send needs an approval. */
public enum ApprovalMode {

	/** Never (the default). */
	OFF,
	/** Always. */
	ALWAYS,
	/**
	 * For large sends: more people than the threshold, everyone, a channel of a team
	 * larger than the threshold (org-wide teams), or CRITICAL importance.
	 */
	LARGE;

	public String dbValue() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** The mode a setting names; null when it names none. */
	public static ApprovalMode parse(String value) {
		if (value == null) {
			return null;
		}
		for (ApprovalMode mode : values()) {
			if (mode.dbValue().equalsIgnoreCase(value.strip())) {
				return mode;
			}
		}
		return null;
	}

}
