package dev.herald;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import org.springframework.modulith.core.ApplicationModule;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every feature package is a module; this fails on a cycle, a reach into another's
 * internals, or an edge between modules that is not declared below. A new edge is a
 * design decision: add it to {@link #ALLOWED} on purpose (and run
 * {@code docs/refresh-module-docs.sh} so the diagrams in {@code docs/modules/} follow).
 */
class ModularityTests {

	static final ApplicationModules MODULES = ApplicationModules.of(HeraldApplication.class);

	/** Each module and the modules it may use, the whole graph in one place. */
	static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
	// @formatter:off
			entry("admin", Set.of("announcement", "audience", "audit", "dispatch", "followup", "link", "notification", "security", "settings")),
			entry("announcement", Set.of("audit", "security", "settings", "teams", "worker")),
			entry("api", Set.of("audit", "security")),
			entry("approval", Set.of("announcement", "api", "audience", "audit", "security", "settings", "teams")),
			entry("audience", Set.of("announcement", "audit", "conversation", "graph", "security", "settings", "teams")),
			entry("audit", Set.of("security")),
			entry("bot", Set.of("admin", "announcement", "approval", "conversation", "optout", "pacing", "question", "teams", "worker")),
			entry("conversation", Set.of()),
			entry("email", Set.of("admin", "announcement", "graph", "optout", "pacing", "security", "settings", "teams", "worker")),
			entry("dispatch", Set.of("announcement", "audience", "conversation", "graph", "link", "pacing", "settings", "teams", "worker")),
			entry("followup", Set.of("announcement", "audit", "dispatch", "link", "security", "teams", "worker")),
			entry("graph", Set.of("teams")),
			entry("link", Set.of("announcement", "settings", "worker")),
			entry("install", Set.of("announcement", "audience", "conversation", "dispatch", "graph", "pacing", "settings", "teams", "worker")),
			entry("notification", Set.of("announcement", "api", "audience", "audit", "dispatch", "security")),
			entry("optout", Set.of("audit", "security", "teams")),
			entry("pacing", Set.of()),
			entry("report", Set.of("announcement", "followup", "link", "question", "security")),
			entry("question", Set.of("admin", "announcement", "audit", "security")),
			entry("security", Set.of()),
			entry("settings", Set.of()),
			// The test-scope Teams simulator shares the base package: nothing may use it.
			entry("simulator", Set.of()),
			entry("tab", Set.of("admin", "announcement", "bot", "optout", "question", "teams")),
			entry("teams", Set.of()),
			entry("web", Set.of("announcement", "security")),
			entry("worker", Set.of())
	// @formatter:on
	);

	@Test
	void modulesHaveVerifiedEdges() {
		MODULES.verify();
	}

	@Test
	void everyEdgeIsDeclared() {
		Map<String, Set<String>> actual = new TreeMap<>();
		for (ApplicationModule module : MODULES) {
			actual.put(module.getIdentifier().toString(),
					module.getDirectDependencies(MODULES)
						.uniqueModules()
						.map((m) -> m.getIdentifier().toString())
						.collect(Collectors.toCollection(TreeSet::new)));
		}
		assertThat(actual)
			.as(actual.entrySet()
				.stream()
				.map((e) -> "entry(\"" + e.getKey() + "\", Set.of("
						+ e.getValue().stream().map((d) -> "\"" + d + "\"").collect(Collectors.joining(", ")) + "))")
				.collect(Collectors.joining(",\n", "the module graph; declared as code it reads:\n", "\n")))
			.isEqualTo(new TreeMap<>(ALLOWED));
	}

	@Test
	void moduleDocumentationIsGenerated() {
		// Written under target/ like every test output;
		// docs/refresh-module-docs.sh copies it into docs/modules/.
		new Documenter(MODULES, Documenter.Options.defaults().withOutputFolder("target/spring-modulith-docs"))
			.writeModulesAsPlantUml()
			.writeIndividualModulesAsPlantUml()
			.writeModuleCanvases();
		assertThat(new java.io.File("target/spring-modulith-docs/components.puml")).exists();
	}

}
