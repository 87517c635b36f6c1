package dev.herald.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.herald.simulator.SimulatorConfig.Limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateLimitTest {

	TeamsSimulator sim;

	@AfterEach
	void stop() {
		if (this.sim != null) {
			this.sim.close();
		}
	}

	private SimHttp start(Limits limits) {
		this.sim = TeamsSimulator
			.start(SimulatorConfig.defaults().withUsers(200).withInstalledShare(1.0).withLimits(limits));
		return new SimHttp(this.sim);
	}

	private String sendUrl(SimUser u) {
		return this.sim.serviceUrl() + "v3/conversations/" + this.sim.conversationIdFor(u.id()) + "/activities";
	}

	@Test
	void eighthSendWithinOneSecondToOneConversationIsThrottled() {
		SimHttp http = start(Limits.teams());
		String token = http.botToken();
		String url = sendUrl(this.sim.tenant().users().get(0));
		List<Integer> statuses = new ArrayList<>();
		long t0 = System.currentTimeMillis();
		SimHttp.Response last = null;
		for (int i = 0; i < 8; i++) {
			last = http.post(url, token, SimHttp.message("m" + i));
			statuses.add(last.status());
		}
		assertThat(System.currentTimeMillis() - t0).as("8 sends within a second").isLessThan(1_000);
		assertThat(statuses.subList(0, 7)).containsOnly(201);
		assertThat(last.status()).isEqualTo(429);
		assertThat(last.json())
			.isEqualTo(Map.of("error", Map.of("code", "Throttled", "message", "Too many requests.")));
		assertThat(Integer.parseInt(last.header("Retry-After"))).isBetween(1, 2);
		assertThat(this.sim.inbox(this.sim.tenant().users().get(0).id())).hasSize(7);
		assertThat((Map<String, Object>) this.sim.stats().get("throttled429")).containsEntry("thread", 1L)
			.containsEntry("tenant", 0L);
		// another conversation is not affected
		assertThat(http.post(sendUrl(this.sim.tenant().users().get(1)), token, SimHttp.message("x")).status())
			.isEqualTo(201);
	}

	@Test
	void eightPerTwoSecondsWindowHolds() throws Exception {
		SimHttp http = start(Limits.teams());
		String token = http.botToken();
		String url = sendUrl(this.sim.tenant().users().get(0));
		for (int i = 0; i < 7; i++) {
			assertThat(http.post(url, token, SimHttp.message("m" + i)).status()).isEqualTo(201);
		}
		Thread.sleep(1_050);
		assertThat(http.post(url, token, SimHttp.message("m7")).status()).as("8th in 2 s").isEqualTo(201);
		SimHttp.Response ninth = http.post(url, token, SimHttp.message("m8"));
		assertThat(ninth.status()).as("9th within 2 s").isEqualTo(429);
		assertThat(ninth.header("Retry-After")).isEqualTo("1");
	}

	@Test
	void fiftyFirstCallWithinOneSecondAcrossConversationsIsThrottled() {
		SimHttp http = start(new Limits(false, 50, 30));
		String token = http.botToken();
		List<String> urls = new ArrayList<>();
		for (int i = 0; i < 51; i++) {
			urls.add(sendUrl(this.sim.tenant().users().get(i)));
		}
		long t0 = System.currentTimeMillis();
		int accepted = 0;
		SimHttp.Response last = null;
		for (int i = 0; i < 51; i++) {
			last = http.post(urls.get(i), token, SimHttp.message("x"));
			if (last.status() == 201) {
				accepted++;
			}
		}
		assertThat(System.currentTimeMillis() - t0).as("51 calls within a second").isLessThan(1_000);
		assertThat(accepted).isEqualTo(50);
		assertThat(last.status()).isEqualTo(429);
		assertThat(last.header("Retry-After")).isEqualTo("1");
		assertThat((Map<String, Object>) this.sim.stats().get("throttled429")).containsEntry("tenant", 1L);
	}

	@Test
	void noThrottlingWithLimitsOff() {
		SimHttp http = start(Limits.off());
		String token = http.botToken();
		String url = sendUrl(this.sim.tenant().users().get(0));
		for (int i = 0; i < 120; i++) {
			assertThat(http.post(url, token, SimHttp.message("m" + i)).status()).isEqualTo(201);
		}
		assertThat(this.sim.inbox(this.sim.tenant().users().get(0).id())).hasSize(120);
	}

	@Test
	void slidingWindowsAnswerTheWaitUntilAcceptance() {
		SlidingWindows w = new SlidingWindows(SlidingWindows.TEAMS_THREAD);
		long t = 1_000_000;
		for (int i = 0; i < 7; i++) {
			assertThat(w.tryAcquire(t + i * 10)).isZero();
		}
		assertThat(w.tryAcquire(t + 100)).isEqualTo(900);
		assertThat(w.tryAcquire(t + 1_000)).isZero();
		assertThat(w.tryAcquire(t + 1_010)).as("8/2 s").isEqualTo(990);
		// 60 per 30 s
		SlidingWindows w2 = new SlidingWindows(SlidingWindows.TEAMS_THREAD);
		for (int i = 0; i < 60; i++) {
			assertThat(w2.tryAcquire(t + i * 400L)).isZero();
		}
		assertThat(w2.tryAcquire(t + 24_000)).isEqualTo(6_000);
		assertThat(SlidingWindows.retryAfterSeconds(1)).isEqualTo(1);
		assertThat(SlidingWindows.retryAfterSeconds(6_000)).isEqualTo(6);
	}

	@Test
	void updatesAndDeletesCountAgainstTheTenantBudgetLikeSends() {
		SimHttp http = start(new Limits(false, 10, 30));
		String token = http.botToken();
		List<String> ids = new ArrayList<>();
		List<String> urls = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			String url = sendUrl(this.sim.tenant().users().get(i));
			urls.add(url);
			ids.add((String) http.post(url, token, SimHttp.message("m" + i)).json().get("id"));
		}
		// Five sends, three updates and two deletes fill the second; the next of either
		// kind is throttled.
		for (int i = 0; i < 3; i++) {
			assertThat(http.put(urls.get(i) + "/" + ids.get(i), token, SimHttp.message("v2")).status()).isEqualTo(200);
		}
		assertThat(http.delete(urls.get(3) + "/" + ids.get(3), token).status()).isEqualTo(200);
		assertThat(http.delete(urls.get(4) + "/" + ids.get(4), token).status()).isEqualTo(200);
		assertThat(http.put(urls.get(0) + "/" + ids.get(0), token, SimHttp.message("v3")).status()).isEqualTo(429);
		assertThat(http.delete(urls.get(1) + "/" + ids.get(1), token).status()).isEqualTo(429);
		assertThat((Map<String, Object>) this.sim.stats().get("throttled429")).containsEntry("tenant", 2L);
	}

	@Test
	void aShareOfThrottlesComeWithoutRetryAfter() {
		SimHttp http = start(new Limits(false, 2, 30));
		String token = http.botToken();
		this.sim.setRetryAfterAbsentShare(1.0);
		List<SimHttp.Response> answers = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			answers.add(http.post(sendUrl(this.sim.tenant().users().get(i)), token, SimHttp.message("x")));
		}
		SimHttp.Response bare = answers.get(2);
		assertThat(bare.status()).isEqualTo(429);
		assertThat(bare.header("Retry-After")).as("Teams sends it only 'if available'").isNull();
		assertThat(bare.json())
			.isEqualTo(Map.of("error", Map.of("code", "Throttled", "message", "Too many requests.")));
		this.sim.setRetryAfterAbsentShare(0);
		SimHttp.Response told = http.post(sendUrl(this.sim.tenant().users().get(3)), token, SimHttp.message("y"));
		assertThat(told.status()).isEqualTo(429);
		assertThat(told.header("Retry-After")).isEqualTo("1");
		assertThat((Map<String, Object>) this.sim.stats().get("throttled429")).containsEntry("tenant", 2L)
			.containsEntry("withoutRetryAfter", 1L);
		assertThat(this.sim.runtimeOptions()).containsEntry("retryAfterAbsentShare", 0.0);
		assertThatThrownBy(() -> this.sim.setRetryAfterAbsentShare(1.5)).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void latencyDrawsStayWithinTheirBoundsWithTheChosenSpread() {
		java.util.SplittableRandom random = new java.util.SplittableRandom(7);
		SimulatorConfig.Latency uniform = new SimulatorConfig.Latency(50, 300);
		SimulatorConfig.Latency tail = uniform.withDistribution(SimulatorConfig.Latency.Distribution.TAIL);
		long uniformSum = 0;
		long tailSum = 0;
		int tailSlow = 0;
		for (int i = 0; i < 20_000; i++) {
			int u = uniform.draw(random);
			int t = tail.draw(random);
			assertThat(u).isBetween(50, 300);
			assertThat(t).isBetween(50, 300);
			uniformSum += u;
			tailSum += t;
			tailSlow += (t >= 250) ? 1 : 0;
		}
		assertThat(uniformSum / 20_000.0).isBetween(170.0, 180.0);
		// exponential with a 62.5 ms mean above the minimum, cut at the maximum
		assertThat(tailSum / 20_000.0).isBetween(105.0, 118.0);
		assertThat(tailSlow).as("a few slow answers (about 4%)").isBetween(400, 1_200);
		assertThat(SimulatorConfig.Latency.fixed(80).draw(random)).isEqualTo(80);
	}

	@Test
	void eachCallIsCountedByHowCloseItCameToTheTenantWindow() {
		SlidingWindows w = SlidingWindows.perSecond(3);
		long t = 1_000_000;
		assertThat(w.margin(t)).isEqualTo(Long.MAX_VALUE);
		w.tryAcquire(t);
		w.tryAcquire(t + 100);
		w.tryAcquire(t + 200);
		// the fourth call 1,003 ms after the first: 3 ms to spare
		assertThat(w.margin(t + 1_003)).isEqualTo(3);
		// at 990 ms it would be refused, 10 ms too early
		assertThat(w.margin(t + 990)).isEqualTo(-10);

		Stats stats = new Stats();
		for (long ms : new long[] { -30, -3, 0, 4, 60, Long.MAX_VALUE }) {
			stats.tenantMargin(ms);
		}
		assertThat((Map<String, Object>) stats.toMap().get("tenantWindowMarginMs")).containsEntry("<-20", 1L)
			.containsEntry("-5..-2", 1L)
			.containsEntry("0..2", 1L)
			.containsEntry("2..5", 1L)
			.containsEntry(">=50", 1L)
			.containsEntry("-2..0", 0L);

		SimHttp http = start(new Limits(false, 50, 30));
		String token = http.botToken();
		for (int i = 0; i < 51; i++) {
			http.post(sendUrl(this.sim.tenant().users().get(i)), token, SimHttp.message("x"));
		}
		Map<String, Object> margins = (Map<String, Object>) this.sim.stats().get("tenantWindowMarginMs");
		// The first 50 have no fiftieth call before them: only the 51st can be counted
		// (unless, on a loaded machine, the 51 calls took so long that the window
		// emptied), below zero exactly when it was refused.
		long refused = (Long) margins.get("<-20") + (Long) margins.get("-20..-5") + (Long) margins.get("-5..-2")
				+ (Long) margins.get("-2..0");
		assertThat(margins.values().stream().mapToLong((v) -> (Long) v).sum()).isLessThanOrEqualTo(1L);
		assertThat(refused)
			.isEqualTo((Long) ((Map<String, Object>) this.sim.stats().get("throttled429")).get("tenant"));
	}

}
