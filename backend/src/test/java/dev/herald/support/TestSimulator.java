package dev.herald.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

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

	/**
	 * Posts JSON to the simulator's own API (its {@code /_sim/} paths); returns the body.
	 */
	public static String post(String path, String json) {
		try {
			return HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create(get().baseUrl() + path))
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString(json))
					.build(), HttpResponse.BodyHandlers.ofString())
				.body();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
