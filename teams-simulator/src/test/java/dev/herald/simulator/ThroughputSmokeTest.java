package dev.herald.simulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.herald.simulator.SimulatorConfig.Limits;

import static org.assertj.core.api.Assertions.assertThat;

/** Not a benchmark: a smoke check that keep-alive sends are fast with limits off. */
class ThroughputSmokeTest {

	@Test
	void sustainsManySendsPerSecondWithLimitsOff() throws Exception {
		try (TeamsSimulator sim = TeamsSimulator
			.start(SimulatorConfig.defaults().withUsers(2_000).withInstalledShare(1.0).withLimits(Limits.off()))) {
			String token = new SimHttp(sim).botToken();
			int threads = 8;
			long durationMs = 3_000;
			AtomicLong ok = new AtomicLong();
			AtomicLong other = new AtomicLong();
			ExecutorService pool = Executors.newFixedThreadPool(threads);
			String body = "{\"type\":\"message\",\"attachments\":[{\"contentType\":\"application/vnd.microsoft.card.adaptive\","
					+ "\"content\":{\"type\":\"AdaptiveCard\",\"version\":\"1.5\",\"body\":[{\"type\":\"TextBlock\",\"text\":\"bench\"}]}}]}";
			long end = System.currentTimeMillis() + durationMs;
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int offset = t;
				futures.add(pool.submit(() -> {
					HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
					int i = offset;
					while (System.currentTimeMillis() < end) {
						SimUser u = sim.tenant().users().get(i % 2_000);
						i += threads;
						HttpRequest request = HttpRequest
							.newBuilder(URI.create(sim.serviceUrl() + "v3/conversations/"
									+ sim.conversationIdFor(u.id()) + "/activities"))
							.header("Authorization", "Bearer " + token)
							.header("Content-Type", "application/json")
							.POST(HttpRequest.BodyPublishers.ofString(body))
							.build();
						HttpResponse<Void> r = client.send(request, HttpResponse.BodyHandlers.discarding());
						(r.statusCode() == 201 ? ok : other).incrementAndGet();
					}
					return null;
				}));
			}
			for (Future<?> f : futures) {
				f.get();
			}
			pool.shutdown();
			double rps = ok.get() * 1000.0 / durationMs;
			System.out.printf("throughput: %.0f sends/s (%d ok, %d other) with %d client threads%n", rps, ok.get(),
					other.get(), threads);
			assertThat(other.get()).isZero();
			assertThat(rps).isGreaterThan(200);
		}
	}

}
