/**
 * Sign-in (OIDC for people, bearer tokens for API clients) and the mapping of identities
 * to Herald's roles: Author, Approver and Admin; the acting
 * {@link dev.herald.security.Actor} of a request; the staff who signed in.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Security",
		type = org.springframework.modulith.ApplicationModule.Type.OPEN)
package dev.herald.security;
