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

	private final AnnouncementCard cards;

	AnnouncementApi(Announcements announcements, AnnouncementCard cards) {
		this.announcements = announcements;
		this.cards = cards;
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

	/**
	 * The card as a person of {@code variant}'s language gets it (its texts, the card's
	 * buttons in its language); without a variant, the default. The API twin of the
	 * compose page's preview of each language.
	 */
	@GetMapping("/{id}/card")
	java.util.Map<String, Object> card(@PathVariable long id,
			@RequestParam(required = false) @jakarta.validation.constraints.Size(max = 35) String variant) {
		Announcement announcement = this.announcements.require(id);
		if (variant != null && !announcement.content().variants().containsKey(variant)) {
			throw new org.springframework.web.server.ResponseStatusException(
					org.springframework.http.HttpStatus.NOT_FOUND, "No variant " + variant);
		}
		VariantSelector.Rendition rendition = (variant != null)
				? new VariantSelector.Rendition(variant, VariantSelector.cardLanguageFor(variant))
				: VariantSelector.Rendition.DEFAULT;
		return this.cards.card(id, announcement.content(), announcement.createdBy(), rendition);
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

	/**
	 * Schedules a draft: {@code {"at":"2026-12-01T09:00","zone":"Europe/Paris"}}, a
	 * wall-clock time in the author's time zone.
	 */
	@PostMapping(path = "/{id}/schedule", consumes = "application/json")
	View schedule(@PathVariable long id, @Valid @RequestBody ScheduleRequest request) {
		ZoneId zone;
		try {
			zone = ZoneId.of(request.zone());
		}
		catch (DateTimeException ex) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "Unknown time zone " + request.zone());
		}
		try {
			this.announcements.schedule(id, request.at(), zone);
		}
		catch (IllegalArgumentException ex) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, ex.getMessage());
		}
		return View.of(this.announcements.require(id));
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
