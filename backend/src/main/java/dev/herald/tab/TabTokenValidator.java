package dev.herald.tab;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * What makes a bearer token a Teams single sign-on token for Herald's tab, on top of the
 * signature (RS256 by a key of the tenant's JWKS) and lifetime the decoder checks:
 * <ul>
 * <li>{@code iss} is Herald's tenant, in the v1 or the v2 form;</li>
 * <li>{@code tid} is Herald's tenant (a token of another tenant signed by the same Entra
 * keys is refused);</li>
 * <li>{@code aud} is Herald's app: its id (v2) or its Application ID URI (v1). So a token
 * for Herald's API, for Graph or for any other app is refused, and a tab token is refused
 * by the API in turn (its audience is not the API's);</li>
 * <li>{@code scp} holds {@code access_as_user}: a delegated token of a person, never an
 * app-only token (which has no {@code scp});</li>
 * <li>{@code azp} (v2) or {@code appid} (v1) is one of Teams' clients, when the list is
 * set;</li>
 * <li>{@code oid} is present: the person is known by it, never by a name.</li>
 * </ul>
 */
final class TabTokenValidator implements OAuth2TokenValidator<Jwt> {

	private static final OAuth2Error INVALID = new OAuth2Error("invalid_token",
			"The token is not a Teams sign-on token for Herald in this tenant", null);

	private final Set<String> issuers;

	private final String tenantId;

	private final Set<String> audiences;

	private final String scope;

	private final Set<String> clientIds;

	TabTokenValidator(List<String> issuers, String tenantId, List<String> audiences, String scope,
			List<String> clientIds) {
		if (tenantId == null || tenantId.isBlank()) {
			throw new IllegalStateException("herald.teams.tenant-id must be set");
		}
		this.issuers = Set.copyOf(issuers);
		this.tenantId = tenantId.trim();
		this.audiences = audiences.stream()
			.filter((a) -> a != null && !a.isBlank())
			.map((a) -> a.trim().toLowerCase(Locale.ROOT))
			.collect(Collectors.toUnmodifiableSet());
		if (this.audiences.isEmpty()) {
			throw new IllegalStateException("herald.teams.bot-app-id must be set: it is the tab's token audience");
		}
		this.scope = scope;
		this.clientIds = clientIds.stream()
			.map((c) -> c.trim().toLowerCase(Locale.ROOT))
			.filter((c) -> !c.isEmpty())
			.collect(Collectors.toUnmodifiableSet());
	}

	@Override
	public OAuth2TokenValidatorResult validate(Jwt token) {
		// The decoder's timestamp check skips a missing exp: a token without one would
		// never expire.
		return (token.getExpiresAt() != null && issuerOk(token) && tenantOk(token) && audienceOk(token)
				&& scopeOk(token) && clientOk(token) && personOk(token)) ? OAuth2TokenValidatorResult.success()
						: OAuth2TokenValidatorResult.failure(INVALID);
	}

	private boolean issuerOk(Jwt token) {
		String iss = token.getClaimAsString("iss");
		return iss != null && this.issuers.contains(iss);
	}

	private boolean tenantOk(Jwt token) {
		return this.tenantId.equalsIgnoreCase(token.getClaimAsString("tid"));
	}

	private boolean audienceOk(Jwt token) {
		List<String> aud = token.getAudience();
		return aud != null && aud.stream()
			.anyMatch((a) -> a != null && this.audiences.contains(a.trim().toLowerCase(Locale.ROOT)));
	}

	private boolean scopeOk(Jwt token) {
		// Entra writes scopes as one space-separated string.
		Object scp = token.getClaims().get("scp");
		return scp instanceof String text && Arrays.asList(text.trim().split("\\s+")).contains(this.scope);
	}

	private boolean clientOk(Jwt token) {
		if (this.clientIds.isEmpty()) {
			return true;
		}
		String client = token.getClaimAsString("azp");
		if (client == null) {
			client = token.getClaimAsString("appid");
		}
		return client != null && this.clientIds.contains(client.trim().toLowerCase(Locale.ROOT));
	}

	private static boolean personOk(Jwt token) {
		String oid = token.getClaimAsString("oid");
		return oid != null && !oid.isBlank() && oid.length() <= 64;
	}

}
