package dev.herald.bot;

import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The signing keys of one token issuer, read from its OpenID metadata and JWKS and
 * cached. The Bot Framework JWKS carries a non-standard {@code endorsements} array per
 * key (the channels the key may sign for), which nimbus' {@code JWKSet} drops, so the
 * JSON is read here and each key parsed on its own.
 * <p>
 * Refresh policy: the keys are refetched once older than the refresh interval, and early
 * when a token names an unknown key id (Microsoft rolls keys), but never more often than
 * the minimum interval: otherwise anyone could make Herald hit the JWKS endpoint once per
 * forged token. A failed refresh keeps the last good keys, but only up to the maximum
 * age: keys that could not be refreshed for longer are no longer trusted (a key Microsoft
 * revoked must not stay valid here forever), and health reports it.
 */
final class ChannelKeys {

	/**
	 * RS256/RS384/RS512 only: no {@code none}, no HMAC (a public key is not a secret).
	 */
	static final Set<JWSAlgorithm> RSA_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512);

	private static final Logger log = LoggerFactory.getLogger(ChannelKeys.class);

	/** How long a token waits for another caller's fetch of the keys. */
	private static final long FETCH_WAIT_SECONDS = 10;

	private final URI metadataUrl;

	private final Fetcher fetcher;

	private final Duration refreshInterval;

	private final Duration minRefreshInterval;

	private final Duration maxAge;

	private final Clock clock;

	private final ReentrantLock lock = new ReentrantLock();

	private volatile Snapshot snapshot = Snapshot.EMPTY;

	private volatile Instant lastAttempt = Instant.MIN;

	ChannelKeys(URI metadataUrl, Fetcher fetcher, Duration refreshInterval, Duration minRefreshInterval, Clock clock) {
		this(metadataUrl, fetcher, refreshInterval, minRefreshInterval, Duration.ofHours(24), clock);
	}

	ChannelKeys(URI metadataUrl, Fetcher fetcher, Duration refreshInterval, Duration minRefreshInterval,
			Duration maxAge, Clock clock) {
		this.maxAge = maxAge;
		this.metadataUrl = metadataUrl;
		this.fetcher = fetcher;
		this.refreshInterval = refreshInterval;
		this.minRefreshInterval = minRefreshInterval;
		this.clock = clock;
	}

	/** The key with this id, fetching or refreshing the set when the policy allows. */
	Optional<SigningKey> find(String kid) {
		if (kid == null) {
			return Optional.empty();
		}
		Snapshot current = this.snapshot;
		Instant now = this.clock.instant();
		boolean stale = current.fetchedAt().plus(this.refreshInterval).isBefore(now);
		SigningKey key = current.keys().get(kid);
		if (key != null && !stale) {
			return Optional.of(key);
		}
		// A fetch under way (the first tokens after start-up, a rotation) is waited for:
		// refusing the tokens that came with it would lose messages Teams never re-posts.
		if (refreshAllowed(now) || this.lock.isLocked()) {
			refresh(current);
		}
		Snapshot latest = this.snapshot;
		if (latest.fetchedAt().plus(this.maxAge).isBefore(this.clock.instant())) {
			return Optional.empty();
		}
		return Optional.ofNullable(latest.keys().get(kid));
	}

	/** How old the keys are, for health. */
	Freshness freshness() {
		Snapshot current = this.snapshot;
		if (current == Snapshot.EMPTY) {
			return new Freshness(Freshness.State.NOT_YET_FETCHED, null, this.maxAge);
		}
		boolean stale = current.fetchedAt().plus(this.maxAge).isBefore(this.clock.instant());
		return new Freshness(stale ? Freshness.State.STALE : Freshness.State.FRESH, current.fetchedAt(), this.maxAge);
	}

	/**
	 * How old the trusted keys are.
	 *
	 * @param state fresh, stale (older than the maximum age: not trusted) or not fetched
	 * yet (fetched on the first token)
	 * @param fetchedAt when they were last fetched
	 * @param maxAge how old they may get
	 */
	record Freshness(State state, Instant fetchedAt, Duration maxAge) {

		enum State {

			FRESH, STALE, NOT_YET_FETCHED

		}

	}

	/** The algorithms the issuer's metadata allows, within {@link #RSA_ALGORITHMS}. */
	Set<JWSAlgorithm> algorithms() {
		return this.snapshot.algorithms();
	}

	private boolean refreshAllowed(Instant now) {
		return !this.lastAttempt.plus(this.minRefreshInterval).isAfter(now);
	}

	private void refresh(Snapshot seen) {
		try {
			if (!this.lock.tryLock(FETCH_WAIT_SECONDS, TimeUnit.SECONDS)) {
				return;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		try {
			if (this.snapshot != seen || !refreshAllowed(this.clock.instant())) {
				return;
			}
			this.lastAttempt = this.clock.instant();
			this.snapshot = fetch();
		}
		catch (RuntimeException ex) {
			log.warn("Could not refresh signing keys from {}: {}", this.metadataUrl, ex.getMessage());
		}
		finally {
			this.lock.unlock();
		}
	}

	private Snapshot fetch() {
		JsonMapper json = JsonMapper.shared();
		JsonNode metadata = json.readTree(this.fetcher.get(this.metadataUrl));
		String jwksUri = metadata.path("jwks_uri").asString(null);
		if (jwksUri == null || jwksUri.isBlank()) {
			throw new IllegalStateException("OpenID metadata has no jwks_uri");
		}
		Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
		for (JsonNode alg : metadata.path("id_token_signing_alg_values_supported")) {
			JWSAlgorithm parsed = JWSAlgorithm.parse(alg.asString(""));
			if (RSA_ALGORITHMS.contains(parsed)) {
				algorithms.add(parsed);
			}
		}
		if (algorithms.isEmpty()) {
			algorithms.addAll(RSA_ALGORITHMS);
		}
		JsonNode jwks = json.readTree(this.fetcher.get(this.metadataUrl.resolve(jwksUri)));
		Map<String, SigningKey> keys = new HashMap<>();
		for (JsonNode node : jwks.path("keys")) {
			String kid = node.path("kid").asString(null);
			String use = node.path("use").asString("sig");
			if (kid == null || !"sig".equals(use) || !"RSA".equals(node.path("kty").asString(""))) {
				continue;
			}
			Set<String> endorsements = new LinkedHashSet<>();
			for (JsonNode endorsement : node.path("endorsements")) {
				endorsements.add(endorsement.asString(""));
			}
			try {
				RSAKey key = JWK.parse(json.writeValueAsString(node)).toRSAKey();
				keys.put(kid, new SigningKey(kid, key, Set.copyOf(endorsements)));
			}
			catch (ParseException ex) {
				log.warn("Skipping unreadable key {} from {}: {}", kid, jwksUri, ex.getMessage());
			}
		}
		log.debug("Loaded {} signing keys from {}", keys.size(), jwksUri);
		return new Snapshot(Map.copyOf(keys), Set.copyOf(algorithms), this.clock.instant());
	}

	/** Reads a small JSON document (metadata or JWKS). */
	@FunctionalInterface
	interface Fetcher {

		String get(URI uri);

	}

	/** A signing key and the channels it is endorsed for. */
	record SigningKey(String kid, RSAKey key, Set<String> endorsements) {
	}

	private record Snapshot(Map<String, SigningKey> keys, Set<JWSAlgorithm> algorithms, Instant fetchedAt) {

		static final Snapshot EMPTY = new Snapshot(Map.of(), RSA_ALGORITHMS, Instant.MIN);

	}

}
