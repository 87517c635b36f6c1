package dev.herald.notification;

import java.net.URI;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;

import dev.herald.api.ApiClients;
import dev.herald.api.ApiProblem;
import dev.herald.api.IdempotencyKeys;
import dev.herald.security.Roles;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/notifications}: other systems (HR, ITSM, CI) notify named people. Any
 * valid token reaches this controller; the calling application must be a registered,
 * enabled API client, which is checked here.
 */
@RestController
@RequestMapping(path = "/api/v1/notifications", produces = MediaType.APPLICATION_JSON_VALUE)
class NotificationApi {

	private static final String IDEMPOTENCY_KEY = "Idempotency-Key";

	private final Notifications notifications;

	NotificationApi(Notifications notifications) {
		this.notifications = notifications;
	}

	@Operation(summary = "Send a notification to named people",
			description = "Answers 202 with the notification's id. A retry with the same Idempotency-Key and body "
					+ "gets the original reply (header Idempotent-Replayed: true) and sends nothing; the same key "
					+ "with another body is 422. Over the client's quota: 429 with Retry-After.")
	@ApiResponse(responseCode = "202", description = "Accepted; poll the Location",
			content = @Content(schema = @Schema(implementation = Notifications.Accepted.class)))
	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<String> send(@Valid @RequestBody NotificationRequest request,
			@Parameter(description = "Any unique string up to 255 characters, e.g. a UUID") @RequestHeader(
					name = IDEMPOTENCY_KEY, required = false) String idempotencyKey,
			Authentication caller) {
		if (idempotencyKey != null
				&& (idempotencyKey.isBlank() || idempotencyKey.length() > IdempotencyKeys.MAX_KEY_LENGTH
						|| !idempotencyKey.matches("\\p{Graph}+"))) {
			throw ApiProblem
				.badRequest("The Idempotency-Key header must be 1 to " + IdempotencyKeys.MAX_KEY_LENGTH
						+ " visible ASCII characters.")
				.with("errors", Map.of(IDEMPOTENCY_KEY, "invalid"));
		}
		Notifications.Reply reply = this.notifications.send(ApiClients.clientIdOf(claims(caller)), request,
				idempotencyKey);
		ResponseEntity.BodyBuilder response = ResponseEntity.status(reply.status())
			.contentType(MediaType.APPLICATION_JSON)
			.location(URI.create(reply.location()));
		if (reply.replayed()) {
			response.header("Idempotent-Replayed", "true");
		}
		return response.body(reply.body());
	}

	@Operation(summary = "A notification's progress and per-recipient outcome",
			description = "Visible to the client that sent it and to admins; 404 for anyone else.")
	@GetMapping("/{id}")
	Notifications.Status status(@PathVariable long id, Authentication caller) {
		boolean admin = caller.getAuthorities()
			.stream()
			.anyMatch((a) -> ("ROLE_" + Roles.ADMIN).equals(a.getAuthority()));
		return this.notifications.status(id, ApiClients.clientIdOf(claims(caller)), admin)
			.orElseThrow(() -> ApiProblem.notFound("Notification " + id + " does not exist."));
	}

	private static Map<String, Object> claims(Authentication caller) {
		return (caller instanceof JwtAuthenticationToken jwt) ? jwt.getTokenAttributes()
				: Map.of("sub", caller.getName());
	}

}
