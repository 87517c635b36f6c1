package dev.herald.support;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Signing keys standing in for the Bot Framework's, and the tokens they sign: one key
 * endorsed for {@code msteams}, one endorsed only for another channel. The JWKS carries
 * the non-standard {@code endorsements} member the real one has.
 */
public final class TestChannelKeys {

	public static final String ENDORSED_KID = "test-msteams";

	public static final String UNENDORSED_KID = "test-skype-only";

	public static final String BOT_FRAMEWORK_ISSUER = "https://api.botframework.com";

	private static final RSAKey ENDORSED = generate(ENDORSED_KID);

	private static final RSAKey UNENDORSED = generate(UNENDORSED_KID);

	/** A key no JWKS lists. */
	private static final RSAKey STRANGER = generate("test-unknown");

	private TestChannelKeys() {
	}

	public static RSAKey endorsed() {
		return ENDORSED;
	}

	public static RSAKey unendorsed() {
		return UNENDORSED;
	}

	public static RSAKey stranger() {
		return STRANGER;
	}

	/** The public JWKS entries, with endorsements. */
	public static List<Map<String, Object>> jwksEntries() {
		List<Map<String, Object>> keys = new ArrayList<>();
		keys.add(entry(ENDORSED, List.of("msteams")));
		keys.add(entry(UNENDORSED, List.of("skype")));
		return keys;
	}

	/** Claims of a good channel token; tests change one thing at a time. */
	public static JWTClaimsSet.Builder claims(String audience, String serviceUrl) {
		Instant now = Instant.now();
		return new JWTClaimsSet.Builder().issuer(BOT_FRAMEWORK_ISSUER)
			.audience(audience)
			.claim("serviceurl", serviceUrl)
			.notBeforeTime(java.util.Date.from(now.minusSeconds(60)))
			.expirationTime(java.util.Date.from(now.plusSeconds(3600)));
	}

	/** Signs claims with RS256 and the key's id. */
	public static String sign(RSAKey key, JWTClaimsSet claims) {
		return sign(key, JWSAlgorithm.RS256, claims);
	}

	public static String sign(RSAKey key, JWSAlgorithm algorithm, JWTClaimsSet claims) {
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).build(), claims);
			jwt.sign(new RSASSASigner(key));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Map<String, Object> entry(RSAKey key, List<String> endorsements) {
		Map<String, Object> json = new LinkedHashMap<>(key.toPublicJWK().toJSONObject());
		json.put("endorsements", endorsements);
		return json;
	}

	private static RSAKey generate(String kid) {
		try {
			return new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
