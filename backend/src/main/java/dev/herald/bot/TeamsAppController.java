package dev.herald.bot;

import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * Download of the Teams app package, in the UI and over the API (to automate its upload
 * to the Teams app catalog). Admins only: {@code SecurityConfig} restricts
 * {@code /admin/**} and {@code /api/v1/admin/**} to the Admin role.
 */
@RestController
class TeamsAppController {

	private final TeamsAppPackage appPackage;

	TeamsAppController(TeamsAppPackage appPackage) {
		this.appPackage = appPackage;
	}

	@GetMapping({ "/admin/teams-app.zip", "/api/v1/admin/teams-app.zip" })
	ResponseEntity<byte[]> download() {
		return ResponseEntity.ok()
			.contentType(MediaType.parseMediaType("application/zip"))
			.header(HttpHeaders.CONTENT_DISPOSITION,
					ContentDisposition.attachment().filename("herald-teams-app.zip").build().toString())
			// The tab is served where the package is downloaded from (behind a proxy, the
			// address the proxy forwards as, see server.forward-headers-strategy).
			.body(this.appPackage.zip(ServletUriComponentsBuilder.fromCurrentContextPath().build().toUri()));
	}

}
