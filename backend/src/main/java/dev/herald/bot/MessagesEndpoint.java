package dev.herald.bot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/messages}, where Teams delivers activities. Spring Security lets every
 * request through to here (see {@code SecurityConfig}); this class is the gate.
 * <p>
 * Order of checks, so that nothing from an unauthenticated caller is read or trusted: the
 * token on its own (401), the body read up to the size limit (413), the JSON (400), the
 * token against the activity's channel and serviceUrl (401), the activity type (400).
 * Rejections carry no body: a caller probing the endpoint learns nothing.
 */
@RestController
class MessagesEndpoint {

	private static final Logger log = LoggerFactory.getLogger(MessagesEndpoint.class);

	private final ChannelAuthenticator authenticator;

	private final BotTurns turns;

	private final int maxBodyBytes;

	MessagesEndpoint(ChannelAuthenticator authenticator, BotTurns turns, BotProperties properties) {
		this.authenticator = authenticator;
		this.turns = turns;
		this.maxBodyBytes = (int) Math.min(Integer.MAX_VALUE - 8, properties.maxBodySize().toBytes());
	}

	@PostMapping("/api/messages")
	ResponseEntity<Object> receive(HttpServletRequest request) throws IOException {
		ChannelAuthenticator.VerifiedToken token;
		try {
			token = this.authenticator.verifyToken(request.getHeader(HttpHeaders.AUTHORIZATION));
		}
		catch (ChannelAuthenticator.Rejected ex) {
			return unauthorized(ex);
		}
		if (request.getContentLengthLong() > this.maxBodyBytes) {
			return ResponseEntity.status(413).build();
		}
		byte[] body = readAtMost(request.getInputStream(), this.maxBodyBytes);
		if (body == null) {
			return ResponseEntity.status(413).build();
		}
		JsonNode json;
		try {
			json = JsonMapper.shared().readTree(body);
		}
		catch (JacksonException ex) {
			return ResponseEntity.badRequest().build();
		}
		if (json == null || !json.isObject()) {
			return ResponseEntity.badRequest().build();
		}
		Activity activity = new Activity(json);
		try {
			this.authenticator.verifyActivity(token, activity.channelId(), activity.serviceUrl());
		}
		catch (ChannelAuthenticator.Rejected ex) {
			return unauthorized(ex);
		}
		if (activity.type() == null) {
			return ResponseEntity.badRequest().build();
		}
		BotResponse response = this.turns.handle(activity);
		if (response.body() == null) {
			return ResponseEntity.status(response.status()).build();
		}
		return ResponseEntity.status(response.status()).contentType(MediaType.APPLICATION_JSON).body(response.body());
	}

	private static ResponseEntity<Object> unauthorized(ChannelAuthenticator.Rejected ex) {
		log.debug("Rejected /api/messages: {}", ex.getMessage());
		return ResponseEntity.status(401).build();
	}

	/**
	 * The body, or null when it is longer than {@code limit}: reading stops there, so a
	 * chunked upload of any size costs at most {@code limit} bytes of memory.
	 */
	static byte[] readAtMost(InputStream in, int limit) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, 16 * 1024));
		byte[] buffer = new byte[8192];
		int total = 0;
		int n;
		while ((n = in.read(buffer)) != -1) {
			total += n;
			if (total > limit) {
				return null;
			}
			out.write(buffer, 0, n);
		}
		return out.toByteArray();
	}

}
