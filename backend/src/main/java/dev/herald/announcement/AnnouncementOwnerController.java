package dev.herald.announcement;

import dev.herald.security.Actor;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Co-authors of an announcement. */
@Controller
@RequestMapping("/announcements")
class AnnouncementOwnerController {

	private final Governance governance;

	AnnouncementOwnerController(Governance governance) {
		this.governance = governance;
	}

	/** Adds a co-author by Entra object id (owners and Admins). */
	@PostMapping("/{id}/owners")
	String addOwner(@PathVariable long id, @RequestParam(defaultValue = "") String ownerId,
			@RequestParam(defaultValue = "") String ownerName, RedirectAttributes redirect, Authentication auth) {
		String principal = ownerId.strip();
		String name = ownerName.isBlank() ? principal : ownerName.strip();
		if (principal.isEmpty() || principal.length() > 200 || name.length() > 200) {
			redirect.addFlashAttribute("error", "owners.invalid");
			return "redirect:/announcements/" + id;
		}
		this.governance.addCoAuthor(id, principal, name, Actor.of(auth));
		redirect.addFlashAttribute("message", "owners.added");
		return "redirect:/announcements/" + id;
	}

}
