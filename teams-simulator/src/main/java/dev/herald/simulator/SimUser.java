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

	/**
	 * The Teams client's locale: the person's language in their own country's form (en-GB
	 * in London, fr-BE in Brussels, de-AT in Vienna, es-MX in Mexico City), so a tenant
	 * shows both exact and language-only matches against the directory's
	 * {@code preferredLanguage}.
	 */
	public String teamsLocale() {
		int dash = this.preferredLanguage.indexOf('-');
		String language = (dash < 0) ? this.preferredLanguage : this.preferredLanguage.substring(0, dash);
		return language + "-" + this.country;
	}

	/** The office, one of a few per country (stable per person). */
	public String officeLocation() {
		String[] offices = switch (this.country) {
			case "US" -> new String[] { "Seattle", "New York", "Austin" };
			case "GB" -> new String[] { "London", "Manchester" };
			case "CA" -> new String[] { "Toronto" };
			case "IE" -> new String[] { "Dublin" };
			case "FR" -> new String[] { "Paris", "Lyon" };
			case "BE" -> new String[] { "Brussels" };
			case "DE" -> new String[] { "Berlin", "Munich", "Hamburg" };
			case "AT" -> new String[] { "Vienna" };
			case "CH" -> new String[] { "Zurich" };
			case "ES" -> new String[] { "Madrid", "Barcelona" };
			case "MX" -> new String[] { "Mexico City" };
			case "CN" -> new String[] { "Shanghai", "Beijing" };
			default -> new String[] { "Remote" };
		};
		return this.guest() ? null : offices[spread(7) % offices.length];
	}

	/** Contoso for members, the guest's home company for guests. */
	public String companyName() {
		return this.guest() ? "Fabrikam" : "Contoso";
	}

	/** Mostly employees, some contractors, a few interns and vendors; none for guests. */
	public String employeeType() {
		if (this.guest()) {
			return null;
		}
		int n = spread(13) % 100;
		return (n < 80) ? "Employee" : (n < 92) ? "Contractor" : (n < 97) ? "Intern" : "Vendor";
	}

	private int spread(int salt) {
		return Math.floorMod(this.id.hashCode() * 31 + salt, 1_000_003);
	}

}
