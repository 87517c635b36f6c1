package dev.herald.simulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import com.sun.net.httpserver.HttpExchange;

/** Minimal request/response/router types over the JDK HTTP server. */
final class Http {

	private Http() {
	}

	/** An incoming request with decoded path segments and query parameters. */
	static final class Req {

		final HttpExchange exchange;

		final String method;

		final String rawPath;

		final String rawQuery;

		final List<String> segments;

		final Map<String, String> query;

		final byte[] body;

		String[] params = new String[0];

		private Map<String, Object> json;

		private boolean jsonParsed;

		Req(HttpExchange exchange) throws IOException {
			this.exchange = exchange;
			this.method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
			this.rawPath = exchange.getRequestURI().getRawPath();
			this.rawQuery = exchange.getRequestURI().getRawQuery();
			this.segments = segments(this.rawPath);
			this.query = query(this.rawQuery);
			this.body = readAll(exchange.getRequestBody());
		}

		/** For $batch items: a request built from parts. */
		Req(String method, String pathAndQuery, Map<String, String> headers, byte[] body, HttpExchange outer) {
			this.exchange = outer;
			this.method = method.toUpperCase(Locale.ROOT);
			int q = pathAndQuery.indexOf('?');
			this.rawPath = (q < 0) ? pathAndQuery : pathAndQuery.substring(0, q);
			this.rawQuery = (q < 0) ? null : pathAndQuery.substring(q + 1);
			this.segments = segments(this.rawPath);
			this.query = query(this.rawQuery);
			this.body = (body != null) ? body : new byte[0];
			this.batchHeaders = headers;
		}

		private Map<String, String> batchHeaders;

		String header(String name) {
			if (this.batchHeaders != null) {
				for (Map.Entry<String, String> e : this.batchHeaders.entrySet()) {
					if (e.getKey().equalsIgnoreCase(name)) {
						return e.getValue();
					}
				}
				if (!"Authorization".equalsIgnoreCase(name)) {
					return null;
				}
			}
			return (this.exchange != null) ? this.exchange.getRequestHeaders().getFirst(name) : null;
		}

		String param(int i) {
			return this.params[i];
		}

		String q(String name) {
			return this.query.get(name);
		}

		String bodyString() {
			return new String(this.body, StandardCharsets.UTF_8);
		}

		/** The body as a JSON object; throws {@link BadJson} when it is not one. */
		Map<String, Object> json() {
			if (!this.jsonParsed) {
				this.jsonParsed = true;
				try {
					this.json = Json.parseObject(this.body);
				}
				catch (RuntimeException ex) {
					throw new BadJson(ex.getMessage());
				}
			}
			return this.json;
		}

		private static byte[] readAll(InputStream in) throws IOException {
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			in.transferTo(out);
			return out.toByteArray();
		}

		static List<String> segments(String rawPath) {
			List<String> result = new ArrayList<>();
			for (String s : rawPath.split("/")) {
				if (!s.isEmpty()) {
					result.add(percentDecode(s));
				}
			}
			return result;
		}

		static Map<String, String> query(String rawQuery) {
			Map<String, String> result = new LinkedHashMap<>();
			if (rawQuery == null || rawQuery.isEmpty()) {
				return result;
			}
			for (String part : rawQuery.split("&")) {
				if (part.isEmpty()) {
					continue;
				}
				int eq = part.indexOf('=');
				String name = URLDecoder.decode((eq < 0) ? part : part.substring(0, eq), StandardCharsets.UTF_8);
				String value = (eq < 0) ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
				result.putIfAbsent(name, value);
			}
			return result;
		}

		static String percentDecode(String s) {
			if (s.indexOf('%') < 0) {
				return s;
			}
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			for (int i = 0; i < s.length(); i++) {
				char c = s.charAt(i);
				if (c == '%' && i + 2 < s.length()) {
					out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
					i += 2;
				}
				else {
					byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
					out.write(b, 0, b.length);
				}
			}
			return out.toString(StandardCharsets.UTF_8);
		}

	}

