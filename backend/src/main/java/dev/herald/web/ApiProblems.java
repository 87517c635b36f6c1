package dev.herald.web;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.validation.ConstraintViolationException;

import dev.herald.announcement.Announcements;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * RFC 9457 problem+json for every API error, with field messages for invalid input.
 * Applies to REST controllers only; the UI renders its own pages.
 */
@RestControllerAdvice(annotations = RestController.class)
class ApiProblems extends ResponseEntityExceptionHandler {

	@ExceptionHandler
	ProblemDetail notFound(Announcements.AnnouncementNotFoundException ex) {
		return problem(HttpStatus.NOT_FOUND, "Not found", ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail conflict(Announcements.InvalidTransitionException ex) {
		ProblemDetail problem = problem(HttpStatus.CONFLICT, "Invalid state", ex.getMessage());
		problem.setProperty("currentStatus", ex.current().dbValue());
		return problem;
	}

	@ExceptionHandler
	ProblemDetail constraint(ConstraintViolationException ex) {
		ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Invalid request", "Some parameters are invalid.");
		Map<String, String> errors = new LinkedHashMap<>();
		ex.getConstraintViolations().forEach((v) -> errors.put(leaf(v.getPropertyPath().toString()), v.getMessage()));
		problem.setProperty("errors", errors);
		return problem;
	}

	@Override
	protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Invalid request", "Some fields are invalid.");
		Map<String, String> errors = new LinkedHashMap<>();
		ex.getBindingResult().getFieldErrors().forEach((e) -> errors.putIfAbsent(e.getField(), e.getDefaultMessage()));
		ex.getBindingResult()
			.getGlobalErrors()
			.forEach((e) -> errors.putIfAbsent(e.getObjectName(), e.getDefaultMessage()));
		problem.setProperty("errors", errors);
		return ResponseEntity.badRequest().body(problem);
	}

	@Override
	protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Invalid request", "Some parameters are invalid.");
		Map<String, List<String>> errors = new LinkedHashMap<>();
		ex.getParameterValidationResults()
			.forEach((r) -> errors.put(r.getMethodParameter().getParameterName(),
					r.getResolvableErrors().stream().map((e) -> String.valueOf(e.getDefaultMessage())).toList()));
		problem.setProperty("errors", errors);
		return ResponseEntity.badRequest().body(problem);
	}

	private static ProblemDetail problem(HttpStatus status, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setTitle(title);
		problem.setType(URI.create("about:blank"));
		return problem;
	}

	private static String leaf(String path) {
		int dot = path.lastIndexOf('.');
		return (dot >= 0) ? path.substring(dot + 1) : path;
	}

}
