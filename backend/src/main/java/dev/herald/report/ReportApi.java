package dev.herald.report;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import dev.herald.announcement.Announcement;
import dev.herald.announcement.Announcements;
import dev.herald.announcement.Governance;
import dev.herald.followup.FollowUpView;
import dev.herald.followup.FollowUps;
import dev.herald.link.LinkClicks;
import dev.herald.security.Actor;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * The delivery report of an announcement: counts, recipient pages, who responded, CSV
 * export. Served from counters, rollups and indexes, so the cost of a call does not grow
 * with the audience (the CSV excepted, which streams).
 */
@RestController
@Validated
@RequestMapping("/api/v1/announcements/{id}")
class ReportApi {

	private static final String STATE = "^(installing|pending|in_flight|delivered|failed|blocked|opted_out|canceled)$";

	private final Announcements announcements;

	private final DeliveryReport deliveries;

	private final Reports reports;

	private final Responses responses;

	private final RecipientCsv csv;

	private final VariantBreakdown variants;

	private final FollowUps followUps;

	private final Governance governance;

	private final LinkReport links;

	private final LinkClicks clicks;

	private final UrgentReach urgent;

	ReportApi(Announcements announcements, DeliveryReport deliveries, Reports reports, Responses responses,
			RecipientCsv csv, VariantBreakdown variants, FollowUps followUps, Governance governance, LinkReport links,
			LinkClicks clicks, UrgentReach urgent) {
		this.links = links;
		this.clicks = clicks;
		this.urgent = urgent;
		this.governance = governance;
		this.followUps = followUps;
		this.announcements = announcements;
		this.deliveries = deliveries;
		this.reports = reports;
		this.responses = responses;
		this.csv = csv;
		this.variants = variants;
	}

	@GetMapping(path = "/report", produces = MediaType.APPLICATION_JSON_VALUE)
	Report report(@PathVariable long id, Authentication user) {
		Announcement a = this.governance.readable(id, Actor.of(user));
		Announcement.DeliveryCounts c = a.counts();
		Long acknowledged = a.content().acknowledge() ? this.reports.acknowledgements(id) : null;
		Map<String, Long> votes = a.content().hasPoll() ? this.reports.votes(id, a.content().pollChoices()) : null;
		return new Report(id, a.status().dbValue(), c.recipients(), c.pending(), c.delivered(), c.failed(), c.blocked(),
				c.optedOut(), c.canceled(), c.percentDone(), this.reports.byState(a), this.reports.reads(id),
				acknowledged, (acknowledged != null) ? Math.max(0, c.delivered() - acknowledged) : null, votes,
				this.variants.of(a), this.followUps.list(id), this.links.of(a), this.urgent.of(a),
				this.reports.emailStates(id));
	}

	/**
	 * Who clicked the announcement's links (#26): stricter than who acknowledged (which
	 * every reader of a sent announcement sees), since it follows people out of Teams:
	 * its owners and Admins only (others who may read the report get 403 here and the
	 * counts in {@code /report}). Empty with per-person tracking off.
	 */
	@GetMapping(path = "/clicks", produces = MediaType.APPLICATION_JSON_VALUE)
	LinkClicks.Page clicks(@PathVariable long id,
			@RequestParam(required = false) @Size(min = 1, max = Responses.MAX_CURSOR) String after,
			@RequestParam(defaultValue = "100") @Min(1) @Max(LinkClicks.MAX_LIMIT) int limit, Authentication user) {
		Actor actor = Actor.of(user);
		this.governance.readable(id, actor);
		this.governance.owners().requireManage(id, actor);
		return this.clicks.clickers(id, after, limit);
	}

	@GetMapping(path = "/deliveries", produces = MediaType.APPLICATION_JSON_VALUE)
	Page deliveries(@PathVariable long id, @RequestParam(required = false) @Pattern(regexp = STATE) String state,
			@RequestParam(required = false) @Size(max = 200) String after,
			@RequestParam(defaultValue = "100") @Min(1) @Max(1000) int limit, Authentication user) {
		Announcement a = this.governance.readable(id, Actor.of(user));
		// A state no row is in (say, in flight after the send) is an empty page at once,
		// not a walk along the whole ledger looking for one.
		if (state != null && this.reports.byState(a).getOrDefault(state, 0L) == 0) {
			return new Page(List.of(), null);
		}
		List<DeliveryReport.Row> items = this.deliveries.page(id, state, after, limit);
		String next = (items.size() == limit) ? items.get(items.size() - 1).recipient() : null;
		return new Page(items, next);
	}

