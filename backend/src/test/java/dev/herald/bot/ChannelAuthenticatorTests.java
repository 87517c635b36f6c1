package dev.herald.bot;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.support.TestChannelKeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * The channel token rules, one broken rule per test, against keys served the way the Bot
 * Framework serves them (metadata, then a JWKS with endorsements).
 */
class ChannelAuthenticatorTests {

	static final String APP_ID = "11111111-2222-3333-4444-555555555555";

	static final String SERVICE_URL = "https://smba.trafficmanager.net/emea/";

	static final String TENANT = "tenant-1";

	static final URI METADATA = URI.create("https://login.example/v1/.well-known/openidconfiguration");

	static final URI ENTRA_METADATA = URI.create("https://entra.example/" + TENANT + "/v2.0/.well-known/openid");

	private final MutableClock clock = new MutableClock(Instant.now());

	private final List<URI> fetched = new ArrayList<>();

	private final ChannelAuthenticator authenticator = authenticator(true);

	@Test
	void acceptsAGoodToken() throws Exception {
		String token = TestChannelKeys.sign(TestChannelKeys.endorsed(), good().build());
		ChannelAuthenticator.VerifiedToken verified = this.authenticator.verifyToken("Bearer " + token);
		assertThatNoException().isThrownBy(() -> this.authenticator.verifyActivity(verified, "msteams", SERVICE_URL));
	}

	@Test
	void comparesServiceUrlIgnoringCaseAndTrailingSlash() throws Exception {
		String token = TestChannelKeys.sign(TestChannelKeys.endorsed(), good().build());
		ChannelAuthenticator.VerifiedToken verified = this.authenticator.verifyToken("Bearer " + token);
		assertThatNoException().isThrownBy(
				() -> this.authenticator.verifyActivity(verified, "msteams", "HTTPS://SMBA.trafficmanager.net/emea"));
	}

	@Test
	void rejectsMissingOrNonBearerHeader() {
		rejected(null);
		rejected("Basic dXNlcjpwYXNz");
		rejected("Bearer not-a-jwt");
	}

	@Test
	void rejectsExpiredBeyondClockSkew() {
		Instant now = this.clock.instant();
		rejected(bearer(good().expirationTime(Date.from(now.minus(Duration.ofMinutes(6)))).build()));
	}

	@Test
	void toleratesFiveMinutesOfSkew() throws Exception {
		Instant now = this.clock.instant();
		this.authenticator.verifyToken(bearer(good().expirationTime(Date.from(now.minus(Duration.ofMinutes(4))))
			.notBeforeTime(Date.from(now.plus(Duration.ofMinutes(4))))
			.build()));
	}

	@Test
	void rejectsNotYetValid() {
		rejected(bearer(good().notBeforeTime(Date.from(this.clock.instant().plus(Duration.ofMinutes(6)))).build()));
	}

	@Test
	void rejectsTokenWithoutExpiry() {
		rejected(bearer(good().expirationTime(null).build()));
	}

	@Test
	void rejectsWrongAudience() {
		rejected(bearer(good().audience("someone-else").build()));
	}

	@Test
	void rejectsWrongIssuer() {
		rejected(bearer(good().issuer("https://evil.example").build()));
	}

	@Test
	void rejectsUnknownKeyAndRefetchesAtMostOncePerInterval() {
		String token = TestChannelKeys.sign(TestChannelKeys.stranger(), good().build());
		rejected("Bearer " + token);
		int fetches = this.fetched.size();
		rejected("Bearer " + token);
		rejected("Bearer " + token);
		assertThat(this.fetched).as("no refetch within the minimum interval").hasSize(fetches);
		this.clock.advance(Duration.ofMinutes(6));
		rejected("Bearer " + token);
		assertThat(this.fetched).as("one metadata + one JWKS fetch after it").hasSize(fetches + 2);
	}

	@Test
	void rejectsAlgNone() {
		String header = b64("{\"alg\":\"none\",\"kid\":\"" + TestChannelKeys.ENDORSED_KID + "\"}");
		String payload = b64(good().build().toString());
		rejected("Bearer " + header + "." + payload + ".");
	}

