package dev.herald.support;

import java.util.Comparator;

import dev.herald.simulator.SimGroup;
import dev.herald.simulator.SimTeam;
import dev.herald.simulator.SimTenant;

/** Picks from the simulated tenant that tests about audiences share. */
public final class TestTenant {

	private TestTenant() {
	}

	/**
	 * The group (not a team) with other groups in it that has the fewest people, nested
	 * ones counted.
	 */
	public static SimGroup smallestNestedGroup(SimTenant tenant) {
		return tenant.groups()
			.stream()
			.filter((g) -> !g.memberGroupIds().isEmpty() && !g.team())
			.min(Comparator.comparingInt((SimGroup g) -> tenant.transitiveUserIds(g.id()).size()))
			.orElseThrow();
	}

	/** The team with the fewest members. */
	public static SimTeam smallestTeam(SimTenant tenant) {
		return tenant.teams()
			.stream()
			.min(Comparator.comparingInt((SimTeam t) -> t.memberUserIds().size()))
			.orElseThrow();
	}

}
