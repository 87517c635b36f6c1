package dev.herald.simulator;

import java.util.List;
import java.util.Map;

/**
 * Simple server-side HTML rendering of activities and Adaptive Cards for the /_sim/ page.
 */
final class CardRenderer {

	private CardRenderer() {
	}

	static String escape(Object value) {
		if (value == null) {
			return "";
		}
		String s = String.valueOf(value);
		StringBuilder sb = new StringBuilder(s.length() + 16);
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			switch (c) {
				case '<' -> sb.append("&lt;");
				case '>' -> sb.append("&gt;");
				case '&' -> sb.append("&amp;");
				case '"' -> sb.append("&quot;");
				case '\'' -> sb.append("&#39;");
				default -> sb.append(c);
			}
		}
		return sb.toString();
	}

	static String inbox(List<Map<String, Object>> activities) {
		StringBuilder sb = new StringBuilder();
		if (activities.isEmpty()) {
			sb.append("<p class=\"empty\">No messages yet.</p>");
		}
		for (Map<String, Object> a : activities) {
			activity(sb, a);
		}
		return sb.toString();
	}

	static void activity(StringBuilder sb, Map<String, Object> a) {
		String id = String.valueOf(a.get("id"));
		if (Boolean.TRUE.equals(a.get("deleted"))) {
			sb.append("<div class=\"msg deleted\" data-activity=\"").append(escape(id)).append("\">");
			sb.append("<div class=\"meta\">#").append(escape(id)).append("</div>");
			sb.append("<div class=\"text\"><em>This message has been deleted.</em></div></div>");
			return;
		}
		sb.append("<div class=\"msg\" data-activity=\"").append(escape(id)).append("\">");
		sb.append("<div class=\"meta\">#").append(escape(id)).append(" · ").append(escape(a.get("timestamp")));
		if (Boolean.TRUE.equals(a.get("edited"))) {
			sb.append(" · <b class=\"edited\">Edited</b>");
		}
		if (a.get("summary") != null) {
			sb.append(" · ").append(escape(a.get("summary")));
		}
		sb.append("</div>");
		if (a.get("text") != null) {
			sb.append("<div class=\"text\">").append(escape(a.get("text"))).append("</div>");
		}
		List<Object> attachments = Json.list(a.get("attachments"));
		if (attachments != null) {
			for (Object o : attachments) {
				Map<String, Object> att = Json.map(o);
				if (att == null) {
					continue;
				}
				Map<String, Object> content = Json.map(att.get("content"));
				if ("application/vnd.microsoft.card.adaptive".equals(att.get("contentType")) && content != null) {
					sb.append("<div class=\"card\">");
					elements(sb, Json.list(content.get("body")), id);
					actions(sb, Json.list(content.get("actions")), id);
					sb.append("</div>");
				}
				else {
					sb.append("<div class=\"card other\">").append(escape(att.get("contentType"))).append("</div>");
				}
			}
		}
		sb.append("</div>");
	}

	private static void elements(StringBuilder sb, List<Object> elements, String activityId) {
		if (elements == null) {
			return;
		}
		for (Object o : elements) {
			Map<String, Object> e = Json.map(o);
			if (e == null || Boolean.FALSE.equals(e.get("isVisible"))) {
				continue;
			}
			String type = String.valueOf(e.get("type"));
			switch (type) {
				case "TextBlock" -> {
					String cls = "tb";
					if ("Bolder".equalsIgnoreCase(String.valueOf(e.get("weight")))) {
						cls += " bold";
					}
					if (e.get("size") != null) {
						cls += " size-" + escape(String.valueOf(e.get("size")).toLowerCase(java.util.Locale.ROOT));
					}
					if (Boolean.TRUE.equals(e.get("isSubtle"))) {
						cls += " subtle";
					}
					sb.append("<div class=\"").append(cls).append("\">").append(escape(e.get("text"))).append("</div>");
				}
				case "RichTextBlock" -> {
					sb.append("<div class=\"tb\">");
					List<Object> inlines = Json.list(e.get("inlines"));
					if (inlines != null) {
						for (Object in : inlines) {
							Map<String, Object> m = Json.map(in);
							sb.append(escape((m != null) ? m.get("text") : in));
						}
					}
					sb.append("</div>");
				}
				case "Image" -> sb.append("<div class=\"img\" title=\"")
					.append(escape(e.get("url")))
					.append("\">🖼 ")
					.append(escape((e.get("altText") != null) ? e.get("altText") : e.get("url")))
					.append("</div>");
				case "FactSet" -> {
					sb.append("<table class=\"facts\">");
					List<Object> facts = Json.list(e.get("facts"));
					if (facts != null) {
						for (Object f : facts) {
							Map<String, Object> fact = Json.map(f);
							if (fact != null) {
								sb.append("<tr><th>")
									.append(escape(fact.get("title")))
									.append("</th><td>")
									.append(escape(fact.get("value")))
									.append("</td></tr>");
							}
						}
					}
					sb.append("</table>");
				}
				case "Container" -> {
					sb.append("<div class=\"container\">");
					elements(sb, Json.list(e.get("items")), activityId);
					sb.append("</div>");
				}
				case "ColumnSet" -> {
					sb.append("<div class=\"columns\">");
					List<Object> columns = Json.list(e.get("columns"));
					if (columns != null) {
						for (Object c : columns) {
							sb.append("<div class=\"column\">");
							elements(sb, Json.list(Json.path(c, "items")), activityId);
							sb.append("</div>");
						}
					}
					sb.append("</div>");
				}
				case "ActionSet" -> actions(sb, Json.list(e.get("actions")), activityId);
				default -> {
					if (type.startsWith("Input.")) {
						sb.append("<div class=\"input\">[")
							.append(escape(type))
							.append(" ")
							.append(escape(e.get("id")))
							.append("]</div>");
					}
					else {
						sb.append("<div class=\"unknown\">[").append(escape(type)).append("]</div>");
					}
				}
			}
		}
	}

	private static void actions(StringBuilder sb, List<Object> actions, String activityId) {
		if (actions == null || actions.isEmpty()) {
			return;
		}
		sb.append("<div class=\"actions\">");
		for (Object o : actions) {
			Map<String, Object> a = Json.map(o);
			if (a == null) {
				continue;
			}
			String type = String.valueOf(a.get("type"));
			if ("Action.OpenUrl".equals(type)) {
				sb.append("<a class=\"btn\" target=\"_blank\" rel=\"noopener\" href=\"")
					.append(escape(a.get("url")))
					.append("\">")
					.append(escape(a.get("title")))
					.append(" ↗</a>");
			}
			else if ("Action.Submit".equals(type) || "Action.Execute".equals(type)) {
				sb.append("<button class=\"btn act\" data-activity=\"")
					.append(escape(activityId))
					.append("\" data-title=\"")
					.append(escape(a.get("title")))
					.append("\" data-kind=\"")
					.append("Action.Execute".equals(type) ? "execute" : "submit")
					.append("\">")
					.append(escape(a.get("title")))
					.append("</button>");
			}
			else {
				sb.append("<span class=\"btn disabled\">").append(escape(a.get("title"))).append("</span>");
			}
		}
		sb.append("</div>");
	}

}
