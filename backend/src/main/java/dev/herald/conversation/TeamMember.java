package dev.herald.conversation;

import java.util.Locale;

/**
 * A person seen in a team, as far as Teams told us: enough to create their 1:1 chat later
 * (Teams user id and tenant), and the Entra id to match them with opt-outs and audiences.
 *
 * @param tenantId the tenant
 * @param teamId the team
 * @param teamsUserId the person's Teams id ({@code 29:...})
 * @param aadObjectId the Entra object id; unknown for people only seen in @mentions
 * @param displayName the name, if given
 * @param source how we learned of them
 */
public record TeamMember(String tenantId, String teamId, String teamsUserId, String aadObjectId, String displayName,
		Source source) {

	/**
	 * Where a member was seen; a better source never gets overwritten by a weaker one.
	 */
	public enum Source {

		ROSTER, MEMBER_ADDED, MESSAGE, MENTION;

		public String dbValue() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

}
