package dev.herald.security;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;

/**
 * Three doors: the bot endpoint (authenticated by the Bot Framework channel token in the
 * bot module), the JSON API (bearer tokens), and the admin UI (OIDC sign-in,
 * CSRF-protected).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

	/**
	 * Browser hardening of every UI page: scripts only from Herald itself (no inline
	 * script anywhere), no framing (clickjacking), no plugins. Card images may come from
	 * any https host, as in Teams; inline styles stay allowed for the card renderer.
	 */
	static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; "
			+ "style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; connect-src 'self'; font-src 'self' data:; "
			+ "object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

	/**
	 * API tokens must be for Herald's API ({@code aud}) and from Herald's tenant
	 * ({@code tid}). The audience is required outside local mode, so a deployment that
	 * forgot it fails at start instead of accepting every app's tokens.
	 */
	@Bean
	OAuth2TokenValidator<Jwt> heraldApiTokenValidator(
			@Value("${spring.security.oauth2.resourceserver.jwt.audiences:}") List<String> audiences,
			@Value("${herald.teams.tenant-id:}") String tenantId) {
		return new ApiTokenValidator(audiences, tenantId);
	}

	@Bean
	@Order(1)
	SecurityFilterChain botEndpoint(HttpSecurity http) throws Exception {
		// Teams is not a browser: no session, no CSRF; the bot module validates its JWT
		// itself.
		http.securityMatcher("/api/messages")
			.authorizeHttpRequests((auth) -> auth.anyRequest().permitAll())
			.csrf((csrf) -> csrf.disable())
			.sessionManagement((s) -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache((cache) -> cache.disable())
			.securityContext((ctx) -> ctx.disable())
			.anonymous(Customizer.withDefaults());
		return http.build();
	}

	@Bean
	@Order(2)
	SecurityFilterChain api(HttpSecurity http, SecurityProperties properties) throws Exception {
		// Metrics are read by scrapers with a bearer token (Admin), never anonymously.
		http.securityMatcher("/api/**", "/actuator/prometheus")
			.authorizeHttpRequests((auth) -> auth.requestMatchers("/api/v1/admin/**", "/actuator/prometheus")
				.hasRole(Roles.ADMIN)
				// Other systems need no app role here: being a registered, enabled API
				// client is their grant, checked by the notification module.
				.requestMatchers("/api/v1/notifications", "/api/v1/notifications/**")
				.authenticated()
				.anyRequest()
				.hasAnyRole(Roles.AUTHOR, Roles.APPROVER))
			.oauth2ResourceServer((rs) -> rs
				.jwt((jwt) -> jwt.jwtAuthenticationConverter((Jwt token) -> new JwtAuthenticationToken(token,
						Roles.from(token.getClaims(), properties, true), Roles.userName(token.getClaims()))))
				.authenticationEntryPoint(ProblemResponses::unauthorized)
				.accessDeniedHandler(ProblemResponses::forbidden))
			.csrf((csrf) -> csrf.disable())
			.sessionManagement((s) -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache((cache) -> cache.disable());
		return http.build();
	}

	@Bean
	@Order(3)
	SecurityFilterChain web(HttpSecurity http, SecurityProperties properties, StaffMembers staff) throws Exception {
		http.authorizeHttpRequests((auth) -> auth
			.requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info", "/css/**", "/js/**",
					"/images/**", "/webjars/**", "/favicon.ico", "/error")
			.permitAll()
			.requestMatchers(HttpMethod.GET, "/images/announcements/**")
			.permitAll()
			// The OpenAPI description and Swagger UI describe the API and hold no data.
			.requestMatchers(HttpMethod.GET, "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**")
			.permitAll()
			.requestMatchers("/admin/**", "/actuator/**")
			.hasRole(Roles.ADMIN)
			.anyRequest()
			.hasAnyRole(Roles.AUTHOR, Roles.APPROVER))
			.oauth2Login(
					(login) -> login.userInfoEndpoint((ui) -> ui.oidcUserService(oidcUserService(properties, staff))))
			.logout((logout) -> logout.logoutSuccessUrl("/signed-out").permitAll())
			.headers((headers) -> headers.contentSecurityPolicy((csp) -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
				.frameOptions((frame) -> frame.deny())
				.referrerPolicy((referrer) -> referrer.policy(ReferrerPolicy.SAME_ORIGIN)));
		return http.build();
	}

	private OAuth2UserService<OidcUserRequest, OidcUser> oidcUserService(SecurityProperties properties,
			StaffMembers staff) {
		OidcUserService delegate = new OidcUserService();
		return (request) -> {
			OidcUser user = delegate.loadUser(request);
			Map<String, Object> claims = new HashMap<>(user.getClaims());
			Set<GrantedAuthority> authorities = Roles.from(claims, properties);
			authorities.addAll(user.getAuthorities());
			DefaultOidcUser signedIn = new DefaultOidcUser(authorities, user.getIdToken(), user.getUserInfo(), "sub");
			// Remembered so that a Teams card action can be matched to the presser's
			// role.
			staff.signedIn(Actor.of(new OAuth2AuthenticationToken(signedIn, authorities,
					request.getClientRegistration().getRegistrationId())));
			return signedIn;
		};
	}

}
