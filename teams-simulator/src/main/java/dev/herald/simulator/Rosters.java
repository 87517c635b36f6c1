package dev.herald.simulator;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Team rosters as they change after the seed: people added to and removed from teams (the
 * seeded {@link SimTeam} stays as generated), teams deleted, and the page size the
 * Connector's paged roster uses.
 */
final class Rosters {

	private final Map<String, Set<String>> added = new ConcurrentHashMap<>();

	private final Map<String, Set<String>> removed = new ConcurrentHashMap<>();

	private final Set<String> deletedTeams = ConcurrentHashMap.newKeySet();

	/**
	 * When set, the largest page {@code pagedmembers} returns, below Teams' floor of 50
	 * too (tests page small rosters); null: Teams' clamp of 50..500.
	 */
	volatile Integer pageSize;

	/** The team's members now, in seed order, then those added later. */
	List<String> members(SimTeam team) {
		Set<String> out = this.removed.getOrDefault(team.id(), Set.of());
		Set<String> in = this.added.getOrDefault(team.id(), Set.of());
		if (out.isEmpty() && in.isEmpty()) {
			return team.memberUserIds();
		}
		Set<String> result = new LinkedHashSet<>(team.memberUserIds());
		synchronized (this) {
			result.addAll(in);
			result.removeAll(out);
		}
		return new ArrayList<>(result);
	}

	/** Returns false when the person already was a member. */
	synchronized boolean add(SimTeam team, String userId) {
		boolean wasMember = members(team).contains(userId);
		this.removed.computeIfAbsent(team.id(), (k) -> ConcurrentHashMap.newKeySet()).remove(userId);
		if (!team.memberUserIds().contains(userId)) {
			this.added.computeIfAbsent(team.id(), (k) -> ConcurrentHashMap.newKeySet()).add(userId);
		}
		return !wasMember;
	}

	/** Returns false when the person was not a member. */
	synchronized boolean remove(SimTeam team, String userId) {
		boolean wasMember = members(team).contains(userId);
		this.added.computeIfAbsent(team.id(), (k) -> ConcurrentHashMap.newKeySet()).remove(userId);
		if (team.memberUserIds().contains(userId)) {
			this.removed.computeIfAbsent(team.id(), (k) -> ConcurrentHashMap.newKeySet()).add(userId);
		}
		return wasMember;
	}

	void markDeleted(SimTeam team) {
		this.deletedTeams.add(team.id());
	}

	boolean deleted(SimTeam team) {
		return this.deletedTeams.contains(team.id());
	}

	/** Puts every roster back as seeded and forgets deleted teams. */
	synchronized void restore() {
		this.added.clear();
		this.removed.clear();
		this.deletedTeams.clear();
	}

}
