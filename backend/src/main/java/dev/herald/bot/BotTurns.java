package dev.herald.bot;

import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import dev.herald.announcement.Announcement;
import dev.herald.announcement.Announcements;
import dev.herald.approval.TeamsApprovals;
import dev.herald.conversation.ChannelConversation;
import dev.herald.conversation.ConversationStatus;
import dev.herald.conversation.Conversations;
import dev.herald.conversation.PersonalConversation;
import dev.herald.conversation.TeamMember;
import dev.herald.conversation.TeamMembers;
import dev.herald.optout.OptOuts;
import dev.herald.teams.TeamsProperties;

import org.springframework.stereotype.Component;

/**
 * Handles one authenticated activity: learns conversations and people, greets, answers
 * commands and card actions. Every write is idempotent, because Teams retries.
 */
@Component
class BotTurns {

	static final String READ_RECEIPT = "application/vnd.microsoft.readReceipt";

	/** How long a copy of an invoke waits for the first copy's answer. */
	private static final java.time.Duration DUPLICATE_WAIT = java.time.Duration.ofSeconds(10);

	private static final Logger log = LoggerFactory.getLogger(BotTurns.class);

	private final Conversations conversations;

	private final TeamMembers members;

	private final OptOuts optOuts;

	private final CardResponses responses;

	private final Welcomes welcomes;

	private final BotCards cards;

	private final BotTexts texts;

	private final BotOutbox outbox;

	private final TeamSync teams;

	private final Announcements announcements;

	private final BotProperties properties;

	private final String tenantId;

	private final TeamsApprovals approvals;

	private final ActivityLog seen;

	private final MemberLookup lookup;

	private final BotQuestions questions;

	BotTurns(Conversations conversations, TeamMembers members, OptOuts optOuts, CardResponses responses,
			Welcomes welcomes, BotCards cards, BotTexts texts, BotOutbox outbox, TeamSync teams,
			Announcements announcements, BotProperties properties, TeamsProperties teamsProperties,
			TeamsApprovals approvals, ActivityLog seen, MemberLookup lookup, BotQuestions questions) {
		this.questions = questions;
		this.approvals = approvals;
		this.seen = seen;
		this.lookup = lookup;
		this.conversations = conversations;
		this.members = members;
		this.optOuts = optOuts;
		this.responses = responses;
		this.welcomes = welcomes;
		this.cards = cards;
		this.texts = texts;
		this.outbox = outbox;
		this.teams = teams;
		this.announcements = announcements;
		this.properties = properties;
		this.tenantId = teamsProperties.tenantId();
	}

	BotResponse handle(Activity a) {
		String tenant = a.tenantId();
		if (!this.tenantId.equals(tenant)) {
			// Herald serves one tenant; another tenant installing the same bot
			// registration must not end up in its audience.
			log.info("Ignoring {} activity from tenant {}", a.type(), tenant);
			return BotResponse.OK;
		}
		if (a.conversationId() != null && a.serviceUrl() != null) {
			this.conversations.refreshServiceUrl(tenant, a.conversationId(), a.serviceUrl());
		}
		String id = a.id();
		String conversation = a.conversationId();
		if (id == null || conversation == null) {
			return dispatch(a);
		}
		if (!this.seen.claim(tenant, conversation, id)) {
			// A copy of an activity already taken (#27): Teams delivers some twice and
			// re-posts what it thinks was lost. Nothing is done again; an invoke gets the
			// answer the first copy got.
			log.debug("Duplicate {} activity {} ignored", a.type(), id);
			if (!"invoke".equals(a.type())) {
				return BotResponse.OK;
			}
			return this.seen.answer(tenant, conversation, id, DUPLICATE_WAIT)
				.orElseGet(() -> BotResponse.invokeError(503, "ServiceUnavailable", "Still handling this action"));
		}
		BotResponse response;
		try {
			response = dispatch(a);
		}
		catch (RuntimeException ex) {
			this.seen.release(tenant, conversation, id);
			throw ex;
		}
		if (response.status() >= 500) {
			this.seen.release(tenant, conversation, id);
		}
		else if ("invoke".equals(a.type())) {
			this.seen.answered(tenant, conversation, id, response);
		}
		return response;
	}

