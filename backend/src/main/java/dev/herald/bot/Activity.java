package dev.herald.bot;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * Read access to an inbound activity. Teams' payloads vary by event and client version,
 * so this reads the JSON tree leniently (absent is null) instead of binding a rigid type.
 *
 * @param json the activity as received
 */
record Activity(JsonNode json) {

	String type() {
		return text(this.json.path("type"));
	}

	String name() {
		return text(this.json.path("name"));
	}

	String id() {
		return text(this.json.path("id"));
	}

	String channelId() {
		return text(this.json.path("channelId"));
	}

	String serviceUrl() {
		return text(this.json.path("serviceUrl"));
	}

	String action() {
		return text(this.json.path("action"));
	}

	String text() {
		return text(this.json.path("text"));
	}

	String replyToId() {
		return text(this.json.path("replyToId"));
	}

	JsonNode value() {
		return this.json.path("value");
	}

	/**
	 * The conversation id without a {@code ;messageid=} suffix (channel replies carry the
	 * thread's root message in it).
	 */
	String conversationId() {
		String id = text(this.json.path("conversation").path("id"));
		if (id == null) {
			return null;
		}
		int suffix = id.indexOf(";messageid=");
		return (suffix >= 0) ? id.substring(0, suffix) : id;
	}

	/** {@code personal}, {@code channel} or {@code groupChat}. */
	String conversationType() {
		return text(this.json.path("conversation").path("conversationType"));
	}

	boolean isPersonal() {
		return "personal".equals(conversationType());
	}

	String tenantId() {
		String tenant = text(this.json.path("conversation").path("tenantId"));
		return (tenant != null) ? tenant : text(this.json.path("channelData").path("tenant").path("id"));
	}

	Account from() {
		return Account.of(this.json.path("from"));
	}

	String recipientId() {
		return text(this.json.path("recipient").path("id"));
	}

	List<Account> membersAdded() {
		return accounts(this.json.path("membersAdded"));
	}

	List<Account> membersRemoved() {
		return accounts(this.json.path("membersRemoved"));
	}

	/** Whether the bot itself is among these members (bot ids are {@code 28:appId}). */
	boolean includesBot(List<Account> members) {
		String bot = recipientId();
		return bot != null && members.stream().anyMatch((m) -> bot.equals(m.id()));
	}

	/** The client's locale: the activity's own, else the clientInfo entity's. */
	String locale() {
		String locale = text(this.json.path("locale"));
		if (locale != null) {
			return locale;
		}
		for (JsonNode entity : this.json.path("entities")) {
			if ("clientInfo".equals(text(entity.path("type")))) {
				return text(entity.path("locale"));
			}
		}
		return null;
	}

	/** People @mentioned in a message, other than the bot. */
	List<Account> mentions() {
		List<Account> mentioned = new ArrayList<>();
		String bot = recipientId();
		for (JsonNode entity : this.json.path("entities")) {
			if ("mention".equals(text(entity.path("type")))) {
				Account account = Account.of(entity.path("mentioned"));
				if (account.id() != null && !account.id().equals(bot) && account.id().startsWith("29:")) {
					mentioned.add(account);
				}
			}
		}
		return mentioned;
	}

	String teamId() {
		return text(this.json.path("channelData").path("team").path("id"));
	}

	/** Teams' {@code channelData.eventType} (teamMemberAdded, teamDeleted, ...). */
	String eventType() {
		return text(this.json.path("channelData").path("eventType"));
	}

	String teamName() {
		return text(this.json.path("channelData").path("team").path("name"));
	}

	/** The channel an install or message belongs to. */
	String channel() {
		JsonNode data = this.json.path("channelData");
		String channel = text(data.path("channel").path("id"));
		if (channel == null) {
			channel = text(data.path("settings").path("selectedChannel").path("id"));
		}
		return (channel != null) ? channel : conversationId();
	}

	static String text(JsonNode node) {
		return (node != null && (node.isString() || node.isNumber())) ? node.asString() : null;
	}

	private static List<Account> accounts(JsonNode array) {
		List<Account> accounts = new ArrayList<>();
		for (JsonNode node : array) {
			accounts.add(Account.of(node));
		}
		return accounts;
	}

	/**
	 * A member or sender.
	 *
	 * @param id the Teams id ({@code 29:...} for people, {@code 28:...} for bots)
	 * @param aadObjectId the Entra object id, when Teams gives it
	 * @param name the display name, when given
	 */
	record Account(String id, String aadObjectId, String name) {

		static Account of(JsonNode node) {
			String aad = text(node.path("aadObjectId"));
			if (aad == null) {
				aad = text(node.path("objectId")); // roster entries (TeamsChannelAccount)
			}
			return new Account(text(node.path("id")), aad, text(node.path("name")));
		}

		boolean isPerson() {
			return this.id != null && this.id.startsWith("29:");
		}

	}

}
