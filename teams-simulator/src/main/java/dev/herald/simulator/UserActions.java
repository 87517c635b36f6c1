package dev.herald.simulator;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a simulated employee does: click card buttons, type, read, as activities to the
 * bot.
 */
final class UserActions {

	private final TeamsSimulator sim;

	UserActions(TeamsSimulator sim) {
		this.sim = sim;
	}

	/** Finds an action by title in a card (actions and nested ActionSets). */
	static Map<String, Object> findAction(Object node, String title) {
		if (node instanceof Map<?, ?> m) {
			Object type = m.get("type");
			if (type instanceof String t && t.startsWith("Action.") && (title == null || title.equals(m.get("title")))
					&& (t.equals("Action.Submit") || t.equals("Action.Execute"))) {
				return Json.map(m);
			}
			for (Object v : m.values()) {
				Map<String, Object> found = findAction(v, title);
				if (found != null) {
					return found;
				}
			}
		}
		else if (node instanceof List<?> l) {
			for (Object v : l) {
				Map<String, Object> found = findAction(v, title);
				if (found != null) {
					return found;
				}
			}
		}
		return null;
	}

	/**
	 * Clicks a card action. Request: activityId, actionTitle and/or data, kind
	 * (submit|execute, default from the action type), verb.
	 */
	Map<String, Object> act(SimUser user, Map<String, Object> request) {
		Conversation c = this.sim.personal(user);
		String activityId = Json.str(request.get("activityId"));
		Conversation.Entry entry = null;
		if (activityId != null) {
			entry = c.find(activityId);
		}
		else {
			List<Conversation.Entry> entries = c.entries();
			for (int i = entries.size() - 1; i >= 0 && entry == null; i--) {
				if (!entries.get(i).deleted) {
					entry = entries.get(i);
				}
			}
		}
		if (entry == null) {
			throw new IllegalArgumentException("No activity " + activityId + " in the user's chat");
		}
		String title = Json.str(request.get("actionTitle"));
		Map<String, Object> action = findAction(entry.activity().get("attachments"), title);
		if (action == null && title != null) {
			throw new IllegalArgumentException("No Action.Submit/Action.Execute titled '" + title + "'");
		}
		Map<String, Object> data = new LinkedHashMap<>();
		if (action != null && Json.map(action.get("data")) != null) {
			data.putAll(Json.map(action.get("data")));
		}
		if (Json.map(request.get("data")) != null) {
			data.putAll(Json.map(request.get("data")));
		}
		String kind = Json.str(request.get("kind"));
		if (kind == null) {
			kind = (action != null && "Action.Execute".equals(action.get("type"))) ? "execute" : "submit";
		}
		Map<String, Object> activity;
		if ("execute".equals(kind)) {
			activity = this.sim.bot.base("invoke", BotClient.eventId(), user);
			activity.put("name", "adaptiveCard/action");
			Map<String, Object> a = Json.obj("type", "Action.Execute", "title",
					(action != null) ? action.get("title") : title, "verb",
					(request.get("verb") != null) ? request.get("verb") : (action != null) ? action.get("verb") : null,
					"data", data);
			if (action != null && action.get("id") != null) {
				a.put("id", action.get("id"));
			}
			activity.put("value", Json.obj("action", a, "trigger", "manual"));
		}
		else {
			activity = this.sim.bot.base("message", this.sim.nextActivityId(), user);
			activity.put("text", "");
			activity.put("value", data);
		}
		activity.put("replyToId", entry.id);
		BotClient.Result r = this.sim.bot.post(activity, Duration.ofSeconds(30));
		Map<String, Object> result = result(r);
		if ("execute".equals(kind)) {
			String problem = Callbacks.invokeProblem(r);
			if (problem != null) {
				result.put("invalidInvokeAnswer", problem);
			}
		}
		if ("execute".equals(kind) && r.ok() && r.body() != null && !r.body().isBlank()) {
			try {
				Map<String, Object> response = Json.parseObject(r.body());
				if (response != null && "application/vnd.microsoft.card.adaptive".equals(response.get("type"))
						&& Json.map(response.get("value")) != null) {
					Map<String, Object> updated = entry.activity();
					updated.put("attachments", List.of(Json.obj("contentType",
							"application/vnd.microsoft.card.adaptive", "content", response.get("value"))));
					entry.replace(updated);
					// A card refreshed by its invoke response is not an edit: Teams shows
					// no "Edited".
					result.put("cardReplaced", true);
				}
			}
			catch (RuntimeException ex) {
				result.put("invalidInvokeResponse", ex.getMessage());
			}
		}
		result.put("activity", activity);
		return result;
	}

	Map<String, Object> message(SimUser user, String text) {
		Map<String, Object> activity = this.sim.bot.base("message", this.sim.nextActivityId(), user);
		activity.put("text", text);
		activity.put("textFormat", "plain");
		Map<String, Object> result = result(this.sim.bot.post(activity, Duration.ofSeconds(30)));
		result.put("activity", activity);
		return result;
	}

