package dev.herald.audience;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.conversation.ChannelConversation;
import dev.herald.conversation.Conversations;
import dev.herald.announcement.AnnouncementContent;
import dev.herald.announcement.VariantSelector;
import dev.herald.graph.GraphFailure;
import dev.herald.settings.AppSettings;
import dev.herald.teams.TeamsProperties;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Resolves an audience into people and channels, set-based: every source (directory,
 * Graph group and roster pages, addresses, people) is staged into a transaction-local
 * temporary table, then one statement deduplicates, drops guests and departed people, and
 * either counts (preview) or fills the snapshot the dispatcher freezes into its ledger.
 * The preview and the snapshot run the same SQL, so the count an author confirms is the
 * count that gets frozen.
 */
@Component
public class AudienceResolver {

	private static final Logger log = LoggerFactory.getLogger(AudienceResolver.class);

	/**
	 * People (lower-case Entra ids, alias {@code oo.aad}) opted out of this announcement,
	 * by the opt-out module's rule: they are counted and frozen as {@code opted_out},
	 * never messaged. A relation, joined once, rather than a question per person.
	 */
	static final String OPTED_OUT_SQL = "herald_opted_out_people(CAST(:id AS bigint))";

	/**
	 * People in the staged audience who may receive it (shared by preview and freeze).
	 */
	private static final String ELIGIBLE = """
			people AS (
			  SELECT m.aad_object_id AS aad,
			         bool_or(lower(COALESCE(m.user_type, du.user_type, 'member')) = 'guest') AS guest,
			         bool_or(COALESCE(du.deleted, false)) AS gone
			  FROM audience_member m LEFT JOIN directory_user du ON du.aad_object_id = m.aad_object_id
			  GROUP BY m.aad_object_id
			), eligible AS (
			  SELECT p.aad FROM people p WHERE NOT p.gone AND (:allowGuests OR NOT p.guest)
			), reachable AS (
			  SELECT DISTINCT ON (e.aad) e.aad, c.id AS conversation_ref, (oo.aad IS NOT NULL) AS opted_out
			  FROM eligible e
			  LEFT JOIN conversation c ON c.kind = 'personal' AND c.tenant_id = :tenant
			       AND lower(c.aad_object_id) = e.aad AND c.status IN ('active', 'blocked')
			  LEFT JOIN %s oo ON oo.tenant_id = :tenant AND oo.aad = e.aad
			  ORDER BY e.aad, c.status, c.id
			)
			""".formatted(OPTED_OUT_SQL);

	private final JdbcClient jdbc;

	private final JdbcTemplate template;

	private final GraphDirectory graph;

	private final AnnouncementAudiences audiences;

	private final AppSettings settings;

	private final DirectorySync directorySync;

	private final TenantServiceUrl serviceUrl;

	private final TransactionTemplate transactions;

	private final String tenantId;

	private final Conversations conversations;

	AudienceResolver(JdbcClient jdbc, JdbcTemplate template, GraphDirectory graph, AnnouncementAudiences audiences,
			AppSettings settings, DirectorySync directorySync, TenantServiceUrl serviceUrl,
			PlatformTransactionManager transactionManager, TeamsProperties teams, Conversations conversations) {
		this.conversations = conversations;
		this.jdbc = jdbc;
		this.template = template;
		this.graph = graph;
		this.audiences = audiences;
		this.settings = settings;
		this.directorySync = directorySync;
		this.serviceUrl = serviceUrl;
		this.transactions = new TransactionTemplate(transactionManager);
		this.tenantId = teams.tenantId();
	}

	/** What sending to this audience would reach, as of now. */
	@Transactional
	public Preview preview(AudienceDefinition audience) {
		return preview(audience, null);
	}

