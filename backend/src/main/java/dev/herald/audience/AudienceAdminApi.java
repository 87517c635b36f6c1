package dev.herald.audience;

import java.util.Map;

import dev.herald.security.Roles;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Admin settings and on-demand directory sync ({@code /api/v1/admin}, admins only). */
@RestController
@RequestMapping(path = "/api/v1/admin", produces = "application/json")
class AudienceAdminApi {

	private final AppSettings settings;

	private final DirectorySync sync;

	AudienceAdminApi(AppSettings settings, DirectorySync sync) {
		this.settings = settings;
		this.sync = sync;
	}

	@GetMapping("/settings")
	Map<String, Boolean> settings() {
		return this.settings.all();
	}

	@PutMapping(path = "/settings", consumes = "application/json")
	Map<String, Boolean> update(@RequestBody SettingsChange change, Authentication user) {
		String by = (user instanceof JwtAuthenticationToken jwt) ? Roles.userName(jwt.getTokenAttributes())
				: user.getName();
		if (change.allowGuests() != null) {
			this.settings.set(AppSettings.ALLOW_GUESTS, change.allowGuests(), by);
		}
		if (change.proactiveInstall() != null) {
			this.settings.set(AppSettings.PROACTIVE_INSTALL, change.proactiveInstall(), by);
		}
		return this.settings.all();
	}

	@PostMapping("/directory/sync")
	DirectorySync.Result syncDirectory() {
		return this.sync.syncNow();
	}

	/** Settings to change; absent ones stay as they are. */
	record SettingsChange(Boolean allowGuests, Boolean proactiveInstall) {
	}

}
