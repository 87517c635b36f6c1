package dev.herald.audience;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import dev.herald.announcement.Announcements;
import dev.herald.security.Actor;

import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** Pickers, preview and CSV matching for authors ({@code /api/v1/audiences}). */
@RestController
@Validated
@RequestMapping(path = "/api/v1", produces = "application/json")
class AudienceApi {

	private final GraphDirectory graph;

	private final Directory directory;

	private final AudienceResolver resolver;

	private final AnnouncementAudiences audiences;

	private final Announcements announcements;

	private final AudienceValidator validator;

	AudienceApi(GraphDirectory graph, Directory directory, AudienceResolver resolver, AnnouncementAudiences audiences,
			Announcements announcements, AudienceValidator validator) {
		this.validator = validator;
		this.graph = graph;
		this.directory = directory;
		this.resolver = resolver;
		this.audiences = audiences;
		this.announcements = announcements;
	}

	@GetMapping("/audiences/groups")
	List<GraphDirectory.Found> groups(@RequestParam(defaultValue = "") @Size(max = 100) String q) {
		return this.graph.searchGroups(q.trim());
	}

	@GetMapping("/audiences/teams")
	List<GraphDirectory.Found> teams(@RequestParam(defaultValue = "") @Size(max = 100) String q) {
		return this.graph.searchTeams(q.trim());
	}

	@GetMapping("/audiences/teams/{teamId}/channels")
	List<GraphDirectory.Found> channels(@PathVariable @Size(max = 200) String teamId) {
		return this.graph.channels(teamId);
	}

	/** The fields an attribute rule may use. */
	@GetMapping(path = "/audiences/attributes", produces = MediaType.APPLICATION_JSON_VALUE)
	List<String> attributeFields() {
		return AttributeRule.Field.names();
	}

	/** Values of a directory field, most common first, for the rule picker. */
	@GetMapping(path = "/audiences/attributes/{field}", produces = MediaType.APPLICATION_JSON_VALUE)
	List<Directory.AttributeValue> attributeValues(@PathVariable @Size(max = 40) String field,
			@RequestParam(defaultValue = "") @Size(max = 100) String q) {
		AttributeRule.Field known = AttributeRule.Field.of(field);
		if (known == null) {
			throw new AttributeRule.InvalidRuleException("Unknown field '" + field + "'", 0);
		}
		return this.directory.attributeValues(known, q);
	}

	@GetMapping("/audiences/people")
	List<Directory.Person> people(@RequestParam @NotBlank @Size(max = 100) String q) {
		return this.directory.search(q);
	}

	@PostMapping(path = "/audiences/preview", consumes = "application/json")
	AudienceResolver.Preview preview(@Valid @RequestBody AudienceDefinition audience,
			@RequestParam(required = false) Long announcement, Authentication user) {
		// Bounded and checked like a stored audience: each rule is a directory scan.
		this.validator.validate(audience);
		if (announcement != null) {
			// Counted with its topic (#24): only for someone who may read it.
			this.audiences.requireReadable(announcement, Actor.of(user));
		}
		return this.resolver.preview(audience, announcement);
	}

	@PostMapping(path = "/audiences/csv", consumes = { "text/csv", "text/plain" })
	Directory.CsvReport csv(@RequestBody String body) throws IOException {
		return this.directory.match(new StringReader(body));
	}

	@PostMapping(path = "/audiences/csv", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
	Directory.CsvReport csvFile(@RequestPart("file") MultipartFile file) throws IOException {
		try (InputStreamReader reader = new InputStreamReader(file.getInputStream(), StandardCharsets.UTF_8)) {
			return this.directory.match(reader);
		}
	}

	/**
	 * How many people of the stored audience get each language variant, if the send
	 * started now (the default under its language tag).
	 */
	@GetMapping(path = "/announcements/{id}/variants", produces = MediaType.APPLICATION_JSON_VALUE)
	Map<String, Integer> variants(@PathVariable long id, Authentication user) {
		this.audiences.requireReadable(id, Actor.of(user));
		return this.resolver.variantSplit(this.audiences.get(id), this.announcements.require(id).content());
	}

	@GetMapping("/announcements/{id}/audience")
	AudienceDefinition audience(@PathVariable long id, Authentication user) {
		this.audiences.requireReadable(id, Actor.of(user));
		return this.audiences.get(id);
	}

	@PutMapping(path = "/announcements/{id}/audience", consumes = "application/json")
	AudienceDefinition setAudience(@PathVariable long id, @Valid @RequestBody AudienceDefinition audience,
			Authentication user) {
		this.audiences.change(id, audience, Actor.of(user));
		return this.audiences.get(id);
	}

}
