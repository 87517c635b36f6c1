package dev.herald.simulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

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

/**
 * The simulator's RSA signing key (one per JVM), token minting and validation.
 */
final class SimKeys {

	static final String BOTFRAMEWORK_ISSUER = "https://api.botframework.com";

	static final String BOTFRAMEWORK_AUDIENCE = "https://api.botframework.com";

	static final String GRAPH_AUDIENCE = "https://graph.microsoft.com";

	/** The botframework.com tenant. */
	static final String BOTFRAMEWORK_TENANT = "d6d49420-f39b-4df7-a1dc-d59a935871db";

	private static volatile RSAKey sharedKey;

	private final RSAKey key;

	private final RSASSASigner signer;

	private final RSASSAVerifier verifier;

	private final Map<String, Validated> validated = new ConcurrentHashMap<>();

	private volatile CachedToken channelToken;

	/**
	 * A verified token: audience, app and, for Graph, the application roles it carries.
	 */
	record Validated(String audience, String appId, long expiresAtSecond, java.util.Set<String> roles) {
	}

	private record CachedToken(String serviceUrl, String audience, String token, long refreshAfterMillis) {
	}

	SimKeys() {
		try {
			this.key = key();
			this.signer = new RSASSASigner(this.key);
			this.verifier = new RSASSAVerifier(this.key.toRSAPublicKey());
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static RSAKey key() throws JOSEException {
		RSAKey k = sharedKey;
		if (k == null) {
			synchronized (SimKeys.class) {
				k = sharedKey;
				if (k == null) {
					RSAKey raw = new RSAKeyGenerator(2048).generate();
					String kid = "sim" + raw.computeThumbprint().toString().substring(0, 24);
					k = new RSAKey.Builder(raw).keyID(kid)
						.keyUse(KeyUse.SIGNATURE)
						.algorithm(JWSAlgorithm.RS256)
						.build();
					sharedKey = k;
				}
			}
		}
		return k;
	}

	String kid() {
		return this.key.getKeyID();
	}

	/** JWKS; with endorsements for the Bot Framework variant. */
	Map<String, Object> jwks(boolean endorsements) {
		Map<String, Object> jwk = new LinkedHashMap<>(this.key.toPublicJWK().toJSONObject());
		jwk.put("x5t", kid());
		if (endorsements) {
			jwk.put("endorsements", List.of("msteams"));
		}
		else {
			jwk.put("issuer", "https://login.microsoftonline.com/{tenantid}/v2.0");
		}
		List<Object> keys = new ArrayList<>();
		keys.add(jwk);
		return Map.of("keys", keys);
	}

	String sign(JWTClaimsSet claims) {
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
				.keyID(kid())
				.x509CertThumbprint(new com.nimbusds.jose.util.Base64URL(kid()))
				.build(), claims);
			jwt.sign(this.signer);
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** An Entra access token (client credentials). */
	String accessToken(String issuerTenant, String tenantId, String audience, String appId, int lifetimeSeconds,
			java.util.Collection<String> roles) {
		Instant now = Instant.now();
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer("https://sts.windows.net/" + issuerTenant + "/")
			.audience(audience)
			.issueTime(Date.from(now))
			.notBeforeTime(Date.from(now.minusSeconds(5)))
			.expirationTime(Date.from(now.plusSeconds(lifetimeSeconds)))
			.claim("appid", appId)
			.claim("azp", appId)
			.claim("appidacr", "1")
			.claim("idtyp", "app")
			.claim("tid", tenantId)
			.claim("oid", UUID.nameUUIDFromBytes(appId.getBytes()).toString())
			.claim("sub", UUID.nameUUIDFromBytes(appId.getBytes()).toString())
			.claim("ver", "1.0")
			.jwtID(UUID.randomUUID().toString());
		// As in Entra: an app-only token lists the granted application permissions; no
		// claim at all when none is granted.
		if (roles != null && !roles.isEmpty()) {
			claims.claim("roles", new ArrayList<>(roles));
		}
		return sign(claims.build());
	}

	/**
	 * A Bot Framework channel token as Teams sends to the bot; cached for a minute (it is
	 * valid for five).
	 */
	String channelToken(String botAppId, String serviceUrl) {
		CachedToken cached = this.channelToken;
		long now = System.currentTimeMillis();
		if (cached != null && cached.serviceUrl.equals(serviceUrl) && cached.audience.equals(botAppId)
				&& now < cached.refreshAfterMillis) {
			return cached.token;
		}
		Instant t = Instant.ofEpochMilli(now);
		String token = sign(new JWTClaimsSet.Builder().issuer(BOTFRAMEWORK_ISSUER)
			.audience(botAppId)
			.claim("serviceurl", serviceUrl)
			.notBeforeTime(Date.from(t.minusSeconds(5)))
			.issueTime(Date.from(t))
			.expirationTime(Date.from(t.plusSeconds(300)))
			.build());
		this.channelToken = new CachedToken(serviceUrl, botAppId, token, now + 60_000);
		return token;
	}

	/**
	 * Validates a bearer token minted by this simulator; returns null when invalid
	 * (signature, expiry) or unparseable.
	 */
	Validated validate(String token) {
		if (token == null) {
			return null;
		}
		Validated v = this.validated.get(token);
		long nowSecond = System.currentTimeMillis() / 1000;
		if (v == null) {
			try {
				SignedJWT jwt = SignedJWT.parse(token);
				if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(this.verifier)) {
					return null;
				}
				JWTClaimsSet c = jwt.getJWTClaimsSet();
				String aud = (c.getAudience().isEmpty()) ? null : c.getAudience().get(0);
				String appId = c.getStringClaim("appid");
				if (appId == null) {
					appId = c.getStringClaim("azp");
				}
				long exp = (c.getExpirationTime() != null) ? c.getExpirationTime().getTime() / 1000 : 0;
				List<String> roles = c.getStringListClaim("roles");
				v = new Validated(aud, appId, exp, (roles != null) ? java.util.Set.copyOf(roles) : java.util.Set.of());
				if (this.validated.size() > 10_000) {
					this.validated.clear();
				}
				this.validated.put(token, v);
			}
			catch (Exception ex) {
				return null;
			}
		}
		return (v.expiresAtSecond > nowSecond) ? v : null;
	}

}
