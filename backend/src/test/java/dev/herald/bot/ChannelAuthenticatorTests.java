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

	private final MutableClock clock = new MutableClock(Instant.now());

	private final List<URI> fetched = new ArrayList<>();

	private volatile boolean metadataDown;

	private final ChannelAuthenticator authenticator = authenticator();

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
	void refusesEntraIssuedTokens() throws Exception {
		// Any app of the tenant can get an Entra token with the bot's app id as audience:
		// such tokens are never accepted, whatever key signed them.
		for (String issuer : List.of("https://login.microsoftonline.com/" + TENANT + "/v2.0",
				"https://sts.windows.net/" + TENANT + "/")) {
			rejected(bearer(TestChannelKeys.unendorsed(), good().issuer(issuer).build()));
			rejected(bearer(good().issuer(issuer).build()));
		}
	}

	@Test
	void keysThatCannotBeRefreshedStopBeingTrustedAfterTheMaximumAge() throws Exception {
		this.authenticator.verifyToken(bearer(good().build()));
		this.metadataDown = true;
		this.clock.advance(Duration.ofHours(23));
		this.authenticator.verifyToken(bearer(
				good().expirationTime(Date.from(this.clock.instant().plusSeconds(60))).notBeforeTime(null).build()));
		this.clock.advance(Duration.ofHours(2));
		rejected(bearer(
				good().expirationTime(Date.from(this.clock.instant().plusSeconds(60))).notBeforeTime(null).build()));
		this.metadataDown = false;
		this.clock.advance(Duration.ofMinutes(6));
		this.authenticator.verifyToken(bearer(
				good().expirationTime(Date.from(this.clock.instant().plusSeconds(60))).notBeforeTime(null).build()));
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

	private ChannelAuthenticator authenticator() {
		String metadata = json(Map.of("issuer", "https://api.botframework.com", "jwks_uri",
				"https://login.example/v1/.well-known/keys", "id_token_signing_alg_values_supported",
				List.of("RS256")));
		String jwks = json(Map.of("keys", TestChannelKeys.jwksEntries()));
		ChannelKeys.Fetcher fetcher = (uri) -> {
			this.fetched.add(uri);
			if (this.metadataDown) {
				throw new IllegalStateException("metadata unreachable");
			}
			return switch (uri.toString()) {
				case "https://login.example/v1/.well-known/openidconfiguration" -> metadata;
				case "https://login.example/v1/.well-known/keys" -> jwks;
				default -> fail(uri);
			};
		};
		ChannelKeys keys = new ChannelKeys(METADATA, fetcher, Duration.ofHours(12), Duration.ofMinutes(5),
				Duration.ofHours(24), this.clock);
		return new ChannelAuthenticator(keys, "https://api.botframework.com", APP_ID, Duration.ofMinutes(5),
				this.clock);
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
