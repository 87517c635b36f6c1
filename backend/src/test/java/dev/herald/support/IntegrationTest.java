package dev.herald.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.herald.simulator.TeamsSimulator;
import org.junit.jupiter.api.BeforeEach;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The one base of every database test: a real Herald on a random port, a real PostgreSQL
 * 17, the Teams simulator over HTTP and a local OpenID provider. All subclasses share one
 * Spring context, so keep configuration here.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class IntegrationTest {

	@LocalServerPort
	protected int port;

	@Autowired
	protected JdbcClient jdbc;

	protected final TeamsSimulator simulator = TestSimulator.get();

	@DynamicPropertySource
	static void environment(DynamicPropertyRegistry registry) {
		TestDatabase.Connection db = TestDatabase.get();
		registry.add("spring.datasource.url", db::jdbcUrl);
		registry.add("spring.datasource.username", db::username);
		registry.add("spring.datasource.password", db::password);
		HeraldTestProperties.register(registry, TestSimulator.get(), TestIdentityProvider.issuerUrl());
	}

	@BeforeEach
	void pointSimulatorAtThisHerald() {
		this.simulator.setBotEndpoint(baseUrl() + "/api/messages");
	}

	protected String baseUrl() {
		return "http://localhost:" + this.port;
	}

	/**
	 * Installs the app for {@code count} members (not guests) of the simulated tenant,
	 * starting at {@code from}, and waits until Teams' callbacks stored their chats.
	 */
	protected java.util.List<dev.herald.simulator.SimUser> installApp(int from, int count) {
		java.util.List<dev.herald.simulator.SimUser> people = this.simulator.tenant()
			.users()
			.stream()
			.filter((u) -> !u.guest())
			.skip(from)
			.limit(count)
			.toList();
		people.forEach((u) -> this.simulator.installForUser(u.id()));
		Await.until(java.time.Duration.ofSeconds(20), "chats stored for " + count + " people",
				() -> people.stream().allMatch((u) -> hasActiveChat(u.id())));
		return people;
	}

	protected boolean hasActiveChat(String aadObjectId) {
		return this.jdbc.sql("""
				SELECT count(*) FROM conversation
				WHERE lower(aad_object_id) = lower(:aad) AND status = 'active' AND kind = 'personal'
				""").param("aad", aadObjectId).query(Long.class).single() == 1;
	}

	/**
	 * How many copies of an announcement a person's Teams chat received (every card
	 * carries the marker {@code "herald-announcement-<id>"}), counted by the simulator.
	 */
	protected long cardsReceived(String aadObjectId, long announcementId) {
		String marker = "\"herald-announcement-" + announcementId + "\"";
		return this.simulator.inbox(aadObjectId)
			.stream()
			.filter((activity) -> JsonMapper.shared().writeValueAsString(activity).contains(marker))
			.count();
	}

	/** A JSON API call with a bearer token, as an API client would make it. */
	protected HttpResponse<String> api(String method, String path, String token, String json) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path))
			.header("Accept", "application/json")
			.method(method,
					(json != null) ? HttpRequest.BodyPublishers.ofString(json) : HttpRequest.BodyPublishers.noBody());
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		if (json != null) {
			request.header("Content-Type", "application/json");
		}
		try {
			return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
