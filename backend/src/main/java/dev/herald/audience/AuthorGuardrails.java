package dev.herald.audience;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.herald.announcement.SendPolicy;
import dev.herald.security.Actor;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Author guardrails: per Entra group of authors (the token's {@code groups} claim) or per
 * author (object id, client id or user name), which audiences they may use, whether
 * "everyone", whether CRITICAL. An author no rule names is not limited; one named by
 * several rules gets what any of them allows. Admins are never limited.
 */
@Component
public class AuthorGuardrails {

	private final JdbcClient jdbc;

	AuthorGuardrails(JdbcClient jdbc) {
		this.jdbc = jdbc;
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

	/** Creates or replaces the rule for this subject; returns its id. */
	public long put(String subjectKind, String subjectId, List<String> allowedAudiences, boolean everyone,
			boolean critical, Actor by) {
		return this.jdbc
			.sql("""
					INSERT INTO author_guardrail (subject_kind, subject_id, allowed_audiences, allow_everyone, allow_critical,
					                              updated_by)
					VALUES (:kind, :subject, :allowed, :everyone, :critical, :by)
					ON CONFLICT (subject_kind, subject_id) DO UPDATE SET allowed_audiences = EXCLUDED.allowed_audiences,
					  allow_everyone = EXCLUDED.allow_everyone, allow_critical = EXCLUDED.allow_critical,
					  updated_by = EXCLUDED.updated_by, updated_at = now()
					RETURNING id
					""")
			.param("kind", subjectKind)
			.param("subject", subjectId)
			.param("allowed", allowedAudiences.toArray(String[]::new))
			.param("everyone", everyone)
			.param("critical", critical)
			.param("by", by.id())
			.query(Long.class)
			.single();
	}

	public boolean delete(long id) {
		return this.jdbc.sql("DELETE FROM author_guardrail WHERE id = :id").param("id", id).update() == 1;
	}

	/** The limits that apply to this actor; empty when none does. */
	public Optional<Limits> limitsFor(Actor actor) {
		if (actor.isAdmin() || actor.kind() == Actor.Kind.SYSTEM) {
			return Optional.empty();
		}
		List<String> authors = new ArrayList<>(List.of(actor.id(), actor.name()));
		if (actor.aadObjectId() != null) {
			authors.add(actor.aadObjectId());
		}
		List<Guardrail> rules = this.jdbc.sql("SELECT " + COLUMNS + """
				 FROM author_guardrail
				WHERE (subject_kind = 'author' AND lower(subject_id) IN (:authors))
				   OR (subject_kind = 'group' AND lower(subject_id) IN (:groups))
				""")
			.param("authors", authors.stream().map((a) -> a.toLowerCase(java.util.Locale.ROOT)).toList())
			// An empty IN list is invalid SQL; a blank group id matches no rule (ids are
			// not blank).
			.param("groups",
					actor.groups().isEmpty() ? List.of("")
							: actor.groups().stream().map((g) -> g.toLowerCase(java.util.Locale.ROOT)).toList())
			.query(AuthorGuardrails::map)
			.list();
		if (rules.isEmpty()) {
			return Optional.empty();
		}
		Set<String> allowed = new LinkedHashSet<>();
		boolean everyone = false;
		boolean critical = false;
		for (Guardrail rule : rules) {
			allowed.addAll(rule.allowedAudiences());
			everyone |= rule.allowEveryone();
			critical |= rule.allowCritical();
		}
		if (everyone) {
			allowed.add("everyone:*");
		}
		return Optional.of(new Limits(AudienceAllowList.of(allowed), everyone, critical));
	}

	/**
	 * Refuses an audience this actor may not use. An empty audience goes to everyone who
	 * has the app, so it needs "everyone".
	 * @throws SendPolicy.GuardrailException when refused
	 */
	public void checkAudience(AudienceDefinition audience, Actor actor) {
		limitsFor(actor).ifPresent((limits) -> {
			List<String> refused = audience.isEmpty() ? (limits.everyone() ? List.of() : List.of("everyone:*"))
					: limits.allowList().refused(audience);
			if (!refused.isEmpty()) {
				throw new SendPolicy.GuardrailException("Your guardrails do not allow these audiences: " + refused
						+ ". Ask an admin, or choose an audience you may use.", refused);
			}
		});
	}

	/** Refuses CRITICAL importance to an actor whose guardrails do not allow it. */
	public void checkCritical(boolean critical, Actor actor) {
		if (critical && limitsFor(actor).map((l) -> !l.critical()).orElse(false)) {
			throw new SendPolicy.GuardrailException("Your guardrails do not allow CRITICAL announcements.",
					List.of("importance:critical"));
		}
	}

	private static final String COLUMNS = """
			id, subject_kind, subject_id, allowed_audiences, allow_everyone, allow_critical, updated_by, updated_at
			""";

	private static Guardrail map(ResultSet rs, int row) throws SQLException {
		return new Guardrail(rs.getLong("id"), rs.getString("subject_kind"), rs.getString("subject_id"),
				strings(rs.getArray("allowed_audiences")), rs.getBoolean("allow_everyone"),
				rs.getBoolean("allow_critical"), rs.getString("updated_by"), rs.getTimestamp("updated_at").toInstant());
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
	 */
	public record Guardrail(long id, String subjectKind, String subjectId, List<String> allowedAudiences,
			boolean allowEveryone, boolean allowCritical, String updatedBy, java.time.Instant updatedAt) {
	}

	/** What applies to one author: the union of the rules that name them. */
	public record Limits(AudienceAllowList allowList, boolean everyone, boolean critical) {
	}

}
