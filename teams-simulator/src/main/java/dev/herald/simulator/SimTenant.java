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

	/**
	 * Accounts of the realistic tenant that are not plain people (or people Teams will
	 * not let the bot reach), by user id; everyone else is a {@link AccountKind#PERSON}.
	 */
	private final Map<String, AccountKind> accountKinds = new ConcurrentHashMap<>();

	/** Channels whose moderation does not let bots post. */
	private final Set<String> moderatedChannels = ConcurrentHashMap.newKeySet();

	/**
	 * What kind of directory object a user is. Real tenants hold more than people:
	 * leavers whose account is disabled, and Exchange resource and shared mailboxes,
	 * which Entra lists as users (created with the sign-in disabled and no licence); and
	 * among the people, some who blocked the bot or have no Teams licence.
	 */
	public enum AccountKind {

		/** An employee with an enabled account and a Teams licence. */
		PERSON(true, true, true),
		/** A leaver: account disabled ({@code accountEnabled: false}), licence kept. */
		DISABLED(false, true, false),
		/** A room mailbox (Exchange resource; sign-in disabled, no licence). */
		ROOM(false, false, false),
		/** An equipment mailbox (Exchange resource; sign-in disabled, no licence). */
		EQUIPMENT(false, false, false),
		/** A shared mailbox (sign-in disabled, no licence). */
		SHARED_MAILBOX(false, false, false),
		/** A person who blocked the bot in Teams: sends answer 403. */
		BLOCKED(true, true, true),
		/** A person without a Teams licence: Graph installs answer 403. */
		UNLICENSED(true, false, true);

		private final boolean accountEnabled;

		private final boolean teamsLicence;

		private final boolean person;

		AccountKind(boolean accountEnabled, boolean teamsLicence, boolean person) {
			this.accountEnabled = accountEnabled;
			this.teamsLicence = teamsLicence;
			this.person = person;
		}

		public boolean accountEnabled() {
			return this.accountEnabled;
		}

		public boolean teamsLicence() {
			return this.teamsLicence;
		}

		/** Whether this is a person at all (blocked and unlicensed people are). */
		public boolean person() {
			return this.person;
		}

	}

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
		generateRealisticAccounts(userCount);
	}

	/**
	 * The realistic part of the seeded tenant, appended after the generated people (so
	 * their ids, groups and teams stay what they were): per 200 people one room, one
	 * equipment and one shared mailbox, two leavers with disabled accounts, two people
	 * who blocked the bot and two without a Teams licence; all of them in the group
	 * "Building Services" with 60 ordinary people. One team (the third, which has the app
	 * at start) gets a moderated channel "Leadership" where bots may not post.
	 */
	private void generateRealisticAccounts(int userCount) {
		SplittableRandom random = new SplittableRandom(this.seed ^ 0x7E4A1DL);
		int k = Math.max(1, userCount / 200);
		List<SimUser> extra = new ArrayList<>();
		String[] offices = { "Paris", "Berlin", "Seattle", "London", "Madrid", "Shanghai" };
		for (int i = 0; i < k; i++) {
			String office = offices[i % offices.length];
			extra.add(resource(random, AccountKind.ROOM, "room-" + office.toLowerCase(Locale.ROOT) + "-" + (i + 1),
					"Room " + office + " " + (4 + i) + ".01"));
			extra.add(resource(random, AccountKind.EQUIPMENT,
					"projector-" + office.toLowerCase(Locale.ROOT) + "-" + (i + 1),
					"Projector " + office + " " + (i + 1)));
			String[] shared = { "payroll", "it-helpdesk", "reception", "press" };
			extra.add(resource(random, AccountKind.SHARED_MAILBOX, shared[i % shared.length] + (i / shared.length + 1),
					"Shared mailbox " + shared[i % shared.length]));
		}
		Map<String, Integer> names = new HashMap<>();
		for (AccountKind kind : List.of(AccountKind.DISABLED, AccountKind.BLOCKED, AccountKind.UNLICENSED)) {
			for (int i = 0; i < 2 * k; i++) {
				SimUser u = newUser(this.nextIndex, random, names);
				// Facilities staff: no attribute rule of the generated departments picks
				// them by accident.
				u = new SimUser(this.nextIndex, u.id(), u.userPrincipalName(), u.mail(), u.displayName(), u.givenName(),
						u.surname(), "Member", u.preferredLanguage(), "Facilities", u.country(), u.jobTitle(),
						u.teamsUserId());
				if (u.userPrincipalName().contains("#EXT#") || this.byUpn.containsKey(u.userPrincipalName())) {
					String local = kind.name().toLowerCase(Locale.ROOT) + "." + this.nextIndex;
					u = new SimUser(this.nextIndex, u.id(), local + "@" + this.domain, local + "@" + this.domain,
							u.displayName(), u.givenName(), u.surname(), "Member", u.preferredLanguage(), "Facilities",
							u.country(), u.jobTitle(), u.teamsUserId());
				}
				this.nextIndex++;
				extra.add(u);
				this.accountKinds.put(u.id(), kind);
			}
		}
		List<String> members = new ArrayList<>();
		for (SimUser u : extra) {
			index(u);
			members.add(u.id());
		}
		List<SimUser> all = new ArrayList<>(this.users);
		// 60 ordinary members (never a guest), from the middle of the tenant.
		int from = all.size() / 3;
		for (int i = from; i < all.size() && members.size() < extra.size() + 60; i++) {
			if (!all.get(i).guest()) {
				members.add(all.get(i).id());
			}
		}
		all.addAll(extra);
		this.users = Collections.unmodifiableList(all);
		addGroup(random, "Building Services", "Rooms, shared mailboxes and the people who look after them", members,
				List.of(), false);
		if (this.teams.size() > 2) {
			SimTeam team = this.teams.get(2);
			SimChannel leadership = new SimChannel("19:" + hex32(random) + "@thread.tacv2", "Leadership", team.id(),
					false);
			List<SimChannel> channels = new ArrayList<>(team.channels());
			channels.add(leadership);
			SimTeam moderated = new SimTeam(team.id(), team.groupId(), team.displayName(), team.threadId(),
					List.copyOf(channels), team.memberUserIds(), team.ownerUserIds());
			this.teams.set(2, moderated);
			this.teamsById.put(moderated.id(), moderated);
			this.teamsById.put(moderated.threadId(), moderated);
			this.channelsById.put(leadership.id(), leadership);
			this.moderatedChannels.add(leadership.id());
		}
	}

	private SimUser resource(SplittableRandom random, AccountKind kind, String alias, String displayName) {
		String id = guid(random);
		String mail = alias + "@" + this.domain;
		SimUser u = new SimUser(this.nextIndex++, id, mail, mail, displayName, null, null, "Member", "en-US",
				"Facilities", "US", null, teamsUserId(id));
		this.accountKinds.put(id, kind);
		return u;
	}

	/** What kind of account this is (people unless the realistic tenant says else). */
	public AccountKind kind(SimUser user) {
		return this.accountKinds.getOrDefault(user.id(), AccountKind.PERSON);
	}

	/** Graph's {@code accountEnabled}. */
	public boolean accountEnabled(SimUser user) {
		return kind(user).accountEnabled();
	}

	/** Whether the user has a licence that includes Teams. */
	public boolean teamsLicence(SimUser user) {
		return kind(user).teamsLicence();
	}

	/**
	 * Members of the tenant who are people an announcement should count: an enabled
	 * account, not a resource or shared mailbox (blocked and unlicensed people included).
	 */
	public boolean isPerson(SimUser user) {
		AccountKind kind = kind(user);
		return kind.person() && kind.accountEnabled();
	}

	/**
	 * People a card can reach once the app is installed: persons who did not block the
	 * bot and have a Teams licence (guests included; callers filter them as they need).
	 */
	public boolean reachable(SimUser user) {
		return kind(user) == AccountKind.PERSON;
	}

	/** The realistic tenant's accounts of one kind, in tenant order. */
	public List<SimUser> accounts(AccountKind kind) {
		return this.users.stream().filter((u) -> kind(u) == kind).toList();
	}

	/** Whether the channel's moderation keeps bots from posting. */
	public boolean moderated(String channelId) {
		return channelId != null && this.moderatedChannels.contains(channelId);
	}

	/** Sets whether bots may post in a channel (Teams' channel moderation setting). */
	public void setModerated(String channelId, boolean moderated) {
		if (moderated) {
			this.moderatedChannels.add(channelId);
		}
		else {
			this.moderatedChannels.remove(channelId);
		}
	}

	/** The channels where bots may not post. */
	public Set<String> moderatedChannels() {
		return Set.copyOf(this.moderatedChannels);
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
