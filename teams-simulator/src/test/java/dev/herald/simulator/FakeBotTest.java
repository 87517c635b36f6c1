package dev.herald.simulator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A fresh simulator for each test, with a {@link FakeBot} at its bot endpoint; each test
 * class says which tenant and limits.
 */
abstract class FakeBotTest {

	FakeBot bot;

	TeamsSimulator sim;

	SimHttp http;

	/** The simulator's configuration; the bot endpoint is set here. */
	abstract SimulatorConfig config();

	@BeforeEach
	void startSimulatorWithBot() throws Exception {
		this.bot = new FakeBot();
		this.sim = TeamsSimulator.start(config().withBotEndpoint(this.bot.url()));
		this.http = new SimHttp(this.sim);
	}

	@AfterEach
	void stopSimulatorAndBot() {
		this.sim.close();
		this.bot.close();
	}

}
