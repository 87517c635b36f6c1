package dev.herald.api;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import dev.herald.announcement.Announcement;
import dev.herald.announcement.Announcements;
import dev.herald.report.VariantBreakdown;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** The delivery report of an announcement: counts, recipient pages, CSV export. */
@RestController
@Validated
@RequestMapping("/api/v1/announcements/{id}")
class ReportApi {

	private static final String STATE = "^(installing|pending|in_flight|delivered|failed|blocked|opted_out|canceled)$";

	private final Announcements announcements;

	private final DeliveryReport report;

	private final VariantBreakdown variants;

	ReportApi(Announcements announcements, DeliveryReport report, VariantBreakdown variants) {
		this.announcements = announcements;
		this.report = report;
		this.variants = variants;
	}

	@GetMapping(path = "/report", produces = MediaType.APPLICATION_JSON_VALUE)
	Report report(@PathVariable long id) {
		Announcement a = this.announcements.require(id);
		Announcement.DeliveryCounts c = a.counts();
		return new Report(id, a.status().dbValue(), c.recipients(), c.pending(), c.delivered(), c.failed(), c.blocked(),
				c.optedOut(), c.canceled(), c.percentDone(), this.report.countByState(id),
				this.variants.of(id, a.content().defaultLanguageLabel()));
	}

	@GetMapping(path = "/deliveries", produces = MediaType.APPLICATION_JSON_VALUE)
	Page deliveries(@PathVariable long id, @RequestParam(required = false) @Pattern(regexp = STATE) String state,
			@RequestParam(required = false) @Size(max = 200) String after,
			@RequestParam(defaultValue = "100") @Min(1) @Max(1000) int limit) {
		this.announcements.require(id);
		List<DeliveryReport.Row> items = this.report.page(id, state, after, limit);
		String next = (items.size() == limit) ? items.get(items.size() - 1).recipient() : null;
		return new Page(items, next);
	}

	@GetMapping(path = "/deliveries.csv", produces = "text/csv")
	ResponseEntity<StreamingResponseBody> csv(@PathVariable long id,
			@RequestParam(required = false) @Pattern(regexp = STATE) String state) {
		this.announcements.require(id);
		StreamingResponseBody body = (stream) -> {
			BufferedWriter out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 64 * 1024);
			out.write(DeliveryReport.Csv.HEADER);
			this.report.writeCsv(id, state, out);
			out.flush();
		};
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
	 * @param variants delivery and acknowledgements per language variant
	 */
	record Report(long id, String status, int recipients, int pending, int delivered, int failed, int blocked,
			int optedOut, int canceled, int percentDone, Map<String, Long> byState,
			List<VariantBreakdown.Row> variants) {
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
