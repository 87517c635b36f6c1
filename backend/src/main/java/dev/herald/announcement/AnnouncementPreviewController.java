package dev.herald.announcement;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.validation.constraints.Size;

import dev.herald.security.Roles;

import org.springframework.context.MessageSource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.InitBinder;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.multipart.MultipartFile;

/**
 * What the compose form asks for as the author types, as JSON: the card preview with its
 * size and hints, and image uploads.
 */
@Controller
@RequestMapping("/announcements")
class AnnouncementPreviewController {

	private final AnnouncementCard cards;

	private final AnnouncementImages images;

	private final MessageSource messages;

	AnnouncementPreviewController(AnnouncementCard cards, AnnouncementImages images, MessageSource messages) {
		this.cards = cards;
		this.images = images;
		this.messages = messages;
	}

	@InitBinder("content")
	void allowedFields(WebDataBinder binder) {
		// The compose form's mass-assignment guard (see AnnouncementController): an
		// @InitBinder applies only to its own controller's handlers.
		binder.setDeclarativeBinding(true);
	}

	/** The exact card that would be sent for the form as it is now, and its size. */
	@PostMapping(path = "/preview", produces = MediaType.APPLICATION_JSON_VALUE)
	@ResponseBody
	Map<String, Object> preview(@ModelAttribute("content") AnnouncementContent content,
			@RequestParam(required = false) Long id,
			@RequestParam(required = false) @Size(max = 35) String previewVariant,
			@AuthenticationPrincipal OidcUser user, Locale locale) {
		long cardId = (id != null) ? id : 0;
		String createdBy = Roles.userName(user.getClaims());
		int size = this.cards.teamsSize(cardId, content, createdBy);
		// A variant is previewed as a person of its language gets it: its texts, and the
		// card's own buttons in its language.
		String variant = (previewVariant != null && content.variants().containsKey(previewVariant)) ? previewVariant
				: null;
		VariantSelector.Rendition rendition = (variant != null)
				? new VariantSelector.Rendition(variant, VariantSelector.cardLanguageFor(variant))
				: VariantSelector.Rendition.DEFAULT;
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("card", this.cards.card(cardId, content, createdBy, rendition));
		body.put("variant", variant);
		body.put("size", size);
		body.put("limit", AnnouncementCard.TEAMS_LIMIT_BYTES);
		body.put("warn", size > AnnouncementCard.WARN_BYTES);
		body.put("sizeText",
				this.messages.getMessage((size > AnnouncementCard.WARN_BYTES) ? "preview.size.warn" : "preview.size.ok",
						new Object[] { (size + 1023) / 1024, AnnouncementCard.TEAMS_LIMIT_BYTES / 1024 }, locale));
		body.put("hints", hints(content).stream().map((key) -> this.messages.getMessage(key, null, locale)).toList());
		// What the toast, activity feed and chat list will show, cut as Teams cuts it.
		body.put("notification", content.forVariant(variant).notificationTextAsShown());
		return body;
	}

	/** Stores an uploaded image at once, so the preview can show it. */
	@PostMapping(path = "/images", produces = MediaType.APPLICATION_JSON_VALUE)
	@ResponseBody
	ResponseEntity<Map<String, String>> upload(@RequestParam("file") MultipartFile file,
			@AuthenticationPrincipal OidcUser user, Locale locale) throws IOException {
		try (InputStream in = file.getInputStream()) {
			String key = this.images.store(in, Roles.userName(user.getClaims()));
			return ResponseEntity.ok(Map.of("url", ImageController.url(key)));
		}
		catch (AnnouncementImages.InvalidImageException ex) {
			return ResponseEntity.badRequest()
				.body(Map.of("error", this.messages.getMessage("announcement.image.invalidFormat", null, locale)));
		}
	}

	static List<String> hints(AnnouncementContent content) {
		List<String> hints = new ArrayList<>();
		if (content.summary() == null) {
			hints.add("preview.hint.what");
		}
		if (content.author() == null) {
			hints.add("preview.hint.who");
		}
		if (content.buttons().isEmpty() && !content.acknowledge() && !content.hasPoll()) {
			hints.add("preview.hint.action");
		}
		if (content.title() != null && content.title().length() > 80) {
			hints.add("preview.hint.shortTitle");
		}
		hints.add(content.isCritical() ? "preview.hint.critical" : "preview.hint.optOut");
		return hints;
	}

}
