package dev.herald.simulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The generated directory: users, groups (some nested) and teams. Deterministic from the
 * seed. Users can be added and removed at run time (visible through Graph delta).
 */
public final class SimTenant {

	static final String[] LANGUAGES = { "en-US", "fr-FR", "de-DE", "es-ES", "zh-CN" };

	private static final String[][] COUNTRIES_BY_LANGUAGE = { { "US", "GB", "CA", "IE" }, { "FR", "BE" },
			{ "DE", "AT", "CH" }, { "ES", "MX" }, { "CN" } };

	static final String[] DEPARTMENTS = { "Sales", "Marketing", "Engineering", "Finance", "Human Resources", "Legal",
			"Operations", "Support", "Research", "Manufacturing" };

	private static final String[] JOB_TITLES = { "Analyst", "Engineer", "Manager", "Specialist", "Director",
			"Coordinator", "Consultant", "Associate", "Lead", "Assistant" };

	private static final String[] FIRST_NAMES = { "Adele", "Alex", "Allan", "Ana", "Bianca", "Carlos", "Chen", "Chloe",
			"Christie", "Diego", "Emma", "Enrico", "Fatima", "Felix", "Grady", "Hana", "Henrietta", "Isaiah", "Jana",
			"Johanna", "Joni", "Jules", "Kenji", "Lara", "Lee", "Lidia", "Lukas", "Lynne", "Mara", "Megan", "Miriam",
			"Nestor", "Noah", "Olga", "Patti", "Pierre", "Pradeep", "Raul", "Rosa", "Sakura", "Sofia", "Stefan",
			"Tomas", "Ursula", "Wei", "Xin", "Yara", "Zoe" };

	private static final String[] LAST_NAMES = { "Vance", "Wilber", "Deyoung", "Garcia", "Bauer", "Dubois", "Martin",
			"Schmidt", "Lopez", "Wang", "Li", "Zhang", "Smith", "Johnson", "Brown", "Miller", "Moreau", "Lefebvre",
			"Fischer", "Weber", "Hernandez", "Torres", "Ramirez", "Liu", "Chen", "Bowen", "Gates", "Adams", "Brennan",
			"Cortez", "Diaz", "Evans", "Fournier", "Gruber", "Hoffmann", "Ito", "Jensen", "Kowalski", "Larsen", "Meyer",
			"Nakamura", "Olsen", "Petit", "Quinn", "Rossi", "Sato", "Tanaka", "Ueda" };

	private final String tenantId;

	private final String domain;

	private final long seed;

	private volatile List<SimUser> users;

	private final Map<String, SimUser> byId = new ConcurrentHashMap<>();

	private final Map<String, SimUser> byUpn = new ConcurrentHashMap<>();

	private final Map<String, SimUser> byTeamsId = new ConcurrentHashMap<>();

	private final List<SimGroup> groups;

	private final Map<String, SimGroup> groupsById = new HashMap<>();

	private final List<SimTeam> teams;

	private final Map<String, SimTeam> teamsById = new HashMap<>();

	private final Map<String, SimChannel> channelsById = new HashMap<>();

	/** Change log for Graph delta: version -> user id (removed users keep a marker). */
	private final List<Change> changes = new ArrayList<>();

	private final Map<String, SimUser> removed = new ConcurrentHashMap<>();

	private int nextIndex;

	record Change(long version, String userId, boolean removed) {
	}

	SimTenant(String tenantId, long seed, int userCount) {
		this.tenantId = tenantId;
		this.seed = seed;
		this.domain = "herald" + Long.toHexString(seed & 0xffff) + ".onmicrosoft.com";
		SplittableRandom random = new SplittableRandom(seed);
		List<SimUser> generated = new ArrayList<>(userCount);
		Map<String, Integer> nameCounts = new HashMap<>();
		for (int i = 0; i < userCount; i++) {
			SimUser user = newUser(i, random, nameCounts);
			generated.add(user);
			index(user);
		}
		this.nextIndex = userCount;
		this.users = Collections.unmodifiableList(generated);
		this.groups = new ArrayList<>();
		this.teams = new ArrayList<>();
		generateGroupsAndTeams(random, generated);
	}

