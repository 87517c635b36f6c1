package dev.herald.simulator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.herald.simulator.Http.Resp;

/**
 * The Graph application permission each path the simulator serves needs, as Microsoft
 * documents it (the least privileged first, then the higher ones that include it; see
 * teams-protocol.md, "Graph application permissions (v1.0)"). A token without any of them
 * gets Graph's 403: {@code Authorization_RequestDenied} on directory paths,
 * {@code Forbidden} with the roles named on Teams paths.
 */
final class GraphPermissions {

	private static final List<String> USER_READ = List.of("User.Read.All", "User.ReadWrite.All", "Directory.Read.All",
			"Directory.ReadWrite.All");

	private static final List<String> GROUP_READ = List.of("GroupMember.Read.All", "Group.Read.All",
			"Directory.Read.All", "Group.ReadWrite.All", "Directory.ReadWrite.All");

	private static final List<String> GROUP_MEMBERS = List.of("GroupMember.Read.All", "Group.Read.All",
			"GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All");

	private static final List<String> TEAM_READ = List.of("Team.ReadBasic.All", "TeamSettings.Read.All",
			"TeamSettings.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All");

	private static final List<String> TEAM_MEMBERS = List.of("TeamMember.Read.All", "TeamMember.ReadWrite.All");

	private static final List<String> CHANNEL_READ = List.of("Channel.ReadBasic.All", "ChannelSettings.Read.All",
			"ChannelSettings.ReadWrite.All", "Directory.Read.All", "Group.Read.All", "Directory.ReadWrite.All",
			"Group.ReadWrite.All");

	private static final List<String> USER_INSTALL_WRITE = List.of("TeamsAppInstallation.ReadWriteSelfForUser.All",
			"TeamsAppInstallation.ManageSelectedForUser.All", "TeamsAppInstallation.ReadWriteAndConsentForUser.All",
			"TeamsAppInstallation.ReadWriteAndConsentSelfForUser.All", "TeamsAppInstallation.ReadWriteForUser.All",
			"TeamsAppInstallation.ReadWriteSelectedForUser.All");

	private static final List<String> USER_INSTALL_READ = List.of("TeamsAppInstallation.ReadForUser.All",
			"TeamsAppInstallation.Read.All", "TeamsAppInstallation.ReadWriteSelfForUser.All",
			"TeamsAppInstallation.ManageSelectedForUser.All", "TeamsAppInstallation.ReadWriteAndConsentForUser.All",
			"TeamsAppInstallation.ReadWriteAndConsentSelfForUser.All", "TeamsAppInstallation.ReadWriteForUser.All",
			"TeamsAppInstallation.ReadWriteSelectedForUser.All");

	private static final List<String> TEAM_INSTALL_WRITE = List.of("TeamsAppInstallation.ReadWriteSelfForTeam.All",
			"TeamsAppInstallation.ReadWriteForTeam.All", "TeamsAppInstallation.ReadWriteAndConsentForTeam.All",
			"TeamsAppInstallation.ReadWriteAndConsentSelfForTeam.All", "Group.ReadWrite.All",
			"Directory.ReadWrite.All");

	private static final List<String> TEAM_INSTALL_READ = List.of("TeamsAppInstallation.ReadForTeam.All",
			"TeamsAppInstallation.ReadWriteSelfForTeam.All", "TeamsAppInstallation.ReadWriteForTeam.All",
			"Group.Read.All");

	private static final List<String> CATALOG_READ = List.of("AppCatalog.Read.All", "AppCatalog.ReadWrite.All");

	// Publishing to the org catalog is delegated-only in Graph; the simulator accepts an
	// app token with AppCatalog.ReadWrite.All so that tests can upload a package.
	private static final List<String> CATALOG_WRITE = List.of("AppCatalog.ReadWrite.All", "Directory.ReadWrite.All");

	// Application permission; the RSC TeamsActivity.Send.User is granted per
	// installation,
	// not to the app registration, so an app-only token never carries it.
	private static final List<String> ACTIVITY_SEND = List.of("TeamsActivity.Send");

	private record Rule(List<String> accepted, boolean directory) {
	}

	/** Keyed by "METHOD /v1.0/template" as registered with the router. */
	private static final Map<String, Rule> RULES = new LinkedHashMap<>();

