package dev.herald.optout;

import java.sql.Types;
import java.util.Locale;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Who opted out of what (table {@code opt_out}, one row per person and topic).
 * <p>
 * <b>Contract with the dispatcher.</b> A freeze over {@code conversation c} (announcement
 * id bound as {@code :id}) adds {@link #JOIN}, then excludes opted-out people with
 * {@link #NOT_OPTED_OUT} or, to keep an audit row and the {@code opted_out} count, gives
 * them the dispatcher's opted-out state where {@link #NOT_OPTED_OUT} is false;
 * {@code OptOutExclusionIntegrationTests} runs both forms. The rule itself is the SQL
 * function {@code herald_opted_out_people} (V61): a relation, so a million-person freeze
 * hash-joins it instead of asking person by person.
 */
@Component
public class OptOuts {

	/** The view of people opted out of everything. */
	public static final String VIEW = "opted_out_person";

	/** Topic meaning every announcement. */
	public static final String ALL = "all";

	/**
	 * Joins, to a query over {@code conversation c} with the announcement id bound as
	 * {@code :id}, the people opted out of that announcement (alias {@code oo}): of
	 * everything or of its topic; critical announcements reach everyone.
	 */
	public static final String JOIN = " LEFT JOIN herald_opted_out_people(CAST(:id AS bigint)) oo"
			+ " ON oo.tenant_id = c.tenant_id AND oo.aad = lower(c.aad_object_id) ";

	/** Condition, after {@link #JOIN}: the person has not opted out. */
	public static final String NOT_OPTED_OUT = "oo.aad IS NULL";

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

	/**
	 * What one person turned off (#24): the topics, and {@link #ALL} when everything.
	 * @param tenants the forms of their tenant id to match
	 * @param keys the forms of their Entra object id to match
	 */
	public java.util.Set<String> optedOutOf(java.util.List<String> tenants, java.util.List<String> keys) {
		return new java.util.HashSet<>(this.jdbc.sql("""
				SELECT DISTINCT topic FROM opt_out
				WHERE opted_out AND tenant_id IN (:tenants) AND lower(aad_object_id) IN (:keys)
				""")
			.param("tenants", tenants)
			.param("keys", keys.stream().map((k) -> k.toLowerCase(Locale.ROOT)).distinct().toList())
			.query(String.class)
			.list());
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
					Types.BIGINT)
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
		ADMIN,
		/** A topic turned off or on in the personal tab. */
		TAB,
		/** The unsubscribe link of an e-mail (#26). */
		EMAIL;

		public String dbValue() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

}
