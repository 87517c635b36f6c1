package dev.herald.audience;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import dev.herald.announcement.SendPolicy;
import dev.herald.security.Actor;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Author guardrails: per Entra group of authors (the token's {@code groups} claim), per
 * author (object id, client id or user name), or for every author (the default rule,
 * subject {@code author *}): which audiences they may use, whether "everyone", whether
 * CRITICAL. Rules only grant: an author named by several rules gets what any of them
 * allows. Admins are never limited.
 * <p>
 * Fail closed: with no rule at all guardrails are not in use and Authors are not limited;
 * as soon as one rule exists, an author no rule names may use no audience and no CRITICAL
 * (an admin names them, one of their groups, or adds the default rule). When group rules
 * exist and the token does not list the author's groups (no {@code groups} claim, as in
 * app-only tokens, or an overage), only the rules that name them otherwise count, and a
 * refusal says the groups were unknown.
 */
@Component
public class AuthorGuardrails {

	private final JdbcClient jdbc;

	private final AudienceValidator validator;

	AuthorGuardrails(JdbcClient jdbc, AudienceValidator validator) {
		this.jdbc = jdbc;
		this.validator = validator;
	}

	public List<Guardrail> list() {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM author_guardrail ORDER BY subject_kind, subject_id")
			.query(AuthorGuardrails::map)
			.list();
	}

