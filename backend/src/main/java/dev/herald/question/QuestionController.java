package dev.herald.question;

import dev.herald.security.Actor;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Answering a question from the report page (the form's twin of {@code POST
 * /api/v1/announcements/{id}/questions/{questionId}/answer}, same checks).
 */
@Controller
class QuestionController {

	private final Questions questions;

	QuestionController(Questions questions) {
		this.questions = questions;
	}

	@PostMapping("/announcements/{id}/questions/{questionId}/answer")
	String answer(@PathVariable long id, @PathVariable long questionId, @RequestParam(required = false) String answer,
			Authentication user, RedirectAttributes redirect) {
		try {
			this.questions.answer(id, questionId, answer, Actor.of(user));
			redirect.addFlashAttribute("questionMessage", "questions.answered");
		}
		catch (ErrorResponseException ex) {
			int status = ex.getStatusCode().value();
			if (status == 403 || status == 404) {
				// Not theirs, or not there: the same answer as the API, not a form
				// message.
				throw ex;
			}
			redirect.addFlashAttribute("questionError", (status == 409) ? "questions.error.answered"
					: (status == 413) ? "questions.error.tooLong" : "questions.error.empty");
			redirect.addFlashAttribute("questionErrorId", questionId);
		}
		return "redirect:/announcements/" + id + "/report#questions";
	}

}