	private SimUser newUser(int i, SplittableRandom random, Map<String, Integer> nameCounts) {
		String id = guid(random);
		String given = FIRST_NAMES[random.nextInt(FIRST_NAMES.length)];
		String surname = LAST_NAMES[random.nextInt(LAST_NAMES.length)];
		String base = (given + "." + surname).toLowerCase(Locale.ROOT);
		int n = nameCounts.merge(base, 1, Integer::sum);
		String local = (n == 1) ? base : base + n;
		boolean guest = random.nextInt(100) < 3;
		int lang = random.nextInt(100);
		int langIndex = (lang < 50) ? 0 : (lang < 62) ? 1 : (lang < 74) ? 2 : (lang < 86) ? 3 : 4;
		String[] countries = COUNTRIES_BY_LANGUAGE[langIndex];
		String country = countries[random.nextInt(countries.length)];
		String department = DEPARTMENTS[random.nextInt(DEPARTMENTS.length)];
		String jobTitle = JOB_TITLES[random.nextInt(JOB_TITLES.length)];
		String upn;
		String mail;
		if (guest) {
			mail = local + "@fabrikam.example";
			upn = local + "_fabrikam.example#EXT#@" + this.domain;
		}
		else {
			mail = local + "@" + this.domain;
			upn = mail;
		}
		return new SimUser(i, id, upn, mail, given + " " + surname, given, surname, guest ? "Guest" : "Member",
				LANGUAGES[langIndex], department, country, jobTitle, teamsUserId(id));
	}

