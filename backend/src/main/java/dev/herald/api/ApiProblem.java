package dev.herald.api;

import java.net.URI;
import java.time.Duration;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * An API refusal that renders as RFC 9457 problem+json. Spring's
 * {@code ResponseEntityExceptionHandler} (our {@code ApiProblems}) already renders
 * {@link ErrorResponseException} with its headers, so no extra advice is needed.
 */
public class ApiProblem extends ErrorResponseException {

	public ApiProblem(HttpStatus status, String title, String detail) {
		super(status, problem(status, title, detail), null);
	}

	public static ApiProblem notFound(String detail) {
		return new ApiProblem(HttpStatus.NOT_FOUND, "Not found", detail);
	}

	public static ApiProblem forbidden(String detail) {
		return new ApiProblem(HttpStatus.FORBIDDEN, "Forbidden", detail);
	}

	public static ApiProblem conflict(String detail) {
		return new ApiProblem(HttpStatus.CONFLICT, "Conflict", detail);
	}

	public static ApiProblem badRequest(String detail) {
		return new ApiProblem(HttpStatus.BAD_REQUEST, "Invalid request", detail);
	}

	/** 429 with Retry-After in whole seconds (at least one). */
	public static ApiProblem tooManyRequests(String detail, Duration retryAfter) {
		ApiProblem problem = new ApiProblem(HttpStatus.TOO_MANY_REQUESTS, "Quota exceeded", detail);
		long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
		problem.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
		problem.getBody().setProperty("retryAfterSeconds", seconds);
		return problem;
	}

	/** Adds a property to the problem body. */
	public ApiProblem with(String name, Object value) {
		getBody().setProperty(name, value);
		return this;
	}

	private static ProblemDetail problem(HttpStatus status, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setTitle(title);
		problem.setType(URI.create("about:blank"));
		return problem;
	}

}
