package dev.herald.tab;

import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.herald.announcement.Topics;
import dev.herald.optout.OptOuts;

import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The topics a person receives, in their tab (#24): each active topic, on or off. The
 * caller is the person of the Teams sign-on token and changes only their own choices; a
 * choice is an opt-out of that topic (source {@code tab}), which the dispatcher honours
 * at freeze and again at claim, as every opt-out. CRITICAL announcements ignore it.
 */
@RestController
@RequestMapping(path = "/api/tab/topics", produces = "application/json")
class TabTopicsApi {

	private final Topics topics;

	private final OptOuts optOuts;

	private final TabInbox inbox;

	TabTopicsApi(Topics topics, OptOuts optOuts, TabInbox inbox) {
		this.topics = topics;
		this.optOuts = optOuts;
		this.inbox = inbox;
	}

	@GetMapping
	Choices list(JwtAuthenticationToken token, @RequestParam(required = false) String lang) {
		return choices(person(token), lang);
	}

	@PutMapping(path = "/{id}", consumes = "application/json")
	@Transactional
	Choices choose(JwtAuthenticationToken token, @PathVariable long id, @RequestBody Map<String, Object> body,
			@RequestParam(required = false) String lang) {
		if (!(body.get("on") instanceof Boolean on)) {
			throw TabInbox.problem(HttpStatus.UNPROCESSABLE_ENTITY, "Invalid choice", "\"on\" must be true or false.");
		}
		Topics.Topic topic = this.topics.find(id)
			.filter((t) -> !t.archived())
			.orElseThrow(
					() -> TabInbox.problem(HttpStatus.NOT_FOUND, "No such topic", "There is no topic " + id + "."));
		TabPerson person = person(token);
		if (on) {
			// Every form the person's choice may be stored under (a card press records
			// Teams' spelling): turning on writes nothing where nothing was turned off.
			for (String tenant : person.tenants()) {
				for (String key : person.keys()) {
					this.optOuts.optIn(tenant, key, topic.name(), OptOuts.Source.TAB);
				}
			}
		}
		else {
			this.optOuts.optOut(person.responseTenant(), person.responseKey(), topic.name(), OptOuts.Source.TAB, null);
		}
		return choices(person, lang);
	}

	private Choices choices(TabPerson person, String lang) {
		String language = TabPage.language(lang);
		Set<String> off = this.optOuts.optedOutOf(person.tenants(), person.keys());
		List<Choice> choices = this.topics.active()
			.stream()
			.map((t) -> new Choice(t.id(), t.name(), t.displayName(language), !off.contains(t.name())))
			.toList();
		return new Choices(choices, off.contains(OptOuts.ALL));
	}

	/** The validator made sure {@code tid} is Herald's tenant and {@code oid} is set. */
	private TabPerson person(JwtAuthenticationToken token) {
		return this.inbox.person(token.getToken().getClaimAsString("tid"), token.getToken().getClaimAsString("oid"));
	}

	/**
	 * One topic as the person sees it.
	 *
	 * @param id the topic's id
	 * @param name its name (as on cards)
	 * @param displayName its name in the person's language
	 * @param on whether its announcements reach the person
	 */
	record Choice(long id, String name, String displayName, boolean on) {
	}

	/**
	 * The person's topics.
	 *
	 * @param topics every active topic
	 * @param unsubscribedFromAll whether they opted out of everything ("stop"), which no
	 * topic turns back on
	 */
	record Choices(List<Choice> topics, boolean unsubscribedFromAll) {
	}

}
