package dev.herald.tab;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The personal tab and its Teams single sign-on.
 *
 * @param jwkSetUri where Entra publishes the keys that sign the tab's tokens; empty means
 * the tenant's ({@code https://login.microsoftonline.com/{tenant}/discovery/v2.0/keys})
 * @param issuers the accepted {@code iss} values; empty means the tenant's two forms,
 * {@code https://sts.windows.net/{tenant}/} (v1 tokens) and
 * {@code https://login.microsoftonline.com/{tenant}/v2.0} (v2 tokens)
 * @param appIdUri the Application ID URI of Herald's Entra app
 * ({@code api://herald.contoso.com/{bot app id}}, the manifest's
 * {@code webApplicationInfo.resource}), accepted as a token audience next to the app id
 * itself (v1 tokens carry it); empty means the manifest names {@code api://{the host it
 * is downloaded from}/{bot app id}} and only v2 tokens (audience the app id) are accepted
 * @param scope the delegated scope the token must carry
 * @param allowedClientIds the clients a token may have been issued to ({@code azp} in v2,
 * {@code appid} in v1): Teams' and Microsoft 365's pre-authorised client ids; empty turns
 * the check off
 * @param clockSkew tolerance on {@code exp} and {@code nbf}
 * @param trustedHostOrigins origins besides Teams' own that may frame the tab and talk to
 * teams-js: only the simulator's, in local mode and tests; empty in production
 * @param pageSize announcements per page of the tab's list
 */
@Validated
@ConfigurationProperties("herald.tab")
public record TabProperties(URI jwkSetUri, @DefaultValue( {
	}) List<String> issuers, @DefaultValue("") String appIdUri, @NotBlank @DefaultValue("access_as_user") String scope,
		@DefaultValue({ "1fec8e78-bce4-4aaf-ab1b-5451cc387264", "5e3ce6c0-2b1f-4285-8d4b-75ee78787346",
				"4765445b-32c6-49b0-83e6-1d93765276ca", "0ec893e0-5785-4de6-99da-4ed124e5296c",
				"d3590ed6-52b3-4102-aeff-aad2292ab01c", "bc59ab01-8403-45c6-8796-ac3ef710b3e3",
				"27922004-5251-4030-b22d-91ecd9a37ea4" }) List<String> allowedClientIds,
		@NotNull @DefaultValue("2m") Duration clockSkew, @DefaultValue({}) List<String> trustedHostOrigins,
		@DefaultValue("20") int pageSize){

	/** The JWKS to fetch: the configured one, else the tenant's. */
	URI effectiveJwkSetUri(String tenantId) {
		return (this.jwkSetUri != null) ? this.jwkSetUri
				: URI.create("https://login.microsoftonline.com/" + tenantId + "/discovery/v2.0/keys");
	}

	/** The accepted issuers: the configured ones, else the tenant's v1 and v2 forms. */
	List<String> effectiveIssuers(String tenantId) {
		List<String> configured = this.issuers.stream().map(String::trim).filter((s) -> !s.isEmpty()).toList();
		return !configured.isEmpty() ? configured : List.of("https://sts.windows.net/" + tenantId + "/",
				"https://login.microsoftonline.com/" + tenantId + "/v2.0");
	}

	/** Origins allowed besides Teams', without trailing slashes. */
	List<String> hostOrigins() {
		return this.trustedHostOrigins.stream()
			.map(String::trim)
			.filter((s) -> !s.isEmpty())
			.map((s) -> s.endsWith("/") ? s.substring(0, s.length() - 1) : s)
			.toList();
	}

}
