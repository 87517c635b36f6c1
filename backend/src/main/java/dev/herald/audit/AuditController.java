package dev.herald.audit;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The audit log page for Admins ({@code /admin/audit}), with filters and CSV export. */
@Controller
class AuditController {

	private static final int PAGE = 100;

	private final AuditLog audit;

	AuditController(AuditLog audit) {
		this.audit = audit;
	}

	@GetMapping("/admin/audit")
	String page(@RequestParam(required = false) String announcement, @RequestParam(required = false) String actor,
			@RequestParam(required = false) String action, @RequestParam(required = false) String from,
			@RequestParam(required = false) String to, @RequestParam(required = false) Long before, Model model) {
		AuditLog.Filter filter = filter(announcement, actor, action, from, to);
		List<AuditEvent> events = this.audit.search(filter, before, PAGE);
		model.addAttribute("events", events);
		model.addAttribute("next", (events.size() == PAGE) ? events.get(events.size() - 1).id() : null);
		model.addAttribute("actions", Arrays.stream(AuditAction.values()).map(AuditAction::dbValue).toList());
		model.addAttribute("announcement", clip(announcement));
		model.addAttribute("actor", clip(actor));
		model.addAttribute("action", clip(action));
		model.addAttribute("from", clip(from));
		model.addAttribute("to", clip(to));
		return "admin/audit";
	}

	/** The filtered log as CSV, written page by page so memory stays flat. */
	@GetMapping("/admin/audit.csv")
	void csv(@RequestParam(required = false) String announcement, @RequestParam(required = false) String actor,
			@RequestParam(required = false) String action, @RequestParam(required = false) String from,
			@RequestParam(required = false) String to, HttpServletResponse response) throws IOException {
		AuditLog.Filter filter = filter(announcement, actor, action, from, to);
		response.setContentType("text/csv;charset=UTF-8");
		response.setHeader("Content-Disposition", "attachment; filename=\"herald-audit.csv\"");
		Writer out = new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8);
		out.write('\ufeff');
		out.write("id,at,actor_id,actor_name,actor_kind,action,announcement_id,summary\r\n");
		Long before = null;
		while (true) {
			List<AuditEvent> events = this.audit.search(filter, before, 1000);
			for (AuditEvent e : events) {
				out.write(String.join(",", String.valueOf(e.id()), e.at().toString(), cell(e.actorId()),
						cell(e.actorName()), e.actorKind(), e.action(),
						(e.announcementId() != null) ? e.announcementId().toString() : "", cell(e.summary())));
				out.write("\r\n");
			}
			if (events.size() < 1000) {
				break;
			}
			before = events.get(events.size() - 1).id();
		}
		out.flush();
	}

	/**
	 * Filters from the form: a bad value is ignored rather than failing the page (the
	 * form shows what it was given).
	 */
	static AuditLog.Filter filter(String announcement, String actor, String action, String from, String to) {
		Long id = null;
		if (announcement != null && announcement.strip().matches("\\d{1,18}")) {
			id = Long.valueOf(announcement.strip());
		}
		return new AuditLog.Filter(id, clip(actor), AuditAction.parse(action), day(from, 0), day(to, 1));
	}

	private static Instant day(String value, int plusDays) {
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			return LocalDate.parse(value.strip()).plusDays(plusDays).atStartOfDay().toInstant(ZoneOffset.UTC);
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	private static String clip(String value) {
		return (value == null) ? null : (value.length() > 200) ? value.substring(0, 200) : value;
	}

	/** RFC 4180 quoting, and a leading quote against spreadsheet formula injection. */
	static String cell(String value) {
		if (value == null) {
			return "";
		}
		String v = value;
		if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
			v = "'" + v;
		}
		if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r") || !v.equals(value)) {
			return "\"" + v.replace("\"", "\"\"") + "\"";
		}
		return v;
	}

}
