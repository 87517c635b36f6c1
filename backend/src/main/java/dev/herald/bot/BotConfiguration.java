package dev.herald.bot;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

import dev.herald.teams.TeamsProperties;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the inbound token check to the configured issuers. */
@Configuration(proxyBeanMethods = false)
class BotConfiguration {

	/** Metadata and JWKS documents are a few KB; refuse to buffer anything huge. */
	private static final int MAX_KEYS_DOCUMENT = 1024 * 1024;

	@Bean
	ChannelKeys channelKeys(TeamsProperties teams, BotProperties bot) {
		HttpClient http = HttpClient.newBuilder()
			.connectTimeout(teams.connectTimeout())
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
		ChannelKeys.Fetcher fetcher = (uri) -> fetch(http, uri, teams.readTimeout());
		Clock clock = Clock.systemUTC();
		return new ChannelKeys(teams.openIdMetadataUrl(), fetcher, bot.keysRefreshInterval(),
				bot.keysMinRefreshInterval(), bot.keysMaxAge(), clock);
	}

	@Bean
	ChannelAuthenticator channelAuthenticator(ChannelKeys keys, TeamsProperties teams, BotProperties bot) {
		return new ChannelAuthenticator(keys, teams.channelIssuer(), teams.botAppId(), bot.clockSkew(),
				Clock.systemUTC());
	}

	/**
	 * DOWN while the channel signing keys are older than {@code herald.bot.keys-max-age}:
	 * Teams' calls are refused until a refresh succeeds.
	 */
	@Bean
	HealthIndicator channelKeysHealth(ChannelKeys keys) {
		return () -> {
			ChannelKeys.Freshness freshness = keys.freshness();
			Health.Builder health = switch (freshness.state()) {
				case FRESH -> Health.up();
				case NOT_YET_FETCHED -> Health.unknown();
				case STALE -> Health.down();
			};
			return health.withDetail("fetchedAt", String.valueOf(freshness.fetchedAt()))
				.withDetail("maxAge", String.valueOf(freshness.maxAge()))
				.build();
		};
	}

	private static String fetch(HttpClient http, URI uri, Duration timeout) {
		try {
			HttpResponse<java.io.InputStream> response = http.send(
					HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET().build(),
					HttpResponse.BodyHandlers.ofInputStream());
			try (java.io.InputStream body = response.body()) {
				if (response.statusCode() != 200) {
					throw new IllegalStateException(uri + " answered " + response.statusCode());
				}
				byte[] bytes = MessagesEndpoint.readAtMost(body, MAX_KEYS_DOCUMENT);
				if (bytes == null) {
					throw new IllegalStateException(uri + " sent more than " + MAX_KEYS_DOCUMENT + " bytes");
				}
				return new String(bytes, StandardCharsets.UTF_8);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(uri + " unreachable: " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while fetching " + uri, ex);
		}
	}

}
