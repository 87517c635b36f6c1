package dev.herald.announcement;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import tools.jackson.databind.json.JsonMapper;

import dev.herald.audit.AuditAction;
import dev.herald.audit.AuditLog;
import dev.herald.security.Actor;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.server.ResponseStatusException;

/** Saved starting points for announcements (table {@code announcement_template}). */
@Component
public class AnnouncementTemplates {

	private static final JsonMapper JSON = JsonMapper.shared();

	private final JdbcClient jdbc;

	private final AuditLog audit;

	AnnouncementTemplates(JdbcClient jdbc, AuditLog audit) {
		this.jdbc = jdbc;
		this.audit = audit;
	}

	/** Saves an announcement's content as a template, with its audit row. */
	@Transactional
	public long saveFrom(long announcementId, String name, AnnouncementContent content, String createdBy, Actor actor) {
		long id = save(name, content, createdBy, actor.id());
		this.audit.record(actor, AuditAction.TEMPLATE_SAVE, announcementId,
				"saved as template " + id + " \"" + name + "\"");
		return id;
	}

	public long save(String name, AnnouncementContent content, String createdBy) {
		return save(name, content, createdBy, null);
	}

	/** Saves a template owned by {@code ownerId} (who alone, or an Admin, deletes it). */
	public long save(String name, AnnouncementContent content, String createdBy, String ownerId) {
		return this.jdbc.sql("""
				INSERT INTO announcement_template (name, content, created_by, owner_id)
				VALUES (:name, CAST(:content AS jsonb), :by, :owner)
				RETURNING id
				""")
			.param("name", name)
			.param("content", JSON.writeValueAsString(content))
			.param("by", createdBy)
			.param("owner", ownerId)
			.query(Long.class)
			.single();
	}

	public List<Template> list() {
		return this.jdbc
			.sql("SELECT id, name, content, created_by, created_at FROM announcement_template ORDER BY name, id")
			.query((rs, i) -> new Template(rs.getLong(1), rs.getString(2),
					JSON.readValue(rs.getString(3), AnnouncementContent.class), rs.getString(4),
					rs.getTimestamp(5).toInstant()))
			.list();
	}

	public Optional<Template> find(long id) {
		return list().stream().filter((t) -> t.id() == id).findFirst();
	}

	/** The ids of the templates this actor may delete. */
	public Set<Long> deletableBy(Actor actor) {
		return Set.copyOf(this.jdbc
			.sql("""
					SELECT id FROM announcement_template
					WHERE :admin OR owner_id = :id OR (CAST(:aad AS text) IS NOT NULL AND lower(owner_id) = lower(CAST(:aad AS text)))
					""")
			.param("admin", actor.isAdmin())
			.param("id", actor.id())
			.param("aad", actor.aadObjectId())
			.query(Long.class)
			.list());
	}

	/**
	 * Deletes a template for this actor, with its audit row: its owner or an Admin;
	 * anyone else is refused (403, no row), and an unknown id is a 404.
	 */
	@Transactional
	public void delete(long id, Actor actor) {
		String owner = this.jdbc.sql("SELECT COALESCE(owner_id, '') FROM announcement_template WHERE id = :id")
			.param("id", id)
			.query(String.class)
			.optional()
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No template " + id));
		boolean mine = !owner.isEmpty() && (owner.equals(actor.id())
				|| (actor.aadObjectId() != null && owner.equalsIgnoreCase(actor.aadObjectId())));
		if (!mine && !actor.isAdmin()) {
			throw new ResponseStatusException(HttpStatus.FORBIDDEN,
					"Only the author who saved template " + id + " or an Admin may delete it.");
		}
		String name = find(id).map(Template::name).orElse("");
		if (delete(id)) {
			this.audit.record(actor, AuditAction.TEMPLATE_DELETE, null, "deleted template " + id + " \"" + name + "\"");
		}
	}

	public boolean delete(long id) {
		return this.jdbc.sql("DELETE FROM announcement_template WHERE id = :id").param("id", id).update() == 1;
	}

	/**
	 * A saved template.
	 *
	 * @param id its id
	 * @param name what authors call it
	 * @param content the content it starts from
	 * @param createdBy who saved it
	 * @param createdAt when
	 */
	public record Template(long id, String name, AnnouncementContent content, String createdBy, Instant createdAt) {
	}

}