	private String teamsUserId(String aadId) {
		try {
			MessageDigest sha = MessageDigest.getInstance("SHA-256");
			byte[] digest = sha.digest((this.tenantId + "|" + aadId).getBytes(StandardCharsets.UTF_8));
			return "29:1" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 42);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private void index(SimUser user) {
		this.byId.put(user.id(), user);
		this.byUpn.put(user.userPrincipalName().toLowerCase(Locale.ROOT), user);
		this.byTeamsId.put(user.teamsUserId(), user);
	}

	private void generateGroupsAndTeams(SplittableRandom random, List<SimUser> all) {
		Map<String, List<String>> byDepartment = new HashMap<>();
		Map<String, List<String>> byCountry = new HashMap<>();
		for (SimUser u : all) {
			byDepartment.computeIfAbsent(u.department(), (k) -> new ArrayList<>()).add(u.id());
			byCountry.computeIfAbsent(u.country(), (k) -> new ArrayList<>()).add(u.id());
		}
		List<String> departmentGroupIds = new ArrayList<>();
		for (String department : DEPARTMENTS) {
			SimGroup g = addGroup(random, "Dept " + department, "Everyone in " + department,
					byDepartment.getOrDefault(department, List.of()), List.of(), true);
			departmentGroupIds.add(g.id());
		}
		Map<String, String> countryGroupIds = new HashMap<>();
		for (String[] countries : COUNTRIES_BY_LANGUAGE) {
			for (String country : countries) {
				SimGroup g = addGroup(random, "Office " + country, "Everyone based in " + country,
						byCountry.getOrDefault(country, List.of()), List.of(), false);
				countryGroupIds.put(country, g.id());
			}
		}
		addGroup(random, "All Company", "Every department (nested groups)", List.of(), departmentGroupIds, true);
		List<String> europe = new ArrayList<>();
		for (String c : new String[] { "GB", "IE", "FR", "BE", "DE", "AT", "CH", "ES" }) {
			europe.add(countryGroupIds.get(c));
		}
		addGroup(random, "Europe", "Every European office (nested groups)", List.of(), europe, false);
		int projects = Math.max(5, Math.min(200, all.size() / 200));
		String previous = null;
		for (int p = 0; p < projects; p++) {
			int size = 5 + random.nextInt(36);
			Set<String> members = new LinkedHashSet<>();
			for (int k = 0; k < size; k++) {
				members.add(all.get(random.nextInt(all.size())).id());
			}
			List<String> nested = (previous != null && p % 5 == 4) ? List.of(previous) : List.of();
			SimGroup g = addGroup(random, String.format(Locale.ROOT, "Project %03d", p + 1), "Project team " + (p + 1),
					new ArrayList<>(members), nested, p < 20);
			previous = g.id();
		}
		for (SimGroup g : this.groups) {
			if (g.team()) {
				List<String> members = new ArrayList<>(transitiveUserIds(g.id()));
				List<String> owners = members.subList(0, Math.min(2, members.size()));
				String threadId = "19:" + hex32(random) + "@thread.tacv2";
				List<SimChannel> channels = List.of(new SimChannel(threadId, "General", g.id(), true),
						new SimChannel("19:" + hex32(random) + "@thread.tacv2", "Announcements", g.id(), false),
						new SimChannel("19:" + hex32(random) + "@thread.tacv2", "Random", g.id(), false));
				SimTeam team = new SimTeam(g.id(), g.id(), g.displayName(), threadId, channels,
						Collections.unmodifiableList(members), List.copyOf(owners));
				this.teams.add(team);
				this.teamsById.put(team.id(), team);
				this.teamsById.put(team.threadId(), team);
				for (SimChannel c : channels) {
					this.channelsById.put(c.id(), c);
				}
			}
		}
	}

	private SimGroup addGroup(SplittableRandom random, String name, String description, List<String> userIds,
			List<String> groupIds, boolean team) {
		String nick = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
		SimGroup g = new SimGroup(guid(random), name, nick, description, List.copyOf(userIds), List.copyOf(groupIds),
				team);
		this.groups.add(g);
		this.groupsById.put(g.id(), g);
		return g;
	}

	static String guid(SplittableRandom random) {
		long msb = (random.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
		long lsb = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
		return new UUID(msb, lsb).toString();
	}

	private static String hex32(SplittableRandom random) {
		return String.format(Locale.ROOT, "%016x%016x", random.nextLong(), random.nextLong());
	}

	/** Deterministic value in [0, 1) for a user and a purpose, from the seed. */
	double fraction(SimUser user, String purpose) {
		long h = this.seed * 0x9E3779B97F4A7C15L + user.index() * 0xC2B2AE3D27D4EB4FL + purpose.hashCode();
		h ^= (h >>> 33);
		h *= 0xff51afd7ed558ccdL;
		h ^= (h >>> 33);
		h *= 0xc4ceb9fe1a85ec53L;
		h ^= (h >>> 33);
		return (h >>> 11) * 0x1.0p-53;
	}

	public String tenantId() {
		return this.tenantId;
	}

	public String domain() {
		return this.domain;
	}

	/** Current users in generation order (unmodifiable snapshot). */
	public List<SimUser> users() {
		return this.users;
	}

	/** A user by object id or UPN (case-insensitive), or null. */
	public SimUser user(String idOrUpn) {
		if (idOrUpn == null) {
			return null;
		}
		SimUser u = this.byId.get(idOrUpn.toLowerCase(Locale.ROOT));
		return (u != null) ? u : this.byUpn.get(idOrUpn.toLowerCase(Locale.ROOT));
	}

	/** A user by Teams id ({@code 29:...}), or null. */
	public SimUser userByTeamsId(String teamsUserId) {
		return (teamsUserId != null) ? this.byTeamsId.get(teamsUserId) : null;
	}

	public List<SimGroup> groups() {
		return Collections.unmodifiableList(this.groups);
	}

	public SimGroup group(String id) {
		return (id != null) ? this.groupsById.get(id.toLowerCase(Locale.ROOT)) : null;
	}

	/** The group with this display name (say, "All Company"). */
	public SimGroup groupNamed(String displayName) {
		return this.groups.stream()
			.filter((g) -> g.displayName().equals(displayName))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("No group " + displayName));
	}

	public List<SimTeam> teams() {
		return Collections.unmodifiableList(this.teams);
	}

	/** A team by Graph id (group id) or Bot Framework thread id, or null. */
	public SimTeam team(String id) {
		return (id != null) ? this.teamsById.get(id) : null;
	}

	public SimChannel channel(String id) {
		return (id != null) ? this.channelsById.get(id) : null;
	}

	/** Groups nested (transitively) in a group, without duplicates. */
	public List<String> transitiveGroupIds(String groupId) {
		Set<String> seen = new LinkedHashSet<>();
		collect(groupId, seen, null);
		seen.remove(groupId);
		return new ArrayList<>(seen);
	}

	/** Users that are members of a group, directly or through nested groups. */
	public Set<String> transitiveUserIds(String groupId) {
		Set<String> usersSeen = new LinkedHashSet<>();
		collect(groupId, new LinkedHashSet<>(), usersSeen);
		usersSeen.removeIf((id) -> !this.byId.containsKey(id));
		return usersSeen;
	}

	private void collect(String groupId, Set<String> groupsSeen, Set<String> usersSeen) {
		if (!groupsSeen.add(groupId)) {
			return;
		}
		SimGroup g = this.groupsById.get(groupId);
		if (g == null) {
			return;
		}
		if (usersSeen != null) {
			usersSeen.addAll(g.memberUserIds());
		}
		for (String nested : g.memberGroupIds()) {
			collect(nested, groupsSeen, usersSeen);
		}
	}

	// ---- run-time changes (Graph delta) ----

	synchronized long version() {
		return this.changes.isEmpty() ? 0 : this.changes.get(this.changes.size() - 1).version();
	}

	synchronized List<Change> changesSince(long version) {
		List<Change> result = new ArrayList<>();
		for (Change c : this.changes) {
			if (c.version() > version) {
				result.add(c);
			}
		}
		return result;
	}

	SimUser removedUser(String id) {
		return this.removed.get(id);
	}

	/** Adds a user (deterministic from the seed and the new index). */
	public synchronized SimUser addUser(String givenName, String surname, String userType) {
		SplittableRandom random = new SplittableRandom(this.seed ^ (0x5DEECE66DL * (this.nextIndex + 1)));
		SimUser template = newUser(this.nextIndex, random, new HashMap<>());
		String local = (givenName + "." + surname).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]", "") + "."
				+ this.nextIndex;
		boolean guest = "Guest".equalsIgnoreCase(userType);
		String mail = guest ? local + "@fabrikam.example" : local + "@" + this.domain;
		String upn = guest ? local + "_fabrikam.example#EXT#@" + this.domain : mail;
		SimUser user = new SimUser(this.nextIndex++, template.id(), upn, mail, givenName + " " + surname, givenName,
				surname, guest ? "Guest" : "Member", template.preferredLanguage(), template.department(),
				template.country(), template.jobTitle(), template.teamsUserId());
		index(user);
		List<SimUser> copy = new ArrayList<>(this.users);
		copy.add(user);
		this.users = Collections.unmodifiableList(copy);
		this.changes.add(new Change(version() + 1, user.id(), false));
		return user;
	}

