package dev.herald.api;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** The registry of API clients ({@code api_client}). */
@Component
public class ApiClients {

	private static final String COLUMNS = """
			client_id, display_name, allowed_topics, allowed_audiences, per_minute, per_day, enabled, created_by,
			created_at, updated_at, may_send_critical, may_set_author, may_send_urgent
			""";

	private final JdbcClient jdbc;

	ApiClients(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * The client a bearer token speaks for: the authorized party ({@code azp}, Entra v2),
	 * the application id ({@code appid}, Entra v1), {@code client_id}, else the subject.
	 */
	public static String clientIdOf(Map<String, Object> claims) {
		for (String claim : List.of("azp", "appid", "client_id", "sub")) {
			Object value = claims.get(claim);
			if (value != null && !String.valueOf(value).isBlank()) {
				return String.valueOf(value);
			}
		}
		return null;
	}

	public List<ApiClient> list() {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM api_client ORDER BY client_id").query(ApiClients::map).list();
	}

	public Optional<ApiClient> find(String clientId) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM api_client WHERE client_id = :id")
			.param("id", clientId)
			.query(ApiClients::map)
			.optional();
	}

	/**
	 * The client, locked until the caller's transaction ends: sends of one client are
	 * serialized, so its quota and Idempotency-Keys are checked without races.
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public Optional<ApiClient> lock(String clientId) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM api_client WHERE client_id = :id FOR UPDATE")
			.param("id", clientId)
			.query(ApiClients::map)
			.optional();
	}

	/** Registers a client; false when the id is already registered. */
	boolean create(ApiClientAdminApi.Registration r, String admin) {
		return this.jdbc
			.sql("""
					INSERT INTO api_client (client_id, display_name, allowed_topics, allowed_audiences, per_minute,
					                        per_day, enabled, created_by, may_send_critical, may_set_author, may_send_urgent)
					VALUES (:id, :name, :topics, :audiences, :perMinute, :perDay, :enabled, :admin, :critical, :author,
					        :urgent)
					ON CONFLICT (client_id) DO NOTHING
					""")
			.param("id", r.clientId())
			.params(settings(r))
			.param("admin", admin)
			.update() == 1;
	}

	/** Changes a client's settings; false when it is not registered. */
	boolean update(String clientId, ApiClientAdminApi.Registration r) {
		return this.jdbc.sql("""
				UPDATE api_client SET display_name = :name, allowed_topics = :topics,
				  allowed_audiences = :audiences, per_minute = :perMinute, per_day = :perDay, enabled = :enabled,
				  may_send_critical = :critical, may_set_author = :author, may_send_urgent = :urgent, updated_at = now()
				WHERE client_id = :id
				""").param("id", clientId).params(settings(r)).update() == 1;
	}

	private static Map<String, Object> settings(ApiClientAdminApi.Registration r) {
		HashMap<String, Object> params = new HashMap<>();
		params.put("name", r.displayName());
		params.put("topics", r.allowedTopics().toArray(String[]::new));
		params.put("audiences", r.allowedAudiences().toArray(String[]::new));
		params.put("perMinute", r.perMinute());
		params.put("perDay", r.perDay());
		params.put("enabled", r.enabled());
		params.put("critical", r.maySendCritical());
		params.put("author", r.maySetAuthor());
		params.put("urgent", r.maySendUrgent());
		return params;
	}

	private static ApiClient map(ResultSet rs, int row) throws SQLException {
		return new ApiClient(rs.getString("client_id"), rs.getString("display_name"),
				strings(rs.getArray("allowed_topics")), strings(rs.getArray("allowed_audiences")),
				(Integer) rs.getObject("per_minute"), (Integer) rs.getObject("per_day"), rs.getBoolean("enabled"),
				rs.getString("created_by"), rs.getTimestamp("created_at").toInstant(),
				rs.getTimestamp("updated_at").toInstant(), rs.getBoolean("may_send_critical"),
				rs.getBoolean("may_set_author"), rs.getBoolean("may_send_urgent"));
	}

	private static List<String> strings(Array array) throws SQLException {
		return (array != null) ? Arrays.asList((String[]) array.getArray()) : List.of();
	}

}
