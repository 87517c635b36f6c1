package dev.herald.graph;

import java.time.Duration;
import java.util.Set;

import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.kiota.ApiException;

/**
 * What a failed Graph call means to a caller: the HTTP status (0 when no answer came),
 * the Graph error code and message, and the Retry-After of a 429 or 503.
 *
 * @param status HTTP status, 0 if the call got no answer
 * @param code Graph error code (e.g. {@code Forbidden}), or null
 * @param message readable text for a per-recipient reason, never null
 * @param retryAfter the server's Retry-After, or null
 */
public record GraphFailure(int status, String code, String message, Duration retryAfter) {

	/** Reads a Graph SDK exception (or anything thrown around it). */
	public static GraphFailure of(Throwable failure) {
		for (Throwable c = failure; c != null; c = (c.getCause() != c) ? c.getCause() : null) {
			if (c instanceof MissingGraphPermissionException missing) {
				GraphFailure graph = of(missing.getCause());
				return new GraphFailure(403, graph.code(), missing.getMessage(), null);
			}
		}
		Throwable t = failure;
		while (t != null && !(t instanceof ApiException) && t.getCause() != null && t.getCause() != t) {
			t = t.getCause();
		}
		if (t instanceof ApiException api && api.getResponseStatusCode() > 0) {
			String code = null;
			String message = api.getMessage();
			if (api instanceof ODataError odata && odata.getError() != null) {
				code = odata.getError().getCode();
				message = odata.getError().getMessage();
			}
			return new GraphFailure(api.getResponseStatusCode(), code,
					(message != null) ? abbreviate(message) : "HTTP " + api.getResponseStatusCode(), retryAfter(api));
		}
		return new GraphFailure(0, null, "No answer from Graph: " + abbreviate(String.valueOf(failure.getMessage())),
				null);
	}

	/**
	 * Graph's 403 for an application permission the token lacks:
	 * {@code Authorization_RequestDenied} on directory paths, {@code Forbidden} "Missing
	 * role permissions…" on Teams paths (not the 403 of an unlicensed person's install).
	 */
	public boolean isPermissionMissing() {
		return this.status == 403 && ("Authorization_RequestDenied".equalsIgnoreCase(this.code)
				|| ("Forbidden".equalsIgnoreCase(this.code) && (this.message.startsWith("Missing role permissions")
						|| this.message.startsWith("Herald's app registration lacks"))));
	}

	/** Throttled or briefly unavailable: the same call may succeed later. */
	public boolean isThrottled() {
		return this.status == 429 || (this.status == 503 && this.retryAfter != null);
	}

	/**
	 * Worth another try later: throttling, server errors, no answer, and Graph's known
	 * transient 400 on installs.
	 */
	public boolean isTransient() {
		return this.status == 0 || this.status == 429 || this.status >= 500 || this.status == 400 || this.status == 408;
	}

	/** A short reason for a ledger row. */
	public String describe() {
		String text = "Graph " + ((this.status == 0) ? "gave no answer" : "HTTP " + this.status)
				+ ((this.code != null) ? " " + this.code : "") + ": " + this.message;
		return abbreviate(text);
	}

	private static Duration retryAfter(ApiException api) {
		if (api.getResponseHeaders() == null) {
			return null;
		}
		Set<String> values = api.getResponseHeaders().get("retry-after");
		if (values == null || values.isEmpty()) {
			values = api.getResponseHeaders().get("Retry-After");
		}
		if (values == null || values.isEmpty()) {
			return null;
		}
		try {
			double seconds = Double.parseDouble(values.iterator().next().trim());
			return Duration.ofMillis((long) Math.ceil(seconds * 1000));
		}
		catch (NumberFormatException ex) {
			// An HTTP date instead of seconds: Graph does not send these; fall back to
			// backoff.
			return null;
		}
	}

	private static String abbreviate(String text) {
		return (text.length() <= 480) ? text : text.substring(0, 480) + "…";
	}

}
