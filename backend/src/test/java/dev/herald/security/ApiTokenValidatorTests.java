package dev.herald.security;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.jwt.Jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Herald's own token rules, and that a deployment without an API audience does not start.
 */
class ApiTokenValidatorTests {

	private final ApiTokenValidator validator = new ApiTokenValidator(List.of("api://herald"), "tenant-1");

	@Test
	void withoutAnAudienceHeraldDoesNotStart() {
		assertThatIllegalStateException().isThrownBy(() -> new ApiTokenValidator(List.of(), "tenant-1"))
			.withMessageContaining("HERALD_API_AUDIENCE");
		assertThatIllegalStateException().isThrownBy(() -> new ApiTokenValidator(List.of(" "), "tenant-1"));
		assertThatIllegalStateException().isThrownBy(() -> new ApiTokenValidator(List.of("api://herald"), ""));
	}

	@Test
	void audienceAndTenantMustBothBeHeralds() {
		assertThat(valid(List.of("api://herald"), "tenant-1")).isTrue();
		assertThat(valid(List.of("other", "api://herald"), "TENANT-1")).isTrue();
		assertThat(valid(List.of("api://other"), "tenant-1")).isFalse();
		assertThat(valid(List.of("api://herald"), "tenant-2")).isFalse();
		assertThat(valid(List.of("api://herald"), null)).isFalse();
	}

	private boolean valid(List<String> audience, String tenant) {
		Jwt.Builder jwt = Jwt.withTokenValue("t")
			.header("alg", "RS256")
			.issuedAt(Instant.now())
			.expiresAt(Instant.now().plusSeconds(60))
			.audience(audience)
			.claims((c) -> c.putAll(Map.of("sub", "x")));
		if (tenant != null) {
			jwt.claim("tid", tenant);
		}
		return !this.validator.validate(jwt.build()).hasErrors();
	}

}
