package dev.herald.announcement;

import java.util.LinkedHashMap;
import java.util.Map;
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

/**
 * The topics page for Admins ({@code /admin/topics}); the same checks and audit rows as
 * {@link TopicAdminApi}.
 */
@Controller
class TopicAdminController {

	private final Topics topics;

	private final AuditLog audit;

	private final Validator validator;

	TopicAdminController(Topics topics, AuditLog audit, Validator validator) {
		this.topics = topics;
		this.audit = audit;
		this.validator = validator;
	}

	@GetMapping("/admin/topics")
	String page(Model model) {
		model.addAttribute("topics", this.topics.list());
		model.addAttribute("languages", Topics.LANGUAGES);
		model.addAttribute("maxTopics", Topics.MAX_TOPICS);
		return "admin/topics";
	}

	@PostMapping("/admin/topics")
	@Transactional
	String add(@RequestParam(defaultValue = "") String name, @RequestParam Map<String, String> form,
			Authentication auth, RedirectAttributes redirect) {
		TopicAdminApi.NewTopic topic = new TopicAdminApi.NewTopic(name, names(form));
		if (!valid(topic)) {
			redirect.addFlashAttribute("error", "topics.invalid");
			return "redirect:/admin/topics";
		}
		try {
			TopicAdminApi.add(this.topics, this.audit, topic, Actor.of(auth));
		}
		catch (Topics.TopicException ex) {
			redirect.addFlashAttribute("error", (ex.getStatusCode().value() == 409) ? "topics.exists" : "topics.full");
			return "redirect:/admin/topics";
		}
		redirect.addFlashAttribute("message", "topics.saved");
		return "redirect:/admin/topics";
	}

	@PostMapping("/admin/topics/{id}")
	@Transactional
	String change(@PathVariable long id, @RequestParam(defaultValue = "false") boolean archived,
			@RequestParam Map<String, String> form, Authentication auth, RedirectAttributes redirect) {
		TopicAdminApi.TopicChange change = new TopicAdminApi.TopicChange(names(form), archived);
		if (!valid(change)) {
			redirect.addFlashAttribute("error", "topics.invalid");
			return "redirect:/admin/topics";
		}
		TopicAdminApi.change(this.topics, this.audit, id, change, Actor.of(auth));
		redirect.addFlashAttribute("message", "topics.saved");
		return "redirect:/admin/topics";
	}

	/** The display names posted as {@code name_fr}, {@code name_zh-CN}, ... */
	private static Map<String, String> names(Map<String, String> form) {
		Map<String, String> names = new LinkedHashMap<>();
		for (String language : Topics.LANGUAGES) {
			String text = form.get("name_" + language);
			if (text != null && !text.isBlank()) {
				names.put(language, text.strip());
			}
		}
		return names;
	}

	private <T> boolean valid(T value) {
		Set<ConstraintViolation<T>> violations = this.validator.validate(value);
		return violations.isEmpty();
	}

}
