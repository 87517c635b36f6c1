package dev.herald.simulator;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.herald.simulator.Http.Kind;
import dev.herald.simulator.Http.Req;
import dev.herald.simulator.Http.Resp;
import dev.herald.simulator.Http.Router;

/** Entra ID token endpoint and the OpenID metadata of Entra and of the Bot Framework. */
final class EntraApi {

	/** Microsoft Graph's application id, which a scope may name instead of its URI. */
	private static final String GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

	/** Clock skew Entra tolerates on a client assertion's nbf and exp. */
	private static final long SKEW_SECONDS = 300;

	private final TeamsSimulator sim;

	EntraApi(TeamsSimulator sim) {
		this.sim = sim;
	}

	void register(Router r) {
		r.add("POST", "/{tenant}/oauth2/v2.0/token", Kind.ENTRA, this::token);
		r.add("GET", "/{tenant}/v2.0/.well-known/openid-configuration", Kind.ENTRA, this::entraMetadata);
		r.add("GET", "/{tenant}/discovery/v2.0/keys", Kind.ENTRA, (req) -> Resp.json(200, this.sim.keys.jwks(false)));
		r.add("GET", "/v1/.well-known/openidconfiguration", Kind.ENTRA, this::botFrameworkMetadata);
		r.add("GET", "/v1/.well-known/keys", Kind.ENTRA, (req) -> Resp.json(200, this.sim.keys.jwks(true)));
	}

	private Resp token(Req req) {
		String tenant = req.param(0);
		Map<String, String> form = Http.Req.query(req.bodyString());
		String clientId = form.get("client_id");
		String secret = form.get("client_secret");
		String basic = req.header("Authorization");
		if ((clientId == null || secret == null) && basic != null && basic.regionMatches(true, 0, "Basic ", 0, 6)) {
			String decoded = new String(Base64.getDecoder().decode(basic.substring(6).trim()));
			int colon = decoded.indexOf(':');
			if (colon > 0) {
				clientId = decoded.substring(0, colon);
				secret = decoded.substring(colon + 1);
			}
		}
		if (!"client_credentials".equals(form.get("grant_type"))) {
			return error(400, "unsupported_grant_type", 70003,
					"AADSTS70003: The app requested an unsupported grant type '" + form.get("grant_type") + "'.");
		}
		if (clientId == null || clientId.isBlank()) {
			return error(400, "invalid_request", 900144,
					"AADSTS900144: The request body must contain the following parameter: 'client_id'.");
		}
		boolean botFrameworkTenant = "botframework.com".equalsIgnoreCase(tenant)
				|| SimKeys.BOTFRAMEWORK_TENANT.equalsIgnoreCase(tenant);
		if (!botFrameworkTenant && !tenant.equalsIgnoreCase(this.sim.tenantId())
				&& !tenant.equalsIgnoreCase(this.sim.tenant.domain())) {
			return error(400, "invalid_tenant", 90002, "AADSTS90002: Tenant '" + tenant
					+ "' not found. Check to make sure you have the correct tenant ID.");
		}
		boolean strict = this.sim.config().strictAuth();
		if (strict && botFrameworkTenant && !this.sim.multiTenant(clientId)) {
			// Since July 2025 Azure creates single-tenant bots only; such an app exists
			// in its own tenant, not in Bot Framework's.
			return error(400, "unauthorized_client", 700016, "AADSTS700016: Application with identifier '" + clientId
					+ "' was not found in the directory 'Bot Framework'. This can happen if the "
					+ "application has not been installed by the administrator of the tenant or consented to by any "
					+ "user in the tenant. You may have sent your authentication request to the wrong tenant.");
		}
		String assertion = form.get("client_assertion");
		boolean certified = false;
		String kind = "secret";
		if (assertion != null) {
			// An assertion the app signed itself names the app as its issuer
			// (certificate); any other issuer is a federated credential (workload
			// identity), as Entra tells them apart.
			boolean federated = federated(clientId, assertion);
			Resp refused = federated ? checkFederated(clientId, form.get("client_assertion_type"), assertion)
					: checkAssertion(clientId, form.get("client_assertion_type"), assertion, req);
			if (refused != null) {
				return refused;
			}
			certified = true;
			kind = federated ? "federated" : "certificate";
		}
		if (strict && !certified && !this.sim.clientValid(clientId, secret)) {
			if (!this.sim.clientRegistered(clientId) && this.sim.clientCertificate(clientId) == null) {
				return error(400, "unauthorized_client", 700016, "AADSTS700016: Application with identifier '"
						+ clientId + "' was not found in the directory '" + tenant + "'.");
			}
			return error(401, "invalid_client", 7000215, "AADSTS7000215: Invalid client secret provided. "
					+ "Ensure the secret being sent in the request is the client secret value, not the client secret ID, "
					+ "for a secret added to app '" + clientId + "'.");
		}
		String scope = form.getOrDefault("scope", "").trim();
		String audience;
		if (scope.isBlank()) {
			return error(400, "invalid_request", 900144,
					"AADSTS900144: The request body must contain the following parameter: 'scope'.");
		}
		else if (strict ? scopeIs(scope, SimKeys.BOTFRAMEWORK_AUDIENCE)
				: scope.startsWith(SimKeys.BOTFRAMEWORK_AUDIENCE)) {
			audience = SimKeys.BOTFRAMEWORK_AUDIENCE;
		}
		else if (strict ? scopeIs(scope, SimKeys.GRAPH_AUDIENCE) || scope.equalsIgnoreCase(GRAPH_APP_ID + "/.default")
				: scope.startsWith(SimKeys.GRAPH_AUDIENCE)) {
			audience = SimKeys.GRAPH_AUDIENCE;
		}
		else {
			return error(400, "invalid_scope", 1002012, "AADSTS1002012: The provided value for scope " + scope
					+ " is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).");
		}
		String issuerTenant = botFrameworkTenant ? SimKeys.BOTFRAMEWORK_TENANT : this.sim.tenantId();
		int lifetime = this.sim.tokenLifetimeSeconds;
		String token = this.sim.keys.accessToken(issuerTenant, this.sim.tenantId(), audience, clientId, lifetime,
				SimKeys.GRAPH_AUDIENCE.equals(audience) ? this.sim.graphPermissions(clientId) : null);
		this.sim.stats.tokensIssued.incrementAndGet();
		this.sim.identity.count(clientId, kind, audience);
		return Resp.json(200, Json.obj("token_type", "Bearer", "expires_in", lifetime, "ext_expires_in", lifetime,
				"access_token", token));
	}

