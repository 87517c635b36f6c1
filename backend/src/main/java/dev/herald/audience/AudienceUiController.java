package dev.herald.audience;

import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.springframework.http.MediaType;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * The audience picker's side of the signed-in admin UI: the same pickers, preview, CSV
 * matching and stored audience as {@link AudienceApi}, behind the session and its CSRF
 * token instead of a bearer token (the browser has no token for {@code /api/**}).
 */
@RestController
@Validated
class AudienceUiController {

	private final GraphDirectory graph;

	private final Directory directory;

	private final AudienceResolver resolver;

	private final AnnouncementAudiences audiences;

	AudienceUiController(GraphDirectory graph, Directory directory, AudienceResolver resolver,
			AnnouncementAudiences audiences) {
		this.graph = graph;
		this.directory = directory;
		this.resolver = resolver;
		this.audiences = audiences;
	}

	@GetMapping(path = "/audiences/search/groups", produces = MediaType.APPLICATION_JSON_VALUE)
	List<GraphDirectory.Found> groups(@RequestParam(defaultValue = "") @Size(max = 100) String q) {
		return this.graph.searchGroups(q.trim());
	}

	@GetMapping(path = "/audiences/search/teams", produces = MediaType.APPLICATION_JSON_VALUE)
	List<GraphDirectory.Found> teams(@RequestParam(defaultValue = "") @Size(max = 100) String q) {
		return this.graph.searchTeams(q.trim());
	}

	@GetMapping(path = "/audiences/search/teams/{teamId}/channels", produces = MediaType.APPLICATION_JSON_VALUE)
	List<GraphDirectory.Found> channels(@PathVariable @Size(max = 200) String teamId) {
		return this.graph.channels(teamId);
	}

	@GetMapping(path = "/audiences/search/people", produces = MediaType.APPLICATION_JSON_VALUE)
	List<Directory.Person> people(@RequestParam @NotBlank @Size(max = 100) String q) {
		return this.directory.search(q);
	}

	/** What an audience would reach now: the count a send started now freezes. */
	@PostMapping(path = "/audiences/preview", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	AudienceResolver.Preview preview(@Valid @RequestBody AudienceDefinition audience) {
		return this.resolver.preview(audience);
	}

	/**
	 * Matches an uploaded CSV of UPNs or mail addresses; reports rows that reach nobody.
	 */
	@PostMapping(path = "/audiences/csv", consumes = MediaType.MULTIPART_FORM_DATA_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	Directory.CsvReport csv(@RequestPart("file") MultipartFile file) throws IOException {
		try (InputStreamReader reader = new InputStreamReader(file.getInputStream(), StandardCharsets.UTF_8)) {
			return this.directory.match(reader);
		}
	}

	@GetMapping(path = "/announcements/{id}/audience", produces = MediaType.APPLICATION_JSON_VALUE)
	AudienceDefinition audience(@PathVariable long id, org.springframework.security.core.Authentication user) {
		this.audiences.requireReadable(id, dev.herald.security.Actor.of(user));
		return this.audiences.get(id);
	}

	/** Replaces the audience of a draft; an empty one means everyone who has the app. */
	@PutMapping(path = "/announcements/{id}/audience", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	AudienceDefinition setAudience(@PathVariable long id, @Valid @RequestBody AudienceDefinition audience,
			org.springframework.security.core.Authentication user) {
		this.audiences.change(id, audience, dev.herald.security.Actor.of(user));
		return this.audiences.get(id);
	}

}
