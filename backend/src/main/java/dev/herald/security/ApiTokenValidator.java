package dev.herald.security;

import java.util.List;

import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * What makes a bearer token Herald's: its {@code aud} names Herald's API and its
 * {@code tid} is the tenant Herald serves. Without these checks any app registered in the
 * tenant (ordinary users may register apps) could mint a token with a {@code roles} claim
 * of its choosing for itself, or replay a token meant for another API, and be an Admin
 * here. Added to the issuer and lifetime checks Spring Boot configures; a token failing
 * either is a 401 and none of its claims, roles included, is ever read.
 */
final class ApiTokenValidator implements OAuth2TokenValidator<Jwt> {

	private static final OAuth2Error INVALID = new OAuth2Error("invalid_token",
			"The token is not for Herald's API in this tenant", null);

	private final List<String> audiences;

	private final String tenantId;

	/**
	 * @param audiences the accepted {@code aud} values (at least one)
	 * @param tenantId the Entra tenant Herald serves
	 */
	ApiTokenValidator(List<String> audiences, String tenantId) {
		List<String> cleaned = audiences.stream().map(String::trim).filter((a) -> !a.isEmpty()).toList();
		if (cleaned.isEmpty()) {
			throw new IllegalStateException("spring.security.oauth2.resourceserver.jwt.audiences (HERALD_API_AUDIENCE) "
					+ "must name Herald's API (for example api://herald): without it any app of the tenant "
					+ "could call Herald's API with a token it minted for itself.");
		}
		if (tenantId == null || tenantId.isBlank()) {
			throw new IllegalStateException("herald.teams.tenant-id must be set");
		}
		this.audiences = cleaned;
		this.tenantId = tenantId.trim();
	}

	@Override
	public OAuth2TokenValidatorResult validate(Jwt token) {
		List<String> aud = token.getAudience();
		boolean audienceOk = aud != null && aud.stream().anyMatch(this.audiences::contains);
		boolean tenantOk = this.tenantId.equalsIgnoreCase(token.getClaimAsString("tid"));
		return (audienceOk && tenantOk) ? OAuth2TokenValidatorResult.success()
				: OAuth2TokenValidatorResult.failure(INVALID);
	}

}