	private static boolean federated(String clientId, String assertion) {
		try {
			String issuer = com.nimbusds.jwt.SignedJWT.parse(assertion).getJWTClaimsSet().getIssuer();
			return issuer != null && !issuer.equals(clientId);
		}
		catch (java.text.ParseException ex) {
			return false;
		}
	}

	private Resp checkFederated(String clientId, String type, String assertion) {
		if (!"urn:ietf:params:oauth:client-assertion-type:jwt-bearer".equals(type)) {
			return error(400, "invalid_request", 50027, "AADSTS50027: Invalid client_assertion_type.");
		}
		try {
			return this.sim.identity.checkFederated(clientId, com.nimbusds.jwt.SignedJWT.parse(assertion),
					SKEW_SECONDS);
		}
		catch (java.text.ParseException ex) {
			return error(400, "invalid_client", 50012, "AADSTS50012: Client assertion is not a valid JWT.");
		}
	}

	/** Exactly {@code <resource>/.default}: Entra matches the resource, not a prefix. */
	private static boolean scopeIs(String scope, String resource) {
		return scope.equalsIgnoreCase(resource + "/.default");
	}

	/**
	 * A certificate credential (RFC 7523 client assertion), checked as Entra does: issuer
	 * and subject are the client, the audience is this token endpoint, it is within its
	 * lifetime (nbf, exp), its {@code x5t} (or {@code x5t#S256}) names the certificate
	 * registered for the client, and its signature verifies with that certificate.
	 */
	private Resp checkAssertion(String clientId, String type, String assertion, Req req) {
		if (!"urn:ietf:params:oauth:client-assertion-type:jwt-bearer".equals(type)) {
			return error(400, "invalid_request", 50027, "AADSTS50027: Invalid client_assertion_type.");
		}
		try {
			com.nimbusds.jwt.SignedJWT jwt = com.nimbusds.jwt.SignedJWT.parse(assertion);
			var claims = jwt.getJWTClaimsSet();
			Instant now = Instant.now();
			boolean audienceOk = claims.getAudience() != null && claims.getAudience().stream().anyMatch((aud) -> {
				try {
					java.net.URI uri = java.net.URI.create(aud);
					return uri.getScheme() != null && uri.getScheme().startsWith("http")
							&& req.rawPath.equalsIgnoreCase(uri.getRawPath());
				}
				catch (IllegalArgumentException ex) {
					return false;
				}
			});
			if (!clientId.equals(claims.getIssuer()) || !clientId.equals(claims.getSubject()) || !audienceOk
					|| claims.getExpirationTime() == null
					|| claims.getExpirationTime().toInstant().isBefore(now.minusSeconds(SKEW_SECONDS))
					|| (claims.getNotBeforeTime() != null
							&& claims.getNotBeforeTime().toInstant().isAfter(now.plusSeconds(SKEW_SECONDS)))) {
				return error(401, "invalid_client", 700023,
						"AADSTS700023: Client assertion audience, issuer, subject or lifetime is invalid.");
			}
			java.security.cert.X509Certificate certificate = this.sim.clientCertificate(clientId);
			if (certificate == null || !thumbprintMatches(jwt.getHeader(), certificate)) {
				return error(401, "invalid_client", 700027, "AADSTS700027: The certificate with identifier used to "
						+ "sign the client assertion is not registered on application '" + clientId + "'.");
			}
			if (!jwt.verify(new com.nimbusds.jose.crypto.RSASSAVerifier(
					(java.security.interfaces.RSAPublicKey) certificate.getPublicKey()))) {
				return error(401, "invalid_client", 700027,
						"AADSTS700027: Client assertion failed signature validation.");
			}
			return null;
		}
		catch (java.text.ParseException | com.nimbusds.jose.JOSEException | ClassCastException ex) {
			return error(400, "invalid_client", 50012, "AADSTS50012: Client assertion is not a valid JWT.");
		}
	}

