package dev.herald.bot;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Checks the bearer token on {@code /api/messages} by the Bot Framework channel rules, in
 * two steps: {@link #verifyToken} needs only the header (signature, issuer, audience,
 * lifetime), {@link #verifyActivity} then binds the token to the activity (the key is
 * endorsed for its channel, the {@code serviceurl} claim is its serviceUrl). So nothing
 * of the body is trusted, or even parsed beyond those two fields, before the token is
 * known good.
 * <p>
 * One issuer is accepted: the Bot Framework ({@code https://api.botframework.com}, keys
 * with endorsements). Entra-issued tokens are not: any app of the tenant can get one with
 * the bot's app id as audience, and could then post activities as anyone (opt people in
 * or out, vote, overwrite a person's stored conversation).
 */
final class ChannelAuthenticator {

	private final ChannelKeys botFrameworkKeys;

	private final String botFrameworkIssuer;

	private final String audience;

	private final Duration clockSkew;

	private final Clock clock;

	ChannelAuthenticator(ChannelKeys botFrameworkKeys, String botFrameworkIssuer, String audience, Duration clockSkew,
			Clock clock) {
		this.botFrameworkKeys = botFrameworkKeys;
		this.botFrameworkIssuer = botFrameworkIssuer;
		this.audience = audience;
		this.clockSkew = clockSkew;
		this.clock = clock;
	}

	/** Verifies the {@code Authorization} header's token on its own. */
	VerifiedToken verifyToken(String authorization) throws Rejected {
		if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
			throw new Rejected("no bearer token");
		}
		SignedJWT jwt;
		JWTClaimsSet claims;
		try {
			// SignedJWT refuses "alg":"none" (that is a PlainJWT), the algorithm check
			// below refuses HMAC and everything else that is not RSA.
			jwt = SignedJWT.parse(authorization.substring(7).trim());
			claims = jwt.getJWTClaimsSet();
		}
		catch (ParseException | IllegalArgumentException ex) {
			throw new Rejected("unparseable token");
		}
		String issuer = claims.getIssuer();
		if (!this.botFrameworkIssuer.equals(issuer)) {
			throw new Rejected("issuer not accepted: " + issuer);
		}
		boolean botFramework = true;
		ChannelKeys keys = this.botFrameworkKeys;
		JWSHeader header = jwt.getHeader();
		JWSAlgorithm algorithm = header.getAlgorithm();
		if (!ChannelKeys.RSA_ALGORITHMS.contains(algorithm)) {
			throw new Rejected("algorithm not accepted: " + algorithm);
		}
		ChannelKeys.SigningKey key = keys.find(header.getKeyID())
			.orElseThrow(() -> new Rejected("unknown key " + header.getKeyID()));
		if (!keys.algorithms().contains(algorithm)) {
			throw new Rejected("algorithm not in the issuer's metadata: " + algorithm);
		}
		try {
			if (!jwt.verify(new RSASSAVerifier(key.key()))) {
				throw new Rejected("bad signature");
			}
		}
		catch (JOSEException ex) {
			throw new Rejected("signature not verifiable");
		}
		List<String> audiences = claims.getAudience();
		if (audiences == null || !audiences.contains(this.audience)) {
			throw new Rejected("wrong audience");
		}
		Instant now = this.clock.instant();
		Date expires = claims.getExpirationTime();
		if (expires == null || !now.isBefore(expires.toInstant().plus(this.clockSkew))) {
			throw new Rejected("expired");
		}
		Date notBefore = claims.getNotBeforeTime();
		if (notBefore != null && now.isBefore(notBefore.toInstant().minus(this.clockSkew))) {
			throw new Rejected("not yet valid");
		}
		Object serviceUrl = claims.getClaim("serviceurl");
		return new VerifiedToken(botFramework, key.endorsements(),
				(serviceUrl != null) ? String.valueOf(serviceUrl) : null);
	}

	/** Binds a verified token to the activity it came with. */
	void verifyActivity(VerifiedToken token, String channelId, String serviceUrl) throws Rejected {
		if (token.botFramework() && (channelId == null || !token.endorsements().contains(channelId))) {
			throw new Rejected("key not endorsed for channel " + channelId);
		}
		// The Bot Framework always sends the claim; an Entra token may lack it, but if
		// it has one it must match.
		if (token.serviceUrl() == null) {
			if (token.botFramework()) {
				throw new Rejected("missing serviceurl claim");
			}
			return;
		}
		if (serviceUrl == null || !normalize(token.serviceUrl()).equals(normalize(serviceUrl))) {
			throw new Rejected("serviceurl claim mismatch");
		}
	}

	private static String normalize(String url) {
		String trimmed = url.trim();
		while (trimmed.endsWith("/")) {
			trimmed = trimmed.substring(0, trimmed.length() - 1);
		}
		return trimmed.toLowerCase(Locale.ROOT);
	}

	/**
	 * A token whose signature, issuer, audience and lifetime are good.
	 *
	 * @param botFramework whether the Bot Framework issued it (rather than Entra ID)
	 * @param endorsements the channels its signing key is endorsed for
	 * @param serviceUrl its {@code serviceurl} claim, if any
	 */
	record VerifiedToken(boolean botFramework, Set<String> endorsements, String serviceUrl) {
	}

	/** The request is not authenticated; the reason is for logs, never for the caller. */
	static final class Rejected extends Exception {

		Rejected(String reason) {
			super(reason, null, false, false);
		}

	}

}
