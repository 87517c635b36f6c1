package dev.herald.teams;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.AbstractHttpEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.apache.hc.core5.util.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.util.UriUtils;

/**
 * Bot Connector v3 REST client. Every call goes to a serviceUrl learned from Teams; the
 * bearer token is only ever sent to the configured service hosts. Replies are returned,
 * not thrown: {@link ConnectorReply.Kind} says what each status means.
 */
@Component
public class ConnectorClient implements AutoCloseable {

	/** Connections to Teams; more than the dispatcher ever has in flight. */
	private static final int MAX_CONNECTIONS = 1024;

	private final CloseableHttpClient calls;

	private final TeamsProperties properties;

	private final AccessTokenSource tokens;

	private final JsonMapper json = JsonMapper.shared();

	private final CallBudget budget;

	/** Local mode talks plain http to the simulator; elsewhere only https is used. */
	private boolean localMode;

	/** A client that does not pace its calls (tests of the client itself). */
	public ConnectorClient(RestClient.Builder builder, TeamsProperties properties) {
		this(builder, properties, CallBudget.unlimited());
	}

	@Autowired
	public ConnectorClient(RestClient.Builder builder, TeamsProperties properties, ObjectProvider<CallBudget> budget) {
		this(builder, properties, budget.getIfAvailable(CallBudget::unlimited));
	}

	/**
	 * Hosts reached over plain http outside local mode (the compose trial's simulator).
	 */
	private List<String> plainHttpHosts = List.of();

	@Autowired
	void setLocalMode(
			@org.springframework.beans.factory.annotation.Value("${herald.local-mode:false}") boolean localMode) {
		this.localMode = localMode;
	}

	@Autowired
	void setPlainHttpHosts(
			@org.springframework.beans.factory.annotation.Value("${herald.plain-http-hosts:}") List<String> hosts) {
		this.plainHttpHosts = hosts;
	}

	private ConnectorClient(RestClient.Builder builder, TeamsProperties properties, CallBudget budget) {
		this.budget = budget;
		this.properties = properties;
		HttpClient tokenClient = HttpClient.newBuilder().connectTimeout(properties.connectTimeout()).build();
		JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(tokenClient);
		factory.setReadTimeout(properties.readTimeout());
		this.tokens = tokens(builder.clone().requestFactory(factory).build(), properties);
		// Blocking, FIFO pool, no retries: see PacedHttp. The dispatcher decides what is
		// retried and flags what may repeat.
		this.calls = PacedHttp.client(properties.connectTimeout(), properties.readTimeout(), MAX_CONNECTIONS);
	}

	/** The bot's token source for the configured kind of credential. */
	static AccessTokenSource tokens(RestClient http, TeamsProperties properties) {
		return tokens(http, properties, properties.effectiveTokenUrl(), properties.tokenScope());
	}

	/**
	 * A token source with the bot's credential for another resource (Graph uses the bot's
	 * app registration by default, whatever kind of credential it has).
	 * @param tokenUrl the token endpoint (unused by managed identity)
	 * @param scope {@code <resource>/.default}
	 */
	public static AccessTokenSource tokens(RestClient http, TeamsProperties properties, java.net.URI tokenUrl,
			String scope) {
		return switch (properties.credential()) {
			case SECRET -> new AccessTokenSource(http, tokenUrl, properties.botAppId(), properties.botAppPassword(),
					scope, Clock.systemUTC());
			case CERTIFICATE -> AccessTokenSource.withCertificate(http, tokenUrl, properties.botAppId(),
					ClientCertificate.load(properties.certificatePath(), properties.certificatePassword()), scope,
					Clock.systemUTC());
			case MANAGED_IDENTITY -> AccessTokenSource.withAzureCredential(
					new com.azure.identity.ManagedIdentityCredentialBuilder().clientId(properties.identityClientId())
						.build(),
					scope, Clock.systemUTC());
			// Our own RFC 7523 exchange rather than azure-identity's: the same token
			// endpoint as the other credentials (sovereign clouds, the simulator), no
			// MSAL instance discovery.
			case WORKLOAD_IDENTITY -> AccessTokenSource.withFederatedToken(http, tokenUrl,
					properties.identityClientId(), properties.effectiveFederatedTokenFile(), scope, Clock.systemUTC());
		};
	}

