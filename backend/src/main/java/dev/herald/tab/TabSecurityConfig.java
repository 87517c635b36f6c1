package dev.herald.tab;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.herald.teams.TeamsProperties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.web.client.RestTemplate;

/**
 * The tab's own door, apart from the admin UI (OIDC sign-in) and the public API (tokens
 * for Herald's API): {@code /api/tab/**} takes only Teams single sign-on tokens
 * ({@link TabTokenValidator}), as bearer tokens, no session, no cookie, so no CSRF. The
 * page {@code /tab} and its scripts are public (they hold no data) and may be framed by
 * Teams, not by anyone else.
 * <p>
 * The decoder is built here and is not a bean: a {@code JwtDecoder} or token validator
 * bean would replace or join the API's (Spring Boot's auto-configuration picks those up).
 */
@Configuration(proxyBeanMethods = false)
class TabSecurityConfig {

	/** The hosts of Teams and Microsoft 365 that frame a personal tab. */
	static final List<String> TEAMS_ORIGINS = List.of("https://teams.microsoft.com", "https://*.teams.microsoft.com",
			"https://*.cloud.microsoft");

	/** The tab's page and static files, all public. */
	static final String[] PUBLIC_PATHS = { "/tab", "/js/tab.js", "/css/tab.css", "/vendor/teams-js/**" };

	@Bean
	@Order(0)
	SecurityFilterChain tab(HttpSecurity http, TabProperties properties, TeamsProperties teams) throws Exception {
		NimbusJwtDecoder decoder = decoder(properties, teams);
		List<String> matched = new ArrayList<>(List.of(PUBLIC_PATHS));
		matched.add("/api/tab/**");
		http.securityMatcher(matched.toArray(String[]::new))
			.authorizeHttpRequests((auth) -> auth.requestMatchers(HttpMethod.GET, PUBLIC_PATHS)
				.permitAll()
				.requestMatchers("/api/tab/**")
				.authenticated()
				.anyRequest()
				.denyAll())
			.oauth2ResourceServer(
					(rs) -> rs
						.jwt((jwt) -> jwt.decoder(decoder)
							.jwtAuthenticationConverter((Jwt token) -> new JwtAuthenticationToken(token, List.of(),
									token.getClaimAsString("oid"))))
						.authenticationEntryPoint(TabSecurityConfig::unauthorized))
			.csrf((csrf) -> csrf.disable())
			.sessionManagement((s) -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache((cache) -> cache.disable())
			.headers((headers) -> headers
				.contentSecurityPolicy((csp) -> csp.policyDirectives(contentSecurityPolicy(properties)))
				.frameOptions((frame) -> frame.disable())
				.referrerPolicy((referrer) -> referrer.policy(ReferrerPolicy.SAME_ORIGIN)));
		return http.build();
	}

	/**
	 * As the admin UI's policy, but Teams (and, in local mode and tests, the simulator's
	 * Teams host page) may frame the tab instead of nobody.
	 */
	static String contentSecurityPolicy(TabProperties properties) {
		List<String> ancestors = new ArrayList<>(TEAMS_ORIGINS);
		ancestors.addAll(properties.hostOrigins());
		return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
				+ "connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
				+ "frame-ancestors " + String.join(" ", ancestors);
	}

	static NimbusJwtDecoder decoder(TabProperties properties, TeamsProperties teams) {
		String tenant = teams.tenantId();
		// RS256 only: "none" and HMAC (a public key is no secret) are refused before any
		// claim is read.
		// Bounded waits on Entra's JWKS: a slow key endpoint must not hold request
		// threads.
		SimpleClientHttpRequestFactory http = new SimpleClientHttpRequestFactory();
		http.setConnectTimeout(Duration.ofSeconds(5));
		http.setReadTimeout(Duration.ofSeconds(10));
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(properties.effectiveJwkSetUri(tenant).toString())
			.jwsAlgorithm(SignatureAlgorithm.RS256)
			.restOperations(new RestTemplate(http))
			.build();
		List<String> audiences = new ArrayList<>();
		audiences.add(teams.botAppId());
		if (!properties.appIdUri().isBlank()) {
			audiences.add(properties.appIdUri());
		}
		decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(new JwtTimestampValidator(properties.clockSkew()),
				new TabTokenValidator(properties.effectiveIssuers(tenant), tenant, audiences, properties.scope(),
						properties.allowedClientIds())));
		return decoder;
	}

	/**
	 * 401 as problem+json; the tab shows its own words for it (in the person's language)
	 * and asks Teams for a fresh token once.
	 */
	static void unauthorized(HttpServletRequest request, HttpServletResponse response, AuthenticationException ex)
			throws IOException {
		response.setStatus(401);
		response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.getWriter()
			.write("{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,"
					+ "\"detail\":\"Sign-in through Teams is required: a valid Teams single sign-on token for Herald.\","
					+ "\"code\":\"sign-in-required\"}");
	}

}
