package dev.herald.announcement;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

import dev.herald.security.Actor;
import dev.herald.security.Roles;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Sending an announcement and what follows: test copy, confirm and send, schedule, pause,
 * resume, cancel and recall.
 */
@Controller
@RequestMapping("/announcements")
class AnnouncementSendController {

	/** Time zones offered when scheduling (IANA ids, sorted). */
	private static final List<String> ZONES = ZoneId.getAvailableZoneIds()
		.stream()
		.filter((z) -> z.contains("/") && !z.startsWith("Etc/") && !z.startsWith("SystemV/"))
		.sorted()
		.toList();

	private final Announcements announcements;

	private final TestSends testSends;

	private final AudienceSummaries audiences;

	private final AfterSendPolicy policy;

	private final Governance governance;

	AnnouncementSendController(Announcements announcements, TestSends testSends, AudienceSummaries audiences,
			AfterSendPolicy policy, Governance governance) {
		this.announcements = announcements;
		this.testSends = testSends;
		this.audiences = audiences;
		this.policy = policy;
		this.governance = governance;
	}

	@PostMapping("/{id}/test")
	String sendTest(@PathVariable long id, @AuthenticationPrincipal OidcUser user, RedirectAttributes redirect,
			Authentication auth) {
		TestSends.Outcome outcome = this.testSends.send(this.governance.readable(id, Actor.of(auth)), user.getClaims(),
				Actor.of(auth));
		redirect.addFlashAttribute((outcome == TestSends.Outcome.SENT) ? "message" : "error", outcome.messageKey());
		return "redirect:/announcements/" + id;
	}

	/** The last step before sending: who will get it, and how many they are. */
	@GetMapping("/{id}/send")
	String confirmSend(@PathVariable long id, Model model, Authentication auth) {
		this.governance.owners().requireManage(id, Actor.of(auth));
		Announcement announcement = this.announcements.require(id);
		model.addAttribute("approvalRequired",
				announcement.status() == AnnouncementStatus.DRAFT && this.governance.policy().approvalRequired(id));
		if (announcement.status() != AnnouncementStatus.DRAFT
				&& announcement.status() != AnnouncementStatus.SCHEDULED) {
			return "redirect:/announcements/" + id;
		}
		model.addAttribute("announcement", announcement);
		model.addAttribute("reachable", this.audiences.everyoneWithTheApp());
		model.addAttribute("audienceParts", this.audiences.parts(id));
		model.addAttribute("scheduleLabel", scheduleLabel(announcement));
		model.addAttribute("zones", ZONES);
		try {
			model.addAttribute("audienceCount", this.audiences.count(id).orElse(null));
			// Who gets which language, only worth showing when there is a choice.
			if (!announcement.content().variants().isEmpty()) {
				model.addAttribute("variantSplit", this.audiences.variants(id, announcement.content()));
			}
		}
		catch (AudienceSummaries.UnavailableException ex) {
			model.addAttribute("audienceError", ex.getMessage());
		}
		return "announcements/confirm";
	}

	@PostMapping("/{id}/send")
	String send(@PathVariable long id, RedirectAttributes redirect, Authentication auth) {
		return change(id, () -> this.governance.send(id, Actor.of(auth)), "announcement.sending", redirect);
	}

	/** Starts the send later, at a wall-clock time in the author's time zone. */
	@PostMapping("/{id}/schedule")
	String schedule(@PathVariable long id, @RequestParam(defaultValue = "") String at,
			@RequestParam(defaultValue = "") String zone, RedirectAttributes redirect, Authentication auth) {
		try {
			this.governance.schedule(id, LocalDateTime.parse(at), ZoneId.of(zone), Actor.of(auth));
			redirect.addFlashAttribute("message", "announcement.scheduled");
			return "redirect:/announcements/" + id;
		}
		catch (SendPolicy.ApprovalRequiredException ex) {
			redirect.addFlashAttribute("error", "approval.required");
			return "redirect:/announcements/" + id;
		}
		catch (SendPolicy.GuardrailException ex) {
			redirect.addFlashAttribute("error", "guardrail.refusedSend");
			return "redirect:/announcements/" + id;
		}
		catch (DateTimeException | IllegalArgumentException ex) {
			redirect.addFlashAttribute("error", "announcement.scheduleInvalid");
			return "redirect:/announcements/" + id + "/send";
		}
		catch (Announcements.InvalidTransitionException ex) {
			redirect.addFlashAttribute("error", "announcement.invalidTransition");
			return "redirect:/announcements/" + id;
		}
	}

	@PostMapping("/{id}/unschedule")
	String unschedule(@PathVariable long id, RedirectAttributes redirect, Authentication auth) {
		return change(id, () -> this.governance.unschedule(id, Actor.of(auth)), "announcement.unscheduled", redirect);
	}

	/** "2026-12-01 09:00 (Europe/Paris)": the start as the author chose it. */
	static String scheduleLabel(Announcement a) {
		if (a.status() != AnnouncementStatus.SCHEDULED || a.scheduledAt() == null || a.scheduledZone() == null) {
			return null;
		}
		ZoneId zone = ZoneId.of(a.scheduledZone());
		return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").format(a.scheduledAt().atZone(zone)) + " ("
				+ zone.getId() + ")";
	}

	@PostMapping("/{id}/pause")
	String pause(@PathVariable long id, RedirectAttributes redirect, Authentication auth) {
		return change(id, () -> this.governance.pause(id, Actor.of(auth)), "announcement.paused", redirect);
	}

	@PostMapping("/{id}/resume")
	String resume(@PathVariable long id, RedirectAttributes redirect, Authentication auth) {
		return change(id, () -> this.governance.resume(id, Actor.of(auth)), "announcement.resumed", redirect);
	}

	@PostMapping("/{id}/cancel")
	String cancel(@PathVariable long id, RedirectAttributes redirect, Authentication auth) {
		return change(id, () -> this.governance.cancel(id, Actor.of(auth)), "announcement.canceled", redirect);
	}

	/**
	 * Stops a send and deletes every delivered copy (after a confirmation in the page).
	 */
	@PostMapping("/{id}/recall")
	String recall(@PathVariable long id, @AuthenticationPrincipal OidcUser user, RedirectAttributes redirect) {
		this.policy.check(AfterSendPolicy.Act.RECALL, this.announcements.require(id),
				SecurityContextHolder.getContext().getAuthentication());
		change(id, () -> {
			this.announcements.recall(id, Roles.userName(user.getClaims()));
			this.policy.recorded(AfterSendPolicy.Act.RECALL, id, SecurityContextHolder.getContext().getAuthentication(),
					"recalled; delivered copies are deleted");
		}, "announcement.recalled", redirect);
		return "redirect:/announcements/" + id + "/follow-ups";
	}

	private String change(long id, Runnable action, String message, RedirectAttributes redirect) {
		try {
			action.run();
			redirect.addFlashAttribute("message", message);
		}
		catch (Announcements.InvalidTransitionException ex) {
			redirect.addFlashAttribute("error", "announcement.invalidTransition");
		}
		catch (SendPolicy.ApprovalRequiredException ex) {
			redirect.addFlashAttribute("error", "approval.required");
		}
		catch (SendPolicy.GuardrailException ex) {
			redirect.addFlashAttribute("error", "guardrail.refusedSend");
		}
		return "redirect:/announcements/" + id;
	}

}
