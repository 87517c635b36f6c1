package dev.herald.announcement;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The Teams deep link to one announcement in Herald's personal tab, as teams-js builds it
 * ({@code createTeamsAppLink}): the tab's entity and, in {@code context}, the
 * announcement's id as {@code subEntityId}, which Teams hands the tab as
 * {@code getContext().page.subPageId}.
 */
public final class TabLink {

	/** The {@code entityId} of the tab in the app manifest. */
	public static final String ENTITY_ID = "announcements";

	private TabLink() {
	}

	/**
	 * @param teamsAppId the app's manifest id (the catalog's external id)
	 * @param announcementId the announcement to open
	 */
	public static String of(String teamsAppId, long announcementId) {
		return "https://teams.microsoft.com/l/entity/" + encode(teamsAppId) + "/" + encode(ENTITY_ID) + "?context="
				+ encode("{\"subEntityId\":\"" + announcementId + "\"}");
	}

	/** As JavaScript's encodeURIComponent for these values (no spaces in them). */
	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
	}

}
