package dev.herald.bot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.herald.announcement.AnnouncementContent;
import dev.herald.announcement.Announcements;
import dev.herald.optout.OptOuts;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestSimulator;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Teams delivers some activities twice with the same id (#27): Herald acts once, replies
 * once, and answers every copy of an invoke as Teams expects. People who arrive without
 * {@code aadObjectId} are resolved through the conversation's members.
 */
class DuplicateActivitiesIntegrationTests extends IntegrationTest {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@Autowired
	Announcements announcements;

	@Autowired
	OptOuts optOuts;

	@AfterEach
	void singleDeliveries() {
		this.simulator.setDuplicateActivities(false);
	}

	@Test
	void aTypedCommandDeliveredTwiceIsAnsweredOnce() throws InterruptedException {
		SimUser user = installed();
		this.simulator.setDuplicateActivities(true);
		assertThat(TestSimulator.post("/_sim/users/" + user.id() + "/messages", "{\"text\":\"stop\"}"))
			.contains("\"status\":200");
		Await.until(WAIT, "the reply", () -> this.simulator.inbox(user.id()).size() == 2);
		Thread.sleep(500); // a second reply would be on its way by now
		assertThat(this.simulator.inbox(user.id())).as("welcome and one reply").hasSize(2);
		assertThat(this.optOuts.isOptedOut(this.simulator.tenantId(), user.id())).isTrue();
		this.simulator.setDuplicateActivities(false);
		TestSimulator.post("/_sim/users/" + user.id() + "/messages", "{\"text\":\"start\"}");
		assertThat(this.optOuts.isOptedOut(this.simulator.tenantId(), user.id())).isFalse();
	}

	@Test
	void anAcknowledgementAndAVoteDeliveredTwiceCountOnceAndBothCopiesGetAValidAnswer() {
		SimUser user = installed();
		long id = this.announcements.create(new AnnouncementContent("Duplicates", "Twice", null, null, null),
				"comms@example.com");
		int invalidBefore = this.simulator.invalidInvokeAnswers().size();
		long checkedBefore = ((Number) this.simulator.callbackStats().get("invokesChecked")).longValue();
		this.simulator.setDuplicateActivities(true);
		String ack = TestSimulator.post("/_sim/users/" + user.id() + "/actions",
				"{\"kind\":\"execute\",\"verb\":\"ack\",\"data\":{\"action\":\"ack\",\"announcementId\":" + id + "}}");
		assertThat(ack).contains("\"status\":200").doesNotContain("invalidInvokeAnswer");
		String vote = TestSimulator.post("/_sim/users/" + user.id() + "/actions",
				"{\"kind\":\"execute\",\"verb\":\"vote\",\"data\":{\"action\":\"vote\",\"announcementId\":" + id
						+ ",\"choice\":\"A\"}}");
		assertThat(vote).contains("\"status\":200").doesNotContain("invalidInvokeAnswer");

		assertThat(((Number) this.simulator.callbackStats().get("invokesChecked")).longValue() - checkedBefore)
			.as("two invokes, each delivered twice, each answer checked")
			.isEqualTo(4);
		assertThat(this.simulator.invalidInvokeAnswers()).hasSize(invalidBefore);
		assertThat(this.jdbc.sql("""
				SELECT count(*) FROM card_response
				WHERE announcement_id = :id AND aad_object_id = :aad AND acknowledged_at IS NOT NULL AND choice = 'A'
				""").param("id", id).param("aad", user.id()).query(Long.class).single()).isEqualTo(1);
		assertThat(this.jdbc.sql("SELECT count(*) FROM bot_activity WHERE conversation_id = :c")
			.param("c", this.simulator.conversationIdFor(user.id()))
			.query(Long.class)
			.single()).as("each activity taken once").isGreaterThanOrEqualTo(2);
	}

	@Test
	void aPersonalCommandAndAnInvokeWithoutEntraIdAreResolvedThroughTheMembers() {
		SimUser user = installed();
		// Herald knows the person only by this chat, not from any roster.
		assertThat(this.jdbc.sql("SELECT count(*) FROM team_member WHERE teams_user_id = :id")
			.param("id", user.teamsUserId())
			.query(Long.class)
			.single()).isZero();
		Activities activities = new Activities(this.simulator, baseUrl());
		Map<String, Object> stop = withoutEntraId(activities.message(user, "stop"));
		assertThat(activities.post(stop).status()).isEqualTo(200);
		assertThat(this.optOuts.isOptedOut(this.simulator.tenantId(), user.id())).isTrue();
		assertThat(activities.post(withoutEntraId(activities.message(user, "start"))).status()).isEqualTo(200);
		assertThat(this.optOuts.isOptedOut(this.simulator.tenantId(), user.id())).isFalse();

		long id = this.announcements.create(new AnnouncementContent("Who", "Resolved", null, null, null),
				"comms@example.com");
		Activities.Reply reply = activities
			.post(withoutEntraId(activities.execute(user, Map.of("action", "ack", "announcementId", id))));
		assertThat(reply.status()).isEqualTo(200);
		assertThat(
				this.jdbc.sql("SELECT count(*) FROM card_response WHERE announcement_id = :id AND aad_object_id = :aad")
					.param("id", id)
					.param("aad", user.id())
					.query(Long.class)
					.single())
			.isEqualTo(1);
	}

	@Test
	void aStrangerWithoutEntraIdIsNotGuessed() {
		SimUser user = installed();
		Activities activities = new Activities(this.simulator, baseUrl());
		Map<String, Object> invoke = withoutEntraId(
				activities.execute(user, Map.of("action", "ack", "announcementId", 1)));
		invoke.put("from", Map.of("id", "29:not-a-member-of-this-chat"));
		Activities.Reply reply = activities.post(invoke);
		assertThat(reply.status()).isEqualTo(400);
		assertThat(reply.body()).contains("Unknown user");
	}

	private static Map<String, Object> withoutEntraId(Map<String, Object> activity) {
		Map<String, Object> copy = new LinkedHashMap<>(activity);
		Map<String, Object> from = new LinkedHashMap<>((Map<String, Object>) activity.get("from"));
		from.remove("aadObjectId");
		copy.put("from", from);
		return copy;
	}

	/**
	 * Someone from the end of the tenant, on no team roster Herald has read, installed
	 * afresh (a full suite has installed most people by now).
	 */
	private SimUser installed() {
		List<SimUser> users = new ArrayList<>(this.simulator.tenant().users());
		Collections.reverse(users);
		SimUser user = users.stream()
			.filter((u) -> !u.guest() && this.simulator.tenant().reachable(u) && u.preferredLanguage().equals("en-US"))
			// Never welcomed: a person is welcomed once, and other classes (the tab's)
			// also pick people from the end of the tenant.
			.filter((u) -> this.jdbc
				.sql("SELECT count(*) FROM bot_welcome WHERE scope = 'personal' AND lower(subject_id) = lower(:id)")
				.param("id", u.id())
				.query(Long.class)
				.single() == 0)
			.filter((u) -> this.jdbc.sql("SELECT count(*) FROM team_member WHERE teams_user_id = :id")
				.param("id", u.teamsUserId())
				.query(Long.class)
				.single() == 0)
			// The never-welcomed are few by the end of a full suite: the first one (a
			// test's
			// own pick is welcomed, so the next test gets another).
			.findFirst()
			.orElseThrow();
		if (this.simulator.isInstalled(user.id())) {
			// The uninstall's callback is awaited: a late "removed" would undo the
			// install.
			this.simulator.uninstall(user.id());
			Await.until(WAIT, "uninstall stored", () -> activeChats(user) == 0);
		}
		int before = this.simulator.inbox(user.id()).size();
		this.simulator.installForUser(user.id());
		// The tests act on the welcome card (and count it).
		Await.until(WAIT, "welcome", () -> this.simulator.inbox(user.id()).size() > before && activeChats(user) > 0);
		return user;
	}

	private long activeChats(SimUser user) {
		return this.jdbc.sql("""
				SELECT count(*) FROM conversation
				WHERE kind = 'personal' AND status = 'active' AND aad_object_id = :aad
				""").param("aad", user.id()).query(Long.class).single();
	}

}
