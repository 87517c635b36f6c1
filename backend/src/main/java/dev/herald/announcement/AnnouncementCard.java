package dev.herald.announcement;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * The Adaptive Card (1.5, the newest Teams renders) that employees receive. The UI
 * preview and the dispatcher use this same JSON, so what authors see is what is sent.
 */
@Component
public class AnnouncementCard {

	/**
	 * Teams rejects bot messages over 100 KB (UTF-16) with 413; authors are warned well
	 * before.
	 */
	public static final int TEAMS_LIMIT_BYTES = 100 * 1024;

	private final JsonMapper json = JsonMapper.shared();

	/** The card content (the {@code content} of the attachment). */
	public Map<String, Object> card(long announcementId, AnnouncementContent content, String author) {
		List<Object> body = new ArrayList<>();
		// The container id tags every copy with its announcement, so deliveries can be
		// traced.
		Map<String, Object> header = new LinkedHashMap<>();
		header.put("type", "Container");
		header.put("id", "herald-announcement-" + announcementId);
		List<Object> headerItems = new ArrayList<>();
		headerItems.add(textBlock(content.title(), "Large", "Bolder", false));
		header.put("items", headerItems);
		body.add(header);
		if (content.imageUrl() != null) {
			Map<String, Object> image = new LinkedHashMap<>();
			image.put("type", "Image");
			image.put("url", content.imageUrl());
			image.put("altText", content.title());
			image.put("size", "Stretch");
			body.add(image);
		}
		if (content.summary() != null) {
			body.add(textBlock(content.summary(), null, null, false));
		}
		if (author != null) {
			body.add(textBlock(author, "Small", null, true));
		}
		List<Object> actions = new ArrayList<>();
		if (content.buttonTitle() != null) {
			actions.add(Map.of("type", "Action.OpenUrl", "title", content.buttonTitle(), "url", content.buttonUrl()));
		}
		Map<String, Object> card = new LinkedHashMap<>();
		card.put("type", "AdaptiveCard");
		card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
		card.put("version", "1.5");
		card.put("body", body);
		if (!actions.isEmpty()) {
			card.put("actions", actions);
		}
		return card;
	}

	/**
	 * The whole message activity, serialized once per send and reused for every
	 * recipient.
	 */
	public byte[] activity(long announcementId, AnnouncementContent content, String author) {
		Map<String, Object> activity = new LinkedHashMap<>();
		activity.put("type", "message");
		// No text next to the card: Teams would split them and the card could not be
		// updated.
		activity.put("summary", content.title());
		activity.put("attachments", List.of(Map.of("contentType", "application/vnd.microsoft.card.adaptive", "content",
				card(announcementId, content, author))));
		return this.json.writeValueAsBytes(activity);
	}

	public String cardJson(long announcementId, AnnouncementContent content, String author) {
		return this.json.writerWithDefaultPrettyPrinter().writeValueAsString(card(announcementId, content, author));
	}

	private static Map<String, Object> textBlock(String text, String size, String weight, boolean subtle) {
		Map<String, Object> block = new LinkedHashMap<>();
		block.put("type", "TextBlock");
		block.put("text", text);
		block.put("wrap", true);
		if (size != null) {
			block.put("size", size);
		}
		if (weight != null) {
			block.put("weight", weight);
		}
		if (subtle) {
			block.put("isSubtle", true);
		}
		return block;
	}

}