	@Override
	public void close() throws IOException {
		this.calls.close();
	}

	/** Posts a pre-serialized activity to a conversation, a call of this kind. */
	public ConnectorReply sendActivity(String serviceUrl, String conversationId, byte[] activityJson,
			CallBudget.Kind kind) {
		return exchangeJson(HttpMethod.POST, serviceUrl, activitiesPath(conversationId), activityJson, kind, null)
			.reply();
	}

	/**
	 * Posts a pre-serialized activity on a budget slot the caller already holds (the
	 * dispatcher takes its slot before building the request); a slot gone stale is
	 * replaced by a fresh one.
	 */
	public ConnectorReply sendActivity(String serviceUrl, String conversationId, byte[] activityJson,
			CallBudget.Slot slot) {
		return exchangeJson(HttpMethod.POST, serviceUrl, activitiesPath(conversationId), activityJson, null, slot)
			.reply();
	}

	private static String activitiesPath(String conversationId) {
		return "v3/conversations/" + UriUtils.encodePathSegment(conversationId, StandardCharsets.UTF_8) + "/activities";
	}

	/** Replaces an activity, e.g. to update a card after an action. */
	public ConnectorReply updateActivity(String serviceUrl, String conversationId, String activityId,
			byte[] activityJson, CallBudget.Kind kind) {
		return exchangeJson(HttpMethod.PUT, serviceUrl, activityPath(conversationId, activityId), activityJson, kind,
				null)
			.reply();
	}

	/**
	 * Replaces an activity on a budget slot the caller already holds (see sendActivity).
	 */
	public ConnectorReply updateActivity(String serviceUrl, String conversationId, String activityId,
			byte[] activityJson, CallBudget.Slot slot) {
		return exchangeJson(HttpMethod.PUT, serviceUrl, activityPath(conversationId, activityId), activityJson, null,
				slot)
			.reply();
	}

	/** Deletes an activity the bot sent; Teams removes it from the chat. */
	public ConnectorReply deleteActivity(String serviceUrl, String conversationId, String activityId,
			CallBudget.Kind kind) {
		return exchangeJson(HttpMethod.DELETE, serviceUrl, activityPath(conversationId, activityId), null, kind, null)
			.reply();
	}

	/** Deletes an activity on a budget slot the caller already holds. */
	public ConnectorReply deleteActivity(String serviceUrl, String conversationId, String activityId,
			CallBudget.Slot slot) {
		return exchangeJson(HttpMethod.DELETE, serviceUrl, activityPath(conversationId, activityId), null, null, slot)
			.reply();
	}

	/** Posts an activity as a reply to another one (ReplyToActivity). */
	public ConnectorReply replyToActivity(String serviceUrl, String conversationId, String activityId,
			byte[] activityJson, CallBudget.Kind kind) {
		return exchangeJson(HttpMethod.POST, serviceUrl, activityPath(conversationId, activityId), activityJson, kind,
				null)
			.reply();
	}

	/** Posts a reply on a budget slot the caller already holds. */
	public ConnectorReply replyToActivity(String serviceUrl, String conversationId, String activityId,
			byte[] activityJson, CallBudget.Slot slot) {
		return exchangeJson(HttpMethod.POST, serviceUrl, activityPath(conversationId, activityId), activityJson, null,
				slot)
			.reply();
	}

	private static String activityPath(String conversationId, String activityId) {
		return "v3/conversations/" + UriUtils.encodePathSegment(conversationId, StandardCharsets.UTF_8) + "/activities/"
				+ UriUtils.encodePathSegment(activityId, StandardCharsets.UTF_8);
	}