	/**
	 * What sending this announcement to this audience would reach, as of now: people who
	 * turned its topic off count as opted out, as the freeze will count them (none for a
	 * CRITICAL one). Without an announcement, only opt-outs of everything count.
	 */
	@Transactional
	public Preview preview(AudienceDefinition audience, Long announcementId) {
		audience.validateRules();
		boolean allowGuests = this.settings.allowGuests();
		stage(audience, null);
		Preview counts = this.jdbc
			.sql("WITH " + ELIGIBLE
					+ """
							SELECT (SELECT count(*) FROM reachable) AS people,
							       (SELECT count(*) FROM reachable WHERE conversation_ref IS NULL AND NOT opted_out) AS need_install,
							       (SELECT count(*) FROM reachable WHERE opted_out) AS opted_out,
							       (SELECT count(*) FROM reachable r WHERE r.opted_out AND NOT EXISTS (
							          SELECT 1 FROM opted_out_person op
							          WHERE op.tenant_id = :tenant AND lower(op.aad_object_id) = r.aad)) AS topic_off,
							       (SELECT count(*) FROM people WHERE guest AND NOT gone AND NOT :allowGuests) AS guests,
							       (SELECT count(DISTINCT channel_id) FROM audience_channel) AS channels,
							       (SELECT count(DISTINCT ch.channel_id) FROM audience_channel ch
							        WHERE NOT EXISTS (SELECT 1 FROM conversation c
							                          WHERE c.kind = 'channel' AND c.tenant_id = :tenant
							                            AND c.channel_id = ch.channel_id AND c.status = 'active'))
							         AS need_team
							""")
			.param("allowGuests", allowGuests)
			.param("tenant", this.tenantId)
			// The announcement's topic and importance, by the opt-out module's rule.
			.param("id", announcementId, java.sql.Types.BIGINT)
			.query((rs, i) -> new Preview(rs.getInt("people") + rs.getInt("channels"), rs.getInt("people"),
					rs.getInt("channels"), rs.getInt("need_install"), rs.getInt("need_team"), rs.getInt("opted_out"),
					rs.getInt("guests"), allowGuests, List.of(), rs.getInt("topic_off")))
			.single();
		List<String> unmatched = this.jdbc.sql("""
				SELECT a.address FROM audience_address a
				WHERE NOT EXISTS (SELECT 1 FROM directory_user du
				                  WHERE NOT du.deleted AND (lower(du.upn) = a.address OR lower(du.mail) = a.address))
				ORDER BY a.address LIMIT 1000
				""").query(String.class).list();
		return counts.withUnmatched(unmatched);
	}

	/**
	 * How many people of this audience would get each language variant of this content
	 * (the default under its language tag), by the rule the send applies: Teams locale,
	 * else directory language, then {@link VariantSelector}. Channels are not counted.
	 */
	@Transactional
	public Map<String, Integer> variantSplit(AudienceDefinition audience, AnnouncementContent content) {
		audience.validateRules();
		List<Map.Entry<String, Integer>> languages;
		if (audience.isEmpty()) {
			languages = this.jdbc.sql("""
					SELECT COALESCE(c.locale, du.preferred_language), count(*) FROM conversation c
					LEFT JOIN directory_user du ON du.aad_object_id = lower(c.aad_object_id)
					WHERE c.kind = 'personal' AND c.status = 'active'
					GROUP BY 1
					""").query((rs, i) -> Map.entry(String.valueOf(rs.getString(1)), rs.getInt(2))).list();
		}
		else {
			stage(audience, null);
			languages = this.jdbc.sql("WITH " + ELIGIBLE + """
					SELECT COALESCE(c.locale, du.preferred_language), count(*) FROM reachable r
					LEFT JOIN conversation c ON c.id = r.conversation_ref
					LEFT JOIN directory_user du ON du.aad_object_id = r.aad
					WHERE NOT r.opted_out
					GROUP BY 1
					""")
				.param("allowGuests", this.settings.allowGuests())
				.param("tenant", this.tenantId)
				.param("id", null)
				.query((rs, i) -> Map.entry(String.valueOf(rs.getString(1)), rs.getInt(2)))
				.list();
		}
		Map<String, Integer> split = new LinkedHashMap<>();
		split.put(content.defaultLanguageLabel(), 0);
		content.variants().keySet().forEach((tag) -> split.put(tag, 0));
		for (Map.Entry<String, Integer> language : languages) {
			String variant = VariantSelector.variantFor(content.variants().keySet(), language.getKey());
			split.merge((variant != null) ? variant : content.defaultLanguageLabel(), language.getValue(),
					Integer::sum);
		}
		return split;
	}

