package dev.herald.email;

import java.util.Optional;

import dev.herald.optout.OptOuts;
import dev.herald.teams.TeamsProperties;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.server.ResponseStatusException;

/**
 * The e-mail's unsubscribe link. {@code GET} only shows a confirmation (link scanners and
 * previewers fetch links: a GET must change nothing); {@code POST} opts the person out of
 * everything, whether from that page or from a mail client's one-click unsubscribe (RFC
 * 8058: a POST with {@code List-Unsubscribe=One-Click}, no cookie, no CSRF token; the
 * signed token is the authority). A token that does not verify is a 404 and changes
 * nothing.
 */
@Controller
@RequestMapping(UnsubscribeController.PATH)
class UnsubscribeController {

	static final String PATH = "/email/unsubscribe";

	private final UnsubscribeTokens tokens;

	private final OptOuts optOuts;

	private final String tenantId;

	UnsubscribeController(UnsubscribeTokens tokens, OptOuts optOuts, TeamsProperties teams) {
		this.tokens = tokens;
		this.optOuts = optOuts;
		this.tenantId = teams.tenantId();
	}

	@GetMapping("/{token}")
	String confirm(@PathVariable String token, Model model) {
		subject(token);
		model.addAttribute("token", token);
		model.addAttribute("done", false);
		return "email/unsubscribe";
	}

	@PostMapping("/{token}")
	String unsubscribe(@PathVariable String token, Model model) {
		UnsubscribeTokens.Subject subject = subject(token);
		this.optOuts.optOut(this.tenantId, subject.aadObjectId(), OptOuts.ALL, OptOuts.Source.EMAIL,
				subject.announcementId());
		model.addAttribute("token", token);
		model.addAttribute("done", true);
		return "email/unsubscribe";
	}

	private UnsubscribeTokens.Subject subject(String token) {
		Optional<UnsubscribeTokens.Subject> subject = this.tokens.verify(token);
		return subject.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
	}

}
