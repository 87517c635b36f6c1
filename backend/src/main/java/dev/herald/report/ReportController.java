package dev.herald.report;

import java.util.List;
import java.util.Map;

import dev.herald.announcement.Announcement;
import dev.herald.announcement.Announcements;

import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** The delivery report of an announcement, its CSV export, and the opt-out overview. */
@Controller
class ReportController {

	static final int CHART_WIDTH = 600;

	static final int CHART_HEIGHT = 160;

	private final Announcements announcements;

	private final Reports reports;

	private final DeliveryExport export;

	private final VariantBreakdown variants;

	ReportController(Announcements announcements, Reports reports, DeliveryExport export, VariantBreakdown variants) {
		this.variants = variants;
		this.announcements = announcements;
		this.reports = reports;
		this.export = export;
	}

	@GetMapping("/announcements/{id}/report")
	String report(@PathVariable long id, Model model) {
		Announcement a = this.announcements.require(id);
		model.addAttribute("announcement", a);
		model.addAttribute("byState", this.reports.byState(id));
		model.addAttribute("reasons", this.reports.failureReasons(id));
		Reports.Timeline timeline = this.reports.timeline(id, a.startedAt(), a.finishedAt());
		model.addAttribute("bars", timeline.bars(CHART_WIDTH, CHART_HEIGHT));
		model.addAttribute("bucketSeconds", timeline.bucketSeconds());
		model.addAttribute("peakRate", timeline.peakRate());
		model.addAttribute("chartWidth", CHART_WIDTH);
		model.addAttribute("chartHeight", CHART_HEIGHT);
		model.addAttribute("acks", a.content().acknowledge() ? this.reports.acknowledgements(id) : null);
		Map<String, Long> votes = a.content().hasPoll() ? this.reports.votes(id, a.content().pollChoices()) : null;
		model.addAttribute("votes", votes);
		model.addAttribute("voteTotal",
				(votes != null) ? votes.values().stream().mapToLong(Long::longValue).sum() : 0L);
		model.addAttribute("reads", this.reports.reads(id));
		model.addAttribute("responsesAvailable", this.reports.tableExists("card_response"));
		model.addAttribute("purgedAt", this.reports.ledgerPurgedAt(id));
		model.addAttribute("variants", a.content().variants().isEmpty() ? List.of()
				: this.variants.of(id, a.content().defaultLanguageLabel()));
		return "reports/announcement";
	}

	@GetMapping(path = "/announcements/{id}/report.csv")
	ResponseEntity<StreamingResponseBody> csv(@PathVariable long id) {
		this.announcements.require(id);
		StreamingResponseBody body = (out) -> this.export.write(id, out);
		return ResponseEntity.ok()
			.contentType(new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8))
			.header(HttpHeaders.CONTENT_DISPOSITION,
					ContentDisposition.attachment()
						.filename("announcement-" + id + "-deliveries.csv")
						.build()
						.toString())
			.body(body);
	}

	@GetMapping("/reports/opt-outs")
	String optOuts(Model model) {
		model.addAttribute("overview", this.reports.optOuts());
		return "reports/opt-outs";
	}

	static List<String> states() {
		return List.of("installing", "pending", "in_flight", "delivered", "failed", "blocked", "opted_out", "canceled");
	}

}
