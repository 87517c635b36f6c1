package dev.herald.announcement;

import java.net.URI;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import dev.herald.security.Actor;
import dev.herald.security.Roles;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
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

	private final AfterSendPolicy policy;

	private final Governance governance;

	private final AnnouncementCard cards;

	private final TestSends testSends;

	AnnouncementApi(Announcements announcements, AfterSendPolicy policy, Governance governance, AnnouncementCard cards,
			TestSends testSends) {
		this.testSends = testSends;
		this.announcements = announcements;
		this.policy = policy;
		this.governance = governance;
		this.cards = cards;
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

	/**
	 * The card as a person of {@code variant}'s language gets it (its texts, the card's
	 * buttons in its language); without a variant, the default. The API twin of the
	 * compose page's preview of each language; readable by whoever may read the
	 * announcement.
	 */
	@GetMapping("/{id}/card")
	Map<String, Object> card(@PathVariable long id, @RequestParam(required = false) @Size(max = 35) String variant,
			Authentication user) {
		Announcement announcement = this.governance.readable(id, Actor.of(user));
		if (variant != null && !announcement.content().variants().containsKey(variant)) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No variant " + variant);
		}
		VariantSelector.Rendition rendition = (variant != null)
				? new VariantSelector.Rendition(variant, VariantSelector.cardLanguageFor(variant))
				: VariantSelector.Rendition.DEFAULT;
		return this.cards.card(id, announcement.content(), announcement.createdBy(), rendition);
	}

	/**
	 * Changes a draft, or an announcement that is sending, paused or sent: then every
	 * delivered copy is updated in place (see {@code GET /{id}/follow-ups}) and copies
	 * not yet sent go out with the new content.
	 */
	@PutMapping(path = "/{id}", consumes = "application/json")
	View update(@PathVariable long id, @Valid @RequestBody AnnouncementContent content, Authentication user) {
		// After the send, the same gate as a send: 409 under approval until this new
		// content is approved (POST /{id}/submit with it), 403 from guardrails (#23).
		this.governance.edit(id, content, Roles.userName(claims(user)), Actor.of(user));
		return View.of(this.announcements.require(id));
	}

	/**
	 * A new draft with the same content, owned by the caller: the compose page's
	 * <em>Duplicate</em>. Whoever may read the original may copy it; guardrails apply as
	 * to any new draft.
	 */
	@PostMapping("/{id}/duplicate")
	ResponseEntity<View> duplicate(@PathVariable long id, Authentication user) {
		Actor actor = Actor.of(user);
		Announcement original = this.governance.readable(id, actor);
		long copy = this.governance.create(original.content(), Roles.userName(claims(user)), actor);
		return ResponseEntity.created(URI.create("/api/v1/announcements/" + copy))
			.body(View.of(this.announcements.require(copy)));
	}

	/**
	 * "Send a test to myself": the exact card, to the caller's own chat with Herald,
	 * outside the ledger and the counts (presses on it are recorded as test presses).
	 * Only a person can receive it: the caller is found by the {@code oid} of a delegated
	 * token; an app without a chat with Herald gets 409.
	 */
	@PostMapping("/{id}/test")
	ResponseEntity<Map<String, String>> test(@PathVariable long id, Authentication user) {
		TestSends.Outcome outcome = this.testSends.send(this.governance.readable(id, Actor.of(user)), claims(user),
				Actor.of(user));
		return switch (outcome) {
			case SENT -> ResponseEntity.accepted().body(Map.of("outcome", "sent"));
			case NO_OBJECT_ID,
					NO_CHAT ->
				throw new ResponseStatusException(HttpStatus.CONFLICT,
						"The caller has no chat with Herald: a test copy goes to a person who has the app, "
								+ "called with their delegated token.");
			case FAILED -> throw new ResponseStatusException(HttpStatus.BAD_GATEWAY, "Teams refused the test copy.");
		};
	}

	/** Deletes a draft (owners and Admins). */
	@DeleteMapping("/{id}")
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

	/**
	 * Recalls an announcement: a running send stops and every delivered copy is deleted
	 * from the chats (progress in {@code GET /{id}/follow-ups}). Status {@code recalled}.
	 */
	@PostMapping("/{id}/recall")
	ResponseEntity<View> recall(@PathVariable long id, Authentication user) {
		this.policy.check(AfterSendPolicy.Act.RECALL, this.announcements.require(id), user);
		this.announcements.recall(id, Roles.userName(claims(user)));
		this.policy.recorded(AfterSendPolicy.Act.RECALL, id, user, "recalled; delivered copies are deleted");
		return ResponseEntity.accepted().body(View.of(this.announcements.require(id)));
	}

	/**
	 * Expiry and automatic reminder of an announcement:
	 * {@code {"expiry":{"at":"2026-12-01T18:00","zone":"Europe/Paris"},
	 * "autoReminder":{"hours":24,"who":"not-acknowledged"}}}; a null part clears it.
	 */
	@PutMapping(path = "/{id}/after-send", consumes = "application/json")
	AfterSend afterSend(@PathVariable long id, @Valid @RequestBody AfterSendRequest request, Authentication user) {
		this.policy.check(AfterSendPolicy.Act.SCHEDULE, this.announcements.require(id), user);
		ScheduleRequest expiry = request.expiry();
		try {
			this.announcements.setExpiry(id, (expiry != null) ? expiry.at() : null,
					(expiry != null) ? zone(expiry.zone()) : null);
		}
		catch (IllegalArgumentException ex) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, ex.getMessage());
		}
		AutoReminder auto = request.autoReminder();
		this.announcements.setAutoReminder(id, (auto != null) ? auto.hours() : null,
				(auto != null) ? auto.who() : null);
		AfterSend after = this.announcements.afterSend(id);
		this.policy.recorded(AfterSendPolicy.Act.SCHEDULE, id, user, AfterSendPolicy.describe(after));
		return after;
	}

	@GetMapping("/{id}/after-send")
	AfterSend afterSend(@PathVariable long id, Authentication user) {
		this.governance.readable(id, Actor.of(user));
		return this.announcements.afterSend(id);
	}

	private static ZoneId zone(String zone) {
		try {
			return ZoneId.of(zone);
		}
		catch (DateTimeException ex) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "Unknown time zone " + zone);
		}
	}

	/**
	 * Starts the send; answers at once with status {@code preparing} while the audience
	 * is frozen in the background ({@code preparation} shows the progress), then
	 * {@code sending}.
	 */
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

	private static Map<String, Object> claims(Authentication user) {
		if (user instanceof JwtAuthenticationToken jwt) {
			return jwt.getTokenAttributes();
		}
		return Map.of("sub", user.getName());
	}

	/**
	 * One page of announcements; pass {@code next} as {@code before} for the next page.
	 */
	record Page(List<View> items, Long next) {
	}

	/** Expiry and automatic reminder; a null part clears it. */
	record AfterSendRequest(@Valid ScheduleRequest expiry, @Valid AutoReminder autoReminder) {
	}

	/**
	 * A reminder {@code hours} after the send started, to the people {@code who} names.
	 */
	record AutoReminder(@NotNull @Min(1) @Max(720) Integer hours,
			@NotNull @Pattern(regexp = "not-acknowledged|not-voted|not-read") String who) {
	}

	/** A co-author: their Entra object id (or client id) and display name. */
	record CoAuthor(@NotBlank @Size(max = 200) String id, @Size(max = 200) String name) {
	}

	/** When to start a scheduled send: wall-clock time and IANA zone of the author. */
	record ScheduleRequest(@NotNull LocalDateTime at, @NotBlank String zone) {
	}

	/**
	 * An announcement as the API shows it; {@code schedule} only when one was set,
	 * {@code pauseReason} only while paused by the dispatcher (or because its audience
	 * could not be prepared), {@code preparation} only while preparing.
	 */
	record View(long id, String status, AnnouncementContent content, String createdBy, Instant createdAt,
			Instant startedAt, Instant finishedAt, Counts counts, Schedule schedule, String pauseReason,
			Preparation preparation) {

		static View of(Announcement a) {
			Announcement.DeliveryCounts c = a.counts();
			Schedule schedule = (a.scheduledAt() != null)
					? new Schedule(a.scheduledAt(),
							a.scheduledAt().atZone(ZoneId.of(a.scheduledZone())).toLocalDateTime(), a.scheduledZone())
					: null;
			return new View(a.id(), a.status().dbValue(), a.content(), a.createdBy(), a.createdAt(), a.startedAt(),
					a.finishedAt(), new Counts(c.recipients(), c.pending(), c.delivered(), c.failed(), c.blocked(),
							c.optedOut(), c.canceled()),
					schedule, a.pauseReason(), Preparation.of(a));
		}

	}

	/** A scheduled start: the instant, and the same as the author's wall-clock time. */
	record Schedule(Instant at, LocalDateTime localTime, String zone) {
	}

	/**
	 * The audience being frozen: people gathered so far from the directory and Graph
	 * ({@code null} until the first page, and for everyone who has the app).
	 */
	record Preparation(Integer peopleGathered) {

		static Preparation of(Announcement a) {
			return (a.status() == AnnouncementStatus.PREPARING) ? new Preparation(a.preparedPeople()) : null;
		}

	}

	record Counts(int recipients, int pending, int delivered, int failed, int blocked, int optedOut, int canceled) {
	}

}