	/**
	 * Someone posts in a channel and @mentions the bot (Teams sends a bot only channel
	 * messages that mention it), possibly @mentioning others. With
	 * {@code withAadObjectIds} false, neither the sender nor the people mentioned carry
	 * {@code aadObjectId}, as some Teams clients send them: the bot has to ask the
	 * conversation's members who they are.
	 */
	Map<String, Object> channelMessage(SimChannel channel, SimUser from, String text, List<SimUser> mentioned,
			boolean withAadObjectIds) {
		SimTeam team = this.sim.tenant.team(channel.teamId());
		if (!this.sim.isInstalledInTeam(team.id())) {
			throw new IllegalArgumentException(
					"The app is not in team " + team.displayName() + ": Teams delivers no channel messages to it");
		}
		Map<String, Object> activity = this.sim.bot.base("message", this.sim.nextActivityId(), from);
		String root = channel.id() + ";messageid=" + activity.get("id");
		activity.put("conversation",
				Json.obj("isGroup", true, "conversationType", "channel", "tenantId", this.sim.tenantId(), "id", root));
		activity.put("channelData",
				Json.obj("team",
						Json.obj("id", team.threadId(), "name", team.displayName(), "aadGroupId", team.groupId()),
						"channel", Json.obj("id", channel.id()), "tenant", Json.obj("id", this.sim.tenantId())));
		Map<String, Object> sender = Json.obj("id", from.teamsUserId(), "name", from.displayName());
		if (withAadObjectIds) {
			sender.put("aadObjectId", from.id());
		}
		activity.put("from", sender);
		List<Object> entities = new java.util.ArrayList<>();
		StringBuilder body = new StringBuilder("<at>Herald</at> ");
		entities.add(Json.obj("type", "mention", "text", "<at>Herald</at>", "mentioned",
				Json.obj("id", "28:" + this.sim.botAppId(), "name", "Herald")));
		for (SimUser m : mentioned) {
			Map<String, Object> who = Json.obj("id", m.teamsUserId(), "name", m.displayName());
			if (withAadObjectIds) {
				who.put("aadObjectId", m.id());
			}
			String at = "<at>" + m.displayName() + "</at>";
			entities.add(Json.obj("type", "mention", "text", at, "mentioned", who));
			body.append(at).append(' ');
		}
		entities.add(Json.obj("type", "clientInfo", "locale", from.teamsLocale(), "country", from.country(), "platform",
				"Web", "timezone", "UTC"));
		activity.put("entities", entities);
		activity.put("text", body.append((text != null) ? text : "").toString().strip());
		activity.put("textFormat", "plain");
		Map<String, Object> result = result(this.sim.bot.post(activity, Duration.ofSeconds(30)));
		result.put("activity", activity);
		return result;
	}

	/** The RSC permission without which Teams sends a bot no read receipts. */
	static final String READ_RECEIPT_RSC = "ChatMessageReadReceipt.Read.Chat";

	/**
	 * The person reads their chat with the bot: Teams posts a read receipt only when the
	 * installed app's manifest requests {@value #READ_RECEIPT_RSC} and the person has
	 * read receipts on; otherwise nothing reaches the bot.
	 */
	Map<String, Object> readReceipt(SimUser user, String lastReadMessageId) {
		if (!this.sim.appHasPermission(READ_RECEIPT_RSC) || !this.sim.readReceiptsOn(user)) {
			Map<String, Object> result = new LinkedHashMap<>();
			result.put("status", "not_sent");
			result.put("reason", this.sim.readReceiptsOn(user)
					? "The app's manifest does not request " + READ_RECEIPT_RSC : "The person has read receipts off");
			return result;
		}
		String last = lastReadMessageId;
		if (last == null) {
			List<Map<String, Object>> inbox = this.sim.inbox(user.id());
			last = inbox.isEmpty() ? null : String.valueOf(inbox.get(0).get("id"));
		}
		Map<String, Object> activity = this.sim.bot.base("event", BotClient.eventId(), user);
		activity.put("name", "application/vnd.microsoft.readReceipt");
		activity.put("value", Json.obj("lastReadMessageId", last));
		Map<String, Object> result = result(this.sim.bot.post(activity, Duration.ofSeconds(30)));
		result.put("activity", activity);
		return result;
	}

	private static Map<String, Object> result(BotClient.Result r) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("status", r.status());
		Object body = r.body();
		if (r.body() != null && !r.body().isBlank()) {
			try {
				body = Json.parseObject(r.body());
			}
			catch (RuntimeException ex) {
				body = r.body();
			}
		}
		m.put("body", body);
		if (r.error() != null) {
			m.put("error", r.error());
		}
		return m;
	}

}
