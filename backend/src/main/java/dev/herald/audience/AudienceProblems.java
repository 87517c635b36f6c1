package dev.herald.audience;

import java.net.URI;

import com.microsoft.kiota.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.graph.GraphFailure;
import dev.herald.graph.MissingGraphPermissionException;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * RFC 9457 answers for audience errors, wherever they surface (pickers, preview, or a
 * send whose audience cannot be resolved).
 */
@RestControllerAdvice(annotations = RestController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class AudienceProblems {

	private static final Logger log = LoggerFactory.getLogger(AudienceProblems.class);

	@ExceptionHandler
	ProblemDetail unresolved(AudienceResolver.AudienceResolutionException ex) {
		return problem(ex.notFound() ? HttpStatus.UNPROCESSABLE_CONTENT : HttpStatus.BAD_GATEWAY,
				"Audience could not be resolved", ex.getMessage());
	}

	/** A rule that does not parse: 422 with where it went wrong. */
	@ExceptionHandler
	ProblemDetail badRule(AttributeRule.InvalidRuleException ex) {
		ProblemDetail problem = problem(HttpStatus.UNPROCESSABLE_CONTENT, "Invalid attribute rule", ex.getMessage());
		problem.setProperty("position", ex.position());
		problem.setProperty("fields", AttributeRule.Field.names());
		return problem;
	}

	/** An entry that is not what its kind says: 422 listing each, with why. */
	@ExceptionHandler
	ProblemDetail invalid(AudienceValidator.InvalidAudienceException ex) {
		ProblemDetail problem = problem(HttpStatus.UNPROCESSABLE_CONTENT, "Invalid audience", ex.getMessage());
		problem.setProperty("invalid", ex.invalid());
		return problem;
	}

	/** Over a bound: 422 naming the limit and its value. */
	@ExceptionHandler
	ProblemDetail tooLarge(AudienceValidator.AudienceTooLargeException ex) {
		ProblemDetail problem = problem(HttpStatus.UNPROCESSABLE_CONTENT, "Audience too large", ex.getMessage());
		problem.setProperty("limit", ex.limit());
		problem.setProperty("max", ex.max());
		return problem;
	}

	@ExceptionHandler
	ProblemDetail locked(AnnouncementAudiences.AudienceLockedException ex) {
		return problem(HttpStatus.CONFLICT, "Invalid state", ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail busy(DirectorySync.SyncBusyException ex) {
		return problem(HttpStatus.CONFLICT, "Sync running", ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail badCsv(Directory.CsvTooLargeException ex) {
		return problem(HttpStatus.BAD_REQUEST, "Invalid request", ex.getMessage());
	}

	/**
	 * Herald's app registration lacks a Graph permission: the picker (or sync) fails with
	 * a message naming it, for the admin to grant.
	 */
	@ExceptionHandler
	ProblemDetail permission(MissingGraphPermissionException ex) {
		log.warn("Graph permission missing: {}", ex.getMessage());
		ProblemDetail problem = problem(HttpStatus.BAD_GATEWAY, "Graph permission missing", ex.getMessage());
		problem.setProperty("permission", ex.permission());
		return problem;
	}

	@ExceptionHandler
	ProblemDetail graph(ApiException ex) {
		GraphFailure failure = GraphFailure.of(ex);
		log.warn("Graph call failed: {}", failure.describe());
		if (failure.status() == 404) {
			return problem(HttpStatus.NOT_FOUND, "Not found", failure.message());
		}
		return problem(HttpStatus.BAD_GATEWAY, "Microsoft Graph failed", failure.describe());
	}

	private static ProblemDetail problem(HttpStatus status, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setTitle(title);
		problem.setType(URI.create("about:blank"));
		return problem;
	}

}
