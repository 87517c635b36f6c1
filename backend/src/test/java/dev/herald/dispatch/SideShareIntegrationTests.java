package dev.herald.dispatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.herald.support.IntegrationTest;
import dev.herald.teams.CallBudget;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An instance without the send lease calling on the side share, with this test's Herald
 * as the holder that opens it (both through the one database, as two instances would).
 */
class SideShareIntegrationTests extends IntegrationTest {

	@Test
	void callersQueuedLongerThanTheShareIsPublishedAheadStillGetTheirSlots() throws Exception {
		double[] shares = new double[CallBudget.Kind.values().length];
		Arrays.fill(shares, 1.0 / shares.length);
		// 2 calls a second for six callers: the last waits 2.5 s for its slot, longer
		// than the holder publishes the share open ahead (2 s).
		SideShare side = new SideShare(this.jdbc, UUID.randomUUID(), 2, shares);
		int callers = 6;
		ExecutorService pool = Executors.newFixedThreadPool(callers);
		try {
			List<Future<Long>> calls = new ArrayList<>();
			for (int i = 0; i < callers; i++) {
				calls.add(pool.submit(() -> side.acquire(CallBudget.Kind.WELCOME)));
			}
			for (Future<Long> call : calls) {
				call.get(30, TimeUnit.SECONDS);
			}
			assertThat(side.gate().granted()[CallBudget.Kind.WELCOME.ordinal()])
				.as("slots taken: none given back for a reading of the share older than the wait")
				.isEqualTo(callers);
		}
		finally {
			pool.shutdownNow();
		}
	}

}
