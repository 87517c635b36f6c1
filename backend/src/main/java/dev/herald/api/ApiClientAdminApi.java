package dev.herald.api;

import java.net.URI;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import dev.herald.audit.AuditAction;
import dev.herald.audit.AuditLog;
import dev.herald.security.Actor;
import dev.herald.security.Roles;

import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Admins register the systems that may send notifications ({@code /api/v1/admin/clients};
 * the ADMIN role is enforced for {@code /api/v1/admin/**} by the security configuration).
 */
@RestController
@Validated
@RequestMapping(path = "/api/v1/admin/clients", produces = "application/json")
class ApiClientAdminApi {

	private final ApiClients clients;

	private final AuditLog audit;

	ApiClientAdminApi(ApiClients clients, AuditLog audit) {
		this.clients = clients;
		this.audit = audit;
	}

	@GetMapping
	List<ApiClient> list() {
		return this.clients.list();
	}

	@GetMapping("/{clientId}")
	ApiClient get(@PathVariable String clientId) {
		return require(clientId);
	}

	@PostMapping(consumes = "application/json")
	@Transactional
	ResponseEntity<ApiClient> register(@Valid @RequestBody Registration registration, Authentication admin) {
		if (registration.clientId() == null) {
			throw ApiProblem.badRequest("clientId is required.")
				.with("errors", Map.of("clientId", "must not be blank"));
		}
		if (!this.clients.create(registration, adminName(admin))) {
			throw ApiProblem.conflict("Client " + registration.clientId() + " is already registered.");
		}
		this.audit.record(Actor.of(admin), AuditAction.API_CLIENT_CHANGE, null,
				"registered API client " + registration.clientId() + " " + describe(registration));
		return ResponseEntity.created(URI.create("/api/v1/admin/clients/" + registration.clientId()))
			.body(require(registration.clientId()));
	}

	@PutMapping(path = "/{clientId}", consumes = "application/json")
	@Transactional
	ApiClient update(@PathVariable String clientId, @Valid @RequestBody Registration registration,
			Authentication admin) {
		if (registration.clientId() != null && !registration.clientId().equals(clientId)) {
			throw ApiProblem.badRequest("The clientId in the body differs from the one in the path.");
		}
		if (!this.clients.update(clientId, registration)) {
			throw notFound(clientId);
		}
		this.audit.record(Actor.of(admin), AuditAction.API_CLIENT_CHANGE, null,
				"changed API client " + clientId + " " + describe(registration));
		return require(clientId);
	}

	private ApiClient require(String clientId) {
		return this.clients.find(clientId).orElseThrow(() -> notFound(clientId));
	}

	private static ApiProblem notFound(String clientId) {
		return ApiProblem.notFound("No API client " + clientId + " is registered.");
	}

	private static String describe(Registration r) {
		return "(enabled " + r.enabled() + ", topics " + r.allowedTopics() + ", audiences " + r.allowedAudiences()
				+ ", per minute " + r.perMinute() + ", per day " + r.perDay() + ", critical " + r.maySendCritical()
				+ ", urgent " + r.maySendUrgent() + ")";
	}

	private static String adminName(Authentication admin) {
		return (admin instanceof JwtAuthenticationToken jwt) ? Roles.userName(jwt.getTokenAttributes())
				: admin.getName();
	}

	/**
	 * A client registration; {@code clientId} is required to register and optional (but
	 * must match) to update.
	 *
	 * @param clientId the token's {@code azp}/{@code appid}/{@code sub}
	 * @param displayName the sender shown on its notifications
	 * @param allowedTopics topics it may use; empty for any
	 * @param allowedAudiences audiences it may address; empty for none
	 * @param perMinute notifications per minute; null for the default
	 * @param perDay notifications per day; null for the default
	 * @param enabled whether it may send (default true)
	 * @param maySendCritical whether it may send critical notifications, which reach
	 * people who opted out (default false)
	 * @param maySetAuthor whether its cards may set their own author line (default false:
	 * its display name)
	 * @param maySendUrgent whether it may send urgent notifications, announced to
	 * everyone's activity feed (default false)
	 */
	record Registration(@Size(min = 1, max = 200) @Pattern(regexp = "^\\S+$") String clientId,
			@NotBlank @Size(max = 200) String displayName,
			@Size(max = 100) List<@NotBlank @Size(max = 100) String> allowedTopics,
			@Size(max = 100) List<@NotBlank @Size(max = 200) String> allowedAudiences,
			@Min(1) @Max(1_000_000) Integer perMinute, @Min(1) @Max(100_000_000) Integer perDay, Boolean enabled,
			Boolean maySendCritical, Boolean maySetAuthor, Boolean maySendUrgent) {

		Registration {
			// Not List.copyOf: a null element must reach validation, not fail in here.
			allowedTopics = (allowedTopics != null) ? Collections.unmodifiableList(allowedTopics) : List.of();
			allowedAudiences = (allowedAudiences != null) ? Collections.unmodifiableList(allowedAudiences) : List.of();
			enabled = (enabled == null) || enabled;
			maySendCritical = Boolean.TRUE.equals(maySendCritical);
			maySetAuthor = Boolean.TRUE.equals(maySetAuthor);
			maySendUrgent = Boolean.TRUE.equals(maySendUrgent);
		}

	}

}
