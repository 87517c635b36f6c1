package dev.herald.api;

import java.time.Instant;
import java.util.List;

/**
 * A system registered by an admin to send notifications.
 *
 * @param clientId what the caller's bearer token names it ({@code azp}, {@code appid} or
 * {@code sub})
 * @param displayName shown to employees as the sender of its notifications
 * @param allowedTopics topics it may send with; empty for any
 * @param allowedAudiences audiences it may address; empty for none
 * @param perMinute its own per-minute quota, or null for the default
 * @param perDay its own per-day quota, or null for the default
 * @param enabled whether it may send at all
 * @param createdBy the admin who registered it
 * @param createdAt when
 * @param updatedAt when it last changed
 * @param maySendCritical whether it may send {@code importance: CRITICAL}, which reaches
 * people who opted out (off unless an admin grants it)
 * @param maySetAuthor whether its cards may carry an author line of its choosing;
 * otherwise they are signed with {@code displayName}
 * @param maySendUrgent whether it may send {@code importance: URGENT}, announced to
 * everyone's activity feed (off unless an admin grants it; #25)
 */
public record ApiClient(String clientId, String displayName, List<String> allowedTopics, List<String> allowedAudiences,
		Integer perMinute, Integer perDay, boolean enabled, String createdBy, Instant createdAt, Instant updatedAt,
		boolean maySendCritical, boolean maySetAuthor, boolean maySendUrgent) {

	public ApiClient(String clientId, String displayName, List<String> allowedTopics, List<String> allowedAudiences,
			Integer perMinute, Integer perDay, boolean enabled, String createdBy, Instant createdAt, Instant updatedAt,
			boolean maySendCritical, boolean maySetAuthor) {
		this(clientId, displayName, allowedTopics, allowedAudiences, perMinute, perDay, enabled, createdBy, createdAt,
				updatedAt, maySendCritical, maySetAuthor, false);
	}

	public boolean allowsTopic(String topic) {
		return this.allowedTopics.isEmpty() || (topic != null && this.allowedTopics.contains(topic));
	}

	public boolean allowsAudience(String audience) {
		return this.allowedAudiences.contains(audience);
	}

}
