package dev.herald.announcement;

import java.util.Map;
import java.util.Optional;

import dev.herald.audit.AuditAction;
import dev.herald.audit.AuditLog;
import dev.herald.security.Actor;
import dev.herald.teams.CallBudget;
import dev.herald.teams.ConnectorClient;
import dev.herald.teams.ConnectorReply;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * "Send a test to myself": posts the exact card to the signed-in author's own chat with
 * Herald, outside the ledger and the counts. The author is matched by the Entra object id
 * of their sign-in ({@code oid} claim) to a personal conversation; sign-in names (UPN,
 * e-mail) are not stored with conversations, because Teams does not send them.
 */
@Component
class TestSends {

	/** Tries after a 429 before the author is told Teams refused the copy. */
	private static final int THROTTLE_RETRIES = 3;

	private final JdbcClient jdbc;

	private final ConnectorClient connector;

	private final AnnouncementCard cards;

	private final AuditLog audit;

	TestSends(JdbcClient jdbc, ConnectorClient connector, AnnouncementCard cards, AuditLog audit) {
		this.jdbc = jdbc;
		this.connector = connector;
		this.cards = cards;
		this.audit = audit;
	}

	/**
	 * Posts the test copy; a copy that reached Teams (sent or refused) leaves one audit
	 * row, a caller without a chat with Herald sent nothing.
	 */
	Outcome send(Announcement announcement, Map<String, Object> claims, Actor actor) {
		Object oid = claims.get("oid");
		if (oid == null) {
			return Outcome.NO_OBJECT_ID;
		}
		Optional<Chat> chat = this.jdbc.sql("""
				SELECT conversation_id, service_url FROM conversation
				WHERE kind = 'personal' AND status = 'active' AND aad_object_id = :aad
				ORDER BY updated_at DESC LIMIT 1
				""")
			.param("aad", String.valueOf(oid))
			.query((rs, i) -> new Chat(rs.getString(1), rs.getString(2)))
			.optional();
		if (chat.isEmpty()) {
			return Outcome.NO_CHAT;
		}
		byte[] activity = this.cards.testActivity(announcement.id(), announcement.content(), announcement.createdBy());
		ConnectorReply reply = this.connector.sendActivity(chat.get().serviceUrl(), chat.get().conversationId(),
				activity, CallBudget.Kind.TEST);
		// A 429 while a broadcast fills the tenant budget is no refusal: the budget has
		// paused every caller for its Retry-After, so the next try waits for that.
		for (int retry = 0; retry < THROTTLE_RETRIES && reply.kind() == ConnectorReply.Kind.THROTTLED; retry++) {
			reply = this.connector.sendActivity(chat.get().serviceUrl(), chat.get().conversationId(), activity,
					CallBudget.Kind.TEST);
		}
		Outcome outcome = reply.isSuccess() ? Outcome.SENT : Outcome.FAILED;
		this.audit.record(actor, AuditAction.TEST_SEND, announcement.id(), "test copy to own chat: "
				+ ((outcome == Outcome.SENT) ? "sent" : "refused by Teams (" + reply.status() + ")"));
		return outcome;
	}

	enum Outcome {

		SENT, NO_OBJECT_ID, NO_CHAT, FAILED;

		String messageKey() {
			return switch (this) {
				case SENT -> "announcement.test.sent";
				case NO_OBJECT_ID, NO_CHAT -> "announcement.test.noChat";
				case FAILED -> "announcement.test.failed";
			};
		}

	}

	private record Chat(String conversationId, String serviceUrl) {
	}

}