	/**
	 * Takes the snapshot of an announcement's stored audience that the dispatcher then
	 * moves into its ledger: Graph groups and team rosters are read page by page into
	 * {@code audience_snapshot_member}, each page committed on its own (no transaction
	 * spans a Graph call, and a directory sync runs in its own); then one transaction
	 * resolves everything (the same SQL as the preview) into {@code audience_snapshot}.
	 * Whatever an earlier, interrupted snapshot of this announcement left is discarded
	 * first, so taking it again after a crash counts nobody twice. Empty when the
	 * announcement has no stored audience: the send then goes to everyone who has the
	 * app.
	 * @throws AudienceResolutionException when a group or team cannot be read
	 * @throws SnapshotAbandonedException when {@code progress} said to stop
	 */
	public Optional<Snapshot> snapshot(long announcementId, Progress progress) {
		AudienceDefinition audience = this.audiences.get(announcementId);
		if (audience.isEmpty()) {
			return Optional.empty();
		}
		discard(announcementId);
		if (!audience.of(AudienceKind.EVERYONE).isEmpty() || !audience.of(AudienceKind.ATTRIBUTE).isEmpty()) {
			ensureDirectory(announcementId, progress);
		}
		int[] gathered = { 0 };
		Consumer<List<GraphDirectory.Member>> pages = (members) -> {
			stageSnapshotMembers(announcementId, members);
			gathered[0] += members.size();
			if (!progress.gathered(gathered[0])) {
				throw new SnapshotAbandonedException(announcementId);
			}
		};
		for (AudienceEntry group : audience.of(AudienceKind.GROUP)) {
			expand("group", group, () -> this.graph.groupMembers(group.ref(), pages));
		}
		for (AudienceEntry team : audience.of(AudienceKind.TEAM)) {
			expand("team", team, () -> this.graph.teamMembers(team.ref(), pages));
		}
		Snapshot snapshot = this.transactions.execute((status) -> resolveSnapshot(announcementId, audience));
		log.info("Announcement {}: audience of {} entries resolved: {} recipients, {} awaiting install, {} opted out",
				announcementId, audience.entries().size(), snapshot.recipients(), snapshot.installing(),
				snapshot.optedOut());
		return Optional.of(snapshot);
	}

	/**
	 * Forgets an announcement's snapshot: once the dispatcher moved it into the ledger,
	 * or when the send was canceled before.
	 */
	public void discard(long announcementId) {
		this.jdbc.sql("DELETE FROM audience_snapshot_member WHERE announcement_id = :id")
			.param("id", announcementId)
			.update();
		this.jdbc.sql("DELETE FROM audience_snapshot WHERE announcement_id = :id").param("id", announcementId).update();
	}

	/**
	 * "Everyone in the organisation" needs the directory: the first sync runs now, on its
	 * own (it has its own lease and error record), or another instance's is waited for.
	 */
	private void ensureDirectory(long announcementId, Progress progress) {
		while (!this.directorySync.everSynced()) {
			try {
				this.directorySync.syncNow();
			}
			catch (DirectorySync.SyncBusyException ex) {
				if (!progress.gathered(0)) {
					throw new SnapshotAbandonedException(announcementId);
				}
				try {
					Thread.sleep(1000);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					throw new SnapshotAbandonedException(announcementId);
				}
			}
		}
	}

	private void stageSnapshotMembers(long announcementId, List<GraphDirectory.Member> members) {
		if (members.isEmpty()) {
			return;
		}
		String[] ids = members.stream().map(GraphDirectory.Member::aadObjectId).toArray(String[]::new);
		String[] types = members.stream().map(GraphDirectory.Member::userType).toArray(String[]::new);
		this.template.execute((Connection con) -> {
			try (PreparedStatement ps = con.prepareStatement("""
					INSERT INTO audience_snapshot_member (announcement_id, aad_object_id, user_type)
					SELECT ?, * FROM unnest(?::text[], ?::text[])
					""")) {
				ps.setLong(1, announcementId);
				ps.setArray(2, con.createArrayOf("text", ids));
				ps.setArray(3, con.createArrayOf("text", types));
				return ps.executeUpdate();
			}
		});
	}

