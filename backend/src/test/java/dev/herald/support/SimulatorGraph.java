package dev.herald.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.herald.simulator.TeamsSimulator;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Whether the simulator serves Microsoft Graph yet (its Graph endpoints arrive after its
 * foundation). Tests that need Graph are skipped, visibly, until it does; they then run.
 */
public final class SimulatorGraph {

	private static Boolean served;

	private SimulatorGraph() {
	}

	public static synchronized void assumeServed(TeamsSimulator simulator) {
		if (served == null) {
			try {
				HttpResponse<String> response = HttpClient.newHttpClient()
					.send(HttpRequest.newBuilder(URI.create(simulator.graphBaseUrl() + "/users?$top=1")).build(),
							HttpResponse.BodyHandlers.ofString());
				served = !(response.statusCode() == 400
						&& response.body().contains("Resource not found for the segment"));
			}
			catch (Exception ex) {
				served = false;
			}
		}
		assumeTrue(served, "the simulator does not serve Graph yet");
	}

}
