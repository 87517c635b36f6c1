package dev.herald.audience;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * On-demand directory sync ({@code /api/v1/admin}, admins only). The settings API is the
 * admin module's {@code /api/v1/admin/settings}.
 */
@RestController
@RequestMapping(path = "/api/v1/admin", produces = "application/json")
class AudienceAdminApi {

	private final DirectorySync sync;

	AudienceAdminApi(DirectorySync sync) {
		this.sync = sync;
	}

	@PostMapping("/directory/sync")
	DirectorySync.Result syncDirectory() {
		return this.sync.syncNow();
	}

}