	@SuppressWarnings("deprecation") // x5t (SHA-1) is what Entra's documentation names
	private static boolean thumbprintMatches(com.nimbusds.jose.JWSHeader header,
			java.security.cert.X509Certificate certificate) {
		try {
			byte[] der = certificate.getEncoded();
			String sha1 = Base64.getUrlEncoder()
				.withoutPadding()
				.encodeToString(java.security.MessageDigest.getInstance("SHA-1").digest(der));
			String sha256 = Base64.getUrlEncoder()
				.withoutPadding()
				.encodeToString(java.security.MessageDigest.getInstance("SHA-256").digest(der));
			String x5t = (header.getX509CertThumbprint() != null) ? header.getX509CertThumbprint().toString() : null;
			String x5t256 = (header.getX509CertSHA256Thumbprint() != null)
					? header.getX509CertSHA256Thumbprint().toString() : null;
			return (x5t != null || x5t256 != null) && (x5t == null || strip(x5t).equals(sha1))
					&& (x5t256 == null || strip(x5t256).equals(sha256));
		}
		catch (java.security.GeneralSecurityException ex) {
			return false;
		}
	}

	private static String strip(String base64url) {
		return base64url.replace("=", "");
	}

	static Resp error(int status, String error, int code, String description) {
		String trace = UUID.randomUUID().toString();
		String correlation = UUID.randomUUID().toString();
		String now = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
			.withZone(ZoneOffset.UTC)
			.format(Instant.now());
		return Resp.json(status,
				Json.obj("error", error, "error_description",
						description + "\r\nTrace ID: " + trace + "\r\nCorrelation ID: " + correlation
								+ "\r\nTimestamp: " + now,
						"error_codes", List.of(code), "timestamp", now, "trace_id", trace, "correlation_id",
						correlation, "error_uri", "https://login.microsoftonline.com/error?code=" + code));
	}

	private Resp entraMetadata(Req req) {
		String tenant = req.param(0);
		String base = this.sim.baseUrl() + "/" + tenant;
		return Resp.json(200,
				Json.obj("token_endpoint", base + "/oauth2/v2.0/token", "token_endpoint_auth_methods_supported",
						List.of("client_secret_post", "private_key_jwt", "client_secret_basic"), "jwks_uri",
						base + "/discovery/v2.0/keys", "response_modes_supported",
						List.of("query", "fragment", "form_post"), "subject_types_supported", List.of("pairwise"),
						"id_token_signing_alg_values_supported", List.of("RS256"), "response_types_supported",
						List.of("code", "id_token", "code id_token", "id_token token"), "scopes_supported",
						List.of("openid", "profile", "email", "offline_access"), "issuer",
						"https://login.microsoftonline.com/" + this.sim.tenantId() + "/v2.0", "authorization_endpoint",
						base + "/oauth2/v2.0/authorize", "tenant_region_scope", "EU", "cloud_instance_name",
						"microsoftonline.com"));
	}

	private Resp botFrameworkMetadata(Req req) {
		return Resp.json(200,
				Json.obj("issuer", SimKeys.BOTFRAMEWORK_ISSUER, "authorization_endpoint",
						"https://invalid.botframework.com", "jwks_uri", this.sim.baseUrl() + "/v1/.well-known/keys",
						"id_token_signing_alg_values_supported", List.of("RS256"),
						"token_endpoint_auth_methods_supported", List.of("private_key_jwt")));
	}

}
