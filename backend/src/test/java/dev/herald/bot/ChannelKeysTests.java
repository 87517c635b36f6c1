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

}
