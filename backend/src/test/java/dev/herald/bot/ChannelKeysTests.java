package dev.herald.bot;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.support.TestChannelKeys;

import static org.assertj.core.api.Assertions.assertThat;

class ChannelKeysTests {

	private final MutableClock clock = new MutableClock(Instant.now());

	private final AtomicBoolean down = new AtomicBoolean();

	private final ChannelKeys keys = new ChannelKeys(URI.create("https://login.example/meta"), (uri) -> {
		if (this.down.get()) {
			throw new IllegalStateException("503");
		}
		return uri.getPath().equals("/meta") ? "{\"jwks_uri\":\"/keys\"}"
				: JsonMapper.shared().writeValueAsString(Map.of("keys", TestChannelKeys.jwksEntries()));
	}, Duration.ofHours(12), Duration.ofMinutes(5), this.clock);

	@Test
	void readsEndorsementsPerKey() {
		assertThat(this.keys.find(TestChannelKeys.ENDORSED_KID)).get()
			.extracting(ChannelKeys.SigningKey::endorsements)
			.isEqualTo(java.util.Set.of("msteams"));
		assertThat(this.keys.find(TestChannelKeys.UNENDORSED_KID)).get()
			.extracting(ChannelKeys.SigningKey::endorsements)
			.isEqualTo(java.util.Set.of("skype"));
	}

	@Test
	void keepsTheLastGoodKeysWhenARefreshFails() {
		assertThat(this.keys.find(TestChannelKeys.ENDORSED_KID)).isPresent();
		this.down.set(true);
		this.clock.advance(Duration.ofHours(13));
		assertThat(this.keys.find(TestChannelKeys.ENDORSED_KID)).isPresent();
	}

	@Test
	void relativeJwksUriResolvesAgainstTheMetadataUrl() {
		assertThat(this.keys.find(TestChannelKeys.ENDORSED_KID)).isPresent();
		assertThat(this.keys.algorithms()).containsAll(List.copyOf(ChannelKeys.RSA_ALGORITHMS));
	}

	@Test
	void tokensArrivingDuringTheFirstFetchWaitForItInsteadOfBeingRefused() throws Exception {
		java.util.concurrent.CountDownLatch fetching = new java.util.concurrent.CountDownLatch(1);
		java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
		ChannelKeys slow = new ChannelKeys(URI.create("https://login.example/meta"), (uri) -> {
			if (uri.getPath().equals("/meta")) {
				fetching.countDown();
				try {
					release.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				return "{\"jwks_uri\":\"/keys\"}";
			}
			return JsonMapper.shared().writeValueAsString(Map.of("keys", TestChannelKeys.jwksEntries()));
		}, Duration.ofHours(12), Duration.ofMinutes(5), this.clock);
		java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
		try {
			java.util.concurrent.Future<Boolean> first = pool
				.submit(() -> slow.find(TestChannelKeys.ENDORSED_KID).isPresent());
			fetching.await();
			List<java.util.concurrent.Future<Boolean>> others = List.of(
					pool.submit(() -> slow.find(TestChannelKeys.ENDORSED_KID).isPresent()),
					pool.submit(() -> slow.find(TestChannelKeys.ENDORSED_KID).isPresent()));
			// The others reach the key cache while the fetch hangs, then it completes.
			Thread.sleep(200);
			release.countDown();
			assertThat(first.get()).isTrue();
			for (java.util.concurrent.Future<Boolean> other : others) {
				assertThat(other.get()).as("a token that came during the fetch").isTrue();
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

}
