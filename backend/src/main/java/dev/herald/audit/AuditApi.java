package dev.herald.audit;

import java.time.Instant;
import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code GET /api/v1/admin/audit} (Admins only, by the security configuration): the log,
 * newest first, filtered and keyset-paged. There is deliberately no write or delete here.
 */
@RestController
@Validated
@RequestMapping(path = "/api/v1/admin/audit", produces = "application/json")
class AuditApi {

	private final AuditLog audit;

	AuditApi(AuditLog audit) {
		this.audit = audit;
	}

	@GetMapping
	Page list(@RequestParam(required = false) Long announcement,
			@RequestParam(required = false) @Size(max = 200) String actor,
			@RequestParam(required = false) @Size(max = 50) String action, @RequestParam(required = false) Instant from,
			@RequestParam(required = false) Instant to, @RequestParam(required = false) Long before,
			@RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
		AuditAction kind = AuditAction.parse(action);
		if (action != null && !action.isBlank() && kind == null) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "Unknown action '" + action + "'");
		}
		List<AuditEvent> items = this.audit.search(new AuditLog.Filter(announcement, actor, kind, from, to), before,
				limit);
		Long next = (items.size() == limit) ? items.get(items.size() - 1).id() : null;
		return new Page(items, next);
	}

	/** One page; pass {@code next} as {@code before} for the next (older) page. */
	record Page(List<AuditEvent> items, Long next) {
	}

}