	/** One transaction: the staged sources resolved into the snapshot, in key order. */
	private Snapshot resolveSnapshot(long announcementId, AudienceDefinition audience) {
		// Sorting a million rows in 4 MB spills to disk; this transaction only.
		this.jdbc.sql("SET LOCAL work_mem = '64MB'").update();
		boolean allowGuests = this.settings.allowGuests();
		stage(audience, announcementId);
		Snapshot people = this.jdbc
			.sql("WITH " + ELIGIBLE
					+ """
							, inserted AS (
							  INSERT INTO audience_snapshot (announcement_id, recipient, recipient_kind, conversation_ref, opted_out)
							  SELECT :id, r.aad, 'person', CASE WHEN r.opted_out THEN NULL ELSE r.conversation_ref END, r.opted_out
							  FROM reachable r
							  ORDER BY r.aad
							  ON CONFLICT DO NOTHING
							  RETURNING conversation_ref, opted_out
							)
							SELECT count(*) AS total, count(*) FILTER (WHERE conversation_ref IS NULL AND NOT opted_out) AS installing,
							       count(*) FILTER (WHERE opted_out) AS opted_out
							FROM inserted
							""")
			.param("allowGuests", allowGuests)
			.param("tenant", this.tenantId)
			.param("id", announcementId)
			.query((rs, i) -> new Snapshot(rs.getInt("total"), rs.getInt("installing"), rs.getInt("opted_out")))
			.single();
		// A channel Herald has not heard of yet becomes a conversation now (the
		// conversation module owns that table). A channel of a team Herald is not in
		// is frozen without its conversation: it waits, like a person without the app,
		// until Herald has added itself to the team.
		List<ChannelConversation> heard = this.jdbc.sql("""
				SELECT DISTINCT ON (channel_id) channel_id, team_id, label FROM audience_channel ORDER BY channel_id
				""")
			.query((rs, row) -> new ChannelConversation(this.tenantId, rs.getString(2), rs.getString(1),
					this.serviceUrl.get(), rs.getString(3)))
			.list();
		this.conversations.ensureChannels(this.tenantId, this.serviceUrl.get(), heard);
		int channels = this.jdbc
			.sql("""
					WITH inserted AS (
					  INSERT INTO audience_snapshot (announcement_id, recipient, recipient_kind, conversation_ref, opted_out)
					  SELECT :id, c.channel_id, 'channel', CASE WHEN c.status = 'active' THEN c.id END, false
					  FROM (SELECT DISTINCT channel_id FROM audience_channel) ch
					  JOIN conversation c ON c.kind = 'channel' AND c.tenant_id = :tenant AND c.channel_id = ch.channel_id
					  -- A channel post goes to a channel's conversation, never a person's chat.
					  WHERE c.conversation_id ~ '^19:[^[:space:];/@]+@thread[.](tacv2|skype)$'
					  ON CONFLICT DO NOTHING
					  RETURNING 1
					)
					SELECT count(*) FROM inserted
					""")
			.param("tenant", this.tenantId)
			.param("id", announcementId)
			.query(Integer.class)
			.single();
		// The pages are in the snapshot now; a retry starts from Graph again anyway.
		this.jdbc.sql("DELETE FROM audience_snapshot_member WHERE announcement_id = :id")
			.param("id", announcementId)
			.update();
		return new Snapshot(people.recipients() + channels, people.installing(), people.optedOut());
	}

