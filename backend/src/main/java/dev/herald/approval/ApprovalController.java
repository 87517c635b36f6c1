package dev.herald.approval;

import java.time.LocalDateTime;
import java.time.ZoneId;

import dev.herald.security.Actor;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The approvers' queue ({@code /approvals}) and the authors' Submit for approval. */
@Controller
class ApprovalController {

	private final Approvals approvals;

	ApprovalController(Approvals approvals) {
		this.approvals = approvals;
	}

	@GetMapping("/approvals")
	String queue(Model model, Authentication auth) {
		if (!Actor.of(auth).isApprover()) {
			throw new ResponseStatusException(org.springframework.http.HttpStatus.FORBIDDEN);
		}
		model.addAttribute("queue", this.approvals.queue());
		return "approvals/queue";
	}

	@PostMapping("/announcements/{id}/submit")
	String submit(@PathVariable long id, @RequestParam(defaultValue = "") String at,
			@RequestParam(defaultValue = "") String zone, RedirectAttributes redirect, Authentication auth) {
		try {
			LocalDateTime when = at.isBlank() ? null : LocalDateTime.parse(at);
			this.approvals.submit(id, Actor.of(auth), when, (when != null) ? ZoneId.of(zone) : null);
			redirect.addFlashAttribute("message", "approval.submitted");
		}
		catch (java.time.DateTimeException ex) {
			redirect.addFlashAttribute("error", "announcement.scheduleInvalid");
		}
		catch (dev.herald.announcement.SendPolicy.GuardrailException ex) {
			redirect.addFlashAttribute("error", "guardrail.refusedSend");
		}
		catch (ResponseStatusException ex) {
			if (ex.getStatusCode().value() == 403) {
				throw ex;
			}
			redirect.addFlashAttribute("error", (ex.getStatusCode().value() == 400) ? "announcement.scheduleInvalid"
					: "announcement.invalidTransition");
		}
		return "redirect:/announcements/" + id;
	}

	@PostMapping("/approvals/{id}/approve")
	String approve(@PathVariable long id, @RequestParam(defaultValue = "") String comment, RedirectAttributes redirect,
			Authentication auth) {
		return decide(() -> this.approvals.approve(id, Actor.of(auth), comment), "approval.approved", redirect);
	}

	@PostMapping("/approvals/{id}/reject")
	String reject(@PathVariable long id, @RequestParam(defaultValue = "") String comment, RedirectAttributes redirect,
			Authentication auth) {
		return decide(() -> this.approvals.reject(id, Actor.of(auth), comment), "approval.rejected", redirect);
	}

	private String decide(Runnable decision, String message, RedirectAttributes redirect) {
		try {
			decision.run();
			redirect.addFlashAttribute("message", message);
		}
		catch (ResponseStatusException ex) {
			redirect.addFlashAttribute("error", switch (ex.getStatusCode().value()) {
				case 403 -> "approval.notAllowed";
				case 400 -> "approval.commentRequired";
				default -> "approval.changed";
			});
		}
		return "redirect:/approvals";
	}

}
