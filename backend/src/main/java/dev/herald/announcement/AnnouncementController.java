package dev.herald.announcement;

import java.util.Map;

import jakarta.validation.Valid;

import dev.herald.conversation.Conversations;
import dev.herald.security.Roles;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.InitBinder;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The authors' pages: list, compose, review and send, follow progress. */
@Controller
@RequestMapping("/announcements")
class AnnouncementController {

	private static final String FORM = "announcements/form";

	private final Announcements announcements;

	private final AnnouncementCard cards;

	private final Conversations conversations;

	AnnouncementController(Announcements announcements, AnnouncementCard cards, Conversations conversations) {
		this.announcements = announcements;
		this.cards = cards;
		this.conversations = conversations;
	}

	@InitBinder
	void allowedFields(WebDataBinder binder) {
		// Mass-assignment guard: only the content fields come from the form.
		binder.setAllowedFields("title", "summary", "imageUrl", "buttonTitle", "buttonUrl");
	}

	@GetMapping
	String list(Model model) {
		model.addAttribute("announcements", this.announcements.list(null, 100));
		return "announcements/list";
	}

	@GetMapping("/new")
	String newForm(Model model) {
		model.addAttribute("content", AnnouncementContent.empty());
		return FORM;
	}

	@PostMapping("/new")
	String create(@Valid @ModelAttribute("content") AnnouncementContent content, BindingResult errors,
			@AuthenticationPrincipal OidcUser user, RedirectAttributes redirect) {
		if (errors.hasErrors()) {
			return FORM;
		}
		long id = this.announcements.create(content, Roles.userName(user.getClaims()));
		redirect.addFlashAttribute("message", "announcement.saved");
		return "redirect:/announcements/" + id;
	}

	@GetMapping("/{id}")
	String show(@PathVariable long id, Model model) {
		Announcement announcement = this.announcements.require(id);
		model.addAttribute("announcement", announcement);
		model.addAttribute("cardJson", this.cards.cardJson(id, announcement.content(), announcement.createdBy()));
		model.addAttribute("reachable", this.conversations.countActivePersonal());
		return "announcements/detail";
	}

	@GetMapping("/{id}/edit")
	String editForm(@PathVariable long id, Model model) {
		Announcement announcement = this.announcements.require(id);
		if (!announcement.status().isEditable()) {
			return "redirect:/announcements/" + id;
		}
		model.addAttribute("id", id);
		model.addAttribute("content", announcement.content());
		return FORM;
	}

	@PostMapping("/{id}/edit")
	String update(@PathVariable long id, @Valid @ModelAttribute("content") AnnouncementContent content,
			BindingResult errors, Model model, RedirectAttributes redirect) {
		if (errors.hasErrors()) {
			model.addAttribute("id", id);
			return FORM;
		}
		this.announcements.update(id, content);
		redirect.addFlashAttribute("message", "announcement.saved");
		return "redirect:/announcements/" + id;
	}

	@PostMapping("/{id}/send")
	String send(@PathVariable long id, RedirectAttributes redirect) {
		return change(id, () -> this.announcements.startSend(id), "announcement.sending", redirect);
	}

	@PostMapping("/{id}/pause")
	String pause(@PathVariable long id, RedirectAttributes redirect) {
		return change(id, () -> this.announcements.pause(id), "announcement.paused", redirect);
	}

	@PostMapping("/{id}/resume")
	String resume(@PathVariable long id, RedirectAttributes redirect) {
		return change(id, () -> this.announcements.resume(id), "announcement.resumed", redirect);
	}

	@PostMapping("/{id}/cancel")
	String cancel(@PathVariable long id, RedirectAttributes redirect) {
		return change(id, () -> this.announcements.cancel(id), "announcement.canceled", redirect);
	}

	/** Live counts for the progress bar (polled by the page). */
	@GetMapping(path = "/{id}/progress", produces = "application/json")
	@ResponseBody
	Map<String, Object> progress(@PathVariable long id) {
		Announcement a = this.announcements.require(id);
		Announcement.DeliveryCounts c = a.counts();
		return Map.of("status", a.status().dbValue(), "recipients", c.recipients(), "pending", c.pending(), "delivered",
				c.delivered(), "failed", c.failed(), "blocked", c.blocked(), "optedOut", c.optedOut(), "canceled",
				c.canceled(), "percent", c.percentDone());
	}

	private String change(long id, Runnable action, String message, RedirectAttributes redirect) {
		try {
			action.run();
			redirect.addFlashAttribute("message", message);
		}
		catch (Announcements.InvalidTransitionException ex) {
			redirect.addFlashAttribute("error", "announcement.invalidTransition");
		}
		return "redirect:/announcements/" + id;
	}

}
