package dev.herald.tab;

import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The tab's JSON API. The caller is always the person of the Teams sign-on token
 * ({@link TabSecurityConfig}); nothing in a request names anyone else.
 */
@RestController
@RequestMapping(path = "/api/tab/announcements", produces = "application/json")
class TabApi {

	private final TabInbox inbox;

	private final TabProperties properties;

	TabApi(TabInbox inbox, TabProperties properties) {
		this.inbox = inbox;
		this.properties = properties;
	}

	@GetMapping
	TabItem.Page list(JwtAuthenticationToken token, @RequestParam(required = false) String q,
			@RequestParam(required = false) String topic, @RequestParam(required = false) Long before,
			@RequestParam(required = false) Integer limit) {
		if (topic != null && topic.length() > 100) {
			throw TabInbox.problem(HttpStatus.BAD_REQUEST, "Invalid request", "The topic is too long.");
		}
		if (limit != null && (limit < 1 || limit > TabInbox.MAX_PAGE)) {
			throw TabInbox.problem(HttpStatus.BAD_REQUEST, "Invalid request",
					"limit must be between 1 and " + TabInbox.MAX_PAGE + ".");
		}
		return this.inbox.list(person(token), q, topic, before, (limit != null) ? limit : this.properties.pageSize());
	}

	@GetMapping("/{id}")
	TabItem one(JwtAuthenticationToken token, @PathVariable long id) {
		return this.inbox.find(person(token), id);
	}

	@PostMapping("/{id}/read")
	TabItem read(JwtAuthenticationToken token, @PathVariable long id) {
		return this.inbox.read(person(token), id);
	}

	@PostMapping("/{id}/acknowledge")
	TabItem acknowledge(JwtAuthenticationToken token, @PathVariable long id) {
		return this.inbox.acknowledge(person(token), id);
	}

	@PostMapping(path = "/{id}/vote", consumes = "application/json")
	TabItem vote(JwtAuthenticationToken token, @PathVariable long id, @RequestBody Map<String, Object> body) {
		Object choice = body.get("choice");
		if (!(choice instanceof String text) || text.isBlank() || text.length() > 200) {
			throw TabInbox.problem(HttpStatus.UNPROCESSABLE_ENTITY, "Invalid answer",
					"choice must be one of the poll's answers.");
		}
		return this.inbox.vote(person(token), id, text);
	}

	/** The validator made sure {@code tid} is Herald's tenant and {@code oid} is set. */
	private TabPerson person(JwtAuthenticationToken token) {
		return this.inbox.person(token.getToken().getClaimAsString("tid"), token.getToken().getClaimAsString("oid"));
	}

}
