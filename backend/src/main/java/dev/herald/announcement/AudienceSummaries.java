package dev.herald.announcement;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who an announcement goes to, for the draft and confirm pages. Implemented by the module
 * that owns audiences (which depends on this one, not the other way round).
 */
public interface AudienceSummaries {

	/**
	 * The parts of the stored audience as the author picked them, addresses from a CSV
	 * folded into one part; empty when none is stored (the send then goes to everyone who
	 * has the app).
	 */
	List<Part> parts(long announcementId);

	/**
	 * Resolves the stored audience now, with the same query a send freezes; empty when
	 * none is stored.
	 * @throws UnavailableException when a group or team cannot be read
	 */
	Optional<Count> count(long announcementId);

	/**
	 * People the default audience (everyone who has the app) reaches now, by the rule a
	 * send freezes with: guests left out unless the admin allows them.
	 */
	long everyoneWithTheApp();

	/**
	 * How many people of the stored audience (everyone who has the app when none is
	 * stored) get each language variant of this content, the default under its language
	 * tag.
	 * @throws UnavailableException when a group or team cannot be read
	 */
	Map<String, Integer> variants(long announcementId, AnnouncementContent content);

	/**
	 * One part of an audience.
	 *
	 * @param kind {@code everyone}, {@code group}, {@code team}, {@code channel},
	 * {@code person} or {@code address}
	 * @param label what the author saw when picking it (null for {@code everyone} and
	 * folded addresses)
	 * @param size how many entries the part stands for (addresses), otherwise 1
	 */
	record Part(String kind, String label, int size) {
	}

	/**
	 * What a send started now would freeze.
	 *
	 * @param recipients ledger rows: people plus channels
	 * @param people distinct people
	 * @param channels channels
	 * @param needInstall people who do not have the app yet
	 * @param needTeamInstall channels whose team Herald must be added to first
	 * @param optedOut people who opted out (counted, never messaged)
	 * @param guestsExcluded guests left out by the admin setting
	 * @param topicOptedOut of the opted-out people, those who turned this announcement's
	 * topic off
	 */
	record Count(int recipients, int people, int channels, int needInstall, int needTeamInstall, int optedOut,
			int guestsExcluded, int topicOptedOut) {
	}

	/** The audience cannot be resolved right now. */
	class UnavailableException extends RuntimeException {

		public UnavailableException(String message, Throwable cause) {
			super(message, cause);
		}

	}

}