	public Optional<Guardrail> find(long id) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM author_guardrail WHERE id = :id")
			.param("id", id)
			.query(AuthorGuardrails::map)
			.optional();
	}

	/** Creates or replaces the rule for this subject (any topic); returns its id. */
	public long put(String subjectKind, String subjectId, List<String> allowedAudiences, boolean everyone,
			boolean critical, Actor by) {
		return put(subjectKind, subjectId, allowedAudiences, everyone, critical, false, null, by);
	}

	/** As above, with whether the rule grants urgent alerts (#25), any topic. */
	public long put(String subjectKind, String subjectId, List<String> allowedAudiences, boolean everyone,
			boolean critical, boolean urgent, Actor by) {
		return put(subjectKind, subjectId, allowedAudiences, everyone, critical, urgent, null, by);
	}

	/** As above, with the topics the rule allows (by name), null for any; no urgent. */
	public long put(String subjectKind, String subjectId, List<String> allowedAudiences, boolean everyone,
			boolean critical, List<String> allowedTopics, Actor by) {
		return put(subjectKind, subjectId, allowedAudiences, everyone, critical, false, allowedTopics, by);
	}

	/**
	 * Creates or replaces the rule for this subject; returns its id.
	 * @param urgent whether the rule grants urgent alerts (#25)
	 * @param allowedTopics the topics the rule allows (by name), null for any
	 */
	public long put(String subjectKind, String subjectId, List<String> allowedAudiences, boolean everyone,
			boolean critical, boolean urgent, List<String> allowedTopics, Actor by) {
		return this.jdbc
			.sql("""
					INSERT INTO author_guardrail (subject_kind, subject_id, allowed_audiences, allow_everyone, allow_critical,
					                              allow_urgent, allowed_topics, updated_by)
					VALUES (:kind, :subject, :allowed, :everyone, :critical, :urgent, :topics, :by)
					ON CONFLICT (subject_kind, subject_id) DO UPDATE SET allowed_audiences = EXCLUDED.allowed_audiences,
					  allow_everyone = EXCLUDED.allow_everyone, allow_critical = EXCLUDED.allow_critical,
					  allow_urgent = EXCLUDED.allow_urgent, allowed_topics = EXCLUDED.allowed_topics,
					  updated_by = EXCLUDED.updated_by, updated_at = now()
					RETURNING id
					""")
			.param("urgent", urgent)
			.param("kind", subjectKind)
			.param("subject", subjectId)
			.param("allowed", allowedAudiences.toArray(String[]::new))
			.param("everyone", everyone)
			.param("critical", critical)
			.param("topics", (allowedTopics != null) ? allowedTopics.toArray(String[]::new) : null)
			.param("by", by.id())
			.query(Long.class)
			.single();
	}

	public boolean delete(long id) {
		return this.jdbc.sql("DELETE FROM author_guardrail WHERE id = :id").param("id", id).update() == 1;
	}

	/**
	 * The limits that apply to this actor; empty only when it is not limited (an Admin,
	 * Herald itself, or no guardrail exists at all).
	 */
	public Optional<Limits> limitsFor(Actor actor) {
		if (actor.isAdmin() || actor.kind() == Actor.Kind.SYSTEM) {
			return Optional.empty();
		}
		boolean inUse = this.jdbc.sql("SELECT EXISTS (SELECT 1 FROM author_guardrail)").query(Boolean.class).single();
		if (!inUse) {
			return Optional.empty();
		}
		List<String> authors = new ArrayList<>(List.of(actor.id(), actor.name(), DEFAULT_SUBJECT));
		if (actor.aadObjectId() != null) {
			authors.add(actor.aadObjectId());
		}
		List<Guardrail> rules = this.jdbc.sql("SELECT " + COLUMNS + """
				 FROM author_guardrail
				WHERE (subject_kind = 'author' AND lower(subject_id) IN (:authors))
				   OR (subject_kind = 'group' AND lower(subject_id) IN (:groups))
				""")
			.param("authors", authors.stream().map((a) -> a.toLowerCase(Locale.ROOT)).toList())
			// An empty IN list is invalid SQL; a blank group id matches no rule (ids are
			// not blank).
			.param("groups",
					actor.groups().isEmpty() ? List.of("")
							: actor.groups().stream().map((g) -> g.toLowerCase(Locale.ROOT)).toList())
			.query(AuthorGuardrails::map)
			.list();
		boolean groupRules = this.jdbc
			.sql("SELECT EXISTS (SELECT 1 FROM author_guardrail WHERE subject_kind = 'group')")
			.query(Boolean.class)
			.single();
		String unknown = null;
		if (groupRules && !actor.groupsKnown()) {
			unknown = "Herald cannot tell which guardrails apply to you: guardrails are set per group of authors and "
					+ "your token does not list your groups (no 'groups' claim, as in app-only tokens, or more groups "
					+ "than a token carries). Ask an admin to name you in a rule, or to add the groups claim.";
		}
		else if (rules.isEmpty()) {
			unknown = "No guardrail names you, and guardrails are in use: you may not address any audience until an "
					+ "admin adds a rule for you, for one of your groups, or the default rule (author '*').";
		}
		Set<String> allowed = new LinkedHashSet<>();
		boolean everyone = false;
		boolean critical = false;
		// Rules only grant: one rule without a topic list allows every topic.
		Set<String> topics = new LinkedHashSet<>();
		boolean anyTopic = false;
		boolean urgent = false;
		for (Guardrail rule : rules) {
			allowed.addAll(rule.allowedAudiences());
			everyone |= rule.allowEveryone();
			critical |= rule.allowCritical();
			if (rule.allowedTopics() == null) {
				anyTopic = true;
			}
			else {
				rule.allowedTopics().forEach((t) -> topics.add(t.toLowerCase(Locale.ROOT)));
			}
			urgent |= rule.allowUrgent();
		}
		if (everyone) {
			allowed.add("everyone:*");
		}
		return Optional.of(new Limits(AudienceAllowList.of(allowed), everyone, critical, urgent, unknown,
				anyTopic ? null : Set.copyOf(topics)));
	}

	/**
	 * Refuses an audience this actor may not use. An empty audience goes to everyone who
	 * has the app, so it needs "everyone". A channel allowed only through its team's rule
	 * is checked against the directory again: the entry's {@code teamId} is the client's
	 * word until Graph confirms it.
	 * @throws SendPolicy.GuardrailException when refused
	 */
	public void checkAudience(AudienceDefinition audience, Actor actor) {
		limitsFor(actor).ifPresent((limits) -> {
			List<String> refused = new ArrayList<>(audience.isEmpty()
					? (limits.everyone() ? List.of() : List.of("everyone:*")) : limits.allowList().refused(audience));
			List<AudienceEntry> throughTeam = audience.entries()
				.stream()
				.filter((e) -> e.kind() == AudienceKind.CHANNEL && limits.allowList().allowsOnlyThroughTeam(e))
				.toList();
			if (!throughTeam.isEmpty()) {
				refused.addAll(this.validator.notInTheirTeam(throughTeam));
			}
			if (!refused.isEmpty()) {
				throw new SendPolicy.GuardrailException(((limits.why() != null) ? limits.why() + " " : "")
						+ "Your guardrails do not allow these audiences: " + refused
						+ ". Ask an admin, or choose an audience you may use.", refused);
			}
		});
	}

	/** Refuses CRITICAL importance to an actor whose guardrails do not allow it. */
	public void checkCritical(boolean critical, Actor actor) {
		if (!critical) {
			return;
		}
		limitsFor(actor).filter((l) -> !l.critical()).ifPresent((limits) -> {
			throw new SendPolicy.GuardrailException(((limits.why() != null) ? limits.why() + " " : "")
					+ "Your guardrails do not allow CRITICAL announcements.", List.of("importance:critical"));
		});
	}

	/**
	 * Refuses a topic this actor's guardrails do not list (no topic is always allowed).
	 * As CRITICAL, checked when content is saved and again before a send or an edit after
	 * it.
	 */
	public void checkTopic(String topic, Actor actor) {
		if (topic == null) {
			return;
		}
		limitsFor(actor).filter((l) -> l.topics() != null && !l.topics().contains(topic.toLowerCase(Locale.ROOT)))
			.ifPresent((limits) -> {
				throw new SendPolicy.GuardrailException(((limits.why() != null) ? limits.why() + " " : "")
						+ "Your guardrails do not allow the topic '" + topic + "'.", List.of("topic:" + topic));
			});
	}

	/**
	 * Refuses URGENT to an actor no guardrail rule grants it. Unlike CRITICAL it is never
	 * granted by default: with no guardrail at all only Admins (and Herald itself) may
	 * alert the whole audience through the activity feed; an admin grants authors with a
	 * rule (for them, one of their groups, or every author).
	 */
	public void checkUrgent(boolean urgent, Actor actor) {
		if (!urgent || actor.isAdmin() || actor.kind() == Actor.Kind.SYSTEM) {
			return;
		}
		Optional<Limits> limits = limitsFor(actor);
		if (limits.isEmpty()) {
			throw new SendPolicy.GuardrailException(
					"Urgent alerts go to everyone's activity feed at once: an admin "
							+ "must grant them with a guardrail rule (for you, one of your groups, or every author).",
					List.of("importance:urgent"));
		}
		if (!limits.get().urgent()) {
			throw new SendPolicy.GuardrailException(((limits.get().why() != null) ? limits.get().why() + " " : "")
					+ "Your guardrails do not allow URGENT announcements.", List.of("importance:urgent"));
		}
	}

	/** The subject of the default rule: every author. */
	static final String DEFAULT_SUBJECT = "*";

	private static final String COLUMNS = """
			id, subject_kind, subject_id, allowed_audiences, allow_everyone, allow_critical, updated_by, updated_at,
			allowed_topics, allow_urgent
			""";

	private static Guardrail map(ResultSet rs, int row) throws SQLException {
		return new Guardrail(rs.getLong("id"), rs.getString("subject_kind"), rs.getString("subject_id"),
				strings(rs.getArray("allowed_audiences")), rs.getBoolean("allow_everyone"),
				rs.getBoolean("allow_critical"), rs.getString("updated_by"), rs.getTimestamp("updated_at").toInstant(),
				(rs.getArray("allowed_topics") != null) ? strings(rs.getArray("allowed_topics")) : null,
				rs.getBoolean("allow_urgent"));
	}

	private static List<String> strings(Array array) throws SQLException {
		return (array != null) ? Arrays.asList((String[]) array.getArray()) : List.of();
	}

	/**
	 * One rule.
	 *
	 * @param id its id
	 * @param subjectKind {@code group} (Entra group of authors) or {@code author}
	 * @param subjectId the group's object id, or the author's object id, client id or
	 * user name
	 * @param allowedAudiences {@code kind:ref} entries they may address
	 * @param allowEveryone whether they may address everyone
	 * @param allowCritical whether they may send CRITICAL announcements
	 * @param updatedBy who last changed it
	 * @param updatedAt when
	 * @param allowedTopics the topics they may use (by name); null for any
	 * @param allowUrgent whether they may send URGENT announcements (#25)
	 */
	public record Guardrail(long id, String subjectKind, String subjectId, List<String> allowedAudiences,
			boolean allowEveryone, boolean allowCritical, String updatedBy, Instant updatedAt,
			List<String> allowedTopics, boolean allowUrgent) {
	}

	/**
	 * What applies to one author: the union of the rules that name them.
	 *
	 * @param allowList the audiences they may use
	 * @param everyone whether everyone
	 * @param critical whether CRITICAL
	 * @param urgent whether URGENT
	 * @param why why the limits are narrower than they may be (no rule names them, or
	 * their groups are unknown); null otherwise
	 * @param topics the topics they may use (lower-case names); null for any
	 */
	public record Limits(AudienceAllowList allowList, boolean everyone, boolean critical, boolean urgent, String why,
			Set<String> topics) {
	}

}
