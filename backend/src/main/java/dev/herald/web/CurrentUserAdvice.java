package dev.herald.web;

import dev.herald.security.Roles;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** Puts who is signed in, and whether they are an admin, into every page's model. */
@ControllerAdvice(annotations = Controller.class)
class CurrentUserAdvice {

	@ModelAttribute("currentUser")
	String currentUser(Authentication authentication) {
		if (authentication != null && authentication.getPrincipal() instanceof OidcUser user) {
			Object name = user.getClaims().get("name");
			return (name != null) ? name.toString() : Roles.userName(user.getClaims());
		}
		return null;
	}

	@ModelAttribute("isAdmin")
	boolean isAdmin(Authentication authentication) {
		return authentication != null && authentication.getAuthorities()
			.stream()
			.anyMatch((a) -> ("ROLE_" + Roles.ADMIN).equals(a.getAuthority()));
	}

	@ModelAttribute("isApprover")
	boolean isApprover(Authentication authentication) {
		return authentication != null && authentication.getAuthorities()
			.stream()
			.anyMatch((a) -> ("ROLE_" + Roles.APPROVER).equals(a.getAuthority()));
	}

}
