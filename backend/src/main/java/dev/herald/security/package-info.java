/**
 * Sign-in (OIDC for people, bearer tokens for API clients) and the mapping of identities
 * to Herald's roles: Author and Admin.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Security",
		type = org.springframework.modulith.ApplicationModule.Type.OPEN)
package dev.herald.security;
