package dev.herald.audience;

import dev.herald.teams.TeamsProperties;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The Bot Connector serviceUrl for conversations Herald learns without a Teams activity
 * (Graph chat ids, channels picked in the UI): the one Teams last used for this tenant,
 * else the configured default. Teams gives one serviceUrl per tenant region.
 */
@Component
public class TenantServiceUrl {

	private final JdbcClient jdbc;

	private final String tenantId;

	private final String fallback;

	TenantServiceUrl(JdbcClient jdbc, TeamsProperties teams,
			@Value("${herald.teams.default-service-url:https://smba.trafficmanager.net/amer/}") String fallback) {
		this.jdbc = jdbc;
		this.tenantId = teams.tenantId();
		this.fallback = fallback;
	}

	private volatile String cached;

	private volatile long cachedAt;

	/** Cached for a minute: it changes only when Teams moves a tenant. */
	public String get() {
		String value = this.cached;
		if (value != null && System.nanoTime() - this.cachedAt < 60_000_000_000L) {
			return value;
		}
		value = lookup();
		this.cached = value;
		this.cachedAt = System.nanoTime();
		return value;
	}

	private String lookup() {
		return this.jdbc.sql("""
				SELECT service_url FROM conversation WHERE tenant_id = :tenant AND status = 'active'
				ORDER BY updated_at DESC LIMIT 1
				""").param("tenant", this.tenantId).query(String.class).optional().orElse(this.fallback);
	}

}
