package dev.herald.api;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.util.Locale;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bounds every request body before anything parses it: JSON over
 * {@code herald.api.max-json-body}, multipart uploads over
 * {@code herald.api.max-upload-body}, anything else ({@code text/plain},
 * {@code text/csv}...) over {@code herald.api.max-text-body} gets 413 problem+json. Runs
 * ahead of security so an oversize body costs no token check. Bodies without a
 * Content-Length (chunked) are read up to the limit and replayed. The bot endpoint bounds
 * its own bodies; form posts of the UI are bounded by the servlet container.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class JsonBodyLimitFilter extends OncePerRequestFilter {

	private final long jsonLimit;

	private final long uploadLimit;

	private final long textLimit;

	JsonBodyLimitFilter(ApiProperties properties) {
		this.jsonLimit = properties.maxJsonBody().toBytes();
		this.uploadLimit = properties.maxUploadBody().toBytes();
		this.textLimit = properties.maxTextBody().toBytes();
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		String method = request.getMethod();
		if (!("POST".equals(method) || "PUT".equals(method) || "PATCH".equals(method))
				|| request.getRequestURI().startsWith("/api/messages")) {
			return true;
		}
		String type = request.getContentType();
		return type != null && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
	}

	private long limitFor(String type) {
		if (type == null) {
			return this.textLimit;
		}
		try {
			MediaType media = MediaType.parseMediaType(type);
			if (MediaType.APPLICATION_JSON.isCompatibleWith(media) || media.getSubtype().endsWith("+json")) {
				return this.jsonLimit;
			}
			if (isMultipart(type)) {
				return this.uploadLimit;
			}
		}
		catch (RuntimeException ex) {
			// not ours to judge the type (the converters refuse it with 415); the size is
		}
		return this.textLimit;
	}

	private static boolean isMultipart(String type) {
		return type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/");
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		long limit = limitFor(request.getContentType());
		long declared = request.getContentLengthLong();
		if (declared > limit) {
			tooLarge(response, limit);
			return;
		}
		if (declared >= 0) {
			chain.doFilter(request, response);
			return;
		}
		if (isMultipart(request.getContentType())) {
			// A multipart body is parsed by the container from the raw stream, so it
			// cannot be replayed: uploads must say how big they are.
			response.sendError(411);
			return;
		}
		byte[] body = readAtMost(request.getInputStream(), limit + 1);
		if (body.length > limit) {
			tooLarge(response, limit);
			return;
		}
		chain.doFilter(new Replayed(request, body), response);
	}

	private static byte[] readAtMost(InputStream in, long max) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		byte[] buffer = new byte[8192];
		int n;
		while (out.size() < max && (n = in.read(buffer, 0, (int) Math.min(buffer.length, max - out.size()))) > 0) {
			out.write(buffer, 0, n);
		}
		return out.toByteArray();
	}

	private void tooLarge(HttpServletResponse response, long limit) throws IOException {
		response.setStatus(413);
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		// The request body is left unread: the connection is closed rather than drained.
		response.setHeader("Connection", "close");
		response.getWriter()
			.write("{\"type\":\"about:blank\",\"title\":\"Content too large\",\"status\":413,"
					+ "\"detail\":\"Request bodies of this type are limited to " + limit + " bytes.\",\"maxBytes\":"
					+ limit + "}");
	}

	/** The request with its already-read body. */
	private static final class Replayed extends HttpServletRequestWrapper {

		private final byte[] body;

		Replayed(HttpServletRequest request, byte[] body) {
			super(request);
			this.body = body;
		}

		@Override
		public ServletInputStream getInputStream() {
			ByteArrayInputStream in = new ByteArrayInputStream(this.body);
			return new ServletInputStream() {

				@Override
				public int read() {
					return in.read();
				}

				@Override
				public int read(byte[] b, int off, int len) {
					return in.read(b, off, len);
				}

				@Override
				public boolean isFinished() {
					return in.available() == 0;
				}

				@Override
				public boolean isReady() {
					return true;
				}

				@Override
				public void setReadListener(ReadListener listener) {
					throw new UnsupportedOperationException();
				}

			};
		}

		@Override
		public int getContentLength() {
			return this.body.length;
		}

		@Override
		public long getContentLengthLong() {
			return this.body.length;
		}

		@Override
		public BufferedReader getReader() {
			return new BufferedReader(new InputStreamReader(getInputStream(),
					Charset.forName((getCharacterEncoding() != null) ? getCharacterEncoding() : "UTF-8")));
		}

	}

}
