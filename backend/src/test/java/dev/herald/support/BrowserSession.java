package dev.herald.support;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cookie-keeping HTTP client that signs in through the real OIDC redirect dance and
 * submits forms with their CSRF token, the way a browser would.
 */
public final class BrowserSession {

	private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

	private static final Pattern META_CSRF = Pattern.compile("<meta name=\"_csrf\" content=\"([^\"]+)\"");

	private final HttpClient http = HttpClient.newBuilder()
		.cookieHandler(new CookieManager())
		.followRedirects(HttpClient.Redirect.ALWAYS)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final String baseUrl;

	public BrowserSession(String baseUrl) {
		this.baseUrl = baseUrl;
	}

	/** Signs in as {@code subject} with the given app roles; returns the landing page. */
	public static BrowserSession signIn(String baseUrl, String subject, String... roles) {
		TestIdentityProvider.nextSignIn(subject, roles);
		BrowserSession session = new BrowserSession(baseUrl);
		HttpResponse<String> landing = session.get("/announcements");
		if (landing.statusCode() != 200) {
			throw new IllegalStateException("Sign-in ended with " + landing.statusCode() + " at " + landing.uri());
		}
		return session;
	}

	public HttpResponse<String> get(String path) {
		return send(HttpRequest.newBuilder(uri(path)).GET().build());
	}

	/**
	 * Sends any request with this session's cookies ({@code path} relative to Herald).
	 */
	public <T> HttpResponse<T> exchange(String path, HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) {
		try {
			return this.http.send(request.uri(uri(path)).build(), body);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Posts a form, taking the CSRF token from the page at {@code formPage}. */
	public HttpResponse<String> submit(String formPage, String action, Map<String, String> fields) {
		String token = csrfToken(get(formPage).body());
		Map<String, String> all = new java.util.LinkedHashMap<>(fields);
		all.put("_csrf", token);
		return post(action, all);
	}

	/** Posts a form as given (no CSRF token unless the caller adds one). */
	public HttpResponse<String> post(String action, Map<String, String> fields) {
		String body = fields.entrySet()
			.stream()
			.map((e) -> encode(e.getKey()) + "=" + encode(e.getValue()))
			.collect(Collectors.joining("&"));
		return send(HttpRequest.newBuilder(uri(action))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build());
	}

	/**
	 * A JSON PUT as the page's script sends it: the CSRF token (see {@link #metaCsrf}) in
	 * a header.
	 */
	public HttpResponse<String> putJson(String path, String json, String csrf) {
		return exchange(path,
				HttpRequest.newBuilder()
					.header("Content-Type", "application/json")
					.header("Accept", "application/json")
					.header("X-CSRF-TOKEN", csrf)
					.PUT(HttpRequest.BodyPublishers.ofString(json)),
				HttpResponse.BodyHandlers.ofString());
	}

	/** The CSRF token a page hands its scripts in its {@code _csrf} meta tag. */
	public static String metaCsrf(String html) {
		Matcher matcher = META_CSRF.matcher(html);
		assertThat(matcher.find()).as("CSRF meta tag").isTrue();
		return matcher.group(1);
	}

	public static String csrfToken(String html) {
		Matcher matcher = CSRF.matcher(html);
		if (!matcher.find()) {
			throw new IllegalStateException("No CSRF token in page");
		}
		return matcher.group(1);
	}

	private URI uri(String path) {
		return URI.create(path.startsWith("http") ? path : this.baseUrl + path);
	}

	private HttpResponse<String> send(HttpRequest request) {
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