	private BotResponse dispatch(Activity a) {
		return switch (a.type()) {
			case "conversationUpdate" -> onConversationUpdate(a);
			case "installationUpdate" -> onInstallationUpdate(a);
			case "message" -> onMessage(a);
			case "invoke" -> onInvoke(a);
			case "event" -> onEvent(a);
			// typing, messageReaction, messageUpdate...: the SDKs answer 200 to
			// whatever they do not handle.
			default -> BotResponse.OK;
		};
	}

	private BotResponse onConversationUpdate(Activity a) {
		var added = a.membersAdded();
		var removed = a.membersRemoved();
		if (a.isPersonal()) {
			if (a.includesBot(added) || added.stream().anyMatch(Activity.Account::isPerson)) {
				personalInstall(a);
			}
			if (a.includesBot(removed)) {
				personalUninstall(a);
			}
		}
		else if (a.teamId() != null) {
			if (a.includesBot(added)) {
				teamInstall(a);
			}
			if (a.includesBot(removed) || "teamDeleted".equalsIgnoreCase(a.eventType())) {
				teamUninstall(a);
			}
			for (Activity.Account member : added) {
				if (member.isPerson()) {
					Activity.Account known = this.lookup.resolve(a, member);
					this.members.record(new TeamMember(a.tenantId(), a.teamId(), known.id(), known.aadObjectId(),
							known.name(), TeamMember.Source.MEMBER_ADDED));
				}
			}
			for (Activity.Account member : removed) {
				if (member.isPerson()) {
					this.members.markRemoved(a.tenantId(), a.teamId(), member.id());
				}
			}
		}
		return BotResponse.OK;
	}

	private BotResponse onInstallationUpdate(Activity a) {
		String action = (a.action() != null) ? a.action() : "";
		boolean add = action.equals("add") || action.equals("add-upgrade");
		boolean remove = action.equals("remove") || action.equals("remove-upgrade");
		if (a.isPersonal()) {
			if (add) {
				personalInstall(a);
			}
			else if (remove) {
				personalUninstall(a);
			}
		}
		else if (a.teamId() != null) {
			if (add) {
				teamInstall(a);
			}
			else if (remove) {
				teamUninstall(a);
			}
		}
		return BotResponse.OK;
	}

	private void personalInstall(Activity a) {
		Activity.Account person = person(a);
		if (person == null) {
			return;
		}
		Conversations.PersonalUpsert upsert = recordPersonal(a, person);
		if (upsert.created() || upsert.reactivated()) {
			log.info("Personal chat {} with {}", upsert.created() ? "installed" : "reinstalled", person.aadObjectId());
		}
		if (!this.properties.welcome()) {
			return;
		}
		BotLanguage language = language(a, person);
		String tenant = a.tenantId();
		this.welcomes.enqueue(tenant, Welcomes.PERSONAL, person.aadObjectId(), language, a.serviceUrl(),
				a.conversationId(),
				BotCards.cardMessage(this.cards.welcome(language), this.texts.text("bot.welcome.title", language)));
	}

	private void personalUninstall(Activity a) {
		Activity.Account person = person(a);
		if (person != null && this.conversations.changePersonalStatus(a.tenantId(), person.aadObjectId(),
				ConversationStatus.UNINSTALLED)) {
			log.info("Personal chat with {} uninstalled", person.aadObjectId());
		}
	}

	private void teamInstall(Activity a) {
		String tenant = a.tenantId();
		String channel = a.channel();
		if (channel == null || a.serviceUrl() == null) {
			return;
		}
		this.conversations.recordChannel(new ChannelConversation(tenant, a.teamId(), channel, a.serviceUrl(),
				channel.equals(a.teamId()) ? null : Activity.text(a.json().path("conversation").path("name")),
				Activity.text(a.json().path("channelData").path("team").path("aadGroupId"))));
		this.teams.syncLater(tenant, a.teamId(), a.serviceUrl());
		if (this.properties.welcome()) {
			BotLanguage language = BotLanguage.of(a.locale());
			this.welcomes.enqueue(tenant, Welcomes.TEAM, a.teamId(), language, a.serviceUrl(), channel,
					BotCards.cardMessage(this.cards.teamWelcome(language, a.teamName(), a.from().name()), null));
		}
	}

