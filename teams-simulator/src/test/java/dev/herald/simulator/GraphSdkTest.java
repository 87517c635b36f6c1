package dev.herald.simulator;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.microsoft.graph.core.content.BatchRequestContent;
import com.microsoft.graph.core.content.BatchResponseContent;
import com.microsoft.graph.core.tasks.PageIterator;
import com.microsoft.graph.models.Chat;
import com.microsoft.graph.models.DirectoryObject;
import com.microsoft.graph.models.DirectoryObjectCollectionResponse;
import com.microsoft.graph.models.TeamsAppCollectionResponse;
import com.microsoft.graph.models.User;
import com.microsoft.graph.models.UserCollectionResponse;
import com.microsoft.graph.models.UserScopeTeamsAppInstallation;
import com.microsoft.graph.models.UserScopeTeamsAppInstallationCollectionResponse;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.delta.DeltaGetResponse;
import com.microsoft.kiota.ApiException;
import com.microsoft.kiota.authentication.AccessTokenProvider;
import com.microsoft.kiota.authentication.AllowedHostsValidator;
import com.microsoft.kiota.authentication.BaseBearerTokenAuthenticationProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.herald.simulator.SimulatorConfig.Limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GraphSdkTest {

	static TeamsSimulator sim;

	static SimHttp http;

	static GraphServiceClient graph;

	static FakeBot bot;

	@BeforeAll
	static void start() throws Exception {
		bot = new FakeBot();
		long t0 = System.nanoTime();
		sim = TeamsSimulator.start(SimulatorConfig.defaults()
			.withUsers(100_000)
			.withBotEndpoint(bot.url())
			.withLimits(Limits.teams().withGraphInstallsPerSecond(0))
			.withFaults(SimulatorConfig.Faults.none().withUnlicensedShare(0.05)));
		System.out.println("100k-user tenant started in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
		http = new SimHttp(sim);
		String token = http.graphToken();
		AccessTokenProvider provider = new AccessTokenProvider() {
			final AllowedHostsValidator hosts = new AllowedHostsValidator("localhost");

			@Override
			public String getAuthorizationToken(URI uri, Map<String, Object> context) {
				return token;
			}

			@Override
			public AllowedHostsValidator getAllowedHostsValidator() {
				return this.hosts;
			}
		};
		graph = new GraphServiceClient(new BaseBearerTokenAuthenticationProvider(provider));
		graph.getRequestAdapter().setBaseUrl(sim.graphBaseUrl());
	}

	@AfterAll
	static void stop() {
		sim.close();
		bot.close();
	}

	@Test
	void pageIteratorReadsEveryUserOfA100kTenant() throws Exception {
		UserCollectionResponse first = graph.users().get((rc) -> {
			rc.queryParameters.select = new String[] { "id", "displayName", "userPrincipalName", "userType" };
			rc.queryParameters.top = 999;
		});
		assertThat(first.getValue()).hasSize(999);
		assertThat(first.getOdataNextLink()).startsWith(sim.graphBaseUrl() + "/users?");
		Set<String> ids = new HashSet<>();
		PageIterator<User, UserCollectionResponse> it = new PageIterator.Builder<User, UserCollectionResponse>()
			.client(graph)
			.collectionPage(first)
			.collectionPageFactory(UserCollectionResponse::createFromDiscriminatorValue)
			.processPageItemCallback((u) -> {
				ids.add(u.getId());
				return true;
			})
			.build();
		it.iterate();
		// 100,000 people and the realistic tenant's mailboxes and other accounts
		assertThat(ids).hasSize(sim.tenant().users().size()).hasSizeGreaterThan(100_000);
	}

	@Test
	void guestFilterAndTopLimits() {
		UserCollectionResponse guests = graph.users().get((rc) -> {
			rc.queryParameters.filter = "userType eq 'Guest'";
			rc.queryParameters.top = 999;
			rc.queryParameters.count = true;
			rc.headers.add("ConsistencyLevel", "eventual");
		});
		assertThat(guests.getValue()).allSatisfy((u) -> assertThat(u.getId()).isNotNull());
		long expected = sim.tenant().users().stream().filter(SimUser::guest).count();
		assertThat(guests.getOdataCount()).isEqualTo(expected);
		assertThat(expected).isBetween(2_000L, 4_000L);
		assertThatThrownBy(() -> graph.users().get((rc) -> rc.queryParameters.top = 1000))
			.isInstanceOfSatisfying(ODataError.class, (e) -> {
				assertThat(e.getResponseStatusCode()).isEqualTo(400);
				assertThat(e.getError().getMessage())
					.isEqualTo("Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.");
			});
		assertThat(graph.users().get().getValue()).hasSize(100);
	}

	@Test
	void userByIdOrUpn() {
		SimUser u = sim.tenant().users().get(77);
		assertThat(graph.users().byUserId(u.id()).get().getUserPrincipalName()).isEqualTo(u.userPrincipalName());
		assertThat(graph.users().byUserId(u.userPrincipalName()).get().getId()).isEqualTo(u.id());
		assertThatThrownBy(() -> graph.users().byUserId("00000000-0000-0000-0000-000000000000").get())
			.isInstanceOfSatisfying(ApiException.class, (e) -> assertThat(e.getResponseStatusCode()).isEqualTo(404));
	}

	@Test
	void installThenConflictThenInstalledAppsAndChat() throws Exception {
		SimUser u = sim.tenant()
			.users()
			.stream()
			.filter((x) -> !sim.unlicensed(x) && !sim.isInstalled(x.id()))
			.findFirst()
			.orElseThrow();
		TeamsAppCollectionResponse apps = graph.appCatalogs()
			.teamsApps()
			.get((rc) -> rc.queryParameters.filter = "externalId eq '" + sim.teamsAppExternalId() + "'");
		String catalogId = apps.getValue().get(0).getId();
		assertThat(catalogId).isEqualTo(sim.teamsAppCatalogId());

		graph.users().byUserId(u.id()).teamwork().installedApps().post(installation(catalogId));
		assertThat(sim.isInstalled(u.id())).isTrue();
		assertThatThrownBy(
				() -> graph.users().byUserId(u.id()).teamwork().installedApps().post(installation(catalogId)))
			.isInstanceOfSatisfying(ApiException.class, (e) -> assertThat(e.getResponseStatusCode()).isEqualTo(409));

		UserScopeTeamsAppInstallationCollectionResponse list = graph.users()
			.byUserId(u.id())
			.teamwork()
			.installedApps()
			.get((rc) -> {
				rc.queryParameters.expand = new String[] { "teamsApp" };
				rc.queryParameters.filter = "teamsApp/id eq '" + catalogId + "'";
			});
		assertThat(list.getValue()).hasSize(1);
		assertThat(list.getValue().get(0).getTeamsApp().getExternalId()).isEqualTo(sim.teamsAppExternalId());
		Chat chat = graph.users()
			.byUserId(u.id())
			.teamwork()
			.installedApps()
			.byUserScopeTeamsAppInstallationId(list.getValue().get(0).getId())
			.chat()
			.get();
		assertThat(chat.getId()).isEqualTo("19:" + u.id() + "_" + sim.botAppId() + "@unq.gbl.spaces");

		// the install reached the bot as signed callbacks
		List<String> types = new ArrayList<>();
		types.add((String) bot.take().activity().get("type"));
		types.add((String) bot.take().activity().get("type"));
		assertThat(types).containsExactly("installationUpdate", "conversationUpdate");

		// not installed -> empty list; unknown user -> 404; unlicensed -> 403
		SimUser other = sim.tenant().users().stream().filter((x) -> !sim.isInstalled(x.id())).findFirst().orElseThrow();
		assertThat(graph.users()
			.byUserId(other.id())
			.teamwork()
			.installedApps()
			.get((rc) -> rc.queryParameters.filter = "teamsApp/id eq '" + catalogId + "'")
			.getValue()).isEmpty();
		assertThatThrownBy(() -> graph.users()
			.byUserId("0badc0de-0000-4000-8000-000000000000")
			.teamwork()
			.installedApps()
			.post(installation(catalogId))).isInstanceOfSatisfying(ODataError.class, (e) -> {
				assertThat(e.getResponseStatusCode()).isEqualTo(404);
				assertThat(e.getError().getCode()).isEqualTo("NotFound");
			});
		SimUser unlicensed = sim.tenant().users().stream().filter(sim::unlicensed).findFirst().orElseThrow();
		assertThatThrownBy(
				() -> graph.users().byUserId(unlicensed.id()).teamwork().installedApps().post(installation(catalogId)))
			.isInstanceOfSatisfying(ODataError.class, (e) -> {
				assertThat(e.getResponseStatusCode()).isEqualTo(403);
				assertThat(e.getError().getMessage()).startsWith("Failed to get license information for the user");
			});
	}

	/** A new body per call: Kiota's backing store serializes only unsent changes. */
	private static UserScopeTeamsAppInstallation installation(String catalogId) {
		UserScopeTeamsAppInstallation installation = new UserScopeTeamsAppInstallation();
		installation.setAdditionalData(
				Map.of("teamsApp@odata.bind", sim.graphBaseUrl() + "/appCatalogs/teamsApps/" + catalogId));
		return installation;
	}

	@Test
	void transitiveMembersFlattenNestedGroups() {
		SimGroup all = sim.tenant()
			.groups()
			.stream()
			.filter((g) -> g.displayName().equals("All Company"))
			.findFirst()
			.orElseThrow();
		SimGroup project = sim.tenant()
			.groups()
			.stream()
			.filter((g) -> g.displayName().equals("Project 005"))
			.findFirst()
			.orElseThrow();
		assertThat(project.memberGroupIds()).hasSize(1);
		Set<String> expectedUsers = new HashSet<>(project.memberUserIds());
		expectedUsers.addAll(sim.tenant().group(project.memberGroupIds().get(0)).memberUserIds());
		List<String> userIds = new ArrayList<>();
		List<String> groupIds = new ArrayList<>();
		DirectoryObjectCollectionResponse page = graph.groups()
			.byGroupId(project.id())
			.transitiveMembers()
			.get((rc) -> rc.queryParameters.top = 10);
		assertThat(page.getOdataNextLink()).isNotNull();
		PageIterator<DirectoryObject, DirectoryObjectCollectionResponse> it;
		try {
			it = new PageIterator.Builder<DirectoryObject, DirectoryObjectCollectionResponse>().client(graph)
				.collectionPage(page)
				.collectionPageFactory(DirectoryObjectCollectionResponse::createFromDiscriminatorValue)
				.processPageItemCallback((o) -> {
					if (o instanceof User u) {
						userIds.add(u.getId());
					}
					else {
						groupIds.add(o.getId());
					}
					return true;
				})
				.build();
			it.iterate();
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException(ex);
		}
		assertThat(groupIds).containsExactly(project.memberGroupIds().get(0));
		assertThat(userIds).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expectedUsers);
		UserCollectionResponse usersOnly = graph.groups()
			.byGroupId(all.id())
			.transitiveMembers()
			.graphUser()
			.get((rc) -> {
				rc.queryParameters.top = 5;
				rc.queryParameters.count = true;
				rc.headers.add("ConsistencyLevel", "eventual");
			});
		assertThat(usersOnly.getValue()).hasSize(5);
		assertThat(usersOnly.getOdataCount()).isEqualTo(100_000L);
	}

	@Test
	void batchParsesPerItemResponses() throws Exception {
		SimUser u1 = sim.tenant().users().get(1);
		BatchRequestContent batch = new BatchRequestContent(graph);
		String id1 = batch.addBatchRequestStep(graph.users().byUserId(u1.id()).toGetRequestInformation());
		String id2 = batch.addBatchRequestStep(
				graph.users().byUserId("11111111-2222-4333-8444-555555555555").toGetRequestInformation());
		BatchResponseContent response = graph.getBatchRequestBuilder().post(batch, null);
		User user1 = response.getResponseById(id1, User::createFromDiscriminatorValue);
		assertThat(user1.getDisplayName()).isEqualTo(u1.displayName());
		assertThat(response.getResponsesStatusCode()).containsEntry(id1, 200).containsEntry(id2, 404);

		List<Object> tooMany = new ArrayList<>();
		for (int i = 0; i < 21; i++) {
			tooMany.add(Map.of("id", "" + i, "method", "GET", "url", "/users/" + u1.id()));
		}
		SimHttp.Response r = http.post(sim.graphBaseUrl() + "/$batch", http.graphToken(), Map.of("requests", tooMany));
		assertThat(r.status()).isEqualTo(400);
	}

	@Test
	void deltaGivesADeltaLinkThenChanges() {
		DeltaGetResponse page = graph.users().delta().get((rc) -> {
			rc.queryParameters.select = new String[] { "id", "displayName", "userPrincipalName", "userType" };
			rc.queryParameters.top = 999;
		});
		int count = 0;
		while (page.getOdataNextLink() != null) {
			count += page.getValue().size();
			page = graph.users().delta().withUrl(page.getOdataNextLink()).get();
		}
		count += page.getValue().size();
		assertThat(count).isEqualTo(sim.tenant().users().size());
		String deltaLink = page.getOdataDeltaLink();
		assertThat(deltaLink).startsWith(sim.graphBaseUrl() + "/users/delta?$deltatoken=");
		assertThat(graph.users().delta().withUrl(deltaLink).get().getValue()).isEmpty();

		SimUser added = sim.tenant().addUser("Nova", "Newcomer", "Member");
		SimUser removed = sim.tenant().users().get(10);
		sim.tenant().removeUser(removed.id());
		DeltaGetResponse changes = graph.users().delta().withUrl(deltaLink).get();
		assertThat(changes.getValue()).extracting(User::getId).containsExactlyInAnyOrder(added.id(), removed.id());
		assertThat(changes.getValue()
			.stream()
			.filter((x) -> x.getId().equals(removed.id()))
			.findFirst()
			.orElseThrow()
			.getAdditionalData()).containsKey("@removed");
		assertThat(graph.users().delta().withUrl(changes.getOdataDeltaLink()).get().getValue()).isEmpty();
	}

	@Test
	void teamsMembersAndChannels() {
		SimTeam team = sim.tenant().teams().get(0);
		var members = graph.teams().byTeamId(team.id()).members().get((rc) -> rc.queryParameters.top = 50);
		assertThat(members.getValue()).hasSize(50);
		var first = (com.microsoft.graph.models.AadUserConversationMember) members.getValue().get(0);
		assertThat(first.getUserId()).isEqualTo(team.memberUserIds().get(0));
		assertThat(first.getRoles()).containsExactly("owner");
		var channels = graph.teams().byTeamId(team.id()).channels().get();
		assertThat(channels.getValue()).extracting((c) -> c.getId()).startsWith(team.threadId());
	}

	@Test
	void graphNeedsAGraphToken() {
		SimHttp.Response none = http.get(sim.graphBaseUrl() + "/users", null);
		assertThat(none.status()).isEqualTo(401);
		assertThat(none.json()).extracting("error").extracting("code").isEqualTo("InvalidAuthenticationToken");
		assertThat(http.get(sim.graphBaseUrl() + "/users", http.botToken()).status()).isEqualTo(401);
	}

}
