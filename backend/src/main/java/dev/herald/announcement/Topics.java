package dev.herald.announcement;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.security.Actor;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;

/**
 * The topics an admin keeps (table {@code topic}, #24): an announcement's topic must be
 * one of them. A topic's name is its key: announcements carry it as text and people's
 * choices ({@code opt_out.topic}) are stored under it, so it is never renamed; an admin
 * gives it display names per language and archives it. An archived topic is offered to
 * nobody, but announcements that carry it keep it, and so may their edits.
 */
@Component
public class Topics {

	/** At most this many topics, archived ones included: a list people can read. */
	public static final int MAX_TOPICS = 200;

	/** Longest name (as the announcement's topic field). */
	public static final int MAX_NAME = 60;

	/** The languages a topic may have a display name in, besides its name. */
	public static final List<String> LANGUAGES = List.of("en", "fr", "de", "es", "zh-CN");

	private static final JsonMapper JSON = JsonMapper.shared();

	private final JdbcClient jdbc;

	Topics(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** Every topic, archived ones last. */
	public List<Topic> list() {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM topic ORDER BY archived_at IS NOT NULL, lower(name)")
			.query(Topics::map)
			.list();
	}

	/** The topics authors may choose and people see in the tab. */
	public List<Topic> active() {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM topic WHERE archived_at IS NULL ORDER BY lower(name)")
			.query(Topics::map)
			.list();
	}

	public Optional<Topic> find(long id) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM topic WHERE id = :id")
			.param("id", id)
			.query(Topics::map)
			.optional();
	}

	/** The topic of this name, whatever its case. */
	public Optional<Topic> named(String name) {
		if (name == null) {
			return Optional.empty();
		}
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM topic WHERE lower(name) = lower(:name)")
			.param("name", name.strip())
			.query(Topics::map)
			.optional();
	}

	/**
	 * Adds a topic.
	 * @throws TopicException 409 when the name is taken (archived topics included: they
	 * are restored instead), 422 when the list is full
	 */
	public Topic create(String name, Map<String, String> names, Actor by) {
		String clean = name.strip();
		if (named(clean).isPresent()) {
			throw new TopicException(HttpStatus.CONFLICT, "Topic exists",
					"A topic named '" + clean + "' exists already (archived topics are restored, not added again).");
		}
		long count = this.jdbc.sql("SELECT count(*) FROM topic").query(Long.class).single();
		if (count >= MAX_TOPICS) {
			throw new TopicException(HttpStatus.UNPROCESSABLE_ENTITY, "Too many topics",
					"Herald keeps at most " + MAX_TOPICS + " topics, archived ones included.");
		}
		long id = this.jdbc.sql("""
				INSERT INTO topic (name, names, created_by, updated_by)
				VALUES (:name, CAST(:names AS jsonb), :by, :by) RETURNING id
				""")
			.param("name", clean)
			.param("names", JSON.writeValueAsString(clean(names)))
			.param("by", by.id())
			.query(Long.class)
			.single();
		return find(id).orElseThrow();
	}

	/** Changes a topic's display names and whether it is archived. */
	public Topic update(long id, Map<String, String> names, boolean archived, Actor by) {
		int changed = this.jdbc.sql("""
				UPDATE topic SET names = CAST(:names AS jsonb),
				  archived_at = CASE WHEN :archived THEN COALESCE(archived_at, now()) END,
				  updated_by = :by, updated_at = now()
				WHERE id = :id
				""")
			.param("names", JSON.writeValueAsString(clean(names)))
			.param("archived", archived)
			.param("by", by.id())
			.param("id", id)
			.update();
		if (changed == 0) {
			throw notFound(id);
		}
		return find(id).orElseThrow();
	}

	/**
	 * The content with its topic as the list spells it. A topic must be an active one; an
	 * archived topic is kept only when the announcement already carries it (an edit of an
	 * old announcement does not lose or refuse it).
	 * @param previous the topic the announcement carries now, null for a new one
	 * @throws TopicException 422 for a topic not in the list
	 */
	public AnnouncementContent checked(AnnouncementContent content, String previous) {
		if (content.topic() == null) {
			return content;
		}
		Optional<Topic> topic = named(content.topic());
		if (topic.isPresent() && (!topic.get().archived() || topic.get().name().equalsIgnoreCase(previous))) {
			return content.withTopic(topic.get().name());
		}
		if (topic.isEmpty() && content.topic().equals(previous)) {
			// Written before the list existed and never listed: left as it is.
			return content;
		}
		throw new TopicException(HttpStatus.UNPROCESSABLE_ENTITY, "Unknown topic",
				"'" + content.topic() + "' is not "
						+ (topic.isPresent() ? "an active topic (it was archived)" : "a topic")
						+ ". Choose one of the topics an admin keeps (GET /api/v1/topics), or none.")
			.with("topic", content.topic());
	}

	private static Map<String, String> clean(Map<String, String> names) {
		Map<String, String> kept = new TreeMap<>();
		if (names != null) {
			names.forEach((language, text) -> {
				if (language != null && LANGUAGES.contains(language) && text != null && !text.isBlank()) {
					kept.put(language, text.strip());
				}
			});
		}
		return kept;
	}

	static TopicException notFound(long id) {
		return new TopicException(HttpStatus.NOT_FOUND, "No such topic", "There is no topic " + id + ".");
	}

	private static final String COLUMNS = "id, name, names, archived_at, updated_by, updated_at";

	private static Topic map(ResultSet rs, int row) throws SQLException {
		Map<String, String> names = JSON.readValue(rs.getString("names"), new TypeReference<Map<String, String>>() {
		});
		return new Topic(rs.getLong("id"), rs.getString("name"), new LinkedHashMap<>(names),
				rs.getTimestamp("archived_at") != null, rs.getString("updated_by"),
				rs.getTimestamp("updated_at").toInstant());
	}

	/**
	 * One topic.
	 *
	 * @param id its id
	 * @param name its name: the key announcements and people's choices carry
	 * @param names display names by language ({@link #LANGUAGES}); the name otherwise
	 * @param archived whether it is archived (offered to nobody)
	 * @param updatedBy who last changed it
	 * @param updatedAt when
	 */
	public record Topic(long id, String name, Map<String, String> names, boolean archived, String updatedBy,
			Instant updatedAt) {

		/** The name to show in a language: its display name there, else its name. */
		public String displayName(String language) {
			if (language != null) {
				String exact = this.names.get(language);
				if (exact != null) {
					return exact;
				}
				String base = language.split("-")[0].toLowerCase(Locale.ROOT);
				String near = this.names.get(base.equals("zh") ? "zh-CN" : base);
				if (near != null) {
					return near;
				}
			}
			return this.name;
		}

	}

	/** A refused topic change or choice (problem+json). */
	public static class TopicException extends ErrorResponseException {

		public TopicException(HttpStatus status, String title, String detail) {
			super(status, problem(status, title, detail), null);
		}

		TopicException with(String property, Object value) {
			getBody().setProperty(property, value);
			return this;
		}

		private static ProblemDetail problem(HttpStatus status, String title, String detail) {
			ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
			problem.setTitle(title);
			return problem;
		}

	}

}
