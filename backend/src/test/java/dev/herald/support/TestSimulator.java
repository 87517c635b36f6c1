package dev.herald.support;

import dev.herald.simulator.SimulatorConfig;
import dev.herald.simulator.TeamsSimulator;

/** The Teams simulator shared by the integration tests of one JVM. */
public final class TestSimulator {

	private static TeamsSimulator shared;

	private TestSimulator() {
	}

	public static synchronized TeamsSimulator get() {
		if (shared == null) {
			shared = TeamsSimulator.start(SimulatorConfig.defaults().withUsers(200));
			Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "simulator-stop"));
		}
		return shared;
	}

}