	static {
		directory(USER_READ, "GET /v1.0/users", "GET /v1.0/users/delta", "GET /v1.0/users/delta()",
				"GET /v1.0/users/{id}");
		directory(GROUP_READ, "GET /v1.0/groups", "GET /v1.0/groups/{id}");
		directory(GROUP_MEMBERS, "GET /v1.0/groups/{id}/members", "GET /v1.0/groups/{id}/members/microsoft.graph.user",
				"GET /v1.0/groups/{id}/members/graph.user", "GET /v1.0/groups/{id}/transitiveMembers",
				"GET /v1.0/groups/{id}/transitiveMembers/microsoft.graph.user",
				"GET /v1.0/groups/{id}/transitiveMembers/graph.user");
		teams(TEAM_READ, "GET /v1.0/teams", "GET /v1.0/teams/{id}", "GET /v1.0/users/{id}/joinedTeams");
		teams(TEAM_MEMBERS, "GET /v1.0/teams/{id}/members");
		teams(CHANNEL_READ, "GET /v1.0/teams/{id}/channels", "GET /v1.0/teams/{id}/channels/{channelId}");
		teams(USER_INSTALL_WRITE, "POST /v1.0/users/{id}/teamwork/installedApps",
				"DELETE /v1.0/users/{id}/teamwork/installedApps/{installId}");
		teams(USER_INSTALL_READ, "GET /v1.0/users/{id}/teamwork/installedApps",
				"GET /v1.0/users/{id}/teamwork/installedApps/{installId}",
				"GET /v1.0/users/{id}/teamwork/installedApps/{installId}/chat");
		teams(TEAM_INSTALL_WRITE, "POST /v1.0/teams/{id}/installedApps",
				"DELETE /v1.0/teams/{id}/installedApps/{installId}");
		teams(TEAM_INSTALL_READ, "GET /v1.0/teams/{id}/installedApps",
				"GET /v1.0/teams/{id}/installedApps/{installId}");
		teams(CATALOG_READ, "GET /v1.0/appCatalogs/teamsApps", "GET /v1.0/appCatalogs/teamsApps/{id}");
		teams(CATALOG_WRITE, "POST /v1.0/appCatalogs/teamsApps");
		teams(ACTIVITY_SEND, "POST /v1.0/teamwork/sendActivityNotificationToRecipients",
				"POST /v1.0/users/{id}/teamwork/sendActivityNotification");
		// Exchange Online's sendMail from a sender mailbox (#26).
		teams(List.of("Mail.Send"), "POST /v1.0/users/{id}/sendMail");
	}

	private GraphPermissions() {
	}

	private static void directory(List<String> accepted, String... routes) {
		for (String r : routes) {
			RULES.put(key(r), new Rule(accepted, true));
		}
	}

	private static void teams(List<String> accepted, String... routes) {
		for (String r : routes) {
			RULES.put(key(r), new Rule(accepted, false));
		}
	}

	/** Path parameters match whatever a route names them ({id}, {teamId}, ...). */
	private static String key(String route) {
		return route.replaceAll("\\{[^}/]*\\}", "{}");
	}

	/**
	 * The permissions that admit a call to a route (least privileged first), or null for
	 * a route that needs none (e.g. {@code $batch}: each item is checked on its own).
	 */
	static List<String> accepted(String method, String template) {
		Rule rule = RULES.get(key(method + " " + template));
		return (rule != null) ? rule.accepted() : null;
	}

	/** Null when the roles admit the call, else Graph's 403. */
	static Resp check(String method, String template, Set<String> roles) {
		Rule rule = RULES.get(key(method + " " + template));
		if (rule == null) {
			return null;
		}
		for (String p : rule.accepted()) {
			for (String r : roles) {
				if (r.equalsIgnoreCase(p)) {
					return null;
				}
			}
		}
		if (rule.directory()) {
			return GraphApi.error(403, "Authorization_RequestDenied",
					"Insufficient privileges to complete the operation.");
		}
		return GraphApi.error(403, "Forbidden",
				"Missing role permissions on the request. API requires one of '" + String.join(", ", rule.accepted())
						+ "'. Roles on the request '" + String.join(", ", roles.stream().sorted().toList()) + "'.");
	}

}
