package dev.herald.install;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** States of a person's proactive install ({@code app_install.state}). */
enum InstallState {

	/** Waiting for a worker. */
	REQUESTED,
	/** A worker holds the lease and calls Graph. */
	INSTALLING,
	/** Graph installed it (201) or it was there (409); waiting for the conversation. */
	INSTALLED,
	/** The conversation is known; the person's ledger rows moved on. */
	RESOLVED,
	/**
	 * No retry will help (no licence, person gone, app not in the catalog, switched off).
	 */
	FAILED;

	/** States a transition into {@code this} may start from. */
	Set<InstallState> allowedFrom() {
		return switch (this) {
			case REQUESTED -> EnumSet.of(INSTALLING, INSTALLED, RESOLVED, FAILED);
			case INSTALLING -> EnumSet.of(REQUESTED);
			case INSTALLED -> EnumSet.of(INSTALLING);
			case RESOLVED -> EnumSet.of(REQUESTED, INSTALLING, INSTALLED);
			case FAILED -> EnumSet.of(REQUESTED, INSTALLING, INSTALLED);
		};
	}

	String dbValue() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** The SQL list of source states, for guarded UPDATEs. */
	String fromSql() {
		return String.join(", ", allowedFrom().stream().map((s) -> "'" + s.dbValue() + "'").toList());
	}

}
