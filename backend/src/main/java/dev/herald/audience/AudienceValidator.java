package dev.herald.audience;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.herald.graph.GraphFailure;

import org.springframework.stereotype.Component;

/**
 * Checks an audience against the directory before it is stored or counted: bounds per
 * kind, ids of the shape of their kind, and every channel a channel of the team it names
 * (asked of Graph, never taken from the entry). What a client sends as {@code teamId} or
 * {@code label} is a claim until checked here; guardrails then judge the checked entry.
 */
@Component
public class AudienceValidator {

	/** Entra object ids (users, groups; a team's id is its group's). */
	private static final Pattern GUID = Pattern
		.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

	/**
	 * A team channel's conversation id. A person's chat ({@code a:...},
	 * {@code 19:...@unq.gbl.spaces}), a group chat ({@code @thread.v2}) or a message in a
	 * thread ({@code ;messageid=}) never is one.
	 */
	private static final Pattern CHANNEL = Pattern.compile("^19:[^\\s;/@]+@thread\\.(tacv2|skype)$");

	private final GraphDirectory graph;

	private final AudienceProperties properties;

	AudienceValidator(GraphDirectory graph, AudienceProperties properties) {
		this.graph = graph;
		this.properties = properties;
	}

	/** Whether an id has the shape of a team channel's conversation id. */
	public static boolean isChannelId(String id) {
		return id != null && id.length() <= 200 && CHANNEL.matcher(id).matches();
	}

	/**
	 * Refuses an audience over its bounds ({@link AudienceTooLargeException}) or with an
	 * entry that is not what its kind says ({@link InvalidAudienceException}).
	 */
	public void validate(AudienceDefinition audience) {
		checkBounds(audience);
		audience.validateRules();
		List<Invalid> invalid = new ArrayList<>();
		for (AudienceEntry entry : audience.entries()) {
			String reason = shape(entry);
			if (reason != null) {
				invalid.add(new Invalid(AudienceAllowList.key(entry), reason));
			}
		}
		if (invalid.isEmpty()) {
			invalid.addAll(foreignChannels(audience.of(AudienceKind.CHANNEL)));
		}
		if (!invalid.isEmpty()) {
			throw new InvalidAudienceException(invalid);
		}
	}

	/** The bounds alone (cheap; no directory call). */
	public void checkBounds(AudienceDefinition audience) {
		long directory = audience.entries()
			.stream()
			.filter((e) -> e.kind() == AudienceKind.GROUP || e.kind() == AudienceKind.TEAM
					|| e.kind() == AudienceKind.CHANNEL)
			.count();
		if (directory > this.properties.maxDirectoryEntries()) {
			throw new AudienceTooLargeException("herald.audience.max-directory-entries",
					this.properties.maxDirectoryEntries(), directory, "groups, teams and channels");
		}
		long rules = audience.of(AudienceKind.ATTRIBUTE).size();
		if (rules > this.properties.maxAttributeRules()) {
			throw new AudienceTooLargeException("herald.audience.max-attribute-rules",
					this.properties.maxAttributeRules(), rules, "attribute rules");
		}
		long people = audience.entries()
			.stream()
			.filter((e) -> e.kind() == AudienceKind.PERSON || e.kind() == AudienceKind.ADDRESS)
			.count();
		if (people > this.properties.maxCsvRows()) {
			throw new AudienceTooLargeException("herald.audience.max-csv-rows", this.properties.maxCsvRows(), people,
					"people and addresses");
		}
	}

	/**
	 * Whether these channels are, each, a channel of the team its entry names, as Graph
	 * lists the team's channels now; the refs that are not.
	 */
	Set<String> notInTheirTeam(List<AudienceEntry> channels) {
		return foreignChannels(channels).stream().map(Invalid::entry).collect(Collectors.toSet());
	}

	private List<Invalid> foreignChannels(List<AudienceEntry> channels) {
		List<Invalid> invalid = new ArrayList<>();
		Map<String, Set<String>> byTeam = new HashMap<>();
		for (AudienceEntry channel : channels) {
			String team = channel.teamId().toLowerCase(Locale.ROOT);
			Set<String> known = byTeam.computeIfAbsent(team, this::channelsOf);
			if (known == null) {
				invalid.add(new Invalid(AudienceAllowList.key(channel),
						"team " + channel.teamId() + " does not exist in the directory"));
			}
			else if (!known.contains(channel.ref())) {
				invalid.add(new Invalid(AudienceAllowList.key(channel),
						"not a channel of team " + channel.teamId() + " (as Microsoft Graph lists its channels)"));
			}
		}
		return invalid;
	}

	/** The team's channel ids; null when Graph does not know the team. */
	private Set<String> channelsOf(String teamId) {
		try {
			return this.graph.channels(teamId)
				.stream()
				.map(GraphDirectory.Found::id)
				.collect(Collectors.toUnmodifiableSet());
		}
		catch (RuntimeException ex) {
			if (GraphFailure.of(ex).status() == 404) {
				return null;
			}
			// Not checkable now: refused (502), never let through unchecked.
			throw ex;
		}
	}

	/** Why an entry is not what its kind says; null when it is. */
	private static String shape(AudienceEntry entry) {
		return switch (entry.kind()) {
			case EVERYONE -> null;
			case GROUP, TEAM, PERSON -> GUID.matcher(entry.ref()).matches() ? null
					: "a " + entry.kind().dbValue() + " is named by its Entra object id (a GUID)";
			case CHANNEL -> !isChannelId(entry.ref())
					? "not a team channel id (19:...@thread.tacv2); chats and other conversations are never channels"
					: !GUID.matcher(entry.teamId()).matches() ? "teamId must be the team's Entra object id (a GUID)"
							: null;
			case ADDRESS -> (entry.ref().length() <= 320 && entry.ref().equals(Directory.firstAddress(entry.ref())))
					? null : "not a UPN or mail address";
			case ATTRIBUTE -> null; // parsed by validateRules
		};
	}

	/**
	 * One refused entry.
	 *
	 * @param entry the entry, as {@code kind:ref}
	 * @param reason why
	 */
	public record Invalid(String entry, String reason) {
	}

	/** Entries that are not what their kind says (422). */
	public static class InvalidAudienceException extends RuntimeException {

		private final List<Invalid> invalid;

		InvalidAudienceException(List<Invalid> invalid) {
			super("These audience entries are refused: "
					+ invalid.stream()
						.limit(10)
						.map((i) -> i.entry() + " (" + i.reason() + ")")
						.collect(Collectors.joining("; "))
					+ ((invalid.size() > 10) ? "; and " + (invalid.size() - 10) + " more" : ""));
			this.invalid = List.copyOf(invalid);
		}

		public List<Invalid> invalid() {
			return this.invalid;
		}

	}

	/** More entries of a kind than one audience may hold (422, naming the limit). */
	public static class AudienceTooLargeException extends RuntimeException {

		private final String limit;

		private final int max;

		AudienceTooLargeException(String limit, int max, long given, String what) {
			super("An audience may hold at most " + max + " " + what + " (" + limit + "); this one has " + given + ".");
			this.limit = limit;
			this.max = max;
		}

		public String limit() {
			return this.limit;
		}

		public int max() {
			return this.max;
		}

	}

}