	/** Creates (or finds: Teams answers with the same id) the 1:1 chat with a user. */
	public ConnectorReply createPersonalConversation(String serviceUrl, String tenantId, String teamsUserId) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("isGroup", false);
		body.put("bot", Map.of("id", "28:" + this.properties.botAppId()));
		body.put("members", List.of(Map.of("id", teamsUserId)));
		body.put("tenantId", tenantId);
		body.put("channelData", Map.of("tenant", Map.of("id", tenantId)));
		return call(HttpMethod.POST, serviceUrl, "v3/conversations", this.json.writeValueAsBytes(body),
				CallBudget.Kind.CONVERSATION);
	}

	/**
	 * Starts a new thread in a channel with a first activity.
	 */
	public ConnectorReply createChannelThread(String serviceUrl, String tenantId, String channelId,
			Map<String, Object> activity) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("isGroup", true);
		body.put("channelData", Map.of("channel", Map.of("id", channelId), "tenant", Map.of("id", tenantId)));
		body.put("activity", activity);
		body.put("tenantId", tenantId);
		return call(HttpMethod.POST, serviceUrl, "v3/conversations", this.json.writeValueAsBytes(body),
				CallBudget.Kind.CHANNEL);
	}

	/**
	 * GET a Connector resource (rosters, team channels) and parse its JSON; a call of
	 * this kind.
	 */
	public JsonReply get(String serviceUrl, String pathAndQuery, CallBudget.Kind kind) {
		return exchangeJson(HttpMethod.GET, serviceUrl, pathAndQuery, null, kind, null);
	}

	private ConnectorReply call(HttpMethod method, String serviceUrl, String path, byte[] body, CallBudget.Kind kind) {
		JsonReply reply = exchangeJson(method, serviceUrl, path, body, kind, null);
		return reply.reply();
	}

	private static String operation(HttpMethod method, String path) {
		if (method == HttpMethod.GET) {
			return "read";
		}
		if (method == HttpMethod.POST) {
			return path.contains("/activities") ? "send" : "create";
		}
		return (method == HttpMethod.DELETE) ? "delete" : "update";
	}

	private static String hostOf(String url) {
		try {
			return URI.create(url).getHost();
		}
		catch (IllegalArgumentException | NullPointerException ex) {
			return null;
		}
	}

	/**
	 * One call: on the slot {@code ahead} the caller took (confirmed, or replaced by one
	 * of the same kind when stale), else on a fresh slot of {@code kind}.
	 */
	private JsonReply exchangeJson(HttpMethod method, String serviceUrl, String path, byte[] body, CallBudget.Kind kind,
			CallBudget.Slot ahead) {
		if (!this.properties.isTrustedServiceUrl(serviceUrl,
				this.localMode || OutboundUrls.isPlainHttpHost(hostOf(serviceUrl), this.plainHttpHosts))) {
			// Never hand the bot's bearer token to a host we do not know
			// (TrustServiceUrl's purpose).
			return new JsonReply(new ConnectorReply(0, null, "UntrustedServiceUrl", null,
					"serviceUrl host is not in herald.teams.allowed-service-hosts"), null);
		}
		URI uri = URI.create((serviceUrl.endsWith("/") ? serviceUrl : serviceUrl + "/") + path);
		String token;
		try {
			token = this.tokens.token();
		}
		catch (AccessTokenSource.TokenException ex) {
			return new JsonReply(ConnectorReply.transportFailure(ex.getMessage()), null);
		}
		// Teams counts every call, whatever its kind, against one per-tenant budget.
		CallBudget.Slot slot;
		try {
			slot = (ahead != null) ? this.budget.confirm(ahead) : this.budget.acquire(kind);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new JsonReply(ConnectorReply.notSent("Interrupted while waiting for the call budget"), null);
		}
		ClassicRequestBuilder request = ClassicRequestBuilder.create(method.name())
			.setUri(uri)
			.setHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token)
			.setHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE);
		if (body != null) {
			request.setEntity(new DepartingEntity(body, slot));
		}
		Response response;
		try {
			response = this.calls.execute(request.build(),
					(r) -> new Response(r.getCode(),
							(r.getEntity() != null) ? EntityUtils.toByteArray(r.getEntity()) : null,
							(r.getFirstHeader(HttpHeaders.RETRY_AFTER) != null)
									? r.getFirstHeader(HttpHeaders.RETRY_AFTER).getValue() : null));
		}
		catch (IOException ex) {
			if (Thread.currentThread().isInterrupted()) {
				// The request may have left: a transport failure, retried and flagged,
				// never "not sent".
				return new JsonReply(ConnectorReply.transportFailure("Interrupted while waiting for the reply"), null);
			}
			return new JsonReply(
					ConnectorReply.transportFailure(ex.getClass().getSimpleName() + ": " + ex.getMessage()), null);
		}
		int status = response.status();
		JsonNode parsed = readJson(response.body());
		if (status == 401) {
			this.tokens.invalidate();
		}
		Duration retryAfter = parseRetryAfter(response.retryAfter());
		if (status == 429) {
			this.budget.throttled(retryAfter, operation(method, path));
		}
		if (status >= 200 && status < 300) {
			String id = (parsed != null) ? parsed.path("id").asString(null) : null;
			return new JsonReply(new ConnectorReply(status, id, null, retryAfter, null), parsed);
		}
		String code = errorCode(parsed);
		return new JsonReply(new ConnectorReply(status, null, code, retryAfter, errorMessage(parsed)), parsed);
	}

	private JsonNode readJson(byte[] bytes) {
		if (bytes == null || bytes.length == 0) {
			return null;
		}
		try {
			return this.json.readTree(bytes);
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	/**
	 * Teams answers errors in two shapes: the Connector's {"error":{"code"}} envelope,
	 * and {"errorCode":209,"message":"{\"subCode\":\"MessageWritesBlocked\"...}"} for
	 * blocked threads.
	 */
	String errorCode(JsonNode body) {
		if (body == null) {
			return null;
		}
		String code = body.path("error").path("code").asString(null);
		if (code != null) {
			return code;
		}
		JsonNode errorCode = body.get("errorCode");
		if (errorCode != null) {
			String message = body.path("message").asString("");
			try {
				String subCode = this.json.readTree(message).path("subCode").asString(null);
				if (subCode != null) {
					return subCode;
				}
			}
			catch (RuntimeException ex) {
				// message is plain text: fall back to the numeric code
			}
			return errorCode.asString();
		}
		return null;
	}

	private static String errorMessage(JsonNode body) {
		if (body == null) {
			return null;
		}
		String message = body.path("error").path("message").asString(null);
		return (message != null) ? message : body.path("message").asString(null);
	}

	static Duration parseRetryAfter(String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			double seconds = Double.parseDouble(value.trim());
			return Duration.ofMillis((long) Math.ceil(seconds * 1000));
		}
		catch (NumberFormatException ex) {
			return null; // HTTP-date form is not used by Teams
		}
	}

	private record Response(int status, byte[] body, String retryAfter) {
	}

	/** A JSON body that tells the budget when it went on the wire. */
	private static final class DepartingEntity extends AbstractHttpEntity {

		private final byte[] body;

		private final CallBudget.Slot slot;

		DepartingEntity(byte[] body, CallBudget.Slot slot) {
			super(ContentType.APPLICATION_JSON, null);
			this.body = body;
			this.slot = slot;
		}

		@Override
		public void writeTo(OutputStream out) throws IOException {
			out.write(this.body);
			out.flush();
			// Stamped once the whole request is on the socket, never before: a thread
			// preempted between the stamp and the write would let the call a window
			// later leave too soon after this one (Teams stamps arrivals).
			this.slot.departed();
		}

		@Override
		public InputStream getContent() {
			return new ByteArrayInputStream(this.body);
		}

		@Override
		public long getContentLength() {
			return this.body.length;
		}

		@Override
		public boolean isRepeatable() {
			return true;
		}

		@Override
		public boolean isStreaming() {
			return false;
		}

		@Override
		public void close() {
		}

	}

	/** A reply plus its parsed JSON body (null when empty or not JSON). */
	public record JsonReply(ConnectorReply reply, JsonNode body) {
	}

}