	/**
	 * Moves a person to another department and country (a transfer, as HR systems write
	 * it to Entra); Graph delta reports the changed user. Null keeps a field.
	 */
	public synchronized SimUser updateUser(String id, String department, String country, String jobTitle) {
		SimUser old = this.byId.get(id);
		if (old == null) {
			return null;
		}
		SimUser user = new SimUser(old.index(), old.id(), old.userPrincipalName(), old.mail(), old.displayName(),
				old.givenName(), old.surname(), old.userType(), old.preferredLanguage(),
				(department != null) ? department : old.department(), (country != null) ? country : old.country(),
				(jobTitle != null) ? jobTitle : old.jobTitle(), old.teamsUserId());
		index(user);
		List<SimUser> copy = new ArrayList<>(this.users);
		copy.set(copy.indexOf(old), user);
		this.users = Collections.unmodifiableList(copy);
		this.changes.add(new Change(version() + 1, user.id(), false));
		return user;
	}

	/**
	 * Creates a group (not a team) with these direct members, as an Entra admin would.
	 */
	public synchronized SimGroup createGroup(String name, List<String> memberUserIds) {
		String nick = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
		SimGroup g = new SimGroup(java.util.UUID.randomUUID().toString(), name, nick, name, List.copyOf(memberUserIds),
				List.of(), false);
		this.groups.add(g);
		this.groupsById.put(g.id(), g);
		return g;
	}

	/**
	 * Replaces the direct members of a group made by {@link #createGroup}: people join or
	 * leave it.
	 */
	public synchronized SimGroup setGroupMembers(String id, List<String> memberUserIds) {
		SimGroup old = this.groupsById.get(id);
		if (old == null || old.team()) {
			throw new IllegalArgumentException("No group " + id + " (or it backs a team)");
		}
		SimGroup g = new SimGroup(old.id(), old.displayName(), old.mailNickname(), old.description(),
				List.copyOf(memberUserIds), old.memberGroupIds(), false);
		this.groups.set(this.groups.indexOf(old), g);
		this.groupsById.put(g.id(), g);
		return g;
	}

	/** Removes a user; Graph delta reports it as {@code @removed}. */
	public synchronized boolean removeUser(String id) {
		SimUser user = this.byId.remove(id);
		if (user == null) {
			return false;
		}
		this.byUpn.remove(user.userPrincipalName().toLowerCase(Locale.ROOT));
		this.byTeamsId.remove(user.teamsUserId());
		this.removed.put(id, user);
		List<SimUser> copy = new ArrayList<>(this.users);
		copy.remove(user);
		this.users = Collections.unmodifiableList(copy);
		this.changes.add(new Change(version() + 1, id, true));
		return true;
	}

}