	private void teamUninstall(Activity a) {
		this.teams.forget(a.tenantId(), a.teamId());
		int channels = this.conversations.markTeamStatus(a.tenantId(), a.teamId(), ConversationStatus.UNINSTALLED);
		if (channels > 0) {
			log.info("Removed from team {}: {} channels marked uninstalled", a.teamId(), channels);
		}
	}

	private BotResponse onMessage(Activity a) {
		// Some clients send no aadObjectId: the conversation's members say who it is.
		Activity.Account sender = this.lookup.resolve(a, a.from());
		if (a.isPersonal()) {
			if (!sender.isPerson() || sender.aadObjectId() == null) {
				return BotResponse.OK;
			}
			// A message proves the chat exists: learn it even if the install event was
			// missed (e.g. installed before Herald ran).
			recordPersonal(a, sender);
			JsonNode value = a.value();
			if (value.isObject() && value.has("action")) {
				onSubmit(a, sender, value);
			}
			else {
				command(a, sender, Command.parse(a.text()));
			}
		}
		else if (a.teamId() != null) {
			// Channel traffic: remember who is in the team. Commands are not answered
			// here: an opt-out confirmation in a channel would tell everyone.
			String channel = a.channel();
			if (channel != null && a.serviceUrl() != null && this.conversations
				.recordChannel(new ChannelConversation(a.tenantId(), a.teamId(), channel, a.serviceUrl(), null))) {
				this.teams.syncLater(a.tenantId(), a.teamId(), a.serviceUrl());
			}
			if (sender.isPerson()) {
				this.members.record(new TeamMember(a.tenantId(), a.teamId(), sender.id(), sender.aadObjectId(),
						sender.name(), TeamMember.Source.MESSAGE));
			}
			for (Activity.Account mention : a.mentions()) {
				Activity.Account mentioned = this.lookup.resolve(a, mention);
				this.members.record(new TeamMember(a.tenantId(), a.teamId(), mentioned.id(), mentioned.aadObjectId(),
						mentioned.name(), TeamMember.Source.MENTION));
			}
		}
		return BotResponse.OK;
	}

	/** Action.Submit: the result goes out as a message, or replaces the card. */
	private void onSubmit(Activity a, Activity.Account person, JsonNode data) {
		String action = Activity.text(data.path("action"));
		Command command = commandOf(action);
		if (command != null) {
			command(a, person, command);
			return;
		}
		BotLanguage language = language(a, person);
		if (BotQuestions.isQuestion(action)) {
			// "Ask a question" (#24): a reply in the chat, the card stays as it is.
			this.questions.submitted(a, person, data, language);
			return;
		}
		CardResult result = cardAction(action, data, a.tenantId(), person.aadObjectId(), language);
		if (result == null) {
			return;
		}
		Map<String, Object> message = BotCards.cardMessage(result.card(), null);
		if (a.replyToId() != null) {
			this.outbox.update(a.serviceUrl(), a.conversationId(), a.replyToId(), message);
		}
		else {
			this.outbox.send(a.serviceUrl(), a.conversationId(), message);
		}
	}

	private void command(Activity a, Activity.Account person, Command command) {
		BotLanguage language = language(a, person);
		if (command == Command.UNKNOWN && this.questions.typed(a, person, language)) {
			// A question about an announcement (#24), not a command.
			return;
		}
		Map<String, Object> reply = BotCards.textMessage(commandReply(command, a.tenantId(), person, language));
		if (command == Command.HELP) {
			reply = BotCards.cardMessage(
					this.cards.help(language, this.optOuts.isOptedOut(a.tenantId(), person.aadObjectId())),
					this.texts.text("bot.help.title", language));
		}
		this.outbox.send(a.serviceUrl(), a.conversationId(), reply);
	}

