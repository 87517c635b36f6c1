package dev.herald.simulator;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import dev.herald.simulator.Http.Kind;
import dev.herald.simulator.Http.Req;
import dev.herald.simulator.Http.Resp;
import dev.herald.simulator.Http.Router;

/**
 * The identities an Azure host gives an app without a secret, as Azure serves them:
 * <ul>
 * <li>the Instance Metadata Service ({@code GET /metadata/identity/oauth2/token},
 * {@code api-version=2018-02-01}, header {@code Metadata: true}), which azure-identity
 * reaches at {@code AZURE_POD_IDENTITY_AUTHORITY_HOST} instead of 169.254.169.254;</li>
 * <li>App Service's identity endpoint ({@code IDENTITY_ENDPOINT} = {@code /msi/token},
 * {@code api-version=2019-08-01}, header {@code X-IDENTITY-HEADER} =
 * {@code IDENTITY_HEADER});</li>
 * <li>workload identity federation: a cluster's OIDC issuer (here {@code /_sim/oidc})
 * signs service-account tokens (audience {@code api://AzureADTokenExchange}) that an app
 * presents at the token endpoint as a {@code jwt-bearer} client assertion; Entra accepts
 * one only when a federated credential of the app names its issuer, subject and
 * audience.</li>
 * </ul>
 * Also counts the tokens issued per client and kind of credential, so tests can see that
 * a client reuses its tokens.
 */
final class IdentityApi {

	/** Managed identity tokens live a day, as Azure's do. */
	static final int MANAGED_LIFETIME = 86_399;

	/** The audience Entra expects in a federated token (workload identity). */
	static final String EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

	private final TeamsSimulator sim;

	/** Client ids of the user-assigned identities assigned to "this host". */
	final Set<String> assignedIdentities = ConcurrentHashMap.newKeySet();

	/** The secret App Service puts in {@code IDENTITY_HEADER}. */
	final String identityHeader = UUID.randomUUID().toString();

	/** Federated identity credentials per app registration. */
	private final Map<String, List<FederatedCredential>> federated = new ConcurrentHashMap<>();

	/** The cluster issuer's signing key. */
	private final RSAKey clusterKey;

	/** Tokens issued: client id → credential kind → audience → count. */
	private final Map<String, Map<String, Map<String, AtomicLong>>> issued = new ConcurrentHashMap<>();

	/** A federated identity credential (Entra: issuer, subject, audiences). */
	record FederatedCredential(String issuer, String subject, String audience) {
	}

