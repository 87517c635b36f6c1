package dev.herald.link;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.util.HtmlUtils;

/**
 * {@code GET|HEAD /r/<token>}: a tracked link (#26). A valid token is answered with a 302
 * to its announcement's link as stored now, and the click queued (not written here);
 * anything else, a tampered, unknown or withdrawn link, with a 404 page and never a
 * redirect. Nothing on this path writes to the database.
 */
@Controller
class LinkRedirectController {

	private final LinkTokens tokens;

	private final LinkTargets targets;

	private final ClickWriter clicks;

	private final MessageSource messages;

	LinkRedirectController(LinkTokens tokens, LinkTargets targets, ClickWriter clicks, MessageSource messages) {
		this.tokens = tokens;
		this.targets = targets;
		this.clicks = clicks;
		this.messages = messages;
	}

	@RequestMapping(path = "/r/{token}", method = { RequestMethod.GET, RequestMethod.HEAD })
	ResponseEntity<String> follow(@PathVariable String token, HttpServletRequest request) {
		Optional<LinkTokens.Ref> ref = this.tokens.parse(token);
		Optional<String> target = ref.flatMap(this.targets::target);
		if (target.isEmpty()) {
			return notFound();
		}
		this.clicks.offer(new ClickWriter.Click(ref.get(), Instant.now(),
				Scanners.why(request.getMethod(), request.getHeader(HttpHeaders.USER_AGENT))));
		return ResponseEntity.status(HttpStatus.FOUND)
			.header(HttpHeaders.LOCATION, target.get())
			.header(HttpHeaders.CACHE_CONTROL, "no-store")
			.header("Referrer-Policy", "no-referrer")
			.build();
	}

	private ResponseEntity<String> notFound() {
		Locale locale = LocaleContextHolder.getLocale();
		String title = HtmlUtils.htmlEscape(this.messages.getMessage("link.notFound.title", null, locale));
		String text = HtmlUtils.htmlEscape(this.messages.getMessage("link.notFound.text", null, locale));
		String page = "<!DOCTYPE html><html lang=\"" + HtmlUtils.htmlEscape(locale.toLanguageTag())
				+ "\"><head><meta charset=\"utf-8\"><meta name=\"robots\" content=\"noindex\"><title>" + title
				+ "</title><style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem}"
				+ "</style></head><body><h1>" + title + "</h1><p>" + text + "</p></body></html>";
		return ResponseEntity.status(HttpStatus.NOT_FOUND)
			.contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
			.header(HttpHeaders.CACHE_CONTROL, "no-store")
			.header("Referrer-Policy", "no-referrer")
			.body(page);
	}

}
