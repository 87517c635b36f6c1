package dev.herald.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** Herald's roles (Author, Approver, Admin) and how they are read from token claims. */
public final class Roles {

	public static final String AUTHOR = "AUTHOR";

	public static final String ADMIN = "ADMIN";

	/** Approves or rejects announcements submitted for approval (#15). */
	public static final String APPROVER = "APPROVER";

	private Roles() {
	}

	/** Authorities for a signed-in identity, from its claims and the configured lists. */
	static Set<GrantedAuthority> from(Map<String, Object> claims, SecurityProperties properties) {
		return from(claims, properties, false);
	}

	/**
	 * Authorities from claims and the configured lists.
	 * @param apiToken whether the claims are an API bearer token's, whose app-only tokens
	 * may also be matched by the calling app's id
	 */
	static Set<GrantedAuthority> from(Map<String, Object> claims, SecurityProperties properties, boolean apiToken) {
		Set<String> roles = new LinkedHashSet<>();
		Object claim = claims.get(properties.roleClaim());
		Collection<?> values = (claim instanceof Collection<?> c) ? c : (claim != null) ? List.of(claim) : List.of();
		for (Object value : values) {
			String role = String.valueOf(value);
			if (role.equalsIgnoreCase(properties.adminRole())) {
				roles.add(ADMIN);
			}
			else if (role.equalsIgnoreCase(properties.authorRole())) {
				roles.add(AUTHOR);
			}
			else if (role.equalsIgnoreCase(properties.approverRole())) {
				roles.add(APPROVER);
			}
		}
		for (String name : ids(claims, apiToken)) {
			if (contains(properties.admins(), name)) {
				roles.add(ADMIN);
			}
			if (contains(properties.authors(), name)) {
				roles.add(AUTHOR);
			}
			if (contains(properties.approvers(), name)) {
				roles.add(APPROVER);
			}
		}
		if (roles.contains(ADMIN)) {
			roles.add(AUTHOR); // admins can do everything authors and approvers can
			roles.add(APPROVER);
		}
		Set<GrantedAuthority> authorities = new LinkedHashSet<>();
		roles.forEach((role) -> authorities.add(new SimpleGrantedAuthority("ROLE_" + role)));
		return authorities;
	}

	/** The display name of a principal: the best human-readable claim available. */
	public static String userName(Map<String, Object> claims) {
		for (String key : List.of("preferred_username", "upn", "email", "name", "sub", "azp", "appid")) {
			Object value = claims.get(key);
			if (value != null && !String.valueOf(value).isBlank()) {
				return String.valueOf(value);
			}
		}
		return "unknown";
	}

	/**
	 * The immutable ids the bootstrap lists are matched against: the Entra object id
	 * ({@code oid}), or {@code sub} for an identity provider without one (OpenID's
	 * {@code sub} is never reassigned). An app-only API token (no {@code scp}: no person
	 * behind it) is also matched by its app id. Names and e-mail addresses never count:
	 * they can be renamed, reused or, in some tenants, chosen by the person.
	 */
	private static List<String> ids(Map<String, Object> claims, boolean apiToken) {
		List<String> ids = new ArrayList<>();
		Object oid = claims.get("oid");
		ids.add(String.valueOf((oid != null) ? oid : claims.get("sub")));
		if (apiToken && claims.get("scp") == null) {
			List.of("azp", "appid").forEach((key) -> {
				if (claims.get(key) != null) {
					ids.add(String.valueOf(claims.get(key)));
				}
			});
		}
		ids.removeIf("null"::equals);
		return ids;
	}

	private static boolean contains(List<String> list, String name) {
		return list.stream().anyMatch(name::equalsIgnoreCase);
	}

}
