package dev.herald.support;

import dev.herald.simulator.TeamsSimulator;
import org.junit.jupiter.api.BeforeEach;

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

}
