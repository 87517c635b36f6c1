package dev.herald.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;

import dev.herald.security.Actor;
import dev.herald.security.SecurityProperties;
import dev.herald.link.TrackedLinks;
import dev.herald.settings.AppSettings;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.stereotype.Controller;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.InitBinder;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Admin pages (all under {@code /admin}, which only admins reach). */
@Controller
@RequestMapping("/admin")
class AdminController {

	private final AdminSettings settings;

	private final AppSettings audienceSettings;

	private final RetentionPurge purge;

	private final SecurityProperties security;

	private final TrackedLinks links;

	AdminController(AdminSettings settings, AppSettings audienceSettings, RetentionPurge purge,
			SecurityProperties security, TrackedLinks links) {
		this.links = links;
		this.settings = settings;
		this.audienceSettings = audienceSettings;
		this.purge = purge;
		this.security = security;
	}

	@InitBinder("settings")
	void allowedFields(WebDataBinder binder) {
		// Bound only through the record's constructor: its components are the allow-list.
		binder.setDeclarativeBinding(true);
	}

	@GetMapping
	String home() {
		return "redirect:/admin/settings";
	}

	@GetMapping("/settings")
	String settings(Model model) {
		model.addAttribute("settings", SettingsForm.from(this.settings, this.audienceSettings));
		return "admin/settings";
	}

	@PostMapping("/settings")
	@Transactional
	String save(@Valid @ModelAttribute("settings") SettingsForm form, BindingResult errors,
			Authentication authentication, RedirectAttributes redirect) {
		if (form.auditRetentionDays() != null && !AdminSettings.auditRetentionAllowed(form.auditRetentionDays())) {
			errors.rejectValue("auditRetentionDays", "settings.auditRetention.floor",
					new Object[] { AdminSettings.AUDIT_RETENTION_FLOOR_DAYS }, null);
		}
		if (errors.hasErrors()) {
			return "admin/settings";
		}
		// One change, one audit row: the audience module's flags live in the same table.
		Map<String, String> values = new LinkedHashMap<>(form.toSettings());
		values.put(AppSettings.PROACTIVE_INSTALL, String.valueOf(form.proactiveInstall()));
		values.put(AppSettings.ALLOW_GUESTS, String.valueOf(form.guestsAllowed()));
		this.settings.change(values, Actor.of(authentication));
		this.links.settingsChanged();
		redirect.addFlashAttribute("message", "settings.saved");
		return "redirect:/admin/settings";
	}

	@PostMapping("/retention/purge")
	String purgeNow(RedirectAttributes redirect, Authentication authentication) {
		int days = SettingsForm.retentionDays(this.settings);
		if (days <= 0) {
			redirect.addFlashAttribute("error", "retention.off");
			return "redirect:/admin/settings";
		}
		RetentionPurge.Result result = this.purge.purge(days, Actor.of(authentication));
		redirect.addFlashAttribute("purgedAnnouncements", result.announcements());
		redirect.addFlashAttribute("purgedDeliveries", result.deliveries());
		return "redirect:/admin/settings";
	}

	@GetMapping("/roles")
	String roles(Authentication authentication, Model model) {
		List<String> mine = new ArrayList<>();
		for (GrantedAuthority authority : authentication.getAuthorities()) {
			if (authority.getAuthority().startsWith("ROLE_")) {
				mine.add(authority.getAuthority().substring("ROLE_".length()));
			}
		}
		model.addAttribute("security", this.security);
		model.addAttribute("myRoles", mine);
		return "admin/roles";
	}

}
