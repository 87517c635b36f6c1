package dev.herald.security;

import java.util.List;

import jakarta.validation.constraints.NotBlank;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How identities become Herald roles.
 *
 * @param roleClaim the token claim holding app roles (Entra ID: {@code roles})
 * @param authorRole the app-role value that makes an Author
 * @param adminRole the app-role value that makes an Admin (admins are authors too)
 * @param authors immutable ids that are Authors regardless of claims, for bootstrapping:
 * people's Entra object ids ({@code oid}; {@code sub} where the identity provider has no
 * {@code oid}, as in local mode) and API clients' app ids (app-only tokens only); never
 * names or e-mail addresses, which change and can be reused
 * @param admins immutable ids that are Admins regardless of claims
 * @param approverRole the app-role value that makes an Approver
 * @param approvers immutable ids that are Approvers regardless of claims
 * @param registrationId the OAuth2 client registration used for sign-in
 */
@Validated
@ConfigurationProperties("herald.security")
public record SecurityProperties(@NotBlank @DefaultValue("roles") String roleClaim,
		@NotBlank @DefaultValue("Herald.Author") String authorRole,
		@NotBlank @DefaultValue("Herald.Admin") String adminRole, @DefaultValue( {
		}) List<String> authors, @DefaultValue({}) List<String> admins,
		@NotBlank @DefaultValue("entra") String registrationId,
		@NotBlank @DefaultValue("Herald.Approver") String approverRole, @DefaultValue({}) List<String> approvers){
}
