package dev.herald.announcement;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import dev.herald.security.Actor;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Live delivery counts of announcements: JSON for one, server-sent events for several.
 */
@Controller
@RequestMapping("/announcements")
class AnnouncementProgressController {

	private final Announcements announcements;

	private final ProgressStream progress;

	private final Governance governance;

	AnnouncementProgressController(Announcements announcements, ProgressStream progress, Governance governance) {
		this.announcements = announcements;
		this.progress = progress;
		this.governance = governance;
	}

	/** Live counts of one announcement, as JSON (for scripts and tests). */
	@GetMapping(path = "/{id}/progress", produces = "application/json")
	@ResponseBody
	Map<String, Object> progress(@PathVariable long id, Authentication auth) {
		return this.progress.event(this.governance.readable(id, Actor.of(auth)));
	}

	/** Live counts of several announcements, as server-sent events. */
	@GetMapping(path = "/progress", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	ResponseEntity<SseEmitter> progressStream(@RequestParam String ids, Authentication auth) {
		Actor actor = Actor.of(auth);
		Set<Long> wanted = new LinkedHashSet<>();
		for (String part : ids.split(",")) {
			if (!part.isBlank() && part.strip().matches("\\d{1,18}") && wanted.size() < 200) {
				wanted.add(Long.valueOf(part.strip()));
			}
		}
		// Only announcements the caller may read are watched.
		wanted.removeIf((id) -> this.announcements.find(id)
			.map((a) -> !this.governance.owners().canRead(a, actor))
			.orElse(true));
		if (wanted.isEmpty()) {
			return ResponseEntity.status(HttpStatus.BAD_REQUEST).build();
		}
		return ResponseEntity.ok().header("X-Accel-Buffering", "no").body(this.progress.watch(wanted));
	}

}
