package dev.herald.followup;

import java.util.Arrays;
import java.util.Optional;

/**
 * Whom a reminder reaches, among people with a delivered copy: a condition over
 * {@code delivery d} joined to {@code conversation c}.
 */
enum ReminderTarget {

	NOT_ACKNOWLEDGED("not-acknowledged", """
			NOT EXISTS (SELECT 1 FROM card_response r WHERE r.announcement_id = d.announcement_id
			            AND r.tenant_id = c.tenant_id AND lower(r.aad_object_id) = lower(c.aad_object_id)
			            AND r.acknowledged_at IS NOT NULL)
			"""),

	NOT_VOTED("not-voted", """
			NOT EXISTS (SELECT 1 FROM card_response r WHERE r.announcement_id = d.announcement_id
			            AND r.tenant_id = c.tenant_id AND lower(r.aad_object_id) = lower(c.aad_object_id)
			            AND r.choice IS NOT NULL)
			"""),

	// Teams message ids grow with time: a copy was read when the person's last read
	// message id is at least its id (the report counts reads the same way).
	NOT_READ("not-read", """
			NOT EXISTS (SELECT 1 FROM read_receipt rr WHERE rr.tenant_id = c.tenant_id
			            AND lower(rr.aad_object_id) = lower(c.aad_object_id)
			            AND d.activity_id ~ '^[0-9]{1,18}$' AND rr.last_read_message_id ~ '^[0-9]{1,18}$'
			            AND CAST(d.activity_id AS bigint) <= CAST(rr.last_read_message_id AS bigint))
			""");

	private final String value;

	private final String condition;

	ReminderTarget(String value, String condition) {
		this.value = value;
		this.condition = condition;
	}

	/** As in the API: {@code not-acknowledged}, {@code not-voted}, {@code not-read}. */
	String value() {
		return this.value;
	}

	String condition() {
		return this.condition;
	}

	static Optional<ReminderTarget> of(String value) {
		return Arrays.stream(values()).filter((t) -> t.value.equals(value)).findFirst();
	}

}
