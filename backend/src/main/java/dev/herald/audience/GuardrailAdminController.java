package dev.herald.audience;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import dev.herald.audit.AuditLog;
import dev.herald.security.Actor;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The guardrails page for Admins ({@code /admin/guardrails}). */
@Controller
class GuardrailAdminController {

	private final AuthorGuardrails guardrails;

	private final AuditLog audit;

	private final Validator validator;

	GuardrailAdminController(AuthorGuardrails guardrails, AuditLog audit, Validator validator) {
		this.guardrails = guardrails;
		this.audit = audit;
		this.validator = validator;
	}

	@GetMapping("/admin/guardrails")
	String page(Model model) {
		model.addAttribute("guardrails", this.guardrails.list());
		return "admin/guardrails";
	}

	@PostMapping("/admin/guardrails")
	@Transactional
	String save(@RequestParam(defaultValue = "") String subjectKind, @RequestParam(defaultValue = "") String subjectId,
			@RequestParam(defaultValue = "") String allowedAudiences,
			@RequestParam(defaultValue = "false") boolean allowEveryone,
			@RequestParam(defaultValue = "false") boolean allowCritical,
			@RequestParam(defaultValue = "false") boolean allowUrgent,
			@RequestParam(defaultValue = "") String allowedTopics, Authentication auth, RedirectAttributes redirect) {
		List<String> audiences = Arrays.stream(allowedAudiences.split("[\\r\\n,]+"))
			.map(String::strip)
			.filter((a) -> !a.isEmpty())
			.toList();
		// Blank: any topic (a rule cannot forbid every topic from the page; the API can).
		List<String> topics = Arrays.stream(allowedTopics.split("[\\r\\n]+"))
			.map(String::strip)
			.filter((a) -> !a.isEmpty())
			.toList();
		GuardrailAdminApi.Rule rule = new GuardrailAdminApi.Rule(subjectKind, subjectId, audiences, allowEveryone,
				allowCritical, allowUrgent, topics.isEmpty() ? null : topics);
		Set<ConstraintViolation<GuardrailAdminApi.Rule>> violations = this.validator.validate(rule);
		if (!violations.isEmpty()) {
			redirect.addFlashAttribute("error", "guardrails.invalid");
			return "redirect:/admin/guardrails";
		}
		GuardrailAdminApi.save(this.guardrails, this.audit, rule, Actor.of(auth));
		redirect.addFlashAttribute("message", "guardrails.saved");
		return "redirect:/admin/guardrails";
	}

	@PostMapping("/admin/guardrails/{id}/delete")
	@Transactional
	String delete(@PathVariable long id, Authentication auth, RedirectAttributes redirect) {
		GuardrailAdminApi.remove(this.guardrails, this.audit, id, Actor.of(auth));
		redirect.addFlashAttribute("message", "guardrails.deleted");
		return "redirect:/admin/guardrails";
	}

}
