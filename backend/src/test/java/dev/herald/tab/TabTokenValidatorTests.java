package dev.herald.tab;

import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.jwt.Jwt;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The claims of a Teams sign-on token, one rule at a time (signature and lifetime are the
 * decoder's; {@code TabIntegrationTests} tries those over HTTP).
 */
class TabTokenValidatorTests {

	private static final String TENANT = "8f1c2a9e-5b7d-4c3e-9a61-2d4f6b8e0c13";

	private static final String APP = "3b9e6a51-0c2d-4f7e-8a19-6d5c4b3a2f10";

	private static final String APP_ID_URI = "api://herald.contoso.example/" + APP;

	private static final String TEAMS_WEB = "5e3ce6c0-2b1f-4285-8d4b-75ee78787346";

	private final TabTokenValidator validator = new TabTokenValidator(
			new TabProperties(null, List.of(), APP_ID_URI, "access_as_user", List.of(TEAMS_WEB), null, List.of(), 20)
				.effectiveIssuers(TENANT),
			TENANT, List.of(APP, APP_ID_URI), "access_as_user", List.of(TEAMS_WEB));

	@Test
	void v2AndV1TokensOfTeamsForHeraldPass() {
		assertThat(ok(v2())).isTrue();
		assertThat(ok(v2().audience(List.of(APP.toUpperCase())).claim("scp", "User.Read access_as_user"))).isTrue();
		assertThat(ok(v2().issuer("https://sts.windows.net/" + TENANT + "/")
			.audience(List.of(APP_ID_URI))
			.claims((c) -> c.remove("azp"))
			.claim("appid", TEAMS_WEB))).isTrue();
	}

	@Test
	void eachRuleRefusesOnItsOwn() {
		List<UnaryOperator<Jwt.Builder>> breaks = List.of(
				(b) -> b.issuer("https://login.microsoftonline.com/common/v2.0"),
				(b) -> b.issuer("https://login.microsoftonline.com/" + TENANT + "/v2.0/"),
				(b) -> b.claims((c) -> c.remove("iss")), (b) -> b.claim("tid", "72f988bf-86f1-41af-91ab-2d7cd011db47"),
				(b) -> b.claims((c) -> c.remove("tid")), (b) -> b.audience(List.of("api://herald")),
				(b) -> b.audience(List.of("api://evil.example/" + APP)), (b) -> b.claim("scp", "User.Read"),
				(b) -> b.claim("scp", "access_as_user_too"), (b) -> b.claims((c) -> c.remove("scp")),
				(b) -> b.claim("scp", List.of("access_as_user")), (b) -> b.claim("azp", APP),
				(b) -> b.claims((c) -> c.remove("azp")), (b) -> b.claims((c) -> c.remove("oid")),
				(b) -> b.claims((c) -> c.remove("exp")));
		for (int i = 0; i < breaks.size(); i++) {
			assertThat(ok(breaks.get(i).apply(v2()))).as("rule %d", i).isFalse();
		}
	}

	@Test
	void withoutAClientListAnyClientOfTheTenantMayAsk() {
		TabTokenValidator open = new TabTokenValidator(List.of("https://login.microsoftonline.com/" + TENANT + "/v2.0"),
				TENANT, List.of(APP), "access_as_user", List.of());
		assertThat(open.validate(v2().claim("azp", APP).build()).hasErrors()).isFalse();
	}

	@Test
	void thePageLanguageIsOneOfTheFive() {
		assertThat(TabPage.language("fr-fr")).isEqualTo("fr");
		assertThat(TabPage.language("de-AT")).isEqualTo("de");
		assertThat(TabPage.language("zh-cn")).isEqualTo("zh-CN");
		assertThat(TabPage.language("zh-tw")).isEqualTo("en");
		assertThat(TabPage.language("it-it")).isEqualTo("en");
		assertThat(TabPage.language("{locale}")).isEqualTo("en");
		assertThat(TabPage.language(null)).isEqualTo("en");
		assertThat(TabInbox.like("50%_a\\b")).isEqualTo("%50\\%\\_a\\\\b%");
	}

	private boolean ok(Jwt.Builder token) {
		return !this.validator.validate(token.build()).hasErrors();
	}

	private static Jwt.Builder v2() {
		Instant now = Instant.now();
		return Jwt.withTokenValue("token")
			.header("alg", "RS256")
			.issuer("https://login.microsoftonline.com/" + TENANT + "/v2.0")
			.audience(List.of(APP))
			.issuedAt(now)
			.notBefore(now)
			.expiresAt(now.plusSeconds(3600))
			.claim("scp", "access_as_user")
			.claim("azp", TEAMS_WEB)
			.claim("tid", TENANT)
			.claim("oid", "00000000-0000-4000-8000-000000000001");
	}

}