	private String commandReply(Command command, String tenant, Activity.Account person, BotLanguage language) {
		return switch (command) {
			case STOP -> this.texts
				.text(this.optOuts.optOut(tenant, person.aadObjectId(), OptOuts.ALL, OptOuts.Source.COMMAND, null)
						? "bot.stop.done" : "bot.stop.already", language);
			case START ->
				this.texts.text(this.optOuts.optIn(tenant, person.aadObjectId(), OptOuts.ALL, OptOuts.Source.COMMAND)
						? "bot.start.done" : "bot.start.already", language);
			case HELP -> this.texts.text("bot.help.body", language);
			case UNKNOWN -> this.texts.text("bot.unknown", language);
		};
	}

	/** Action.Execute: answered in the HTTP response, so Teams swaps the card at once. */
	private BotResponse onInvoke(Activity a) {
		if (!"adaptiveCard/action".equals(a.name())) {
			return BotResponse.NOT_IMPLEMENTED;
		}
		JsonNode action = a.value().path("action");
		if (!action.isObject() || !"Action.Execute".equals(Activity.text(action.path("type")))) {
			return BotResponse.invokeError(400, "BadRequest", "Missing action property");
		}
		Activity.Account person = this.lookup.resolve(a, a.from());
		if (person.aadObjectId() == null) {
			return BotResponse.invokeError(400, "BadRequest", "Unknown user");
		}
		JsonNode data = action.path("data");
		String name = Activity.text(data.path("action"));
		if (name == null) {
			name = Activity.text(action.path("verb"));
		}
		BotLanguage language = language(a, person);
		Command command = commandOf(name);
		if (command != null) {
			String text = commandReply(command, a.tenantId(), person, language);
			Map<String, Object> card = (command == Command.HELP)
					? this.cards.help(language, this.optOuts.isOptedOut(a.tenantId(), person.aadObjectId()))
					: this.cards.notice(text);
			return BotResponse.invoke(BotCards.cardInvokeResponse(card));
		}
		CardResult result = cardAction(name, data.isObject() ? data : a.value(), a.tenantId(), person.aadObjectId(),
				language);
		if (result == null) {
			return BotResponse.invokeError(400, "BadRequest", "Unknown action");
		}
		return BotResponse.invoke(BotCards.cardInvokeResponse(result.card()));
	}

	/**
	 * The broadcast-card actions: ack, vote, unsubscribe, resubscribe. Null when the
	 * action is unknown or incomplete.
	 */
	private CardResult cardAction(String action, JsonNode data, String tenant, String aad, BotLanguage language) {
		if (action == null) {
			return null;
		}
		Long announcementId = announcementId(data.path("announcementId"));
		if (data.path("test").asBoolean(false) && !"resubscribe".equals(action)) {
			// A press on a test copy: kept apart, never counted, never an opt-out.
			this.responses.recordTest(announcementId, tenant, aad, action);
			return new CardResult(this.cards.notice(this.texts.text("bot.test.pressed", language)));
		}
		if (TeamsApprovals.handles(action)) {
			// Approve / Reject on an approval card (#15): the approval module checks who
			// pressed it.
			if (announcementId == null) {
				return null;
			}
			String comment = Activity.text(data.path("comment"));
			return new CardResult(this.cards
				.notice(this.approvals.decide(action, announcementId, aad, Activity.text(data.path("hash")),
						(comment != null && comment.length() <= 1000) ? comment : null, language.locale())));
		}
		switch (action) {
			case "unsubscribe" -> {
				// "This topic" (#24): the announcement's own topic, as stored; the card
				// only
				// says which of the two was pressed. Without a scope (cards sent before
				// topics, "everything") it is every announcement, as before.
				if ("topic".equals(Activity.text(data.path("scope")))) {
					String topic = topicOf(announcementId);
					if (topic == null) {
						// Its topic was edited away: nothing is turned off unasked.
						return new CardResult(this.cards.notice(this.texts.text("bot.topic.none", language)));
					}
					this.optOuts.optOut(tenant, aad, topic, OptOuts.Source.CARD, announcementId);
					return new CardResult(this.cards.unsubscribedFromTopic(language, announcementId, topic));
				}
				this.optOuts.optOut(tenant, aad, OptOuts.ALL, OptOuts.Source.CARD, announcementId);
				return new CardResult(this.cards.unsubscribed(language, (announcementId != null) ? announcementId : 0));
			}
			case "resubscribe" -> {
				String topic = "topic".equals(Activity.text(data.path("scope"))) ? topicOf(announcementId) : null;
				this.optOuts.optIn(tenant, aad, (topic != null) ? topic : OptOuts.ALL, OptOuts.Source.CARD);
				return new CardResult(
						this.cards.notice((topic != null) ? this.texts.text("bot.topic.on", language, "topic", topic)
								: this.texts.text("bot.start.done", language)));
			}
			case "ack", "vote" -> {
				if (announcementId == null) {
					return null;
				}
				Optional<Announcement> announcement = this.announcements.find(announcementId);
				if (announcement.isEmpty()) {
					return new CardResult(this.cards.notice(this.texts.text("bot.announcement.missing", language)));
				}
				if (action.equals("ack")) {
					this.responses.acknowledge(announcementId, tenant, aad);
					return new CardResult(this.cards.announcementWithState(announcement.get(),
							this.texts.text("bot.ack.done", language), language));
				}
				String choice = Activity.text(data.path("choice"));
				if (choice == null || choice.isBlank() || choice.length() > 200) {
					return null;
				}
				this.responses.vote(announcementId, tenant, aad, choice.strip());
				return new CardResult(this.cards.announcementWithState(announcement.get(),
						this.texts.text("bot.vote.done", language, "choice", choice.strip()), language));
			}
			default -> {
				return null;
			}
		}
	}

