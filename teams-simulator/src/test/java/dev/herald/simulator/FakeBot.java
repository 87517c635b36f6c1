package dev.herald.simulator;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import com.sun.net.httpserver.HttpServer;

/** A tiny bot endpoint (JDK HttpServer) capturing what the simulator posts. */
final class FakeBot implements AutoCloseable {

	record Received(String authorization, Map<String, Object> activity, String rawBody,
			Map<String, java.util.List<String>> headers) {
	}

	final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

	final AtomicInteger failuresLeft = new AtomicInteger();

	volatile Function<Map<String, Object>, Object> invokeResponder = (a) -> null;

	private final HttpServer server;

	FakeBot() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("localhost", 0), 200);
		this.server.setExecutor(Executors.newFixedThreadPool(8));
		this.server.createContext("/api/messages", (exchange) -> {
			byte[] body = exchange.getRequestBody().readAllBytes();
			if (this.failuresLeft.getAndDecrement() > 0) {
				exchange.sendResponseHeaders(503, -1);
				exchange.close();
				return;
			}
			String raw = new String(body, StandardCharsets.UTF_8);
			Map<String, Object> activity = SimHttp.JSON.readValue(raw, Map.class);
			this.received.add(new Received(exchange.getRequestHeaders().getFirst("Authorization"), activity, raw,
					Map.copyOf(exchange.getRequestHeaders())));
			Object reply = "invoke".equals(activity.get("type")) ? this.invokeResponder.apply(activity) : null;
			if (reply == null) {
				exchange.sendResponseHeaders(200, -1);
			}
			else {
				byte[] out = SimHttp.JSON.writeValueAsBytes(reply);
				exchange.getResponseHeaders().set("Content-Type", "application/json");
				exchange.sendResponseHeaders(200, out.length);
				try (OutputStream os = exchange.getResponseBody()) {
					os.write(out);
				}
			}
			exchange.close();
		});
		this.server.start();
	}

	String url() {
		return "http://localhost:" + this.server.getAddress().getPort() + "/api/messages";
	}

	Received take() throws InterruptedException {
		Received r = this.received.poll(10, TimeUnit.SECONDS);
		if (r == null) {
			throw new AssertionError("the bot received nothing within 10 s");
		}
		return r;
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
