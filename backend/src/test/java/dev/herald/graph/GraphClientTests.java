package dev.herald.graph;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.herald.support.IntegrationTest;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Graph client reaches the configured base URL with an app token: the simulator
 * answers the catalog lookup only when a valid token comes with it.
 */
class GraphClientTests extends IntegrationTest {

	@BeforeEach
	void needsGraph() {
	}

	@Autowired
	TeamsAppCatalog catalog;

	@Test
	void findsHeraldInTheCatalogByManifestId() {
		this.catalog.forget();
		assertThat(this.catalog.catalogId()).contains(this.simulator.teamsAppCatalogId());
		assertThat(this.catalog.bindUrl("x")).isEqualTo(this.simulator.graphBaseUrl() + "/appCatalogs/teamsApps/x");
	}

}
