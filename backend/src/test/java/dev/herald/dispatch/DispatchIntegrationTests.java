package dev.herald.dispatch;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.admin.AdminSettings;
import dev.herald.simulator.SimUser;
import dev.herald.simulator.SimulatorConfig;
import dev.herald.support.Await;
import dev.herald.support.BrowserSession;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dispatcher inside the shared test Herald, against the simulator over HTTP: retry
 * and throttling policies, the automatic pause, pause/resume/cancel, scheduled starts.
 * Conversations are seeded straight into the database for the simulator's people (the
 * install callbacks belong to the bot module and are tested there).
 */
class DispatchIntegrationTests extends IntegrationTest {

	private static final JsonMapper JSON = JsonMapper.shared();

	@Autowired
	private Pacer pacer;

	@Autowired
	private DispatchProperties properties;

	@Autowired
	private AdminSettings settings;

	@AfterEach
	void restore() {
		this.pacer.setBudget(this.properties.ratePerSecond());
		this.simulator.setLimits(SimulatorConfig.Limits.teams());
		this.simulator.setFaults(SimulatorConfig.Faults.none());
		this.simulator.setRequireInstall(true);
		this.simulator.setRetryAfterAbsentShare(0);
		this.jdbc.sql("UPDATE conversation SET status = 'uninstalled' WHERE display_name = 'dispatch-test'").update();
	}

	/**
	 * The send rate an admin saves reaches the pacer of the instance that sends (it reads
	 * the setting from the database), and without a saved rate the configured one
	 * applies.
	 */
	@Test
	void theSendRateAnAdminSavesIsTheBudgetThePacerKeeps() {
		double headroom = 1 - this.properties.rateHeadroom();
		try {
			this.settings.putAll(Map.of(AdminSettings.RATE_PER_SECOND, "20"), "test");
			Await.until(Duration.ofSeconds(10), "pace of 20/s",
					() -> Math.abs(this.pacer.currentRate() - 20 * headroom) < 0.001);
		}
		finally {
			this.jdbc.sql("DELETE FROM app_setting WHERE key = :key")
				.param("key", AdminSettings.RATE_PER_SECOND)
				.update();
		}
		Await.until(Duration.ofSeconds(10), "configured pace",
				() -> Math.abs(this.pacer.currentRate() - this.properties.ratePerSecond() * headroom) < 0.001);
	}

	/**
	 * Teams allows 20/s here while Herald paces 40/s, and 20% of calls fail with
	 * 502/503/504: rows end delivered, or failed after exactly the attempt limit with a
	 * 5xx; throttled rows are retried after the Retry-After. Had Herald ignored
	 * Retry-After, about one call in two would be a 429.
	 */
	@Test
	void throttlingStormAndServerErrorsEndInTheRightStates() {
		List<SimUser> people = seed(150);
		this.simulator.setLimits(new SimulatorConfig.Limits(false, 20, 0));
		this.simulator.setFaults(SimulatorConfig.Faults.none().withServerErrorShare(0.2));
		this.pacer.setBudget(40);
		long throttledBefore = throttledBySimulator();

		long id = createAndSend("Storm");
		Await.until(Duration.ofSeconds(90), "send finished", () -> "sent".equals(status(id)));

		long delivered = count(id, "state = 'delivered'");
		long failed = count(id, "state = 'failed'");
		assertThat(delivered + failed).isEqualTo(people.size());
		assertThat(count(id, "state = 'failed' AND (last_status NOT IN (502, 503, 504) OR attempts - throttles <> 5)"))
			.as("failed rows: a 5xx on the fifth non-throttled attempt")
			.isZero();
		assertThat(count(id, "attempts - throttles > 5 OR throttles >= 20")).as("attempt limits").isZero();
		assertThat(count(id, "state = 'delivered' AND last_status <> 201")).isZero();
		assertThat(delivered).as("with 20% 5xx and 5 attempts almost everyone gets it").isGreaterThan(140);

		JsonNode received = deliveries(id);
		assertThat(received.path("conversations").asLong()).isEqualTo(delivered);
		assertThat(received.path("duplicated").asLong()).isZero();
		long throttled = throttledBySimulator() - throttledBefore;
		assertThat(throttled).as("429s seen by Teams").isGreaterThan(0).isLessThan(delivered / 4);
		assertThat(sum(id, "throttles")).isEqualTo(throttled);
	}

