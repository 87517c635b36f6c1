package dev.herald.audience;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.microsoft.graph.models.User;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.delta.DeltaGetResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.herald.graph.GraphFailure;
import dev.herald.graph.GraphPermissions;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Mirrors the tenant's users into {@code directory_user} with Graph {@code users/delta}:
 * the first round reads everyone, later rounds only changes, from the persisted
 * deltaLink. Pages are written as they arrive in batched upserts, so memory stays flat
 * whatever the tenant size; no per-user call is ever made. An expired deltaLink (410, or
 * Graph's 400 resync answers) starts a full round, which then marks whoever it did not
 * see as deleted.
 */
@Component
public class DirectorySync {

	private static final Logger log = LoggerFactory.getLogger(DirectorySync.class);

	private static final String[] SELECT = { "id", "displayName", "userPrincipalName", "mail", "userType",
			"preferredLanguage", "department", "country", "usageLocation", "officeLocation", "jobTitle", "companyName",
			"employeeType", "accountEnabled" };

	private final GraphServiceClient graph;

	private final JdbcClient jdbc;

	private final JdbcTemplate template;

	private final AudienceProperties properties;

	private final TaskScheduler scheduler;

	private final GraphPermissions permissions;

	/** The application permission a sync needs, and what for. */
	static final String PERMISSION = "User.Read.All";

	private static final String FEATURE = "directory sync (everyone, attribute rules, people search)";

	DirectorySync(GraphServiceClient graph, JdbcClient jdbc, JdbcTemplate template, AudienceProperties properties,
			TaskScheduler scheduler, GraphPermissions permissions) {
		this.graph = graph;
		this.permissions = permissions;
		this.jdbc = jdbc;
		this.template = template;
		this.properties = properties;
		this.scheduler = scheduler;
	}

	@EventListener(ApplicationReadyEvent.class)
	void schedule() {
		Duration interval = this.properties.syncInterval();
		if (interval.isZero() || interval.isNegative()) {
			return;
		}
		this.scheduler.scheduleWithFixedDelay(this::scheduled, Instant.now().plus(this.properties.syncInitialDelay()),
				interval);
	}

	private void scheduled() {
		try {
			syncNow();
		}
		catch (SyncBusyException ex) {
			log.debug("Directory sync skipped: another one is running");
		}
		catch (RuntimeException ex) {
			log.warn("Directory sync failed: {}", GraphFailure.of(ex).describe());
		}
	}

	/** Whether the directory was ever synced (an "everyone" audience needs it). */
	public boolean everSynced() {
		return this.jdbc.sql("SELECT last_sync_at IS NOT NULL FROM directory_sync WHERE id = 1")
			.query(Boolean.class)
			.single();
	}

	/**
	 * Runs one sync round now, on the calling thread.
	 * @throws SyncBusyException if a sync is already running (on any instance)
	 */
	public Result syncNow() {
		int leased = this.jdbc.sql("""
				UPDATE directory_sync SET running_until = now() + :lease * interval '1 millisecond'
				WHERE id = 1 AND (running_until IS NULL OR running_until < now())
				""").param("lease", this.properties.syncLease().toMillis()).update();
		if (leased != 1) {
			throw new SyncBusyException();
		}
		long started = System.nanoTime();
		try {
			State state = this.jdbc.sql("SELECT delta_link, generation FROM directory_sync WHERE id = 1")
				.query((rs, i) -> new State(rs.getString(1), rs.getLong(2)))
				.single();
			Result result;
			if (state.deltaLink() == null) {
				result = round(null, state.generation() + 1);
			}
			else {
				try {
					result = round(state.deltaLink(), state.generation());
				}
				catch (RuntimeException ex) {
					GraphFailure failure = GraphFailure.of(ex);
					if (failure.status() != 410 && failure.status() != 400) {
						throw ex;
					}
					log.info("Directory deltaLink no longer valid ({}); starting a full sync", failure.describe());
					result = round(null, state.generation() + 1);
				}
			}
			Result done = new Result(result.full(), result.upserted(), result.removed(),
					Duration.ofNanos(System.nanoTime() - started));
			log.info("Directory sync ({}): {} users written, {} removed in {} ms", done.full() ? "full" : "delta",
					done.upserted(), done.removed(), done.took().toMillis());
			return done;
		}
		catch (RuntimeException ex) {
			this.jdbc.sql("UPDATE directory_sync SET last_error = :error WHERE id = 1")
				.param("error", GraphFailure.of(ex).describe())
				.update();
			throw ex;
		}
		finally {
			this.jdbc.sql("UPDATE directory_sync SET running_until = NULL WHERE id = 1").update();
		}
	}

	private Result round(String deltaLink, long generation) {
		boolean full = deltaLink == null;
		DeltaGetResponse page = this.permissions.call(PERMISSION, FEATURE,
				() -> full ? this.graph.users().delta().get((rc) -> {
					rc.queryParameters.select = SELECT;
					rc.headers.add("Prefer", "odata.maxpagesize=" + this.properties.pageSize());
				}) : this.graph.users().delta().withUrl(deltaLink).get());
		Map<String, User> batch = new LinkedHashMap<>();
		List<String> removed = new ArrayList<>();
		int upserted = 0;
		int removedCount = 0;
		String nextDelta = null;
		while (page != null) {
			for (User user : (page.getValue() != null) ? page.getValue() : List.<User>of()) {
				if (user.getId() == null) {
					continue;
				}
				String id = user.getId().toLowerCase(Locale.ROOT);
				if (user.getAdditionalData() != null && user.getAdditionalData().containsKey("@removed")) {
					batch.remove(id);
					removed.add(id);
				}
				else {
					// A person seen twice in one batch keeps the later state (and one
					// row per statement, which ON CONFLICT needs).
					batch.remove(id);
					batch.put(id, user);
					removed.remove(id);
				}
				if (batch.size() >= this.properties.upsertBatch()) {
					upserted += upsert(batch.values(), generation);
					batch.clear();
				}
				if (removed.size() >= this.properties.upsertBatch()) {
					removedCount += markDeleted(removed);
					removed.clear();
				}
			}
			if (page.getOdataNextLink() != null) {
				String next = page.getOdataNextLink();
				page = this.permissions.call(PERMISSION, FEATURE, () -> this.graph.users().delta().withUrl(next).get());
			}
			else {
				nextDelta = page.getOdataDeltaLink();
				page = null;
			}
		}
		upserted += upsert(batch.values(), generation);
		removedCount += markDeleted(removed);
		if (full) {
			// Whoever a full round did not see has left the tenant.
			removedCount += this.jdbc.sql("""
					UPDATE directory_user SET deleted = true, updated_at = now()
					WHERE sync_generation < :generation AND NOT deleted
					""").param("generation", generation).update();
		}
		this.jdbc.sql("""
				UPDATE directory_sync SET delta_link = :link, generation = :generation, last_sync_at = now(),
				  last_full_at = CASE WHEN :full THEN now() ELSE last_full_at END, last_error = NULL
				WHERE id = 1
				""").param("link", nextDelta).param("generation", generation).param("full", full).update();
		return new Result(full, upserted, removedCount, Duration.ZERO);
	}

	private int upsert(Collection<User> users, long generation) {
		if (users.isEmpty()) {
			return 0;
		}
		int n = users.size();
		String[][] columns = new String[13][n];
		Boolean[] disabled = new Boolean[n];
		int i = 0;
		for (User u : users) {
			// Not a person Herald may count or install for: an account that cannot sign
			// in (a leaver; Exchange creates room, equipment and shared mailboxes this
			// way). Stored as deleted, so every audience, group and roster ones included,
			// drops them; re-enabling the account brings the person back with the next
			// delta.
			disabled[i] = Boolean.FALSE.equals(u.getAccountEnabled());
			columns[0][i] = u.getId().toLowerCase(Locale.ROOT);
			columns[1][i] = u.getUserPrincipalName();
			columns[2][i] = u.getMail();
			columns[3][i] = u.getDisplayName();
			columns[4][i] = u.getUserType();
			columns[5][i] = u.getPreferredLanguage();
			columns[6][i] = u.getDepartment();
			columns[7][i] = u.getCountry();
			columns[8][i] = u.getUsageLocation();
			columns[9][i] = u.getOfficeLocation();
			columns[10][i] = u.getJobTitle();
			columns[11][i] = u.getCompanyName();
			columns[12][i] = u.getEmployeeType();
			i++;
		}
		return this.template.execute((Connection con) -> {
			try (PreparedStatement ps = con.prepareStatement("""
					INSERT INTO directory_user (aad_object_id, upn, mail, display_name, user_type, preferred_language,
					                            department, country, usage_location, office_location, job_title,
					                            company_name, employee_type, deleted, sync_generation, updated_at)
					SELECT u.id, u.upn, u.mail, u.name, u.type, u.lang, u.dept, u.country, u.usage, u.office, u.title,
					       u.company, u.etype, u.disabled, ?, now()
					FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
					            ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::boolean[])
					     AS u(id, upn, mail, name, type, lang, dept, country, usage, office, title, company, etype,
					          disabled)
					ON CONFLICT (aad_object_id) DO UPDATE SET
					  upn = EXCLUDED.upn, mail = EXCLUDED.mail, display_name = EXCLUDED.display_name,
					  user_type = EXCLUDED.user_type, preferred_language = EXCLUDED.preferred_language,
					  department = EXCLUDED.department, country = EXCLUDED.country,
					  usage_location = EXCLUDED.usage_location, office_location = EXCLUDED.office_location,
					  job_title = EXCLUDED.job_title, company_name = EXCLUDED.company_name,
					  employee_type = EXCLUDED.employee_type, deleted = EXCLUDED.deleted,
					  sync_generation = EXCLUDED.sync_generation, updated_at = now()
					""")) {
				ps.setLong(1, generation);
				for (int c = 0; c < columns.length; c++) {
					ps.setArray(c + 2, con.createArrayOf("text", columns[c]));
				}
				ps.setArray(columns.length + 2, con.createArrayOf("boolean", disabled));
				return ps.executeUpdate();
			}
		});
	}

	private int markDeleted(List<String> ids) {
		if (ids.isEmpty()) {
			return 0;
		}
		String[] array = ids.toArray(String[]::new);
		return this.template.execute((Connection con) -> {
			try (PreparedStatement ps = con.prepareStatement("""
					UPDATE directory_user SET deleted = true, updated_at = now()
					WHERE aad_object_id = ANY (?::text[]) AND NOT deleted
					""")) {
				ps.setArray(1, con.createArrayOf("text", array));
				return ps.executeUpdate();
			}
		});
	}

	private record State(String deltaLink, long generation) {
	}

	/**
	 * What one round did.
	 *
	 * @param full whether it read every user (first sync or expired deltaLink)
	 * @param upserted users written
	 * @param removed users marked deleted
	 * @param took duration
	 */
	public record Result(boolean full, int upserted, int removed, Duration took) {
	}

	/** Another sync holds the lease. */
	public static class SyncBusyException extends RuntimeException {

		SyncBusyException() {
			super("A directory sync is already running");
		}

	}

}