	/** The topic of an announcement, null when it has none (or is unknown). */
	private String topicOf(Long announcementId) {
		return (announcementId != null)
				? this.announcements.find(announcementId).map((a) -> a.content().topic()).orElse(null) : null;
	}

	private BotResponse onEvent(Activity a) {
		if (READ_RECEIPT.equals(a.name())) {
			String lastRead = Activity.text(a.value().path("lastReadMessageId"));
			String aad = a.from().aadObjectId();
			if (lastRead != null && aad != null && a.conversationId() != null) {
				this.responses.readUpTo(a.tenantId(), aad, a.conversationId(), lastRead);
			}
		}
		return BotResponse.OK;
	}

	private Conversations.PersonalUpsert recordPersonal(Activity a, Activity.Account person) {
		return this.conversations.recordPersonal(new PersonalConversation(a.tenantId(), person.aadObjectId(),
				person.id(), a.conversationId(), a.serviceUrl(), a.locale(), person.name()));
	}

	/** The person in a personal-scope activity: the sender, or the member added. */
	private static Activity.Account person(Activity a) {
		Activity.Account from = a.from();
		if (from.isPerson() && from.aadObjectId() != null) {
			return from;
		}
		for (Activity.Account member : a.membersAdded()) {
			if (member.isPerson() && member.aadObjectId() != null) {
				return member;
			}
		}
		for (Activity.Account member : a.membersRemoved()) {
			if (member.isPerson() && member.aadObjectId() != null) {
				return member;
			}
		}
		return null;
	}

	private BotLanguage language(Activity a, Activity.Account person) {
		String locale = a.locale();
		if (locale == null && person.aadObjectId() != null) {
			locale = this.conversations.personalLocale(a.tenantId(), person.aadObjectId()).orElse(null);
		}
		return BotLanguage.of(locale);
	}

	private static Command commandOf(String action) {
		if (action == null) {
			return null;
		}
		return switch (action) {
			case "help" -> Command.HELP;
			case "stop" -> Command.STOP;
			case "start" -> Command.START;
			default -> null;
		};
	}

	static Long announcementId(JsonNode node) {
		if (node.isIntegralNumber() && node.canConvertToLong()) {
			return node.asLong();
		}
		String text = Activity.text(node);
		if (text != null && text.matches("\\d{1,18}")) {
			return Long.parseLong(text);
		}
		return null;
	}

	private record CardResult(Map<String, Object> card) {
	}

}
