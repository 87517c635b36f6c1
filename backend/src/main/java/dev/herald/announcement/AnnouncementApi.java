package dev.herald.announcement;

import java.net.URI;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import dev.herald.security.Actor;
import dev.herald.security.Roles;

import org.springframework.http.HttpStatus;
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
import org.springframework.web.server.ResponseStatusException;

/** The announcements part of the public API ({@code /api/v1}). */
@RestController
@Validated
@RequestMapping(path = "/api/v1/announcements", produces = "application/json")
class AnnouncementApi {

	private final Announcements announcements;

	private final Governance governance;

	AnnouncementApi(Announcements announcements, Governance governance) {
		this.announcements = announcements;
		this.governance = governance;
	}

	/** A page of the announcements the caller may read (drafts only their own). */
	@GetMapping
	Page list(@RequestParam(required = false) Long before,
			@RequestParam(defaultValue = "20") @Min(1) @Max(100) int limit, Authentication user) {
		Actor actor = Actor.of(user);
		List<Announcement> page = this.announcements.list(before, limit);
		List<View> items = page.stream()
			.filter((a) -> this.governance.owners().canRead(a, actor))
			.map(View::of)
			.toList();
		Long next = (page.size() == limit) ? page.get(page.size() - 1).id() : null;
		return new Page(items, next);
	}

	@PostMapping(consumes = "application/json")
	ResponseEntity<View> create(@Valid @RequestBody AnnouncementContent content, Authentication user) {
		long id = this.governance.create(content, Roles.userName(claims(user)), Actor.of(user));
		return ResponseEntity.created(URI.create("/api/v1/announcements/" + id))
			.body(View.of(this.announcements.require(id)));
	}

	@GetMapping("/{id}")
	View get(@PathVariable long id, Authentication user) {
		return View.of(this.governance.readable(id, Actor.of(user)));
	}

	@PutMapping(path = "/{id}", consumes = "application/json")
	View update(@PathVariable long id, @Valid @RequestBody AnnouncementContent content, Authentication user) {
		this.governance.update(id, content, Actor.of(user));
		return View.of(this.announcements.require(id));
	}

	/** Deletes a draft (owners and Admins). */
	@org.springframework.web.bind.annotation.DeleteMapping("/{id}")
	ResponseEntity<Void> delete(@PathVariable long id, Authentication user) {
		this.governance.deleteDraft(id, Actor.of(user));
		return ResponseEntity.noContent().build();
	}

	/** Its owners: the author and co-authors. */
	@GetMapping("/{id}/owners")
	List<Owners.Owner> owners(@PathVariable long id, Authentication user) {
		this.governance.readable(id, Actor.of(user));
		return this.governance.owners().list(id);
	}

	/**
	 * Adds a co-author: {@code {"id": "<Entra object id>", "name": "Alex"}}; owners and
	 * Admins only.
	 */
	@PostMapping(path = "/{id}/owners", consumes = "application/json")
	List<Owners.Owner> addOwner(@PathVariable long id, @Valid @RequestBody CoAuthor coAuthor, Authentication user) {
		this.governance.addCoAuthor(id, coAuthor.id(), (coAuthor.name() != null) ? coAuthor.name() : coAuthor.id(),
				Actor.of(user));
		return this.governance.owners().list(id);
	}

	@PostMapping("/{id}/send")
	ResponseEntity<View> send(@PathVariable long id, Authentication user) {
		this.governance.send(id, Actor.of(user));
		return ResponseEntity.accepted().body(View.of(this.announcements.require(id)));
	}

	/**
	 * Schedules a draft: {@code {"at":"2026-12-01T09:00","zone":"Europe/Paris"}}, a
	 * wall-clock time in the author's time zone.
	 */
	@PostMapping(path = "/{id}/schedule", consumes = "application/json")
	View schedule(@PathVariable long id, @Valid @RequestBody ScheduleRequest request, Authentication user) {
		ZoneId zone;
		try {
			zone = ZoneId.of(request.zone());
		}
		catch (DateTimeException ex) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "Unknown time zone " + request.zone());
		}
		try {
			this.governance.schedule(id, request.at(), zone, Actor.of(user));
		}
		catch (IllegalArgumentException ex) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, ex.getMessage());
		}
		return View.of(this.announcements.require(id));
	}

	/** A scheduled announcement goes back to draft. */
	@PostMapping("/{id}/unschedule")
	View unschedule(@PathVariable long id, Authentication user) {
		this.governance.unschedule(id, Actor.of(user));
		return View.of(this.announcements.require(id));
	}

	@PostMapping("/{id}/pause")
	View pause(@PathVariable long id, Authentication user) {
		this.governance.pause(id, Actor.of(user));
		return View.of(this.announcements.require(id));
	}

	@PostMapping("/{id}/resume")
	View resume(@PathVariable long id, Authentication user) {
		this.governance.resume(id, Actor.of(user));
		return View.of(this.announcements.require(id));
	}

	@PostMapping("/{id}/cancel")
	View cancel(@PathVariable long id, Authentication user) {
		this.governance.cancel(id, Actor.of(user));
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

	/** A co-author: their Entra object id (or client id) and display name. */
	record CoAuthor(@NotBlank @jakarta.validation.constraints.Size(max = 200) String id,
			@jakarta.validation.constraints.Size(max = 200) String name) {
	}

	/** When to start a scheduled send: wall-clock time and IANA zone of the author. */
	record ScheduleRequest(@NotNull LocalDateTime at, @NotBlank String zone) {
	}

	/**
	 * An announcement as the API shows it; {@code schedule} only when one was set,
	 * {@code pauseReason} only while paused by the dispatcher.
	 */
	record View(long id, String status, AnnouncementContent content, String createdBy, Instant createdAt,
			Instant startedAt, Instant finishedAt, Counts counts, Schedule schedule, String pauseReason) {

		static View of(Announcement a) {
			Announcement.DeliveryCounts c = a.counts();
			Schedule schedule = (a.scheduledAt() != null)
					? new Schedule(a.scheduledAt(),
							a.scheduledAt().atZone(ZoneId.of(a.scheduledZone())).toLocalDateTime(), a.scheduledZone())
					: null;
			return new View(a.id(), a.status().dbValue(), a.content(), a.createdBy(), a.createdAt(), a.startedAt(),
					a.finishedAt(), new Counts(c.recipients(), c.pending(), c.delivered(), c.failed(), c.blocked(),
							c.optedOut(), c.canceled()),
					schedule, a.pauseReason());
		}

	}

	/** A scheduled start: the instant, and the same as the author's wall-clock time. */
	record Schedule(Instant at, LocalDateTime localTime, String zone) {
	}

	record Counts(int recipients, int pending, int delivered, int failed, int blocked, int optedOut, int canceled) {
	}

}
