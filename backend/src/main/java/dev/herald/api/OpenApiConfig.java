package dev.herald.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI description of {@code /api/v1} (springdoc, served at {@code /v3/api-docs}
 * with Swagger UI at {@code /swagger-ui.html}). Both are public: they describe the API,
 * they hold no data; every operation still needs a bearer token.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfig {

	static final String BEARER = "bearer";

	@Bean
	OpenAPI heraldOpenApi() {
		return new OpenAPI().info(new Info().title("Herald API").version("v1").description("""
				Announcements to Microsoft Teams and notifications from other systems.

				Authenticate with an Entra ID bearer token for Herald's API. Authors need the \
				`Herald.Author` app role, `/api/v1/admin/**` needs `Herald.Admin`, and \
				`POST /api/v1/notifications` needs the calling application to be registered \
				by an admin (`/api/v1/admin/clients`). Every error is RFC 9457 \
				`application/problem+json`."""))
			.components(new Components().addSecuritySchemes(BEARER,
					new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("JWT")))
			.addSecurityItem(new SecurityRequirement().addList(BEARER));
	}

}