	/**
	 * Teams allows 20/s while Herald paces 40/s, and no 429 says how long to wait (Teams
	 * sends Retry-After only "if available"): Herald backs off on its own, so everyone
	 * still gets the card exactly once and the 429s stay few. Had it retried at once,
	 * about every other call would have been a 429.
	 */
	@Test
	void throttlesWithoutRetryAfterAreBackedOffAndEveryoneGetsTheCardOnce() {
		List<SimUser> people = seed(60);
		this.simulator.setLimits(new SimulatorConfig.Limits(false, 20, 0));
		this.simulator.setRetryAfterAbsentShare(1.0);
		this.pacer.setBudget(40);
		long throttledBefore = throttledBySimulator();
		long bareBefore = bareThrottlesBySimulator();

		long id = createAndSend("Bare 429");
		Await.until(Duration.ofSeconds(90), "send finished", () -> "sent".equals(status(id)));

		assertThat(count(id, "state = 'delivered'")).isEqualTo(people.size());
		JsonNode received = deliveries(id);
		assertThat(received.path("conversations").asLong()).isEqualTo(people.size());
		assertThat(received.path("duplicated").asLong()).isZero();
		long throttled = throttledBySimulator() - throttledBefore;
		assertThat(throttled).as("429s seen by Teams").isGreaterThan(0).isLessThan(people.size() / 4);
		assertThat(bareThrottlesBySimulator() - bareBefore).as("none had Retry-After").isEqualTo(throttled);
		assertThat(sum(id, "throttles")).isEqualTo(throttled);
	}

	/**
	 * Every call fails: after the failure window fills, the send pauses itself with a
	 * reason the API shows; a resume clears it and, Teams healthy again, completes.
	 */
	@Test
	void pausesItselfWhenMostCallsFailAndResumes() {
		List<SimUser> people = seed(200);
		this.pacer.setBudget(0);
		this.simulator.setFaults(SimulatorConfig.Faults.none().withServerErrorShare(1.0));

		long id = createAndSend("Failing");
		Await.until(Duration.ofSeconds(30), "paused by the dispatcher", () -> "paused".equals(status(id)));
		JsonNode paused = api("GET", "/api/v1/announcements/" + id, null);
		assertThat(paused.path("pauseReason").asString()).startsWith("Paused automatically: ")
			.contains("of the last 200 deliveries failed")
			.contains("HTTP 50");
		assertThat(deliveries(id).path("conversations").asLong()).isZero();
		// The author sees why on the announcement's page.
		String page = BrowserSession.signIn(baseUrl(), "megan@contoso.example", "Herald.Author")
			.get("/announcements/" + id)
			.body();
		assertThat(page).contains("id=\"pause-reason\"").contains("of the last 200 deliveries failed");

		this.simulator.setFaults(SimulatorConfig.Faults.none());
		JsonNode resumed = api("POST", "/api/v1/announcements/" + id + "/resume", null);
		assertThat(resumed.path("status").asString()).isEqualTo("sending");
		assertThat(resumed.path("pauseReason").isNull() || resumed.path("pauseReason").isMissingNode()).isTrue();
		Await.until(Duration.ofSeconds(60), "send finished", () -> "sent".equals(status(id)));
		assertThat(deliveries(id).path("conversations").asLong()).isEqualTo(people.size());
	}

	/**
	 * Pause: calls in the air finish, no new one starts. Cancel: what is pending is
	 * canceled and counted; every recipient ends delivered or canceled.
	 */
	@Test
	void pauseStopsNewCallsAndCancelDropsWhatIsPending() throws InterruptedException {
		List<SimUser> people = seed(100);
		this.pacer.setBudget(10);
		long id = createAndSend("Controlled");
		Await.until(Duration.ofSeconds(20), "a few delivered",
				() -> deliveries(id).path("conversations").asLong() >= 5);

		api("POST", "/api/v1/announcements/" + id + "/pause", null);
		// Only calls already in the air may still arrive; a job waiting for its pacer
		// slot (up to 500 ms at 10/s) is given back, not sent.
		Thread.sleep(200);
		long atPause = deliveries(id).path("conversations").asLong();
		Thread.sleep(1500);
		assertThat(deliveries(id).path("conversations").asLong()).as("nothing sent while paused").isEqualTo(atPause);
		assertThat(count(id, "state = 'in_flight'")).isZero();

		api("POST", "/api/v1/announcements/" + id + "/resume", null);
		Await.until(Duration.ofSeconds(20), "more delivered after resume",
				() -> deliveries(id).path("conversations").asLong() >= atPause + 5);
		JsonNode canceled = api("POST", "/api/v1/announcements/" + id + "/cancel", null);
		assertThat(canceled.path("status").asString()).isEqualTo("canceled");
		Await.until(Duration.ofSeconds(10), "no row open", () -> count(id, "state IN ('pending', 'in_flight')") == 0);

		JsonNode counts = api("GET", "/api/v1/announcements/" + id, null).path("counts");
		long delivered = counts.path("delivered").asLong();
		assertThat(delivered + counts.path("canceled").asLong()).isEqualTo(people.size());
		assertThat(counts.path("canceled").asLong()).isGreaterThan(0);
		assertThat(deliveries(id).path("conversations").asLong()).isEqualTo(delivered);
		assertThat(count(id, "state = 'canceled'")).isEqualTo(counts.path("canceled").asLong());
	}