	/** Thrown when a body is not valid JSON. */
	static final class BadJson extends RuntimeException {

		BadJson(String message) {
			super(message);
		}

	}

	/** A response to write. {@link #HOLD} and {@link #RESET} are special markers. */
	static final class Resp {

		static final Resp HOLD = new Resp(0, null, null);

		static final Resp RESET = new Resp(-1, null, null);

		final int status;

		final byte[] body;

		final Map<String, String> headers = new LinkedHashMap<>();

		Resp(int status, String contentType, byte[] body) {
			this.status = status;
			this.body = (body != null) ? body : new byte[0];
			if (contentType != null) {
				this.headers.put("Content-Type", contentType);
			}
		}

		static Resp json(int status, Object body) {
			return new Resp(status, "application/json; charset=utf-8", Json.bytes(body));
		}

		static Resp empty(int status) {
			return new Resp(status, null, null);
		}

		static Resp text(int status, String contentType, String body) {
			return new Resp(status, contentType, body.getBytes(StandardCharsets.UTF_8));
		}

		Resp header(String name, String value) {
			this.headers.put(name, value);
			return this;
		}

		String bodyString() {
			return new String(this.body, StandardCharsets.UTF_8);
		}

		/**
		 * A correlation vector like Teams sends (22 base64 characters, ".0"). Not
		 * UUID.randomUUID(): its SecureRandom is one lock for every handler thread.
		 */
		private static String correlationVector() {
			byte[] random = new byte[17];
			ThreadLocalRandom.current().nextBytes(random);
			return Base64.getEncoder().withoutPadding().encodeToString(random).substring(0, 22) + ".0";
		}

		void write(HttpExchange exchange) throws IOException {
			try (exchange) {
				this.headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
				exchange.getResponseHeaders().set("MS-CV", correlationVector());
				boolean noBody = this.body.length == 0 || "HEAD".equals(exchange.getRequestMethod());
				exchange.sendResponseHeaders(this.status, noBody ? -1 : this.body.length);
				if (!noBody) {
					try (OutputStream out = exchange.getResponseBody()) {
						out.write(this.body);
					}
				}
			}
		}

	}

	/** A request handler. */
	@FunctionalInterface
	interface Handler {

		Resp handle(Req req) throws Exception;

	}

	/** Kind of route, used for latency/fault application and error shapes. */
	enum Kind {

		CONNECTOR, GRAPH, ENTRA, SIM

	}

	record Route(String method, String[] template, Kind kind, Handler handler) {

		String[] match(List<String> segments) {
			if (segments.size() != this.template.length) {
				return null;
			}
			List<String> params = new ArrayList<>();
			for (int i = 0; i < this.template.length; i++) {
				String t = this.template[i];
				if (t.startsWith("{")) {
					params.add(segments.get(i));
				}
				else if (!t.equalsIgnoreCase(segments.get(i))) {
					return null;
				}
			}
			return params.toArray(new String[0]);
		}

	}

	/** Routes by method and path template ({@code /v1.0/users/{id}}). */
	static final class Router {

		private final List<Route> routes = new ArrayList<>();

		void add(String method, String template, Kind kind, Handler handler) {
			String[] parts = template.split("/");
			List<String> segs = new ArrayList<>();
			for (String p : parts) {
				if (!p.isEmpty()) {
					segs.add(p);
				}
			}
			this.routes.add(new Route(method, segs.toArray(new String[0]), kind, handler));
		}

		Route find(Req req) {
			for (Route r : this.routes) {
				String[] params = r.match(req.segments);
				if (params != null
						&& (r.method.equals(req.method) || ("GET".equals(r.method) && "HEAD".equals(req.method)))) {
					req.params = params;
					return r;
				}
			}
			return null;
		}

		/** Whether any route matches the path with another method. */
		boolean pathExists(Req req) {
			for (Route r : this.routes) {
				if (r.match(req.segments) != null) {
					return true;
				}
			}
			return false;
		}

	}

}
