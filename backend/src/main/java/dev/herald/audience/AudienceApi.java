package dev.herald.audience;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
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

	AudienceApi(GraphDirectory graph, Directory directory, AudienceResolver resolver, AnnouncementAudiences audiences) {
		this.graph = graph;
		this.directory = directory;
		this.resolver = resolver;
		this.audiences = audiences;
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

	@GetMapping("/audiences/people")
	List<Directory.Person> people(@RequestParam @NotBlank @Size(max = 100) String q) {
		return this.directory.search(q);
	}

	@PostMapping(path = "/audiences/preview", consumes = "application/json")
	AudienceResolver.Preview preview(@Valid @RequestBody AudienceDefinition audience) {
		return this.resolver.preview(audience);
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

	@GetMapping("/announcements/{id}/audience")
	AudienceDefinition audience(@PathVariable long id, org.springframework.security.core.Authentication user) {
		this.audiences.requireReadable(id, dev.herald.security.Actor.of(user));
		return this.audiences.get(id);
	}

	@PutMapping(path = "/announcements/{id}/audience", consumes = "application/json")
	AudienceDefinition setAudience(@PathVariable long id, @Valid @RequestBody AudienceDefinition audience,
			org.springframework.security.core.Authentication user) {
		this.audiences.change(id, audience, dev.herald.security.Actor.of(user));
		return this.audiences.get(id);
	}

}
