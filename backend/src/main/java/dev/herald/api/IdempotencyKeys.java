package dev.herald.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Idempotency-Key records (the IETF httpapi draft's semantics): per client, a key is
 * bound to the hash of the request it first came with and to the reply it got. Saved in
 * the transaction that does the work, so a reply is remembered if and only if the work
 * happened.
 */
@Component
public class IdempotencyKeys {

	/** Longest key accepted (the draft suggests UUIDs; some clients send longer ids). */
	public static final int MAX_KEY_LENGTH = 255;

	private final JdbcClient jdbc;

	private final ApiProperties properties;

	IdempotencyKeys(JdbcClient jdbc, ApiProperties properties) {
		this.jdbc = jdbc;
		this.properties = properties;
	}

	/**
	 * The reply remembered for this key, if any. Expired keys of the client are forgotten
	 * first, so a key may be reused after the retention period.
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public Optional<StoredReply> find(String clientId, String key) {
		this.jdbc.sql("""
				DELETE FROM idempotency_key
				WHERE client_id = :client AND created_at < now() - :retention * interval '1 millisecond'
				""")
			.param("client", clientId)
			.param("retention", this.properties.idempotencyRetention().toMillis())
			.update();
		return this.jdbc.sql("""
				SELECT request_hash, status, location, body FROM idempotency_key
				WHERE client_id = :client AND idempotency_key = :key
				""")
			.param("client", clientId)
			.param("key", key)
			.query((rs, i) -> new StoredReply(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4)))
			.optional();
	}

	@Transactional(propagation = Propagation.MANDATORY)
	public void save(String clientId, String key, String requestHash, StoredReply reply) {
		this.jdbc.sql("""
				INSERT INTO idempotency_key (client_id, idempotency_key, request_hash, status, location, body)
				VALUES (:client, :key, :hash, :status, :location, :body)
				""")
			.param("client", clientId)
			.param("key", key)
			.param("hash", requestHash)
			.param("status", reply.status())
			.param("location", reply.location())
			.param("body", reply.body())
			.update();
	}

	/** Hex SHA-256 of a canonical form of the request. */
	public static String hash(String canonicalRequest) {
		try {
			return HexFormat.of()
				.formatHex(
						MessageDigest.getInstance("SHA-256").digest(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A remembered reply.
	 *
	 * @param requestHash the hash of the request that produced it
	 * @param status its HTTP status
	 * @param location its Location header, if any
	 * @param body its JSON body
	 */
	public record StoredReply(String requestHash, int status, String location, String body) {
	}

	/** Purges expired keys of all clients, hourly. */
	@Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT5M")
	void purgeExpired() {
		this.jdbc.sql("DELETE FROM idempotency_key WHERE created_at < now() - :retention * interval '1 millisecond'")
			.param("retention", this.properties.idempotencyRetention().toMillis())
			.update();
	}

}
