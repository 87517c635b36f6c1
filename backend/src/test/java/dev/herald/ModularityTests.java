package dev.herald;

import org.junit.jupiter.api.Test;

import org.springframework.modulith.core.ApplicationModules;

/**
 * Every feature package is a module; this fails on a cycle or a reach into another's
 * internals.
 */
class ModularityTests {

	@Test
	void modulesHaveVerifiedEdges() {
		ApplicationModules.of(HeraldApplication.class).verify();
	}

}