	IdentityApi(TeamsSimulator sim) {
		this.sim = sim;
		try {
			this.clusterKey = new RSAKeyGenerator(2048).keyID("cluster-" + UUID.randomUUID())
				.keyUse(KeyUse.SIGNATURE)
				.algorithm(JWSAlgorithm.RS256)
				.generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	void register(Router r) {
		r.add("GET", "/metadata/identity/oauth2/token", Kind.ENTRA, this::imds);
		r.add("GET", "/msi/token", Kind.ENTRA, this::appService);
		r.add("GET", "/_sim/oidc/.well-known/openid-configuration", Kind.SIM,
				(req) -> Resp.json(200,
						Json.obj("issuer", clusterIssuer(), "jwks_uri", clusterIssuer() + "/keys",
								"response_types_supported", List.of("id_token"), "subject_types_supported",
								List.of("public"), "id_token_signing_alg_values_supported", List.of("RS256"))));
		r.add("GET", "/_sim/oidc/keys", Kind.SIM,
				(req) -> Resp.json(200, Map.of("keys", List.of(this.clusterKey.toPublicJWK().toJSONObject()))));
	}

	// ---- managed identity ----

	/** IMDS, as on an Azure VM (and AKS pod identity v1). */
	private Resp imds(Req req) {
		if (!"true".equalsIgnoreCase(req.header("Metadata"))) {
			return Resp.json(400, Json.obj("error", "invalid_request", "error_description",
					"Required metadata header not specified"));
		}
		if (req.header("X-Forwarded-For") != null) {
			// IMDS refuses anything that went through a proxy.
			return Resp.json(400,
					Json.obj("error", "invalid_request", "error_description", "Request is forwarded by a proxy"));
		}
		if (!"2018-02-01".equals(req.q("api-version"))) {
			return Resp.json(400, Json.obj("error", "invalid_request", "error_description",
					"Invalid api-version '" + req.q("api-version") + "'"));
		}
		return managedToken(req, "imds", req.q("client_id"));
	}

	/** App Service and Functions (api-version 2019-08-01). */
	private Resp appService(Req req) {
		if (!this.identityHeader.equals(req.header("X-IDENTITY-HEADER"))) {
			return Resp.json(401, Json.obj("statusCode", 401, "message",
					"The X-IDENTITY-HEADER is missing or does not match.", "correlationId", UUID.randomUUID()));
		}
		if (!"2019-08-01".equals(req.q("api-version"))) {
			return Resp.json(400, Json.obj("statusCode", 400, "message",
					"Unsupported api-version '" + req.q("api-version") + "'.", "correlationId", UUID.randomUUID()));
		}
		return managedToken(req, "appService", req.q("client_id"));
	}

	private Resp managedToken(Req req, String kind, String clientId) {
		String resource = req.q("resource");
		if (resource == null || resource.isBlank()) {
			return Resp.json(400, Json.obj("error", "invalid_request", "error_description",
					"Required audience parameter not specified"));
		}
		if (req.q("msi_res_id") != null || req.q("mi_res_id") != null || req.q("object_id") != null
				|| req.q("principal_id") != null) {
			// Herald names its identity by client id; the others would need a resource
			// graph this stand-in does not have.
			return Resp.json(400, Json.obj("error", "invalid_request", "error_description", "Identity not found"));
		}
		if (clientId == null || !this.assignedIdentities.contains(clientId.toLowerCase(java.util.Locale.ROOT))) {
			// No system-assigned identity here, and only the assigned user-assigned ones.
			return Resp.json(400, Json.obj("error", "invalid_request", "error_description", "Identity not found"));
		}
		String audience = resource.replaceAll("/+$", "");
		if (!SimKeys.BOTFRAMEWORK_AUDIENCE.equals(audience) && !SimKeys.GRAPH_AUDIENCE.equals(audience)) {
			return Resp.json(400,
					Json.obj("error", "invalid_resource", "error_description",
							"AADSTS500011: The resource principal named " + resource
									+ " was not found in the tenant named " + this.sim.tenantId() + "."));
		}
		String token = this.sim.keys.accessToken(this.sim.tenantId(), this.sim.tenantId(), audience, clientId,
				MANAGED_LIFETIME, SimKeys.GRAPH_AUDIENCE.equals(audience) ? this.sim.graphPermissions(clientId) : null);
		count(clientId, kind, audience);
		long now = Instant.now().getEpochSecond();
		// Numbers as strings, as both endpoints answer.
		return Resp.json(200,
				Json.obj("access_token", token, "client_id", clientId, "expires_in", Integer.toString(MANAGED_LIFETIME),
						"expires_on", Long.toString(now + MANAGED_LIFETIME), "ext_expires_in",
						Integer.toString(MANAGED_LIFETIME), "not_before", Long.toString(now), "resource", resource,
						"token_type", "Bearer"));
	}

	// ---- workload identity federation ----

	String clusterIssuer() {
		return this.sim.baseUrl() + "/_sim/oidc";
	}

	void addFederatedCredential(String clientId, FederatedCredential credential) {
		this.federated
			.computeIfAbsent(clientId.toLowerCase(java.util.Locale.ROOT),
					(k) -> new java.util.concurrent.CopyOnWriteArrayList<>())
			.add(credential);
	}

	/** A service-account token as the cluster's kubelet projects it into a pod. */
	String serviceAccountToken(String subject, String audience, Instant notBefore, Instant expires) {
		try {
			SignedJWT jwt = new SignedJWT(
					new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
						.keyID(this.clusterKey.getKeyID())
						.build(),
					new JWTClaimsSet.Builder().issuer(clusterIssuer())
						.subject(subject)
						.audience(audience)
						.issueTime(Date.from(notBefore))
						.notBeforeTime(Date.from(notBefore))
						.expirationTime(Date.from(expires))
						.jwtID(UUID.randomUUID().toString())
						.build());
			jwt.sign(new RSASSASigner(this.clusterKey));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Checks a federated client assertion as Entra does; null when accepted, else the
	 * error answer. The issuer must be one whose keys Entra can fetch (here: the
	 * simulator's cluster issuer).
	 */
	Resp checkFederated(String clientId, SignedJWT jwt, long skewSeconds) {
		try {
			JWTClaimsSet claims = jwt.getJWTClaimsSet();
			String issuer = claims.getIssuer();
			String subject = claims.getSubject();
			List<String> audiences = (claims.getAudience() != null) ? claims.getAudience() : List.of();
			List<FederatedCredential> credentials = this.federated
				.getOrDefault(clientId.toLowerCase(java.util.Locale.ROOT), List.of());
			boolean matched = credentials.stream()
				.anyMatch((c) -> c.issuer().equals(issuer) && c.subject().equals(subject)
						&& audiences.contains(c.audience()));
			if (!matched) {
				return EntraApi.error(400, "invalid_request", 70021,
						"AADSTS70021: No matching federated identity record found for presented assertion. "
								+ "Assertion Issuer: '" + issuer + "'. Assertion Subject: '" + subject
								+ "'. Assertion Audience: '" + String.join(",", audiences) + "'.");
			}
			Instant now = Instant.now();
			if (claims.getExpirationTime() == null
					|| claims.getExpirationTime().toInstant().isBefore(now.minusSeconds(skewSeconds))
					|| (claims.getNotBeforeTime() != null
							&& claims.getNotBeforeTime().toInstant().isAfter(now.plusSeconds(skewSeconds)))) {
				return EntraApi.error(400, "invalid_client", 700024,
						"AADSTS700024: Client assertion is not within its valid time range.");
			}
			if (!clusterIssuer().equals(issuer)) {
				return EntraApi.error(400, "invalid_client", 50166,
						"AADSTS50166: Request to External OIDC endpoint failed.");
			}
			if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())
					|| !jwt.verify(new RSASSAVerifier(this.clusterKey.toRSAPublicKey()))) {
				return EntraApi.error(401, "invalid_client", 700027,
						"AADSTS700027: Client assertion failed signature validation.");
			}
			return null;
		}
		catch (java.text.ParseException | JOSEException ex) {
			return EntraApi.error(400, "invalid_client", 50012, "AADSTS50012: Client assertion is not a valid JWT.");
		}
	}

	// ---- counting ----

	void count(String clientId, String kind, String audience) {
		this.issued.computeIfAbsent(clientId.toLowerCase(java.util.Locale.ROOT), (k) -> new ConcurrentHashMap<>())
			.computeIfAbsent(kind, (k) -> new ConcurrentHashMap<>())
			.computeIfAbsent(audience, (k) -> new AtomicLong())
			.incrementAndGet();
	}

	long issued(String clientId, String kind, String audience) {
		AtomicLong n = this.issued.getOrDefault(clientId.toLowerCase(java.util.Locale.ROOT), Map.of())
			.getOrDefault(kind, Map.of())
			.get(audience);
		return (n != null) ? n.get() : 0;
	}

	/** For {@code /_sim/stats}: client → kind → audience → tokens issued. */
	Map<String, Object> issuedMap() {
		Map<String, Object> m = new TreeMap<>();
		this.issued.forEach((client, kinds) -> {
			Map<String, Object> byKind = new TreeMap<>();
			kinds.forEach((kind, audiences) -> {
				Map<String, Object> byAudience = new TreeMap<>();
				audiences.forEach((aud, n) -> byAudience.put(aud, n.get()));
				byKind.put(kind, byAudience);
			});
			m.put(client, byKind);
		});
		return m;
	}

	void reset() {
		this.issued.clear();
	}

}
