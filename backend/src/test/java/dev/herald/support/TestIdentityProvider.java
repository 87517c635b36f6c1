package dev.herald.support;

import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;

import java.util.List;
import java.util.Map;

/**
 * A local OpenID Connect provider (mock-oauth2-server) standing in for Entra ID: people
 * sign in to the admin UI through it and API clients get bearer tokens from it.
 */
public final class TestIdentityProvider {

	public static final String ISSUER_ID = "herald";

	/** The {@code aud} of Herald's API in tests. */
	public static final String API_AUDIENCE = "herald-api";

	private static MockOAuth2Server shared;

	private TestIdentityProvider() {
	}

	public static synchronized MockOAuth2Server get() {
		if (shared == null) {
			shared = new MockOAuth2Server();
			shared.start();
			Runtime.getRuntime().addShutdownHook(new Thread(shared::shutdown, "oidc-stop"));
		}
		return shared;
	}

	public static String issuerUrl() {
		return get().issuerUrl(ISSUER_ID).toString();
	}

	/**
	 * A bearer token for an API client with the given app roles, for Herald's API in the
	 * simulated tenant.
	 */
	public static String accessToken(String subject, String... roles) {
		// The simulators' tenant (every test simulator uses the default one).
		return token(subject, API_AUDIENCE, dev.herald.simulator.SimulatorConfig.DEFAULT_TENANT_ID, roles);
	}

	/** A bearer token with any audience and tenant (null: no {@code tid} claim). */
	public static String token(String subject, String audience, String tenantId, String... roles) {
		return token(subject, audience, tenantId, Map.of(), roles);
	}

	/** A bearer token with any audience, tenant and extra claims. */
	public static String token(String subject, String audience, String tenantId, Map<String, Object> extraClaims,
			String... roles) {
		Map<String, Object> claims = new java.util.HashMap<>(extraClaims);
		claims.put("roles", List.of(roles));
		if (tenantId != null) {
			claims.put("tid", tenantId);
		}
		return get()
			.issueToken(ISSUER_ID, subject,
					new DefaultOAuth2TokenCallback(ISSUER_ID, subject, "JWT", List.of(audience), claims, 3600))
			.serialize();
	}

	/**
	 * A bearer token with extra claims, e.g. {@code scp} (a person's delegated token) or
	 * {@code groups}.
	 */
	public static String accessToken(String subject, Map<String, Object> extraClaims, String... roles) {
		Map<String, Object> claims = new java.util.HashMap<>(extraClaims);
		claims.put("roles", List.of(roles));
		// The simulators' tenant, as for every API token (Herald checks tid).
		claims.putIfAbsent("tid", dev.herald.simulator.SimulatorConfig.DEFAULT_TENANT_ID);
		return get()
			.issueToken(ISSUER_ID, subject,
					new DefaultOAuth2TokenCallback(ISSUER_ID, subject, "JWT", List.of("herald-api"), claims, 3600))
			.serialize();
	}

	/** The next interactive sign-in will be this person with these app roles. */
	public static void nextSignIn(String subject, String... roles) {
		nextSignIn(subject, Map.of(), roles);
	}

	/**
	 * The next interactive sign-in, with extra claims (for example Entra's {@code oid},
	 * the person's object id).
	 */
	public static void nextSignIn(String subject, Map<String, Object> extraClaims, String... roles) {
		Map<String, Object> claims = new java.util.HashMap<>(extraClaims);
		claims.put("roles", List.of(roles));
		claims.put("preferred_username", subject);
		claims.putIfAbsent("name", subject);
		get().enqueueCallback(
				new DefaultOAuth2TokenCallback(ISSUER_ID, subject, "JWT", List.of("herald-ui"), claims, 3600));
	}

}
