package dev.herald.graph;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.teams.PacedHttp;

import org.springframework.http.MediaType;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * Teams' activity feed through Graph
 * ({@code POST /teamwork/sendActivityNotificationToRecipients}): one call names at most
 * 100 people. A plain HTTP call rather than the SDK: the feed needs a token with at least
 * 45 minutes of life left (Graph answers 412 otherwise), which the SDK's token provider
 * does not know about, and the caller needs the bare status and Retry-After to pace a
 * shared budget.
 */
@Component
public class ActivityFeed implements AutoCloseable {

	/** Recipients per call, Graph's maximum. */
	public static final int MAX_RECIPIENTS = 100;

	/** Graph refuses tokens with less than 45 minutes left; a minute of margin. */
	static final Duration MIN_TOKEN_LIFE = Duration.ofMinutes(46);

	/** Teams shows this much of the preview text. */
	public static final int PREVIEW_MAX = 150;

	/** The permission the feed needs (application). */
	public static final String PERMISSION = "TeamsActivity.Send";

	private final GraphToken token;

	private final CloseableHttpClient calls;

	private final RestClient http;

	private final String baseUrl;

	ActivityFeed(GraphToken token, GraphProperties properties) {
		this.token = token;
		// Paced calls: the calling thread puts the request on the wire (see PacedHttp).
		this.calls = PacedHttp.client(Duration.ofSeconds(5), Duration.ofSeconds(30), 8);
		this.http = RestClient.builder().requestFactory(new HttpComponentsClientHttpRequestFactory(this.calls)).build();
		this.baseUrl = properties.baseUrl().toString().replaceAll("/+$", "");
	}

	/**
	 * Builds one notification to up to 100 people and makes sure a token with its 45
	 * minutes is at hand, so that {@link #send} puts the request on the wire at once: a
	 * paced caller takes its slot between the two, and a token fetched after the slot
	 * would make this call late and the next one early (two in Graph's second: a 429).
	 * @param activityType a type the app manifest declares
	 * @param title the topic's text
	 * @param webUrl a Teams deep link opened when the notification is clicked
	 * @param previewText the text shown, cut to 150 characters
	 * @param templateParameters the activity type's template parameters
	 * @param recipients Entra object ids
	 * @return the request, ready to send
	 */
	public Prepared prepare(String activityType, String title, String webUrl, String previewText,
			Map<String, String> templateParameters, List<String> recipients) {
		if (recipients.isEmpty() || recipients.size() > MAX_RECIPIENTS) {
			throw new IllegalArgumentException("1 to " + MAX_RECIPIENTS + " recipients per call");
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("topic", Map.of("source", "text", "value", title, "webUrl", webUrl));
		body.put("activityType", activityType);
		body.put("previewText", Map.of("content", cut(previewText)));
		List<Object> params = new ArrayList<>();
		templateParameters.forEach((k, v) -> params.add(Map.of("name", k, "value", v)));
		body.put("templateParameters", params);
		List<Object> to = new ArrayList<>();
		for (String id : recipients) {
			to.add(Map.of("@odata.type", "microsoft.graph.aadUserNotificationRecipient", "userId", id));
		}
		body.put("recipients", to);
		this.token.source().token(MIN_TOKEN_LIFE);
		return new Prepared(JsonMapper.shared().writeValueAsString(body));
	}

	/** Sends a prepared notification; once more with a new token on 412. */
	public Answer send(Prepared notification) {
		Answer answer = post(notification.json(), false);
		if (answer.status() == 412) {
			// The token lost its 45 minutes in flight (a slow call, a clock apart): once
			// more with a new one.
			answer = post(notification.json(), true);
		}
		if (answer.status() == 403 && answer.text().contains("Missing role permissions")) {
			// A permission granted since would only show in a new token.
			this.token.source().invalidate();
		}
		return answer;
	}

	private Answer post(String json, boolean newToken) {
		if (newToken) {
			this.token.source().invalidate();
		}
		String bearer = this.token.source().token(MIN_TOKEN_LIFE);
		try {
			return this.http.post()
				.uri(this.baseUrl + "/teamwork/sendActivityNotificationToRecipients")
				.contentType(MediaType.APPLICATION_JSON)
				.header("Authorization", "Bearer " + bearer)
				.body(json)
				.exchange((request, response) -> {
					String text = new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8);
					String retryAfter = response.getHeaders().getFirst("Retry-After");
					return new Answer(response.getStatusCode().value(), message(text), retryAfter(retryAfter));
				});
		}
		catch (RestClientException ex) {
			return new Answer(0, "No answer from Graph: " + ex.getMessage(), null);
		}
	}

	/** The connection pool goes with the application context. */
	@Override
	public void close() throws IOException {
		this.calls.close();
	}

	static String cut(String text) {
		String t = (text != null) ? text.strip() : "";
		return (t.length() <= PREVIEW_MAX) ? t : t.substring(0, PREVIEW_MAX - 1) + "…";
	}

	private static String message(String text) {
		if (text.isBlank()) {
			return "";
		}
		try {
			JsonNode error = JsonMapper.shared().readTree(text).path("error");
			String code = error.path("code").asString("");
			String message = error.path("message").asString(text);
			String m = (code.isEmpty() ? "" : code + ": ") + message;
			return (m.length() <= 400) ? m : m.substring(0, 400) + "…";
		}
		catch (RuntimeException ex) {
			return (text.length() <= 400) ? text : text.substring(0, 400) + "…";
		}
	}

	private static Duration retryAfter(String value) {
		if (value == null) {
			return null;
		}
		try {
			return Duration.ofMillis((long) Math.ceil(Double.parseDouble(value.trim()) * 1000));
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	/** A notification's request body, built before the caller's slot. */
	public record Prepared(String json) {
	}

	/**
	 * Graph's answer.
	 *
	 * @param status HTTP status (202 accepted; 0 no answer)
	 * @param text Graph's error code and message, empty on success
	 * @param retryAfter the Retry-After of a 429, or null
	 */
	public record Answer(int status, String text, Duration retryAfter) {

		public boolean accepted() {
			return this.status == 202;
		}

		public boolean throttled() {
			return this.status == 429;
		}

		/** Worth another call later: throttling, server errors, no answer. */
		public boolean transientFailure() {
			return this.status == 0 || this.status == 429 || this.status >= 500 || this.status == 412;
		}

	}

}
