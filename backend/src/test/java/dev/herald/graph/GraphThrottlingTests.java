package dev.herald.graph;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.herald.audience.Api;
import dev.herald.simulator.SimTeam;
import dev.herald.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Graph throttles reads per family (429 with Retry-After); Herald waits as told and the
 * picker still answers.
 */
class GraphThrottlingTests extends IntegrationTest {

	@Test
	void theChannelPickerWaitsOutAThrottledTeam() {
		Api author = Api.author(baseUrl());
		SimTeam team = this.simulator.tenant().teams().get(4);
		// One read per second of this team instead of Graph's four: the second and third
		// picker calls in a row are throttled at first.
		this.simulator.setGraphReadLimits(30, 60, 1);
		try {
			long before = throttledReads();
			for (int i = 0; i < 3; i++) {
				assertThat(author.json("GET", "/api/v1/audiences/teams/" + team.id() + "/channels", null, 200).size())
					.isEqualTo(team.channels().size());
			}
			assertThat(throttledReads()).isGreaterThan(before);
		}
		finally {
			this.simulator.setGraphReadLimits(30, 60, 4);
		}
	}

	@SuppressWarnings("unchecked")
	private long throttledReads() {
		Map<String, Object> throttled = (Map<String, Object>) this.simulator.stats().get("throttled429");
		return ((Number) throttled.get("graphReads")).longValue();
	}

}
