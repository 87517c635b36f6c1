package dev.herald.tab;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.herald.question.Question;
import dev.herald.question.QuestionSource;
import dev.herald.question.Questions;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Questions from the tab (#24): the person's own questions with their answers, and asking
 * one about an announcement they received. As everywhere in the tab, the caller is the
 * person of the Teams sign-on token; nothing in a request names anyone else.
 */
@RestController
class TabQuestions {

	/** The most questions the tab lists. */
	static final int LIMIT = 200;

	private final TabInbox inbox;

	private final Questions questions;

	TabQuestions(TabInbox inbox, Questions questions) {
		this.inbox = inbox;
		this.questions = questions;
	}

	/**
	 * This person's questions, newest first (the tab shows each under its announcement).
	 */
	@GetMapping(path = "/api/tab/questions", produces = "application/json")
	Mine mine(JwtAuthenticationToken token) {
		return new Mine(this.questions.ofPerson(asker(token), LIMIT).stream().map(TabQuestions::view).toList());
	}

	/** {@code {"text": "..."}}: 201 with the question, or a problem saying why not. */
	@PostMapping(path = "/api/tab/announcements/{id}/questions", consumes = "application/json",
			produces = "application/json")
	ResponseEntity<Mine.Item> ask(JwtAuthenticationToken token, @PathVariable long id,
			@RequestBody Map<String, Object> body) {
		Object text = body.get("text");
		if (!(text instanceof String question)) {
			throw TabInbox.problem(HttpStatus.UNPROCESSABLE_ENTITY, "Empty question", "text must be the question.");
		}
		Questions.Outcome outcome = this.questions.ask(asker(token), id, question, QuestionSource.TAB);
		if (outcome.refusal() != null) {
			throw switch (outcome.refusal()) {
				case EMPTY -> TabInbox.problem(HttpStatus.UNPROCESSABLE_ENTITY, "Empty question", "Type a question.");
				case TOO_LONG -> TabInbox.problem(HttpStatus.CONTENT_TOO_LARGE, "Question too long",
						"A question has at most " + this.questions.properties().maxLength() + " characters.");
				case RATE_LIMITED -> TabInbox.problem(HttpStatus.TOO_MANY_REQUESTS, "Too many questions",
						"At most " + this.questions.properties().perHour() + " questions an hour.");
				case NOT_RECEIVED -> TabInbox.notFound();
				case WITHDRAWN ->
					TabInbox.problem(HttpStatus.CONFLICT, "Withdrawn", "This announcement was withdrawn.");
			};
		}
		return ResponseEntity.status(HttpStatus.CREATED).body(view(outcome.question()));
	}

	private Questions.Asker asker(JwtAuthenticationToken token) {
		TabPerson person = this.inbox.person(token.getToken().getClaimAsString("tid"),
				token.getToken().getClaimAsString("oid"));
		return new Questions.Asker(person.responseTenant(), person.responseKey(), person.tenants(), person.keys());
	}

	private static Mine.Item view(Question q) {
		return new Mine.Item(q.id(), q.announcementId(), q.text(), q.createdAt(), q.status().dbValue(), q.answer(),
				q.answeredAt());
	}

	/**
	 * A person's questions.
	 *
	 * @param items newest first
	 */
	record Mine(List<Item> items) {

		/**
		 * One question as its asker sees it (not who answered: the tab names no staff).
		 *
		 * @param id the question
		 * @param announcementId its announcement
		 * @param text what they asked
		 * @param askedAt when
		 * @param status {@code new} or {@code answered}
		 * @param answer the answer, once answered
		 * @param answeredAt when
		 */
		record Item(long id, long announcementId, String text, Instant askedAt, String status, String answer,
				Instant answeredAt) {
		}

	}

}
