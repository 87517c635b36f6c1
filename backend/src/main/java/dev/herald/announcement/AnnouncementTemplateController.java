package dev.herald.announcement;

import dev.herald.security.Actor;
import dev.herald.security.Roles;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Templates made from announcements, and their deletion. */
@Controller
@RequestMapping("/announcements")
class AnnouncementTemplateController {

	private final AnnouncementTemplates templates;

	private final Governance governance;

	AnnouncementTemplateController(AnnouncementTemplates templates, Governance governance) {
		this.templates = templates;
		this.governance = governance;
	}

	@PostMapping("/{id}/template")
	String saveAsTemplate(@PathVariable long id, @RequestParam(defaultValue = "") String name,
			@AuthenticationPrincipal OidcUser user, RedirectAttributes redirect, Authentication auth) {
		// Only what the author may read becomes a template (others' drafts are private).
		Announcement announcement = this.governance.readable(id, Actor.of(auth));
		String templateName = name.isBlank() ? announcement.content().title() : name.strip();
		if (templateName.length() > 100) {
			templateName = templateName.substring(0, 100);
		}
		this.templates.saveFrom(id, templateName, announcement.content(), Roles.userName(user.getClaims()),
				Actor.of(auth));
		redirect.addFlashAttribute("message", "template.saved");
		return "redirect:/announcements/" + id;
	}

	@PostMapping("/templates/{templateId}/delete")
	String deleteTemplate(@PathVariable long templateId, RedirectAttributes redirect, Authentication auth) {
		this.templates.delete(templateId, Actor.of(auth));
		redirect.addFlashAttribute("message", "template.deleted");
		return "redirect:/announcements";
	}

}
