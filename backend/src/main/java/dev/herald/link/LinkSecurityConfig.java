package dev.herald.link;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;

/**
 * {@code /r/<token>} is public (the token is the proof), stateless and light: no session,
 * no security context, no CSRF (only GET and HEAD are answered; anything else is
 * refused). The redirect sets its own {@code Cache-Control: no-store}; the referrer is
 * never passed on, so the target never sees the token.
 */
@Configuration(proxyBeanMethods = false)
class LinkSecurityConfig {

	@Bean
	@Order(-1)
	SecurityFilterChain linkRedirects(HttpSecurity http) throws Exception {
		http.securityMatcher("/r/**")
			.authorizeHttpRequests((auth) -> auth.requestMatchers(HttpMethod.GET, "/r/**")
				.permitAll()
				.requestMatchers(HttpMethod.HEAD, "/r/**")
				.permitAll()
				.anyRequest()
				.denyAll())
			.csrf((csrf) -> csrf.disable())
			.sessionManagement((s) -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache((cache) -> cache.disable())
			.securityContext((ctx) -> ctx.disable())
			.headers((headers) -> headers.cacheControl((cache) -> cache.disable())
				.contentSecurityPolicy((csp) -> csp.policyDirectives("default-src 'none'; style-src 'unsafe-inline'"))
				.frameOptions((frame) -> frame.deny())
				.referrerPolicy((referrer) -> referrer.policy(ReferrerPolicy.NO_REFERRER)));
		return http.build();
	}

}
