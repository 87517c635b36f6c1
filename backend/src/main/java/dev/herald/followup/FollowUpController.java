package dev.herald.followup;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

import dev.herald.announcement.AfterSend;
import dev.herald.announcement.AfterSendPolicy;
import dev.herald.announcement.Announcement;
import dev.herald.announcement.Announcements;
import dev.herald.announcement.Governance;
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
 * The page of what happens after the send: operations with their progress, recall (with
 * the number of copies it deletes), reminders (with the number of people each reaches),
 * expiry and the automatic reminder. Same rules as the API (see {@link AfterSendPolicy}).
 */
@Controller
@RequestMapping("/announcements/{id}")
class FollowUpController {

	private static final List<String> ZONES = ZoneId.getAvailableZoneIds()
		.stream()
		.filter((z) -> z.contains("/") && !z.startsWith("Etc/") && !z.startsWith("SystemV/"))
		.sorted()
		.toList();

	private final FollowUps followUps;

	private final Announcements announcements;

	private final AfterSendPolicy policy;

	private final Governance governance;

	FollowUpController(FollowUps followUps, Announcements announcements, AfterSendPolicy policy,
			Governance governance) {
		this.governance = governance;
		this.followUps = followUps;
		this.announcements = announcements;
		this.policy = policy;
	}

	@GetMapping("/follow-ups")
	String page(@PathVariable long id, Model model, Authentication user) {
		Announcement a = this.governance.readable(id, Actor.of(user));
		AfterSend after = this.announcements.afterSend(id);
		List<FollowUpView> operations = this.followUps.list(id);
		model.addAttribute("announcement", a);
		model.addAttribute("operations", operations);
		model.addAttribute("running", operations.stream().anyMatch((o) -> "running".equals(o.status())));
		model.addAttribute("copies", this.followUps.copies(id));
		model.addAttribute("reach", this.followUps.reminderReach(id));
		model.addAttribute("canRecall", this.policy.allows(AfterSendPolicy.Act.RECALL, a));
		model.addAttribute("canRemind", this.policy.allows(AfterSendPolicy.Act.REMIND, a));
		model.addAttribute("canSchedule", this.policy.allows(AfterSendPolicy.Act.SCHEDULE, a));
		model.addAttribute("after", after);
		model.addAttribute("expiryLabel",
				(after.expiresAt() != null) ? DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
					.format(after.expiresAt().atZone(ZoneId.of(after.expiresZone()))) + " (" + after.expiresZone() + ")"
						: null);
		model.addAttribute("zones", ZONES);
		return "announcements/follow-ups";
	}

	@PostMapping("/reminders")
	String remind(@PathVariable long id, @RequestParam String who, @AuthenticationPrincipal OidcUser user,
			RedirectAttributes redirect) {
		this.policy.check(AfterSendPolicy.Act.REMIND, this.announcements.require(id),
				SecurityContextHolder.getContext().getAuthentication());
		try {
			FollowUpView view = this.followUps.remind(id, who, Roles.userName(user.getClaims()));
			this.policy.recorded(AfterSendPolicy.Act.REMIND, id, SecurityContextHolder.getContext().getAuthentication(),
					"reminder to " + who + " (" + view.targets() + " people, operation " + view.id() + ")");
			redirect.addFlashAttribute("message", "followup.reminderStarted");
		}
		catch (IllegalArgumentException | FollowUps.NotAllowedNowException ex) {
			redirect.addFlashAttribute("error", "followup.notAllowed");
		}
		return "redirect:/announcements/" + id + "/follow-ups";
	}

	@PostMapping("/follow-ups/{followUpId}/{action:pause|resume|cancel}")
	String control(@PathVariable long id, @PathVariable long followUpId, @PathVariable String action,
			RedirectAttributes redirect) {
		this.policy.check(AfterSendPolicy.Act.CONTROL, this.announcements.require(id),
				SecurityContextHolder.getContext().getAuthentication());
		try {
			if (!this.followUps.control(id, followUpId, action)) {
				redirect.addFlashAttribute("error", "followup.notAllowed");
			}
			else {
				this.policy.recordedControl(id, followUpId, action,
						SecurityContextHolder.getContext().getAuthentication());
			}
		}
		catch (FollowUps.NotAllowedNowException ex) {
			// A resume the approval check refuses (#23): the API answers 409.
			redirect.addFlashAttribute("error", "followup.notAllowed");
		}
		return "redirect:/announcements/" + id + "/follow-ups";
	}

	/** Expiry (wall-clock time and zone; empty clears it) and automatic reminder. */
	@PostMapping("/after-send")
	String afterSend(@PathVariable long id, @RequestParam(required = false) String expiresAt,
			@RequestParam(required = false) String zone, @RequestParam(required = false) Integer remindHours,
			@RequestParam(required = false) String remindWho, RedirectAttributes redirect) {
		this.policy.check(AfterSendPolicy.Act.SCHEDULE, this.announcements.require(id),
				SecurityContextHolder.getContext().getAuthentication());
		try {
			if (expiresAt == null || expiresAt.isBlank()) {
				this.announcements.setExpiry(id, null, null);
			}
			else {
				this.announcements.setExpiry(id, LocalDateTime.parse(expiresAt), ZoneId.of(zone));
			}
			boolean remind = remindHours != null && remindWho != null && !remindWho.isBlank();
			if (remind && (remindHours < 1 || remindHours > 720 || ReminderTarget.of(remindWho).isEmpty())) {
				throw new IllegalArgumentException("Invalid automatic reminder");
			}
			this.announcements.setAutoReminder(id, remind ? remindHours : null, remind ? remindWho : null);
			this.policy.recorded(AfterSendPolicy.Act.SCHEDULE, id,
					SecurityContextHolder.getContext().getAuthentication(),
					AfterSendPolicy.describe(this.announcements.afterSend(id)));
			redirect.addFlashAttribute("message", "followup.settingsSaved");
		}
		catch (IllegalArgumentException | NullPointerException | DateTimeException ex) {
			redirect.addFlashAttribute("error", "followup.settingsInvalid");
		}
		catch (Announcements.InvalidTransitionException ex) {
			redirect.addFlashAttribute("error", "followup.notAllowed");
		}
		return "redirect:/announcements/" + id + "/follow-ups";
	}

}
