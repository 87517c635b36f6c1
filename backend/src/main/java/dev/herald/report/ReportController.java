package dev.herald.report;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.herald.announcement.Announcement;
import dev.herald.announcement.Announcements;
import dev.herald.announcement.Governance;
import dev.herald.followup.FollowUpView;
import dev.herald.followup.FollowUps;
import dev.herald.question.Questions;
import dev.herald.link.LinkClicks;

import dev.herald.security.Actor;
import dev.herald.security.Roles;

import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** The delivery report of an announcement, its CSV export, and the opt-out overview. */
@Controller
class ReportController {

	static final int CHART_WIDTH = 600;

	static final int CHART_HEIGHT = 160;

	/** People per page in the report's "who responded" list. */
	static final int RESPONDERS_PAGE = 50;

	private final Announcements announcements;

	private final Reports reports;

	private final Responses responses;

	private final RecipientCsv csv;

	private final FollowUps followUps;

	private final VariantBreakdown variants;

	private final Governance governance;

	private final Questions questions;

	private final LinkReport links;

	private final LinkClicks clicks;

	private final UrgentReach urgent;

	ReportController(Announcements announcements, Reports reports, Responses responses, RecipientCsv csv,
			FollowUps followUps, VariantBreakdown variants, Governance governance, Questions questions,
			LinkReport links, LinkClicks clicks, UrgentReach urgent) {
		this.links = links;
		this.clicks = clicks;
		this.urgent = urgent;
		this.governance = governance;
		this.questions = questions;
		this.followUps = followUps;
		this.variants = variants;
		this.announcements = announcements;
		this.reports = reports;
		this.responses = responses;
		this.csv = csv;
	}

	/**
	 * The report. {@code acknowledged} and {@code after} page the "who responded" list
	 * (the same pages as the API's {@code /acknowledgements}); a cursor that cannot be
	 * one shows the first page with a message.
	 */
	@GetMapping("/announcements/{id}/report")
	String report(@PathVariable long id, @RequestParam(defaultValue = "true") String acknowledged,
			@RequestParam(required = false) String after, @RequestParam(required = false) String clicksAfter,
			Model model, Authentication user) {
		// Whoever may not read the announcement does not learn its figures or people.
		Announcement a = this.governance.readable(id, Actor.of(user));
		model.addAttribute("announcement", a);
		Map<String, Long> byState = new LinkedHashMap<>();
		this.reports.byState(a).forEach((state, n) -> {
			if (n > 0) {
				byState.put(state, n);
			}
		});
		model.addAttribute("byState", byState);
		model.addAttribute("reasons", this.reports.failureReasons(id));
		Reports.Timeline timeline = this.reports.timeline(id, a.startedAt(), a.finishedAt());
		model.addAttribute("bars", timeline.bars(CHART_WIDTH, CHART_HEIGHT));
		model.addAttribute("barWidth", timeline.width());
		model.addAttribute("peakRate", timeline.peakRate());
		model.addAttribute("chartWidth", CHART_WIDTH);
		model.addAttribute("chartHeight", CHART_HEIGHT);
		model.addAttribute("acks", a.content().acknowledge() ? this.reports.acknowledgements(id) : null);
		Map<String, Long> votes = a.content().hasPoll() ? this.reports.votes(id, a.content().pollChoices()) : null;
		model.addAttribute("votes", votes);
		model.addAttribute("voteTotal",
				(votes != null) ? votes.values().stream().mapToLong(Long::longValue).sum() : 0L);
		model.addAttribute("reads", this.reports.reads(id));
		model.addAttribute("emailStates", this.reports.emailStates(id));
		model.addAttribute("emailRows", this.reports.emailRows(id, EMAIL_ROWS));
		model.addAttribute("purgedAt", this.reports.ledgerPurgedAt(id));
		model.addAttribute("alerted", this.urgent.of(a));
		if (a.content().acknowledge() || a.content().hasPoll()) {
			boolean acked = !"false".equals(acknowledged);
			boolean badCursor = after != null && (after.isEmpty() || after.length() > Responses.MAX_CURSOR);
			model.addAttribute("respondersAcknowledged", acked);
			model.addAttribute("respondersBadCursor", badCursor);
			model.addAttribute("responders", this.responses.page(id, acked, badCursor ? null : after, RESPONDERS_PAGE));
		}
		// Edits, recalls and reminders: "updated N of M", with why copies failed.
		model.addAttribute("followUps",
				this.followUps.list(id)
					.stream()
					.map((o) -> new FollowUpRow(o, this.followUps.failures(o.id())))
					.toList());
		model.addAttribute("variants", a.content().variants().isEmpty() ? List.of() : this.variants.of(a));
		// People's questions (#24): for the owners and Admins only, not every reader.
		Actor actor = Actor.of(user);
		if (this.questions.canSee(id, actor)) {
			model.addAttribute("questions", this.questions.ofAnnouncement(id, null, null, Questions.MAX_PAGE, actor));
			model.addAttribute("questionCounts", this.questions.counts(id, actor));
		}
		// Link clicks (#26): the figures for every reader, who clicked for owners and
		// Admins only.
		LinkClicks.Summary links = this.links.of(a);
		model.addAttribute("links", links);
		boolean maySeeClickers = this.governance.owners().canManage(id, Actor.of(user));
		model.addAttribute("maySeeClickers", maySeeClickers);
		boolean badClickCursor = clicksAfter != null
				&& (clicksAfter.isEmpty() || clicksAfter.length() > Responses.MAX_CURSOR);
		model.addAttribute("clickers", links.perPerson()
				? this.clicks.clickers(id, badClickCursor ? null : clicksAfter, RESPONDERS_PAGE) : null);
		return "reports/announcement";
	}

	@GetMapping(path = "/announcements/{id}/report.csv")
	ResponseEntity<StreamingResponseBody> csv(@PathVariable long id, Authentication user) {
		Actor actor = Actor.of(user);
		this.governance.readable(id, actor);
		boolean clicks = this.governance.owners().canManage(id, actor);
		StreamingResponseBody body = (out) -> this.csv.write(id, null, true, clicks, out);
		return ResponseEntity.ok()
			.contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
			.header(HttpHeaders.CONTENT_DISPOSITION,
					ContentDisposition.attachment()
						.filename("announcement-" + id + "-deliveries.csv")
						.build()
						.toString())
			.body(body);
	}

	/** Counts for every Author; who opted out (names) for Admins only. */
	@GetMapping("/reports/opt-outs")
	String optOuts(Model model, Authentication user) {
		boolean admin = user.getAuthorities()
			.stream()
			.anyMatch((a) -> ("ROLE_" + Roles.ADMIN).equals(a.getAuthority()));
		model.addAttribute("overview", this.reports.optOuts(admin));
		model.addAttribute("showNames", admin);
		return "reports/opt-outs";
	}

	/** People of the e-mail fallback listed on the page; the CSV has everyone. */
	static final int EMAIL_ROWS = 200;

	record FollowUpRow(FollowUpView view, List<FollowUpView.Reason> reasons) {
	}

}
