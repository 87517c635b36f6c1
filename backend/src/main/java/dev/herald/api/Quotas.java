package dev.herald.api;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Per-client notification quotas over sliding windows (a minute and 24 hours), counted
 * from the accepted notifications themselves ({@code notification} rows): refused and
 * replayed calls cost nothing, and there is no counter that could drift from the truth.
 * Callers hold the client's row lock ({@link ApiClients#lock}), so two calls cannot both
 * take the last unit.
 */
@Component
public class Quotas {

	private static final Duration MINUTE = Duration.ofMinutes(1);

	private static final Duration DAY = Duration.ofDays(1);

	private final JdbcClient jdbc;

	private final ApiProperties properties;

	Quotas(JdbcClient jdbc, ApiProperties properties) {
		this.jdbc = jdbc;
		this.properties = properties;
	}

	/** Throws a 429 problem with Retry-After when the client has no quota left. */
	@Transactional(propagation = Propagation.MANDATORY)
	public void check(ApiClient client) {
		int perMinute = (client.perMinute() != null) ? client.perMinute() : this.properties.defaultPerMinute();
		int perDay = (client.perDay() != null) ? client.perDay() : this.properties.defaultPerDay();
		check(client, MINUTE, perMinute, "minute");
		check(client, DAY, perDay, "day");
	}

	private void check(ApiClient client, Duration window, int limit, String name) {
		// The limit-th newest notification in the window: while it exists the window is
		// full, and it leaves the window (freeing one unit) at created_at + window.
		Timestamp oldestCounted = this.jdbc.sql("""
				SELECT created_at FROM notification
				WHERE client_id = :client AND created_at > now() - :window * interval '1 millisecond'
				ORDER BY created_at DESC OFFSET :offset LIMIT 1
				""")
			.param("client", client.clientId())
			.param("window", window.toMillis())
			.param("offset", limit - 1)
			.query(Timestamp.class)
			.optional()
			.orElse(null);
		if (oldestCounted != null) {
			Instant now = this.jdbc.sql("SELECT now()").query(Timestamp.class).single().toInstant();
			Duration wait = Duration.between(now, oldestCounted.toInstant().plus(window));
			throw ApiProblem
				.tooManyRequests(
						"Client " + client.clientId() + " may send " + limit + " notifications per " + name + ".",
						wait.isNegative() ? Duration.ZERO : wait)
				.with("limit", limit)
				.with("window", name);
		}
	}

}
