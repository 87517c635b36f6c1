package dev.herald.approval;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The life of one approval request. */
public enum ApprovalState {

	PENDING, APPROVED, REJECTED, WITHDRAWN;

	/** States a transition into {@code this} may start from. */
	Set<ApprovalState> allowedFrom() {
		return switch (this) {
			// A new submit replaces any earlier request.
			case PENDING -> EnumSet.of(APPROVED, REJECTED, WITHDRAWN);
			case APPROVED, REJECTED -> EnumSet.of(PENDING);
			case WITHDRAWN -> EnumSet.of(PENDING, APPROVED);
		};
	}

	@com.fasterxml.jackson.annotation.JsonValue
	public String dbValue() {
		return name().toLowerCase(Locale.ROOT);
	}

	static ApprovalState fromDb(String value) {
		return valueOf(value.toUpperCase(Locale.ROOT));
	}

}
