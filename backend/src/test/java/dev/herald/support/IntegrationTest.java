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
		// The e-mail fallback (#26) sends to a real SMTP server in the test JVM; its
		// links
		// name this Herald's port, known once the server started.
		registry.add("herald.email.transport", () -> "smtp");
		registry.add("spring.mail.host", () -> "127.0.0.1");
		registry.add("spring.mail.port", TestMailServer::port);
		registry.add("herald.email.unsubscribe-secret", () -> TestMailServer.UNSUBSCRIBE_SECRET);
		registry.add("herald.email.public-url", () -> "http://localhost:${local.server.port}");
		registry.add("herald.email.rate-per-minute", () -> "6000");
		registry.add("herald.email.tick", () -> "500ms");
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
			.filter((u) -> !u.guest() && this.simulator.tenant().reachable(u))
			.skip(from)
			.limit(count)
			.toList();
		people.forEach((u) -> this.simulator.installForUser(u.id()));
		Await.until(java.time.Duration.ofSeconds(20), "chats stored for " + count + " people",
				() -> people.stream().allMatch((u) -> hasActiveChat(u.id())));
		return people;
	}

	/**
	 * Members without the app whom no team roster names (people a card can reach: not the
	 * realistic tenant's disabled accounts, mailboxes, blocked or unlicensed people) (a
	 * created conversation would reach those), in tenant order. Tests that need them take
	 * from the end: teams that have the app at start put many people on rosters, so
	 * offsets from the start drift.
	 */
	protected java.util.List<dev.herald.simulator.SimUser> peopleOnlyAnInstallReaches() {
		return this.simulator.tenant()
			.users()
			.stream()
			.filter((u) -> !u.guest() && this.simulator.tenant().reachable(u) && !this.simulator.isInstalled(u.id()))
			.filter((u) -> this.jdbc.sql("SELECT count(*) FROM team_member WHERE lower(aad_object_id) = :aad")
				.param("aad", u.id())
				.query(Long.class)
				.single() == 0)
			.toList();
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
	/**
	 * Exactly the first {@code n} members matching {@code who} have an active chat with
	 * Herald (rows as the bot's install callbacks store them, pointing at the simulator,
	 * named {@code label}); everyone else's chat is uninstalled. Guests and people an
	 * earlier test opted out are skipped: they would be left out of the default audience
	 * or frozen as opted out, not sent to.
	 */
	protected java.util.List<dev.herald.simulator.SimUser> seedChats(String label, int n,
			java.util.function.Predicate<dev.herald.simulator.SimUser> who) {
		this.simulator.setRequireInstall(false);
		java.util.Set<String> optedOut = new java.util.HashSet<>(
				this.jdbc.sql("SELECT lower(aad_object_id) FROM opt_out WHERE opted_out").query(String.class).list());
		java.util.List<dev.herald.simulator.SimUser> people = this.simulator.tenant()
			.users()
			.stream()
			.filter((u) -> !u.guest() && this.simulator.tenant().reachable(u) && who.test(u)
					&& !optedOut.contains(u.id().toLowerCase(java.util.Locale.ROOT)))
			.limit(n)
			.toList();
		this.jdbc.sql("UPDATE conversation SET status = 'uninstalled'").update();
		for (dev.herald.simulator.SimUser person : people) {
			this.jdbc
				.sql("""
						INSERT INTO conversation (kind, tenant_id, aad_object_id, conversation_id, service_url, display_name)
						VALUES ('personal', :tenant, :aad, :conversation, :serviceUrl, :label)
						ON CONFLICT (tenant_id, aad_object_id) WHERE kind = 'personal' DO UPDATE
						SET status = 'active', conversation_id = EXCLUDED.conversation_id,
						    service_url = EXCLUDED.service_url, display_name = EXCLUDED.display_name
						""")
				.param("tenant", this.simulator.tenantId())
				.param("aad", person.id())
				.param("conversation", this.simulator.conversationIdFor(person.id()))
				.param("serviceUrl", this.simulator.serviceUrl())
				.param("label", label)
				.update();
		}
		return people;
	}

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
