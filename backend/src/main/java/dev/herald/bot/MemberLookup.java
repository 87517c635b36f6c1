package dev.herald.bot;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.conversation.TeamMembers;
import dev.herald.teams.CallBudget;
import dev.herald.teams.ConnectorClient;

import org.springframework.stereotype.Component;
import org.springframework.web.util.UriUtils;

/**
 * Who a Teams user id is, when an activity does not say: some clients send mentions and
 * senders without {@code aadObjectId}, and Herald keys people by their Entra object id
 * (opt-outs, responses, audiences). A person seen before (roster, event) is known from
 * {@code team_member}; anyone else is asked of the conversation's members ({@code GET
 * /v3/conversations/{id}/members/{userId}}, one call in the Connector budget) before
 * Herald acts.
 */
@Component
class MemberLookup {

	private static final Logger log = LoggerFactory.getLogger(MemberLookup.class);

	private final TeamMembers members;

	private final ConnectorClient connector;

	MemberLookup(TeamMembers members, ConnectorClient connector) {
		this.members = members;
		this.connector = connector;
	}

	/** The account with its Entra object id filled in where it can be found. */
	Activity.Account resolve(Activity a, Activity.Account account) {
		if (account == null || !account.isPerson() || account.aadObjectId() != null) {
			return account;
		}
		Optional<String> known = this.members.aadObjectIdOf(a.tenantId(), account.id());
		if (known.isPresent()) {
			return new Activity.Account(account.id(), known.get(), account.name());
		}
		if (a.serviceUrl() == null || a.conversationId() == null) {
			return account;
		}
		ConnectorClient.JsonReply reply = this.connector.get(a.serviceUrl(),
				"v3/conversations/" + UriUtils.encodePathSegment(a.conversationId(), StandardCharsets.UTF_8)
						+ "/members/" + UriUtils.encodePathSegment(account.id(), StandardCharsets.UTF_8),
				CallBudget.Kind.INTERACTIVE);
		if (!reply.reply().isSuccess() || reply.body() == null) {
			log.warn("Member {} of conversation {} not resolved: {} {}", account.id(), a.conversationId(),
					reply.reply().status(), reply.reply().errorCode());
			return account;
		}
		Activity.Account member = Activity.Account.of(reply.body());
		if (!account.id().equals(member.id()) || member.aadObjectId() == null) {
			return account;
		}
		return new Activity.Account(account.id(), member.aadObjectId(),
				(account.name() != null) ? account.name() : member.name());
	}

}