	/**
	 * Fills the transaction's staging tables from every entry of the audience; groups and
	 * teams from Graph, or (for a snapshot) from the pages already read for it.
	 */
	private void stage(AudienceDefinition audience, Long snapshotOf) {
		this.jdbc.sql("""
				CREATE TEMP TABLE IF NOT EXISTS audience_member (aad_object_id text NOT NULL, user_type text)
				ON COMMIT DROP
				""").update();
		this.jdbc.sql("""
				CREATE TEMP TABLE IF NOT EXISTS audience_channel (channel_id text NOT NULL, team_id text, label text)
				ON COMMIT DROP
				""").update();
		this.jdbc.sql("CREATE TEMP TABLE IF NOT EXISTS audience_address (address text NOT NULL) ON COMMIT DROP")
			.update();
		this.jdbc.sql("TRUNCATE audience_member, audience_channel, audience_address").update();
		if (!audience.of(AudienceKind.EVERYONE).isEmpty()) {
			if (snapshotOf == null && !this.directorySync.everSynced()) {
				this.directorySync.syncNow();
			}
			this.jdbc.sql("""
					INSERT INTO audience_member (aad_object_id, user_type)
					SELECT aad_object_id, user_type FROM directory_user WHERE NOT deleted
					""").update();
		}
		if (snapshotOf != null) {
			this.jdbc.sql("""
					INSERT INTO audience_member (aad_object_id, user_type)
					SELECT aad_object_id, user_type FROM audience_snapshot_member WHERE announcement_id = :id
					""").param("id", snapshotOf).update();
		}
		else {
			for (AudienceEntry group : audience.of(AudienceKind.GROUP)) {
				expand("group", group, () -> this.graph.groupMembers(group.ref(), this::stageMembers));
			}
			for (AudienceEntry team : audience.of(AudienceKind.TEAM)) {
				expand("team", team, () -> this.graph.teamMembers(team.ref(), this::stageMembers));
			}
		}
		List<GraphDirectory.Member> people = audience.of(AudienceKind.PERSON)
			.stream()
			.map((p) -> new GraphDirectory.Member(p.ref().toLowerCase(Locale.ROOT), null))
			.toList();
		stageMembers(people);
		List<String> addresses = audience.of(AudienceKind.ADDRESS)
			.stream()
			.map((a) -> a.ref().toLowerCase(Locale.ROOT))
			.distinct()
			.toList();
		if (!addresses.isEmpty()) {
			String[] array = addresses.toArray(String[]::new);
			this.template.execute((Connection con) -> {
				try (PreparedStatement ps = con.prepareStatement(
						"""
								WITH a AS (INSERT INTO audience_address SELECT unnest(?::text[]) RETURNING address)
								INSERT INTO audience_member (aad_object_id, user_type)
								SELECT du.aad_object_id, du.user_type FROM a JOIN directory_user du ON lower(du.upn) = a.address
								WHERE NOT du.deleted
								UNION
								SELECT du.aad_object_id, du.user_type FROM a JOIN directory_user du ON lower(du.mail) = a.address
								WHERE NOT du.deleted
								""")) {
					ps.setArray(1, con.createArrayOf("text", array));
					return ps.executeUpdate();
				}
			});
		}
		List<AudienceEntry> rules = audience.of(AudienceKind.ATTRIBUTE);
		if (!rules.isEmpty()) {
			// A snapshot synced the directory before its transaction (ensureDirectory).
			if (snapshotOf == null && !this.directorySync.everSynced()) {
				this.directorySync.syncNow();
			}
			for (AudienceEntry rule : rules) {
				stageRule(AttributeRule.parse(rule.ref(), "r"));
			}
		}
		for (AudienceEntry channel : audience.of(AudienceKind.CHANNEL)) {
			// Stored audiences are checked when saved; one saved before that check (or by
			// any other path) still never turns a chat id into a "channel" post.
			if (!AudienceValidator.isChannelId(channel.ref())) {
				log.warn("Audience channel entry {} is not a channel id; left out", channel.ref());
				continue;
			}
			this.jdbc.sql("INSERT INTO audience_channel (channel_id, team_id, label) VALUES (:c, :t, :l)")
				.param("c", channel.ref())
				.param("t", channel.teamId())
				.param("l", channel.label())
				.update();
		}
	}

