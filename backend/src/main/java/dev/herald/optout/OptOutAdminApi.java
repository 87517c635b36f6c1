package dev.herald.optout;

import java.time.Instant;
import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import dev.herald.audit.AuditAction;
import dev.herald.audit.AuditLog;
import dev.herald.security.Actor;
import dev.herald.teams.TeamsProperties;

import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.Authentication;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Admins see and change opt-outs ({@code /api/v1/admin/opt-outs}), e.g. to honour a
 * request made by mail. Changes go through {@link OptOuts} (source {@code admin}); the
 * list reads the opt-out table directly: people opted out of everything, by id.
 */
@RestController
@Validated
@RequestMapping(path = "/api/v1/admin/opt-outs", produces = "application/json")
class OptOutAdminApi {

	private static final String AAD = "^[0-9A-Fa-f-]{36}$";

	private final OptOuts optOuts;

	private final JdbcClient jdbc;

	private final String tenantId;

	private final AuditLog audit;

	OptOutAdminApi(OptOuts optOuts, JdbcClient jdbc, TeamsProperties teams, AuditLog audit) {
		this.audit = audit;
		this.optOuts = optOuts;
		this.jdbc = jdbc;
		this.tenantId = teams.tenantId();
	}

	@GetMapping
	Page list(@RequestParam(required = false) @Size(max = 100) String after,
			@RequestParam(defaultValue = "100") @Min(1) @Max(1000) int limit) {
		List<OptOut> items = this.jdbc
			.sql("""
					SELECT aad_object_id, topic, source, announcement_id, changed_at FROM opt_out
					WHERE tenant_id = :tenant AND topic = 'all' AND opted_out AND (CAST(:after AS text) IS NULL OR aad_object_id > :after)
					ORDER BY aad_object_id LIMIT :limit
					""")
			.param("tenant", this.tenantId)
			.param("after", after)
			.param("limit", limit)
			.query((rs, i) -> new OptOut(rs.getString(1), rs.getString(2), rs.getString(3), (Long) rs.getObject(4),
					rs.getTimestamp(5).toInstant()))
			.list();
		String next = (items.size() == limit) ? items.get(items.size() - 1).aadObjectId() : null;
		return new Page(items, next);
	}

	/** Opts a person out of every announcement. */
	@PutMapping("/{aadObjectId}")
	@Transactional
	ResponseEntity<Void> optOut(@PathVariable @Pattern(regexp = AAD) String aadObjectId, Authentication admin) {
		this.optOuts.optOut(this.tenantId, aadObjectId, OptOuts.ALL, OptOuts.Source.ADMIN, null);
		this.audit.record(Actor.of(admin), AuditAction.OPT_OUT_CHANGE, null,
				"opted " + aadObjectId + " out of every announcement");
		return ResponseEntity.noContent().build();
	}

	/** Opts a person back in. */
	@DeleteMapping("/{aadObjectId}")
	@Transactional
	ResponseEntity<Void> optIn(@PathVariable @Pattern(regexp = AAD) String aadObjectId, Authentication admin) {
		this.optOuts.optIn(this.tenantId, aadObjectId, OptOuts.ALL, OptOuts.Source.ADMIN);
		this.audit.record(Actor.of(admin), AuditAction.OPT_OUT_CHANGE, null, "opted " + aadObjectId + " back in");
		return ResponseEntity.noContent().build();
	}

	/**
	 * Someone who opted out.
	 *
	 * @param aadObjectId the person's Entra object id
	 * @param topic what they opted out of ({@code all} for everything)
	 * @param source how ({@code command}, {@code card}, {@code admin})
	 * @param announcementId the announcement they reacted to, if any
	 * @param changedAt when
	 */
	record OptOut(String aadObjectId, String topic, String source, Long announcementId, Instant changedAt) {
	}

	/**
	 * One page; pass {@code next} as {@code after} for the next.
	 *
	 * @param items the opt-outs
	 * @param next the cursor of the next page, null on the last
	 */
	record Page(List<OptOut> items, String next) {
	}

}
