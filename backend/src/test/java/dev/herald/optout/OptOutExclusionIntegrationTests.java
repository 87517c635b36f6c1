package dev.herald.optout;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.herald.announcement.AnnouncementContent;
import dev.herald.announcement.Announcements;
import dev.herald.conversation.Conversations;
import dev.herald.conversation.PersonalConversation;
import dev.herald.dispatch.DeliveryState;
import dev.herald.support.IntegrationTest;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The freeze statements proposed to the dispatcher, run against the real schema: people
 * who opted out get no pending ledger row.
 */
class OptOutExclusionIntegrationTests extends IntegrationTest {

	/** Ledger.freezeInstalledAudience with the opt-out condition added. */
	static final String FREEZE_EXCLUDING = """
			INSERT INTO delivery (announcement_id, recipient, recipient_kind, conversation_ref)
			SELECT :id, c.aad_object_id, 'person', c.id
			FROM conversation c """ + OptOuts.JOIN + """
			WHERE c.kind = 'personal' AND c.status = 'active' AND c.tenant_id = :tenant
			  AND\s""" + OptOuts.NOT_OPTED_OUT + """

			ON CONFLICT DO NOTHING
			""";

	/** The variant that keeps an audit row per opted-out person (state 'opted_out'). */
	static final String FREEZE_MARKING = """
			INSERT INTO delivery (announcement_id, recipient, recipient_kind, conversation_ref, state)
			SELECT :id, c.aad_object_id, 'person', c.id,
			       CASE WHEN\s""" + OptOuts.NOT_OPTED_OUT + """
			 THEN :pending ELSE :optedOut END

			FROM conversation c """ + OptOuts.JOIN + """
			WHERE c.kind = 'personal' AND c.status = 'active' AND c.tenant_id = :tenant
			ON CONFLICT DO NOTHING
			""";

	@Autowired
	OptOuts optOuts;

	private final java.util.Set<String> tenants = new java.util.HashSet<>();

	@Autowired
	Conversations conversations;

	@Autowired
	Announcements announcements;

	@Test
	void freezeLeavesOptedOutPeopleOut() {
		String tenant = "tenant-" + UUID.randomUUID();
		List<String> people = people(tenant, 4);
		this.optOuts.optOut(tenant, people.get(1), OptOuts.ALL, OptOuts.Source.COMMAND, null);
		this.optOuts.optOut(tenant, people.get(2), OptOuts.ALL, OptOuts.Source.CARD, null);
		this.optOuts.optIn(tenant, people.get(2), OptOuts.ALL, OptOuts.Source.COMMAND); // came
																						// back
		this.optOuts.optOut(tenant, people.get(3), "hr-news", OptOuts.Source.CARD, null); // one
																							// topic
																							// only

		long id = announcement();
		int rows = this.jdbc.sql(FREEZE_EXCLUDING).param("id", id).param("tenant", tenant).update();
		assertThat(rows).isEqualTo(3);
		assertThat(recipients(id, "pending")).containsExactlyInAnyOrder(people.get(0), people.get(2), people.get(3));
	}

	@Test
	void markingVariantKeepsAnAuditRow() {
		String tenant = "tenant-" + UUID.randomUUID();
		List<String> people = people(tenant, 2);
		this.optOuts.optOut(tenant, people.get(0), OptOuts.ALL, OptOuts.Source.COMMAND, null);
		long id = announcement();
		this.jdbc.sql(FREEZE_MARKING)
			.param("id", id)
			.param("tenant", tenant)
			.param("pending", DeliveryState.PENDING.dbValue())
			.param("optedOut", DeliveryState.OPTED_OUT.dbValue())
			.update();
		assertThat(recipients(id, "opted_out")).containsExactly(people.get(0));
		assertThat(recipients(id, "pending")).containsExactly(people.get(1));
	}

	@Test
	void optOutAndInAreIdempotent() {
		String tenant = "tenant-" + UUID.randomUUID();
		String aad = UUID.randomUUID().toString();
		assertThat(this.optOuts.optIn(tenant, aad, OptOuts.ALL, OptOuts.Source.COMMAND)).as("never opted out")
			.isFalse();
		assertThat(this.optOuts.optOut(tenant, aad, OptOuts.ALL, OptOuts.Source.COMMAND, null)).isTrue();
		assertThat(this.optOuts.optOut(tenant, aad, OptOuts.ALL, OptOuts.Source.COMMAND, null)).isFalse();
		assertThat(this.optOuts.isOptedOut(tenant, aad)).isTrue();
		assertThat(this.optOuts.optIn(tenant, aad, OptOuts.ALL, OptOuts.Source.COMMAND)).isTrue();
		assertThat(this.optOuts.isOptedOut(tenant, aad)).isFalse();
	}

	/** These chats are not reachable: keep them out of other tests' audiences. */
	@org.junit.jupiter.api.AfterEach
	void retirePeople() {
		this.tenants.forEach(
				(tenant) -> this.jdbc.sql("UPDATE conversation SET status = 'uninstalled' WHERE tenant_id = :tenant")
					.param("tenant", tenant)
					.update());
	}

	private List<String> people(String tenant, int n) {
		this.tenants.add(tenant);
		List<String> ids = new java.util.ArrayList<>();
		for (int i = 0; i < n; i++) {
			String aad = UUID.randomUUID().toString();
			this.conversations.upsertPersonal(new PersonalConversation(tenant, aad, "29:" + aad, "a:" + aad,
					"https://smba.trafficmanager.net/amer/", "en-US", null));
			ids.add(aad);
		}
		return ids;
	}

	private long announcement() {
		return this.announcements.create(new AnnouncementContent("Opt-out check", null, null, null, null), "test");
	}

	private List<String> recipients(long id, String state) {
		return this.jdbc.sql("SELECT recipient FROM delivery WHERE announcement_id = :id AND state = :state")
			.param("id", id)
			.param("state", state)
			.query(String.class)
			.list();
	}

}
