package dev.herald.announcement;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import tools.jackson.databind.json.JsonMapper;

import dev.herald.audit.AuditAction;
import dev.herald.audit.AuditLog;
import dev.herald.security.Actor;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

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
		long id = save(name, content, createdBy);
		this.audit.record(actor, AuditAction.TEMPLATE_SAVE, announcementId,
				"saved as template " + id + " \"" + name + "\"");
		return id;
	}

	/** Deletes a template, with its audit row; false (and no row) if there was none. */
	@Transactional
	public boolean delete(long id, Actor actor) {
		String name = find(id).map(Template::name).orElse(null);
		if (name == null || !delete(id)) {
			return false;
		}
		this.audit.record(actor, AuditAction.TEMPLATE_DELETE, null, "deleted template " + id + " \"" + name + "\"");
		return true;
	}

	public long save(String name, AnnouncementContent content, String createdBy) {
		return this.jdbc.sql("""
				INSERT INTO announcement_template (name, content, created_by)
				VALUES (:name, CAST(:content AS jsonb), :by)
				RETURNING id
				""")
			.param("name", name)
			.param("content", JSON.writeValueAsString(content))
			.param("by", createdBy)
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
