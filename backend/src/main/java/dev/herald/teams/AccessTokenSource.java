package dev.herald.teams;

import java.net.URI;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * Client-credentials access token from Entra ID, cached until shortly before it expires.
 * One instance per scope; safe for concurrent use (one refresh at a time, readers never
 * block on a valid token).
 */
public final class AccessTokenSource {

	/**
	 * Refresh this long before expiry so no call goes out with a token about to lapse.
	 */
	static final Duration REFRESH_MARGIN = Duration.ofMinutes(5);

	private final RestClient http;

	private final URI tokenUrl;

	private final String clientId;

	private final String clientSecret;

	private final String scope;

	private final Clock clock;

	private final ReentrantLock refreshLock = new ReentrantLock();

	/** Set for a certificate credential: a client assertion replaces the secret. */
	private final ClientCertificate certificate;

	/** Set for managed identity (azure-identity). */
	private final TokenCredential azure;

	/**
	 * Set for workload identity federation: the file the platform keeps a fresh federated
	 * token in, presented as the client assertion.
	 */
	private final java.nio.file.Path federatedTokenFile;

	private volatile Token current;

	public AccessTokenSource(RestClient http, URI tokenUrl, String clientId, String clientSecret, String scope,
			Clock clock) {
		this(http, tokenUrl, clientId, clientSecret, null, null, null, scope, clock);
	}

	private AccessTokenSource(RestClient http, URI tokenUrl, String clientId, String clientSecret,
			ClientCertificate certificate, TokenCredential azure, java.nio.file.Path federatedTokenFile, String scope,
			Clock clock) {
		this.http = http;
		this.tokenUrl = tokenUrl;
		this.clientId = clientId;
		this.clientSecret = (clientSecret != null) ? clientSecret : "";
		this.certificate = certificate;
		this.azure = azure;
		this.federatedTokenFile = federatedTokenFile;
		this.scope = scope;
		this.clock = clock;
	}

	/** Client credentials with a certificate (a signed client assertion). */
	public static AccessTokenSource withCertificate(RestClient http, URI tokenUrl, String clientId,
			ClientCertificate certificate, String scope, Clock clock) {
		return new AccessTokenSource(http, tokenUrl, clientId, null, certificate, null, null, scope, clock);
	}

	/**
	 * Tokens from an azure-identity credential (managed identity): no secret or key in
	 * Herald's configuration at all.
	 */
	public static AccessTokenSource withAzureCredential(TokenCredential credential, String scope, Clock clock) {
		return new AccessTokenSource(null, null, null, null, null, credential, null, scope, clock);
	}

	/**
	 * Workload identity federation (RFC 7523): the token the platform writes to a file
	 * (Kubernetes' projected service-account token, {@code AZURE_FEDERATED_TOKEN_FILE})
	 * is the client assertion, posted to the same token endpoint as a secret or a
	 * certificate would be. The file is read at each fetch: the platform rotates it.
	 */
	public static AccessTokenSource withFederatedToken(RestClient http, URI tokenUrl, String clientId,
			java.nio.file.Path tokenFile, String scope, Clock clock) {
		return new AccessTokenSource(http, tokenUrl, clientId, null, null, null, tokenFile, scope, clock);
	}

	/** A valid bearer token, fetched or refreshed when needed. */
	public String token() {
		Token token = this.current;
		if (token != null && token.isFresh(this.clock.instant())) {
			return token.value();
		}
		this.refreshLock.lock();
		try {
			token = this.current;
			if (token == null || !token.isFresh(this.clock.instant())) {
				token = fetch();
				this.current = token;
			}
			return token.value();
		}
		finally {
			this.refreshLock.unlock();
		}
	}

	/**
	 * A token with at least {@code minRemaining} of life left: the cached one if it has
	 * that much, else a new one. Graph's activity feed refuses tokens with less than 45
	 * minutes left (412), which a token cached for 15 minutes already has.
	 */
	public String token(Duration minRemaining) {
		this.refreshLock.lock();
		try {
			Token token = this.current;
			Instant now = this.clock.instant();
			if (token == null || !token.isFresh(now) || token.expiresAt().isBefore(now.plus(minRemaining))) {
				token = fetch();
				this.current = token;
			}
			return token.value();
		}
		finally {
			this.refreshLock.unlock();
		}
	}

	/** Forget the cached token, e.g. after the service answered 401. */
	public void invalidate() {
		this.current = null;
	}

	private Token fetch() {
		if (this.azure != null) {
			try {
				AccessToken token = this.azure.getTokenSync(new TokenRequestContext().addScopes(this.scope));
				return new Token(token.getToken(), token.getExpiresAt().toInstant());
			}
			catch (RuntimeException ex) {
				throw new TokenException("Managed identity token not obtained: " + abbreviate(ex.getMessage()), ex);
			}
		}
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add("grant_type", "client_credentials");
		form.add("client_id", this.clientId);
		if (this.federatedTokenFile != null) {
			form.add("client_assertion_type", ClientCertificate.ASSERTION_TYPE);
			form.add("client_assertion", readFederatedToken());
		}
		else if (this.certificate != null) {
			form.add("client_assertion_type", ClientCertificate.ASSERTION_TYPE);
			form.add("client_assertion",
					this.certificate.assertion(this.clientId, this.tokenUrl, this.clock.instant()));
		}
		else {
			form.add("client_secret", this.clientSecret);
		}
		form.add("scope", this.scope);
		try {
			JsonNode body = this.http.post()
				.uri(this.tokenUrl)
				.contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.body(form)
				.exchange((request, response) -> {
					String text = new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8);
					if (response.getStatusCode().value() != 200) {
						// The body names the Entra error (e.g. AADSTS7000215) but never
						// the secret.
						throw new TokenException("Token endpoint " + this.tokenUrl + " answered "
								+ response.getStatusCode().value() + ": " + abbreviate(text));
					}
					return JsonMapper.shared().readTree(text);
				});
			String accessToken = body.path("access_token").asString("");
			long expiresIn = body.path("expires_in").asLong(3600);
			if (accessToken.isBlank()) {
				throw new TokenException("Token endpoint " + this.tokenUrl + " returned no access_token");
			}
			return new Token(accessToken, this.clock.instant().plusSeconds(expiresIn));
		}
		catch (RestClientException ex) {
			throw new TokenException("Token endpoint " + this.tokenUrl + " unreachable: " + ex.getMessage(), ex);
		}
	}

	private String readFederatedToken() {
		try {
			String token = java.nio.file.Files.readString(this.federatedTokenFile, StandardCharsets.UTF_8).strip();
			if (token.isEmpty()) {
				throw new TokenException("The federated token file " + this.federatedTokenFile + " is empty");
			}
			return token;
		}
		catch (java.io.IOException ex) {
			throw new TokenException(
					"The federated token file " + this.federatedTokenFile + " cannot be read: " + ex.getMessage(), ex);
		}
	}

	private static String abbreviate(String text) {
		return (text == null || text.length() <= 300) ? text : text.substring(0, 300) + "…";
	}

	private record Token(String value, Instant expiresAt) {

		boolean isFresh(Instant now) {
			return now.isBefore(this.expiresAt.minus(REFRESH_MARGIN));
		}

	}

	/** The token could not be obtained; calls that need it fail as retryable. */
	public static final class TokenException extends RuntimeException {

		TokenException(String message) {
			super(message);
		}

		TokenException(String message, Throwable cause) {
			super(message, cause);
		}

	}

}