	/**
	 * Everyone the rule selects in the synced directory; the rule's values are bind
	 * parameters, its SQL only fixed column names and operators.
	 */
	private void stageRule(AttributeRule rule) {
		this.jdbc.sql("""
				INSERT INTO audience_member (aad_object_id, user_type)
				SELECT du.aad_object_id, du.user_type FROM directory_user du WHERE NOT du.deleted AND
				""" + rule.sql()).params(rule.params()).update();
	}

	private void expand(String what, AudienceEntry entry, Runnable expansion) {
		try {
			expansion.run();
		}
		catch (SnapshotAbandonedException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			GraphFailure failure = GraphFailure.of(ex);
			String name = (entry.label() != null) ? entry.label() + " (" + entry.ref() + ")" : entry.ref();
			throw new AudienceResolutionException(failure.status() == 404,
					"Could not read the members of " + what + " " + name + ": " + failure.describe(), ex);
		}
	}

	private void stageMembers(List<GraphDirectory.Member> members) {
		if (members.isEmpty()) {
			return;
		}
		String[] ids = members.stream().map(GraphDirectory.Member::aadObjectId).toArray(String[]::new);
		String[] types = members.stream().map(GraphDirectory.Member::userType).toArray(String[]::new);
		this.template.execute((Connection con) -> {
			try (PreparedStatement ps = con.prepareStatement(
					"INSERT INTO audience_member (aad_object_id, user_type) SELECT * FROM unnest(?::text[], ?::text[])")) {
				ps.setArray(1, con.createArrayOf("text", ids));
				ps.setArray(2, con.createArrayOf("text", types));
				return ps.executeUpdate();
			}
		});
	}

	/**
	 * What an audience reaches.
	 *
	 * @param recipients ledger rows a send would create: people plus channels
	 * @param people distinct people after dropping guests and departed people
	 * @param channels distinct channels
	 * @param needInstall people who do not have Herald yet (installed proactively)
	 * @param needTeamInstall channels whose team Herald is not in yet (it adds itself to
	 * the team first)
	 * @param optedOut people who opted out (counted, never messaged)
	 * @param guestsExcluded guests left out because the admin setting does not allow them
	 * @param guestsAllowed the setting at the time of the preview
	 * @param unmatchedAddresses addresses that match nobody in the directory (first 1000)
	 * @param topicOptedOut of the opted-out people, those who turned only the
	 * announcement's topic off (0 without an announcement)
	 */
	public record Preview(int recipients, int people, int channels, int needInstall, int needTeamInstall, int optedOut,
			int guestsExcluded, boolean guestsAllowed, List<String> unmatchedAddresses, int topicOptedOut) {

		Preview withUnmatched(List<String> unmatched) {
			return new Preview(this.recipients, this.people, this.channels, this.needInstall, this.needTeamInstall,
					this.optedOut, this.guestsExcluded, this.guestsAllowed, unmatched, this.topicOptedOut);
		}

	}

	/**
	 * What a snapshot holds.
	 *
	 * @param recipients rows: people plus channels
	 * @param installing people without a conversation (to be installed)
	 * @param optedOut people who opted out (frozen as such, never messaged)
	 */
	public record Snapshot(int recipients, int installing, int optedOut) {
	}

	/** Told of the people gathered so far; answers false when the snapshot must stop. */
	@FunctionalInterface
	public interface Progress {

		boolean gathered(int people);

	}

	/** The snapshot was stopped: its send was canceled or is prepared elsewhere. */
	public static class SnapshotAbandonedException extends RuntimeException {

		SnapshotAbandonedException(long announcementId) {
			super("The audience snapshot of announcement " + announcementId + " was abandoned");
		}

	}

	/** A group or team could not be read. */
	public static class AudienceResolutionException extends RuntimeException {

		private final boolean notFound;

		AudienceResolutionException(boolean notFound, String message, Throwable cause) {
			super(message, cause);
			this.notFound = notFound;
		}

		public boolean notFound() {
			return this.notFound;
		}

	}

}