	/**
	 * A start given as wall-clock time in the author's zone is stored as that instant
	 * with the zone, and the scheduler starts the send when it comes.
	 */
	@Test
	void scheduledSendStartsAtTheAuthorsLocalTime() {
		seed(20);
		long id = api("POST", "/api/v1/announcements", "{\"title\":\"Scheduled\",\"summary\":\"Later\"}").path("id")
			.asLong();
		ZoneId zone = ZoneId.of("America/New_York");
		Instant at = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
		LocalDateTime local = LocalDateTime.ofInstant(at, zone);

		assertThat(request("POST", "/api/v1/announcements/" + id + "/schedule",
				"{\"at\":\"" + local + "\",\"zone\":\"Mars/Olympus\"}")
			.statusCode()).isEqualTo(400);
		assertThat(request("POST", "/api/v1/announcements/" + id + "/schedule",
				"{\"at\":\"" + local.minusHours(1) + "\",\"zone\":\"America/New_York\"}")
			.statusCode()).isEqualTo(400);
		JsonNode scheduled = api("POST", "/api/v1/announcements/" + id + "/schedule",
				"{\"at\":\"" + local + "\",\"zone\":\"America/New_York\"}");
		assertThat(scheduled.path("status").asString()).isEqualTo("scheduled");
		assertThat(Instant.parse(scheduled.path("schedule").path("at").asString())).isEqualTo(at);
		assertThat(scheduled.path("schedule").path("zone").asString()).isEqualTo("America/New_York");
		assertThat(status(id)).isEqualTo("scheduled");

		Await.until(Duration.ofSeconds(20), "scheduled send finished", () -> "sent".equals(status(id)));
		JsonNode sent = api("GET", "/api/v1/announcements/" + id, null);
		assertThat(Instant.parse(sent.path("startedAt").asString())).isAfterOrEqualTo(at);
		assertThat(sent.path("counts").path("delivered").asLong()).isEqualTo(20);
	}

	// ---- helpers ----

	/**
	 * Exactly these people have an active chat: rows as the bot's install callbacks would
	 * store them, pointing at the simulator.
	 */
	private List<SimUser> seed(int n) {
		return seedChats("dispatch-test", n, (u) -> true);
	}

	private long createAndSend(String title) {
		long id = api("POST", "/api/v1/announcements", "{\"title\":\"" + title + "\",\"summary\":\"Test\"}").path("id")
			.asLong();
		api("POST", "/api/v1/announcements/" + id + "/send", null);
		return id;
	}

	private String status(long id) {
		return this.jdbc.sql("SELECT status FROM announcement WHERE id = :id")
			.param("id", id)
			.query(String.class)
			.single();
	}

	private long count(long id, String condition) {
		return this.jdbc.sql("SELECT count(*) FROM delivery WHERE announcement_id = :id AND (" + condition + ")")
			.param("id", id)
			.query(Long.class)
			.single();
	}

	private long sum(long id, String column) {
		return this.jdbc.sql("SELECT COALESCE(sum(" + column + "), 0) FROM delivery WHERE announcement_id = :id")
			.param("id", id)
			.query(Long.class)
			.single();
	}

	/** Connector calls the simulator answered 429 (tenant and per-thread windows). */
	private long throttledBySimulator() {
		return ((Number) ((java.util.Map<?, ?>) this.simulator.stats().get("throttled429")).get("total")).longValue();
	}

	/** Connector 429s the simulator sent without Retry-After. */
	private long bareThrottlesBySimulator() {
		return ((Number) ((java.util.Map<?, ?>) this.simulator.stats().get("throttled429")).get("withoutRetryAfter"))
			.longValue();
	}

	private JsonNode deliveries(long id) {
		return JSON.valueToTree(this.simulator.deliveries("\"herald-announcement-" + id + "\""));
	}

	private JsonNode api(String method, String path, String json) {
		HttpResponse<String> response = request(method, path, json);
		assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isLessThan(300);
		return JSON.readTree(response.body());
	}

	private HttpResponse<String> request(String method, String path, String json) {
		String token = TestIdentityProvider.accessToken("dispatch-test", "Herald.Author");
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path))
			.header("Authorization", "Bearer " + token)
			.header("Accept", "application/json");
		if (json != null) {
			request.header("Content-Type", "application/json")
				.method(method, HttpRequest.BodyPublishers.ofString(json));
		}
		else {
			request.method(method, HttpRequest.BodyPublishers.noBody());
		}
		try {
			return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
