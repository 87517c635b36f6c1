package dev.herald.audience;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import com.microsoft.graph.models.AadUserConversationMember;
import com.microsoft.graph.models.Channel;
import com.microsoft.graph.models.ChannelCollectionResponse;
import com.microsoft.graph.models.ConversationMember;
import com.microsoft.graph.models.ConversationMemberCollectionResponse;
import com.microsoft.graph.models.DirectoryObject;
import com.microsoft.graph.models.DirectoryObjectCollectionResponse;
import com.microsoft.graph.models.Group;
import com.microsoft.graph.models.GroupCollectionResponse;
import com.microsoft.graph.models.Team;
import com.microsoft.graph.models.TeamCollectionResponse;
import com.microsoft.graph.models.User;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.ApiException;

import dev.herald.graph.GraphPermissions;

import org.springframework.stereotype.Component;

/**
 * The Graph side of audiences: picker searches and the expansion of groups and teams into
 * people. Expansions stream page by page to a consumer, so a 100k-member group never sits
 * in memory.
 */
@Component
class GraphDirectory {

	private final GraphServiceClient graph;

	private final AudienceProperties properties;

	private final GraphPermissions permissions;

	GraphDirectory(GraphServiceClient graph, AudienceProperties properties, GraphPermissions permissions) {
		this.graph = graph;
		this.properties = properties;
		this.permissions = permissions;
	}

	// The application permission each read needs (least privileged, as Microsoft
	// documents).
	static final String GROUPS = "GroupMember.Read.All";

	static final String TEAMS = "Team.ReadBasic.All";

	static final String CHANNELS = "Channel.ReadBasic.All";

	static final String TEAM_MEMBERS = "TeamMember.Read.All";

	List<Found> searchGroups(String query) {
		GroupCollectionResponse page = this.permissions.call(GROUPS, "the group picker",
				() -> this.graph.groups().get((rc) -> {
					rc.queryParameters.select = new String[] { "id", "displayName", "description", "mail" };
					rc.queryParameters.top = this.properties.searchLimit();
					if (!query.isBlank()) {
						rc.queryParameters.filter = "startswith(displayName,'" + odata(query) + "')";
					}
				}));
		List<Found> found = new ArrayList<>();
		if (page != null && page.getValue() != null) {
			for (Group g : page.getValue()) {
				found.add(new Found(g.getId(), g.getDisplayName(), g.getDescription()));
			}
		}
		return found;
	}

	List<Found> searchTeams(String query) {
		TeamCollectionResponse page = this.permissions.call(TEAMS, "the team picker",
				() -> this.graph.teams().get((rc) -> {
					rc.queryParameters.select = new String[] { "id", "displayName", "description" };
					rc.queryParameters.top = this.properties.searchLimit();
					if (!query.isBlank()) {
						rc.queryParameters.filter = "startswith(displayName,'" + odata(query) + "')";
					}
				}));
		List<Found> found = new ArrayList<>();
		if (page != null && page.getValue() != null) {
			for (Team t : page.getValue()) {
				found.add(new Found(t.getId(), t.getDisplayName(), t.getDescription()));
			}
		}
		return found;
	}

	/** Whether this channel is one of this team's (Graph answers 404 otherwise). */
	boolean channelInTeam(String teamId, String channelId) {
		try {
			this.graph.teams().byTeamId(teamId).channels().byChannelId(channelId).get((rc) -> {
				rc.queryParameters.select = new String[] { "id" };
			});
			return true;
		}
		catch (ApiException ex) {
			if (ex.getResponseStatusCode() == 404 || ex.getResponseStatusCode() == 400) {
				return false;
			}
			throw ex;
		}
	}

	List<Found> channels(String teamId) {
		ChannelCollectionResponse page = this.permissions.call(CHANNELS, "the channel picker",
				() -> this.graph.teams().byTeamId(teamId).channels().get((rc) -> {
					rc.queryParameters.select = new String[] { "id", "displayName", "description" };
				}));
		List<Found> found = new ArrayList<>();
		while (page != null) {
			if (page.getValue() != null) {
				for (Channel c : page.getValue()) {
					found.add(new Found(c.getId(), c.getDisplayName(), c.getDescription()));
				}
			}
			String next = page.getOdataNextLink();
			page = (next != null) ? this.permissions.call(CHANNELS, "the channel picker",
					() -> this.graph.teams().byTeamId(teamId).channels().withUrl(next).get()) : null;
		}
		return found;
	}

	/**
	 * Users in a group, nested groups included; other member types (devices, contacts,
	 * groups themselves) are skipped.
	 */
	void groupMembers(String groupId, Consumer<List<Member>> pages) {
		DirectoryObjectCollectionResponse page = this.permissions.call(GROUPS, "group audiences",
				() -> this.graph.groups().byGroupId(groupId).transitiveMembers().get((rc) -> {
					rc.queryParameters.select = new String[] { "id", "userType" };
					rc.queryParameters.top = this.properties.pageSize();
				}));
		while (page != null) {
			List<Member> members = new ArrayList<>();
			if (page.getValue() != null) {
				for (DirectoryObject o : page.getValue()) {
					if (o instanceof User u && u.getId() != null) {
						members.add(new Member(u.getId().toLowerCase(Locale.ROOT), u.getUserType()));
					}
				}
			}
			pages.accept(members);
			String next = page.getOdataNextLink();
			page = (next != null)
					? this.permissions.call(GROUPS, "group audiences",
							() -> this.graph.groups().byGroupId(groupId).transitiveMembers().withUrl(next).get())
					: null;
		}
	}

	/** People on a team's roster; a {@code guest} role marks a guest. */
	void teamMembers(String teamId, Consumer<List<Member>> pages) {
		ConversationMemberCollectionResponse page = this.permissions.call(TEAM_MEMBERS, "team audiences",
				() -> this.graph.teams().byTeamId(teamId).members().get());
		while (page != null) {
			List<Member> members = new ArrayList<>();
			if (page.getValue() != null) {
				for (ConversationMember m : page.getValue()) {
					if (m instanceof AadUserConversationMember u && u.getUserId() != null) {
						boolean guest = u.getRoles() != null
								&& u.getRoles().stream().anyMatch((r) -> "guest".equalsIgnoreCase(r));
						members.add(new Member(u.getUserId().toLowerCase(Locale.ROOT), guest ? "Guest" : null));
					}
				}
			}
			pages.accept(members);
			String next = page.getOdataNextLink();
			page = (next != null) ? this.permissions.call(TEAM_MEMBERS, "team audiences",
					() -> this.graph.teams().byTeamId(teamId).members().withUrl(next).get()) : null;
		}
	}

	private static String odata(String value) {
		return value.replace("'", "''");
	}

	/** A search hit. */
	record Found(String id, String displayName, String description) {
	}

	/**
	 * A person found through Graph.
	 *
	 * @param aadObjectId lower-case Entra object id
	 * @param userType Member, Guest, or null when the source does not say
	 */
	record Member(String aadObjectId, String userType) {
	}

}
