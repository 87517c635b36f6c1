package dev.herald.audience;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import dev.herald.audit.AuditAction;
import dev.herald.audit.AuditLog;
import dev.herald.security.Actor;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Author guardrails in the API ({@code /api/v1/admin/guardrails}, Admins only): a PUT
 * creates or replaces the rule of one group or author.
 */
@RestController
@Validated
@RequestMapping(path = "/api/v1/admin/guardrails", produces = "application/json")
class GuardrailAdminApi {

	private final AuthorGuardrails guardrails;

	private final AuditLog audit;

	GuardrailAdminApi(AuthorGuardrails guardrails, AuditLog audit) {
		this.guardrails = guardrails;
		this.audit = audit;
	}

	@GetMapping
	List<AuthorGuardrails.Guardrail> list() {
		return this.guardrails.list();
	}

	@PutMapping(consumes = "application/json")
	@Transactional
	AuthorGuardrails.Guardrail put(@Valid @RequestBody Rule rule, Authentication admin) {
		return save(this.guardrails, this.audit, rule, Actor.of(admin));
	}

	@DeleteMapping("/{id}")
	@Transactional
	ResponseEntity<Void> delete(@PathVariable long id, Authentication admin) {
		remove(this.guardrails, this.audit, id, Actor.of(admin));
		return ResponseEntity.noContent().build();
	}

	static AuthorGuardrails.Guardrail save(AuthorGuardrails guardrails, AuditLog audit, Rule rule, Actor actor) {
		List<String> topics = (rule.allowedTopics() != null)
				? rule.allowedTopics().stream().map(String::strip).distinct().toList() : null;
		long id = guardrails.put(rule.subjectKind(), rule.subjectId().strip(), rule.allowedAudiences(),
				Boolean.TRUE.equals(rule.allowEveryone()), Boolean.TRUE.equals(rule.allowCritical()),
				Boolean.TRUE.equals(rule.allowUrgent()), topics, actor);
		audit.record(actor, AuditAction.GUARDRAIL_CHANGE, null,
				"guardrail for " + rule.subjectKind() + " " + rule.subjectId().strip() + ": audiences "
						+ rule.allowedAudiences() + ", everyone " + Boolean.TRUE.equals(rule.allowEveryone())
						+ ", critical " + Boolean.TRUE.equals(rule.allowCritical()) + ", urgent "
						+ Boolean.TRUE.equals(rule.allowUrgent()) + ", topics " + ((topics != null) ? topics : "any"));
		return guardrails.find(id).orElseThrow();
	}

	static void remove(AuthorGuardrails guardrails, AuditLog audit, long id, Actor actor) {
		AuthorGuardrails.Guardrail rule = guardrails.find(id)
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No guardrail " + id));
		guardrails.delete(id);
		audit.record(actor, AuditAction.GUARDRAIL_CHANGE, null,
				"guardrail for " + rule.subjectKind() + " " + rule.subjectId() + " removed");
	}

	/**
	 * One rule.
	 *
	 * @param subjectKind {@code group} (an Entra group of authors) or {@code author}
	 * @param subjectId the group's object id; or the author's object id, client id or
	 * user name
	 * @param allowedAudiences {@code kind:ref} entries, as for API clients
	 * ({@code group:<id>}, {@code team:<id>}, {@code channel:<id>}, {@code kind:*})
	 * @param allowEveryone whether "everyone" is allowed
	 * @param allowCritical whether CRITICAL importance is allowed
	 * @param allowUrgent whether URGENT is allowed (activity feed alerts, #25; also needs
	 * CRITICAL)
	 * @param allowedTopics the topics (by name) the author may use; absent or null for
	 * any, empty for none
	 */
	record Rule(@NotNull @Pattern(regexp = "group|author") String subjectKind,
			@NotBlank @Size(max = 200) String subjectId,
			@NotNull @Size(max = 500) List<@NotBlank @Size(max = 330) @Pattern(
					regexp = "(everyone|group|team|channel|person|address):\\S+") String> allowedAudiences,
			Boolean allowEveryone, Boolean allowCritical, Boolean allowUrgent,
			@Size(max = 200) List<@NotBlank @Size(max = 60) String> allowedTopics) {

		Rule(String subjectKind, String subjectId, List<String> allowedAudiences, Boolean allowEveryone,
				Boolean allowCritical) {
			this(subjectKind, subjectId, allowedAudiences, allowEveryone, allowCritical, null, null);
		}

	}

}
