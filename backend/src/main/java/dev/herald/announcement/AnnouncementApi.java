package dev.herald.announcement;

import java.net.URI;
import java.time.Instant;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import dev.herald.security.Roles;

import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The announcements part of the public API ({@code /api/v1}). */
@RestController
@Validated
@RequestMapping(path = "/api/v1/announcements", produces = "application/json")
class AnnouncementApi {

	private final Announcements announcements;

	AnnouncementApi(Announcements announcements) {
		this.announcements = announcements;
	}

	@GetMapping
	Page list(@RequestParam(required = false) Long before,
			@RequestParam(defaultValue = "20") @Min(1) @Max(100) int limit) {
		List<View> items = this.announcements.list(before, limit).stream().map(View::of).toList();
		Long next = (items.size() == limit) ? items.get(items.size() - 1).id() : null;
		return new Page(items, next);
	}

	@PostMapping(consumes = "application/json")
	ResponseEntity<View> create(@Valid @RequestBody AnnouncementContent content, Authentication user) {
		long id = this.announcements.create(content, Roles.userName(claims(user)));
		return ResponseEntity.created(URI.create("/api/v1/announcements/" + id))
			.body(View.of(this.announcements.require(id)));
	}

	@GetMapping("/{id}")
	View get(@PathVariable long id) {
		return View.of(this.announcements.require(id));
	}

	@PutMapping(path = "/{id}", consumes = "application/json")
	View update(@PathVariable long id, @Valid @RequestBody AnnouncementContent content) {
		this.announcements.update(id, content);
		return View.of(this.announcements.require(id));
	}

	@PostMapping("/{id}/send")
	ResponseEntity<View> send(@PathVariable long id) {
		this.announcements.startSend(id);
		return ResponseEntity.accepted().body(View.of(this.announcements.require(id)));
	}

	@PostMapping("/{id}/pause")
	View pause(@PathVariable long id) {
		this.announcements.pause(id);
		return View.of(this.announcements.require(id));
	}

	@PostMapping("/{id}/resume")
	View resume(@PathVariable long id) {
		this.announcements.resume(id);
		return View.of(this.announcements.require(id));
	}

	@PostMapping("/{id}/cancel")
	View cancel(@PathVariable long id) {
		this.announcements.cancel(id);
		return View.of(this.announcements.require(id));
	}

	private static java.util.Map<String, Object> claims(Authentication user) {
		if (user instanceof org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken jwt) {
			return jwt.getTokenAttributes();
		}
		return java.util.Map.of("sub", user.getName());
	}

	/**
	 * One page of announcements; pass {@code next} as {@code before} for the next page.
	 */
	record Page(List<View> items, Long next) {
	}

	/** An announcement as the API shows it. */
	record View(long id, String status, AnnouncementContent content, String createdBy, Instant createdAt,
			Instant startedAt, Instant finishedAt, Counts counts) {

		static View of(Announcement a) {
			Announcement.DeliveryCounts c = a.counts();
			return new View(a.id(), a.status().dbValue(), a.content(), a.createdBy(), a.createdAt(), a.startedAt(),
					a.finishedAt(), new Counts(c.recipients(), c.pending(), c.delivered(), c.failed(), c.blocked(),
							c.optedOut(), c.canceled()));
		}

	}

	record Counts(int recipients, int pending, int delivered, int failed, int blocked, int optedOut, int canceled) {
	}

}
