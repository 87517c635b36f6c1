package dev.herald.optout;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Who opted out of what (table {@code opt_out}, one row per person and topic).
 * <p>
 * <b>Contract with the dispatcher.</b> The database view {@value #VIEW} lists
 * {@code (tenant_id, aad_object_id)} of everyone opted out of all announcements. The
 * ledger freeze excludes them with {@link #NOT_OPTED_OUT} (conversation alias {@code c}),
 * or, to keep an audit row and the {@code opted_out} count, marks them with
 * {@link #DELIVERY_STATE}; {@code OptOutExclusionIntegrationTests} runs both forms.
 */
@Component
public class OptOuts {

	/** The view of people opted out of everything. */
	public static final String VIEW = "opted_out_person";

	/** Topic meaning every announcement. */
	public static final String ALL = "all";

	/**
	 * Condition for a query over {@code conversation c} with the announcement id bound as
	 * {@code :id}: the person has not opted out of it (of everything or of its topic;
	 * critical announcements reach everyone). The rule itself is the SQL function
	 * {@code herald_opted_out} (migration V42), shared with the audience freeze.
	 */
	public static final String NOT_OPTED_OUT = "NOT herald_opted_out(c.tenant_id, c.aad_object_id, CAST(:id AS bigint))";

	/**
	 * Initial ledger state for a row over {@code conversation c} (announcement id bound
	 * as {@code :id}): {@code 'opted_out'} for people who opted out, {@code 'pending'}
	 * otherwise.
	 */
	public static final String DELIVERY_STATE = "CASE WHEN " + NOT_OPTED_OUT + " THEN 'pending' ELSE 'opted_out' END";

	private final JdbcClient jdbc;

	OptOuts(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Opts a person out of a topic ({@link #ALL} for everything).
	 * @return whether this changed anything (false when already opted out)
	 */
	public boolean optOut(String tenantId, String aadObjectId, String topic, Source source, Long announcementId) {
		return change(tenantId, aadObjectId, topic, true, source, announcementId);
	}

	/**
	 * Opts a person back in.
	 * @return whether this changed anything (false when not opted out)
	 */
	public boolean optIn(String tenantId, String aadObjectId, String topic, Source source) {
		return change(tenantId, aadObjectId, topic, false, source, null);
	}

	/** Whether the person opted out of everything. */
	public boolean isOptedOut(String tenantId, String aadObjectId) {
		return this.jdbc
			.sql("SELECT EXISTS (SELECT 1 FROM " + VIEW + " WHERE tenant_id = :tenant AND aad_object_id = :aad)")
			.param("tenant", tenantId)
			.param("aad", aadObjectId)
			.query(Boolean.class)
			.single();
	}

	private boolean change(String tenantId, String aadObjectId, String topic, boolean optedOut, Source source,
			Long announcementId) {
		// Opting in someone who never opted out writes nothing: the table only holds
		// people who expressed a choice.
		return this.jdbc.sql("""
				INSERT INTO opt_out AS o (tenant_id, aad_object_id, topic, opted_out, source, announcement_id)
				SELECT :tenant, :aad, :topic, :optedOut, :source, :announcement
				WHERE :optedOut OR EXISTS (SELECT 1 FROM opt_out
				                           WHERE tenant_id = :tenant AND aad_object_id = :aad AND topic = :topic)
				ON CONFLICT (tenant_id, aad_object_id, topic) DO UPDATE SET
				  opted_out = EXCLUDED.opted_out, source = EXCLUDED.source,
				  announcement_id = EXCLUDED.announcement_id, changed_at = now()
				WHERE o.opted_out <> EXCLUDED.opted_out
				""")
			.param("tenant", tenantId)
			.param("aad", aadObjectId)
			.param("topic", topic)
			.param("optedOut", optedOut)
			.param("source", source.dbValue())
			.param("announcement",
					(announcementId != null && announcementExists(announcementId)) ? announcementId : null,
					java.sql.Types.BIGINT)
			.update() == 1;
	}

	private boolean announcementExists(long id) {
		return this.jdbc.sql("SELECT EXISTS (SELECT 1 FROM announcement WHERE id = :id)")
			.param("id", id)
			.query(Boolean.class)
			.single();
	}

	/** How an opt-out was expressed. */
	public enum Source {

		/** Typed "stop"/"start" to the bot. */
		COMMAND,
		/** A button on a broadcast card. */
		CARD,
		/** Changed by an admin. */
		ADMIN;

		public String dbValue() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

	}

}
