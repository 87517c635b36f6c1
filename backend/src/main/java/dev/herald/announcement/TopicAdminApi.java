package dev.herald.announcement;

import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import dev.herald.audit.AuditAction;
import dev.herald.audit.AuditLog;
import dev.herald.security.Actor;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The topic list in the API (#24): Admins keep it ({@code /api/v1/admin/topics}, audited
 * as a settings change); authors and API clients read the active topics
 * ({@code GET /api/v1/topics}). A DELETE archives: announcements keep their topic.
 */
@RestController
@Validated
class TopicAdminApi {

	private final Topics topics;

	private final AuditLog audit;

	TopicAdminApi(Topics topics, AuditLog audit) {
		this.topics = topics;
		this.audit = audit;
	}

	@GetMapping(path = "/api/v1/topics", produces = "application/json")
	List<Topics.Topic> active() {
		return this.topics.active();
	}

	@GetMapping(path = "/api/v1/admin/topics", produces = "application/json")
	List<Topics.Topic> list() {
		return this.topics.list();
	}

	@PostMapping(path = "/api/v1/admin/topics", consumes = "application/json", produces = "application/json")
	@Transactional
	ResponseEntity<Topics.Topic> create(@Valid @RequestBody NewTopic body, Authentication admin) {
		return ResponseEntity.status(HttpStatus.CREATED).body(add(this.topics, this.audit, body, Actor.of(admin)));
	}

	@PutMapping(path = "/api/v1/admin/topics/{id}", consumes = "application/json", produces = "application/json")
	@Transactional
	Topics.Topic update(@PathVariable long id, @Valid @RequestBody TopicChange body, Authentication admin) {
		return change(this.topics, this.audit, id, body, Actor.of(admin));
	}

	@DeleteMapping("/api/v1/admin/topics/{id}")
	@Transactional
	ResponseEntity<Void> archive(@PathVariable long id, Authentication admin) {
		Topics.Topic topic = this.topics.find(id).orElseThrow(() -> Topics.notFound(id));
		change(this.topics, this.audit, id, new TopicChange(topic.names(), true), Actor.of(admin));
		return ResponseEntity.noContent().build();
	}

	static Topics.Topic add(Topics topics, AuditLog audit, NewTopic body, Actor actor) {
		Topics.Topic topic = topics.create(body.name(), body.names(), actor);
		audit.record(actor, AuditAction.SETTINGS_CHANGE, null,
				"added topic '" + topic.name() + "'" + (topic.names().isEmpty() ? "" : " " + topic.names()));
		return topic;
	}

	static Topics.Topic change(Topics topics, AuditLog audit, long id, TopicChange body, Actor actor) {
		Topics.Topic before = topics.find(id).orElseThrow(() -> Topics.notFound(id));
		Topics.Topic after = topics.update(id, (body.names() != null) ? body.names() : before.names(),
				(body.archived() != null) ? body.archived() : before.archived(), actor);
		audit.record(actor, AuditAction.SETTINGS_CHANGE, null, "topic '" + after.name() + "': "
				+ (after.archived() != before.archived() ? (after.archived() ? "archived" : "restored") + ", " : "")
				+ "names " + after.names());
		return after;
	}

	/**
	 * A new topic.
	 *
	 * @param name its name, shown on cards and the key of people's choices (never
	 * renamed)
	 * @param names optional display names by language (en, fr, de, es, zh-CN)
	 */
	record NewTopic(@NotBlank @Size(max = Topics.MAX_NAME) @Pattern(regexp = "^(?!(?i:all)$)[^\\p{Cntrl}]+$",
			message = "must not be 'all' (it means every announcement) nor contain control characters") String name,
			@Size(max = 5) Map<@Pattern(regexp = "en|fr|de|es|zh-CN") String, @Size(
					max = Topics.MAX_NAME) String> names) {
	}

	/**
	 * A change to a topic; absent fields stay as they are.
	 *
	 * @param names display names by language (replaces them all)
	 * @param archived whether it is archived
	 */
	record TopicChange(@Size(
			max = 5) Map<@Pattern(regexp = "en|fr|de|es|zh-CN") String, @Size(max = Topics.MAX_NAME) String> names,
			Boolean archived) {
	}

}
