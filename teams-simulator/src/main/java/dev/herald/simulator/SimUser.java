package dev.herald.simulator;

/**
 * A generated Entra user.
 *
 * @param index position in generation order (stable, used for deterministic choices)
 * @param id Entra object id (GUID)
 * @param userPrincipalName UPN
 * @param mail mail address
 * @param displayName display name
 * @param givenName given name
 * @param surname surname
 * @param userType {@code Member} or {@code Guest}
 * @param preferredLanguage one of en-US, fr-FR, de-DE, es-ES, zh-CN
 * @param department department
 * @param country country (ISO code)
 * @param jobTitle job title
 * @param teamsUserId Teams user id ({@code 29:...})
 */
public record SimUser(int index, String id, String userPrincipalName, String mail, String displayName, String givenName,
		String surname, String userType, String preferredLanguage, String department, String country, String jobTitle,
		String teamsUserId) {

	public boolean guest() {
		return "Guest".equals(this.userType);
	}

}