	/**
	 * Who acknowledged ({@code acknowledged=true}, the default) or who received the
	 * announcement and has not ({@code false}), with their poll answers; keyset pages in
	 * person order.
	 */
	@GetMapping(path = "/acknowledgements", produces = MediaType.APPLICATION_JSON_VALUE)
	Responses.Page acknowledgements(@PathVariable long id,
			@RequestParam(defaultValue = "true") @Pattern(regexp = "^(true|false)$") String acknowledged,
			@RequestParam(required = false) @Size(min = 1, max = Responses.MAX_CURSOR) String after,
			@RequestParam(defaultValue = "100") @Min(1) @Max(Responses.MAX_LIMIT) int limit, Authentication user) {
		this.governance.readable(id, Actor.of(user));
		return this.responses.page(id, Boolean.parseBoolean(acknowledged), after, limit);
	}

	@GetMapping(path = "/deliveries.csv", produces = "text/csv")
	ResponseEntity<StreamingResponseBody> csv(@PathVariable long id,
			@RequestParam(required = false) @Pattern(regexp = STATE) String state, Authentication user) {
		Actor actor = Actor.of(user);
		this.governance.readable(id, actor);
		// Who clicked: owners and Admins only (#26); the column stays, empty for others.
		boolean clicks = this.governance.owners().canManage(id, actor);
		StreamingResponseBody body = (out) -> this.csv.write(id, state, false, clicks, out);
		return ResponseEntity.ok()
			.contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
			.header(HttpHeaders.CONTENT_DISPOSITION,
					"attachment; filename=\"announcement-" + id + ((state != null) ? "-" + state : "") + ".csv\"")
			.body(body);
	}

	/**
	 * Delivery counts of an announcement.
	 *
	 * @param id the announcement
	 * @param status its lifecycle status
	 * @param recipients the frozen audience size
	 * @param pending not yet final
	 * @param delivered accepted by Teams
	 * @param failed failed for good
	 * @param blocked the person blocked or removed the app
	 * @param optedOut skipped because the person opted out
	 * @param canceled not sent because the send was canceled
	 * @param percentDone share of recipients with a final state
	 * @param byState ledger rows per state, including transient ones
	 * @param reads delivered copies people have read (Teams read receipts)
	 * @param acknowledged people who pressed "Got it"; null when the card does not ask
	 * @param notAcknowledged delivered copies not acknowledged; null when the card does
	 * not ask (who they are: {@code /acknowledgements?acknowledged=false})
	 * @param votes answers per poll choice, in the poll's order; null without a poll (who
	 * answered what: {@code /acknowledgements} and the CSV)
	 * @param variants delivery and acknowledgements per language variant
	 * @param followUps edits, recalls and reminders of the copies sent, newest first
	 * ("updated {@code done} of {@code targets}")
	 * @param links link clicks: per link, unique clickers, click-through rate by variant,
	 * over time (who clicked: {@code /clicks})
	 * @param alerted for an urgent announcement, people alerted within 1, 5 and 10
	 * minutes by channel (activity feed, chat card, either); null otherwise
	 * @param email the e-mail fallback's people per state (queued, sending, sent,
	 * failed); empty when the send had none
	 */
	record Report(long id, String status, int recipients, int pending, int delivered, int failed, int blocked,
			int optedOut, int canceled, int percentDone, Map<String, Long> byState, long reads, Long acknowledged,
			Long notAcknowledged, Map<String, Long> votes, List<VariantBreakdown.Row> variants,
			List<FollowUpView> followUps, LinkClicks.Summary links, UrgentReach.Alerted alerted,
			Map<String, Long> email) {
	}

	/**
	 * One page of recipients; pass {@code next} as {@code after} for the next page.
	 *
	 * @param items the recipients, in recipient order
	 * @param next the cursor of the next page, null on the last
	 */
	record Page(List<DeliveryReport.Row> items, String next) {
	}

}