	@Test
	void rejectsHmacSignedWithThePublicKey() throws JOSEException {
		// The classic confusion attack: HS256 keyed with the (public) RSA modulus.
		byte[] secret = TestChannelKeys.endorsed().toPublicJWK().getModulus().decode();
		SignedJWT jwt = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(TestChannelKeys.ENDORSED_KID).build(), good().build());
		jwt.sign(new MACSigner(secret));
		rejected("Bearer " + jwt.serialize());
	}

	@Test
	void rejectsTamperedPayload() {
		String[] parts = TestChannelKeys.sign(TestChannelKeys.endorsed(), good().build()).split("\\.");
		String forged = b64(good().audience(APP_ID).claim("serviceurl", "https://evil.example/").build().toString());
		rejected("Bearer " + parts[0] + "." + forged + "." + parts[2]);
	}

	@Test
	void rejectsKeyNotEndorsedForTheChannel() throws Exception {
		var verified = this.authenticator
			.verifyToken("Bearer " + TestChannelKeys.sign(TestChannelKeys.unendorsed(), good().build()));
		assertThatExceptionOfType(ChannelAuthenticator.Rejected.class)
			.isThrownBy(() -> this.authenticator.verifyActivity(verified, "msteams", SERVICE_URL));
		var endorsed = this.authenticator
			.verifyToken("Bearer " + TestChannelKeys.sign(TestChannelKeys.endorsed(), good().build()));
		assertThatExceptionOfType(ChannelAuthenticator.Rejected.class)
			.isThrownBy(() -> this.authenticator.verifyActivity(endorsed, "webchat", SERVICE_URL));
	}

	@Test
	void rejectsServiceUrlMismatchOrMissingClaim() throws Exception {
		var verified = this.authenticator.verifyToken(bearer(good().build()));
		assertThatExceptionOfType(ChannelAuthenticator.Rejected.class)
			.isThrownBy(() -> this.authenticator.verifyActivity(verified, "msteams", "https://evil.example/emea/"));
		var noClaim = this.authenticator.verifyToken(bearer(good().claim("serviceurl", null).build()));
		assertThatExceptionOfType(ChannelAuthenticator.Rejected.class)
			.isThrownBy(() -> this.authenticator.verifyActivity(noClaim, "msteams", SERVICE_URL));
	}

	@Test
	void acceptsEntraIssuedTokensOnlyWhenConfigured() throws Exception {
		for (String issuer : List.of("https://login.microsoftonline.com/" + TENANT + "/v2.0",
				"https://sts.windows.net/" + TENANT + "/")) {
			// Entra keys carry no endorsements: signed with the "unendorsed" key.
			String token = bearer(TestChannelKeys.unendorsed(), good().issuer(issuer).build());
			var verified = this.authenticator.verifyToken(token);
			assertThatNoException()
				.isThrownBy(() -> this.authenticator.verifyActivity(verified, "msteams", SERVICE_URL));
			assertThatExceptionOfType(ChannelAuthenticator.Rejected.class)
				.isThrownBy(() -> authenticator(false).verifyToken(token));
		}
		String otherTenant = bearer(TestChannelKeys.unendorsed(),
				good().issuer("https://sts.windows.net/another-tenant/").build());
		rejected(otherTenant);
	}

	@Test
	void refreshesKnownKeysAfterTheRefreshInterval() throws Exception {
		this.authenticator.verifyToken(bearer(good().build()));
		int fetches = this.fetched.size();
		this.clock.advance(Duration.ofHours(11));
		this.authenticator.verifyToken(bearer(
				good().expirationTime(Date.from(this.clock.instant().plusSeconds(60))).notBeforeTime(null).build()));
		assertThat(this.fetched).hasSize(fetches);
		this.clock.advance(Duration.ofHours(2));
		this.authenticator.verifyToken(bearer(
				good().expirationTime(Date.from(this.clock.instant().plusSeconds(60))).notBeforeTime(null).build()));
		assertThat(this.fetched).as("stale after 12h: refetched").hasSize(fetches + 2);
	}

	private ChannelAuthenticator authenticator(boolean withEntra) {
		String metadata = json(Map.of("issuer", "https://api.botframework.com", "jwks_uri",
				"https://login.example/v1/.well-known/keys", "id_token_signing_alg_values_supported",
				List.of("RS256")));
		String jwks = json(Map.of("keys", TestChannelKeys.jwksEntries()));
		String entraMetadata = json(Map.of("jwks_uri", "https://entra.example/keys"));
		// Entra's JWKS has the same keys here, minus endorsements.
		String entraJwks = json(Map.of("keys", List.of(TestChannelKeys.unendorsed().toPublicJWK().toJSONObject())));
		ChannelKeys.Fetcher fetcher = (uri) -> {
			this.fetched.add(uri);
			return switch (uri.toString()) {
				case "https://login.example/v1/.well-known/openidconfiguration" -> metadata;
				case "https://login.example/v1/.well-known/keys" -> jwks;
				case "https://entra.example/keys" -> entraJwks;
				default -> uri.equals(ENTRA_METADATA) ? entraMetadata : fail(uri);
			};
		};
		ChannelKeys keys = new ChannelKeys(METADATA, fetcher, Duration.ofHours(12), Duration.ofMinutes(5), this.clock);
		ChannelKeys entra = withEntra
				? new ChannelKeys(ENTRA_METADATA, fetcher, Duration.ofHours(12), Duration.ofMinutes(5), this.clock)
				: null;
		return new ChannelAuthenticator(keys, "https://api.botframework.com", entra, TENANT, APP_ID,
				Duration.ofMinutes(5), this.clock);
	}

	private static String fail(URI uri) {
		throw new IllegalStateException("unexpected fetch " + uri);
	}

	private JWTClaimsSet.Builder good() {
		Instant now = this.clock.instant();
		return TestChannelKeys.claims(APP_ID, SERVICE_URL)
			.notBeforeTime(Date.from(now.minusSeconds(60)))
			.expirationTime(Date.from(now.plusSeconds(3600)));
	}

	private static String bearer(JWTClaimsSet claims) {
		return bearer(TestChannelKeys.endorsed(), claims);
	}

	private static String bearer(com.nimbusds.jose.jwk.RSAKey key, JWTClaimsSet claims) {
		return "Bearer " + TestChannelKeys.sign(key, claims);
	}

	private void rejected(String authorization) {
		assertThatExceptionOfType(ChannelAuthenticator.Rejected.class)
			.isThrownBy(() -> this.authenticator.verifyToken(authorization));
	}

	private static String b64(String json) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes());
	}

	private static String json(Object value) {
		return JsonMapper.shared().writeValueAsString(value);
	}

}
