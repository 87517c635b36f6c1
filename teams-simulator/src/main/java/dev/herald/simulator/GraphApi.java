package dev.herald.simulator;

import java.time.Instant;
import java.util.UUID;

import dev.herald.simulator.Http.Resp;
import dev.herald.simulator.Http.Router;

/** Microsoft Graph v1.0 under {@code /v1.0}. */
final class GraphApi {

	static final String CONTENT_TYPE = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

	private final TeamsSimulator sim;

	GraphApi(TeamsSimulator sim) {
		this.sim = sim;
	}

	void register(Router r) {
	}

	static Resp error(int status, String code, String message) {
		String requestId = UUID.randomUUID().toString();
		Resp resp = new Resp(status, CONTENT_TYPE,
				Json.bytes(Json.obj("error",
						Json.obj("code", code, "message", message, "innerError",
								Json.obj("date", Instant.now().toString().replaceAll("\\.\\d+Z$", ""), "request-id",
										requestId, "client-request-id", requestId)))));
		return resp.header("request-id", requestId);
	}

}
