package dev.herald.announcement;

import java.time.Duration;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * Serves uploaded announcement images to Teams clients (no sign-in: Teams fetches them
 * anonymously). Keys are random and images never change, so they are cached for long.
 */
@Controller
class ImageController {

	private final AnnouncementImages images;

	ImageController(AnnouncementImages images) {
		this.images = images;
	}

	@GetMapping("/images/announcements/{key}")
	ResponseEntity<byte[]> image(@PathVariable String key) {
		return this.images.find(key)
			.map((image) -> ResponseEntity.ok()
				.contentType(MediaType.parseMediaType(image.contentType()))
				.cacheControl(CacheControl.maxAge(Duration.ofDays(365)).cachePublic().immutable())
				.header("X-Content-Type-Options", "nosniff")
				.body(image.bytes()))
			.orElseGet(() -> ResponseEntity.notFound().build());
	}

	/** Where Teams fetches an uploaded image: Herald's own address. */
	static String url(String key) {
		return ServletUriComponentsBuilder.fromCurrentContextPath()
			.path("/images/announcements/{key}")
			.buildAndExpand(key)
			.toUriString();
	}

}
