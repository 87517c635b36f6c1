package dev.herald.question;

import java.util.List;
import java.util.Map;

import dev.herald.security.Actor;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The questions of an announcement, for its owners and Admins (the report page's twin):
 * list them and answer one. Anyone else gets 403 (404 for an unknown announcement).
 */
@RestController
@RequestMapping(path = "/api/v1/announcements/{id}/questions", produces = MediaType.APPLICATION_JSON_VALUE)
class QuestionApi {

	private final Questions questions;

	QuestionApi(Questions questions) {
		this.questions = questions;
	}

	/**
	 * Newest first; {@code status} ({@code new} or {@code answered}) filters,
	 * {@code before} (a question id) pages.
	 */
	@GetMapping
	Page list(@PathVariable long id, @RequestParam(required = false) String status,
			@RequestParam(required = false) Long before, @RequestParam(defaultValue = "100") int limit,
			Authentication user) {
		Actor actor = Actor.of(user);
		QuestionStatus wanted = null;
		if (status != null) {
			wanted = switch (status) {
				case "new" -> QuestionStatus.NEW;
				case "answered" -> QuestionStatus.ANSWERED;
				default -> throw Questions.problem(HttpStatus.BAD_REQUEST, "Invalid request",
						"status must be new or answered.");
			};
		}
		if (limit < 1 || limit > Questions.MAX_PAGE) {
			throw Questions.problem(HttpStatus.BAD_REQUEST, "Invalid request",
					"limit must be between 1 and " + Questions.MAX_PAGE + ".");
		}
		List<Question> items = this.questions.ofAnnouncement(id, wanted, before, limit, actor);
		Question.Counts counts = this.questions.counts(id, actor);
		Long next = (items.size() == limit) ? items.get(items.size() - 1).id() : null;
		return new Page(items, counts.total(), counts.unanswered(), next);
	}

	/** {@code {"answer": "..."}}; the answer goes to the person's chat and tab. */
	@PostMapping(path = "/{questionId}/answer", consumes = MediaType.APPLICATION_JSON_VALUE)
	Question answer(@PathVariable long id, @PathVariable long questionId, @RequestBody Map<String, Object> body,
			Authentication user) {
		Object answer = body.get("answer");
		if (!(answer instanceof String text)) {
			throw Questions.problem(HttpStatus.UNPROCESSABLE_ENTITY, "Empty answer", "answer must be a text.");
		}
		return this.questions.answer(id, questionId, text, Actor.of(user));
	}

	/**
	 * A page of questions.
	 *
	 * @param items newest first
	 * @param total all questions of the announcement
	 * @param unanswered those still new
	 * @param next the {@code before} of the next page, null on the last
	 */
	record Page(List<Question> items, long total, long unanswered, Long next) {
	}

}
