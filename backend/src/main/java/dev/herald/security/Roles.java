package dev.herald.security;

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
		for (String name : names(claims)) {
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

	private static List<String> names(Map<String, Object> claims) {
		return List.of("preferred_username", "upn", "email", "sub", "azp", "appid", "client_id")
			.stream()
			.map(claims::get)
			.filter((v) -> v != null)
			.map(String::valueOf)
			.toList();
	}

	private static boolean contains(List<String> list, String name) {
		return list.stream().anyMatch(name::equalsIgnoreCase);
	}

}
