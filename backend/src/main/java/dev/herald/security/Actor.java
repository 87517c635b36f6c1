package dev.herald.security;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Who is acting: a person signed in to the UI (or calling the API with a delegated
 * token), an API client (app-only token), or Herald itself (scheduler, retention job).
 *
 * @param kind person, client or system
 * @param id immutable id: a person's Entra object id ({@code oid}, else the sign-in
 * subject), a client's id ({@code azp}/{@code appid}/{@code client_id}/{@code sub})
 * @param name display name (user name or client id), for people reading the audit log
 * @param aadObjectId a person's Entra object id, when the token carries one
 * @param roles Herald roles (AUTHOR, APPROVER, ADMIN)
 * @param groups Entra group ids from the token's {@code groups} claim
 * @param groupsKnown whether {@code groups} is the whole membership: false when the token
 * carries no {@code groups} claim at all (app-only tokens, apps not configured to emit
 * it) or reports an overage ({@code _claim_names}/{@code hasgroups}: too many groups to
 * list), so group-based guardrails cannot be applied
 */
public record Actor(Kind kind, String id, String name, String aadObjectId, Set<String> roles, List<String> groups,
		boolean groupsKnown) {

	public Actor {
		roles = Set.copyOf(roles);
		groups = List.copyOf(groups);
	}

	/** An actor whose groups are known only when some are given (fail closed). */
	public Actor(Kind kind, String id, String name, String aadObjectId, Set<String> roles, List<String> groups) {
		this(kind, id, name, aadObjectId, roles, groups, !groups.isEmpty());
	}

	public enum Kind {

		PERSON, CLIENT, SYSTEM;

		public String dbValue() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	/** Herald itself, e.g. the scheduler starting an approved announcement. */
	public static Actor system(String name) {
		return new Actor(Kind.SYSTEM, "herald", name, null, Set.of(), List.of());
	}

	/**
	 * Groups read from one token; Entra lists at most 200 before reporting an overage.
	 */
	private static final int MAX_GROUPS = 500;

	public static Actor of(Authentication authentication) {
		Map<String, Object> claims;
		boolean person;
		if (authentication instanceof JwtAuthenticationToken jwt) {
			claims = jwt.getTokenAttributes();
			// A delegated token carries scopes; an app-only (client credentials) token
			// does not.
			person = claims.containsKey("scp");
		}
		else if (authentication != null && authentication.getPrincipal() instanceof OidcUser user) {
			claims = user.getClaims();
			person = true;
		}
		else if (authentication != null) {
			return new Actor(Kind.PERSON, authentication.getName(), authentication.getName(), null,
					roles(authentication), List.of());
		}
		else {
			throw new IllegalArgumentException("No authentication");
		}
		String oid = text(claims.get("oid"));
		String id = person ? ((oid != null) ? oid : text(claims.get("sub"))) : clientId(claims);
		String name = person ? Roles.userName(claims) : id;
		return new Actor(person ? Kind.PERSON : Kind.CLIENT, (id != null) ? id : "unknown", name, oid,
				roles(authentication), groups(claims), groupsKnown(claims));
	}

	public boolean isAdmin() {
		return this.roles.contains(Roles.ADMIN);
	}

	public boolean isAuthor() {
		return this.roles.contains(Roles.AUTHOR);
	}

	public boolean isApprover() {
		return this.roles.contains(Roles.APPROVER);
	}

	private static String clientId(Map<String, Object> claims) {
		for (String claim : List.of("azp", "appid", "client_id", "sub")) {
			String value = text(claims.get(claim));
			if (value != null) {
				return value;
			}
		}
		return null;
	}

	private static Set<String> roles(Authentication authentication) {
		Set<String> roles = new LinkedHashSet<>();
		for (GrantedAuthority authority : authentication.getAuthorities()) {
			String value = authority.getAuthority();
			if (value != null && value.startsWith("ROLE_")) {
				roles.add(value.substring("ROLE_".length()));
			}
		}
		return roles;
	}

	private static List<String> groups(Map<String, Object> claims) {
		Object value = claims.get("groups");
		if (value instanceof Collection<?> c) {
			return c.stream().filter((g) -> g != null).map(String::valueOf).limit(MAX_GROUPS).toList();
		}
		return List.of();
	}

	/**
	 * Whether the token lists every group of its subject: a {@code groups} claim and no
	 * overage marker (Entra leaves {@code groups} out and points to Graph through
	 * {@code _claim_names} when there are too many, or sets {@code hasgroups}).
	 */
	private static boolean groupsKnown(Map<String, Object> claims) {
		boolean overage = (claims.get("_claim_names") instanceof Map<?, ?> names && names.containsKey("groups"))
				|| Boolean.parseBoolean(String.valueOf(claims.get("hasgroups")));
		return !overage && claims.get("groups") instanceof Collection<?> c && c.size() <= MAX_GROUPS;
	}

	private static String text(Object value) {
		return (value != null && !String.valueOf(value).isBlank()) ? String.valueOf(value) : null;
	}

}
