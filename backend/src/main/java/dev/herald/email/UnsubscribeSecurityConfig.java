package dev.herald.email;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;

/**
 * The unsubscribe link's own filter chain: public (the signed token in the path is the
 * only authority), no session, and no CSRF token, since a mail client's one-click POST
 * carries none (RFC 8058). Nothing but these two endpoints is reachable through it.
 */
@Configuration(proxyBeanMethods = false)
class UnsubscribeSecurityConfig {

	@Bean
	@Order(1)
	SecurityFilterChain emailUnsubscribe(HttpSecurity http) throws Exception {
		http.securityMatcher(UnsubscribeController.PATH + "/**")
			.authorizeHttpRequests((auth) -> auth.anyRequest().permitAll())
			.csrf((csrf) -> csrf.disable())
			.sessionManagement((s) -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache((cache) -> cache.disable())
			.headers((headers) -> headers.contentSecurityPolicy((csp) -> csp.policyDirectives(
					"default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; "
							+ "frame-ancestors 'none'"))
				.referrerPolicy((referrer) -> referrer.policy(ReferrerPolicy.NO_REFERRER)));
		return http.build();
	}

}
