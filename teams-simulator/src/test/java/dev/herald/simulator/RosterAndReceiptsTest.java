package dev.herald.simulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;

import dev.herald.simulator.SimulatorConfig.Limits;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Teams' rules the simulator enforces for #17: a 1:1 conversation can be created only for
 * someone who shares a team with the installed bot (or has it personally); adding the app
 * to a team posts the team's conversationUpdate; read receipts reach the bot only when
 * the uploaded manifest requests the RSC permission and the person has receipts on.
 */
class RosterAndReceiptsTest extends FakeBotTest {

	@Override
	SimulatorConfig config() {
		return SimulatorConfig.defaults().withUsers(200).withLimits(Limits.off());
	}

	@Test
	void conversationsAreCreatedOnlyForPeopleSharingATeamWithTheBot() throws Exception {
		// A team without the app, and a member of it who is in no team that has it.
		java.util.Set<String> sharing = new java.util.HashSet<>();
		this.sim.tenant()
			.teams()
			.stream()
			.filter((t) -> this.sim.isInstalledInTeam(t.id()))
			.forEach((t) -> sharing.addAll(t.memberUserIds()));
		SimTeam team = this.sim.tenant()
			.teams()
			.stream()
			.filter((t) -> !this.sim.isInstalledInTeam(t.id())
					&& t.memberUserIds().stream().anyMatch((m) -> !sharing.contains(m)))
			.findFirst()
			.orElseThrow();
		SimUser member = this.sim.tenant()
			.user(team.memberUserIds().stream().filter((m) -> !sharing.contains(m)).findFirst().orElseThrow());
		SimUser outsider = this.sim.tenant()
			.users()
			.stream()
			.filter((u) -> this.sim.tenant().teams().stream().noneMatch((t) -> t.memberUserIds().contains(u.id())))
			.findFirst()
			.orElseGet(() -> this.sim.tenant().addUser("Out", "Sider", "Member"));
		int teamsAtStart = this.sim.teamsWithAppAtStart().size();
		assertThat(teamsAtStart).as("some teams have the app at start, some do not")
			.isBetween(1, this.sim.tenant().teams().size() - 1);
		String token = this.http.botToken();

		SimHttp.Response before = create(token, member);
		assertThat(before.status()).as("nothing shared yet").isEqualTo(403);
		assertThat((Map<String, Object>) before.json().get("error")).containsEntry("code",
				"BotNotInConversationRoster");

		SimHttp.Response install = this.http.post(this.sim.baseUrl() + "/_sim/teams/" + team.id() + "/install", null,
				Map.of());
		assertThat(install.status()).isEqualTo(200);
		FakeBot.Received update = this.bot.take();
		assertThat(update.activity()).containsEntry("type", "conversationUpdate");
		assertThat((Map<String, Object>) update.activity().get("channelData"))
			.containsEntry("eventType", "teamMemberAdded")
			.containsEntry("team",
					Map.of("id", team.threadId(), "name", team.displayName(), "aadGroupId", team.groupId()));
		assertThat((List<Map<String, Object>>) update.activity().get("membersAdded")).extracting((m) -> m.get("id"))
			.containsExactly("28:" + this.sim.botAppId());

		SimHttp.Response created = create(token, member);
		assertThat(created.status()).isEqualTo(201);
		assertThat(created.json()).containsEntry("id", this.sim.conversationIdFor(member.id()));
		assertThat(this.http
			.post(this.sim.serviceUrl() + "v3/conversations/" + created.json().get("id") + "/activities", token,
					SimHttp.message("hello"))
			.status()).as("the created conversation takes messages").isEqualTo(201);
		assertThat(this.sim.inbox(member.id())).hasSize(1);

		SimHttp.Response refused = create(token, outsider);
		assertThat(refused.status()).as("shares nothing with the bot").isEqualTo(403);
		this.sim.installForUser(outsider.id());
		assertThat(create(token, outsider).status()).as("personal install").isEqualTo(201);

		Map<String, Object> stats = this.http.get(this.sim.baseUrl() + "/_sim/stats", null).json();
		assertThat(stats).containsEntry("conversationsCreated", 2).containsEntry("teamsWithApp", teamsAtStart + 1);
		assertThat(this.http.post(this.sim.baseUrl() + "/_sim/teams/no-such-team/install", null, Map.of()).status())
			.isEqualTo(404);
	}

	@Test
	void channelPostsNeedTheAppInTheTeamAndGraphInstallsItThere() throws Exception {
		SimTeam team = this.sim.tenant()
			.teams()
			.stream()
			.filter((t) -> !this.sim.isInstalledInTeam(t.id()))
			.findFirst()
			.orElseThrow();
		SimTeam preinstalled = this.sim.tenant()
			.teams()
			.stream()
			.filter((t) -> this.sim.teamsWithAppAtStart().contains(t.id()))
			.findFirst()
			.orElseThrow();
		String token = this.http.botToken();
		SimChannel channel = team.channels().get(1);

		SimHttp.Response refused = this.http.post(
				this.sim.serviceUrl() + "v3/conversations/" + channel.id() + "/activities", token,
				SimHttp.message("not in the team"));
		assertThat(refused.status()).isEqualTo(403);
		assertThat(refused.json()).isEqualTo(Map.of("error", Map.of("code", "BotNotInConversationRoster", "message",
				"The bot isn't part of the conversation roster.")));
		SimHttp.Response refusedThread = this.http.post(this.sim.serviceUrl() + "v3/conversations", token,
				Map.of("isGroup", true, "channelData", Map.of("channel", Map.of("id", channel.id())), "activity",
						SimHttp.message("new thread"), "tenantId", this.sim.tenantId()));
		assertThat(refusedThread.status()).isEqualTo(403);
		assertThat(this.sim.channelInbox(channel.id())).isEmpty();

		String graphToken = this.http.graphToken();
		Map<String, Object> body = Map.of("teamsApp@odata.bind",
				this.sim.graphBaseUrl() + "/appCatalogs/teamsApps/" + this.sim.teamsAppCatalogId());

		this.sim.setTeamInstallDenied(TeamsSimulator.TEAM_INSTALL_DENIED);
		SimHttp.Response denied = this.http.post(this.sim.graphBaseUrl() + "/teams/" + team.id() + "/installedApps",
				graphToken, body);
		assertThat(denied.status()).isEqualTo(403);
		assertThat((Map<String, Object>) denied.json().get("error")).containsEntry("code", "Forbidden")
			.containsEntry("message", TeamsSimulator.TEAM_INSTALL_DENIED);
		assertThat(this.sim.isInstalledInTeam(team.id())).isFalse();
		this.sim.setTeamInstallDenied(null);

		SimHttp.Response installed = this.http.post(this.sim.graphBaseUrl() + "/teams/" + team.id() + "/installedApps",
				graphToken, body);
		assertThat(installed.status()).isEqualTo(201);
		FakeBot.Received update = this.bot.take();
		assertThat(update.activity()).containsEntry("type", "conversationUpdate");
		assertThat((Map<String, Object>) update.activity().get("channelData")).containsEntry("team",
				Map.of("id", team.threadId(), "name", team.displayName(), "aadGroupId", team.groupId()));
		assertThat(this.http.post(this.sim.graphBaseUrl() + "/teams/" + team.id() + "/installedApps", graphToken, body)
			.status()).as("already installed").isEqualTo(409);
		assertThat(this.http
			.post(this.sim.graphBaseUrl() + "/teams/" + preinstalled.id() + "/installedApps", graphToken, body)
			.status()).as("installed before the bot ran").isEqualTo(409);
		assertThat(this.http.post(this.sim.graphBaseUrl() + "/teams/no-such-team/installedApps", graphToken, body)
			.status()).isEqualTo(404);

		assertThat(this.http
			.post(this.sim.serviceUrl() + "v3/conversations/" + channel.id() + "/activities", token,
					SimHttp.message("now in the team"))
			.status()).isEqualTo(201);
		assertThat(this.sim.channelInbox(channel.id())).hasSize(1);
		Map<String, Object> stats = this.sim.stats();
		assertThat(stats).containsEntry("botNotInConversationRoster403", 2L)
			.containsEntry("graphTeamInstalls", 1L)
			.containsEntry("graphTeamInstallsDenied", 1L);
	}

	@Test
	void readReceiptsNeedTheRscPermissionInTheUploadedManifestAndReceiptsOn() throws Exception {
		SimUser user = this.sim.tenant().users().get(1);
		this.sim.installForUser(user.id());
		this.bot.take();
		this.bot.take();
		String read = this.sim.baseUrl() + "/_sim/users/" + user.id() + "/read";

		assertThat(this.http.post(read, null, Map.of()).json()).containsEntry("status", "not_sent");
		this.sim.publishApp(appPackage(false));
		assertThat(this.http.post(read, null, Map.of()).json()).containsEntry("status", "not_sent");
		assertThat(this.bot.received.poll(500, TimeUnit.MILLISECONDS)).as("no receipt without the permission").isNull();

		// Uploaded the way an admin automates it: Graph's app catalog, a zip body. Herald
		// never needs AppCatalog.ReadWrite.All; the uploading app is granted it here.
		java.util.Set<String> granted = this.sim.graphPermissions(this.sim.botAppId());
		java.util.List<String> withUpload = new java.util.ArrayList<>(granted);
		withUpload.add("AppCatalog.ReadWrite.All");
		this.sim.setGraphPermissions(this.sim.botAppId(), withUpload);
		SimHttp.Response published = SimHttp
			.send(HttpRequest.newBuilder(URI.create(this.sim.graphBaseUrl() + "/appCatalogs/teamsApps"))
				.header("Authorization", "Bearer " + this.http.graphToken())
				.header("Content-Type", "application/zip")
				.POST(HttpRequest.BodyPublishers.ofByteArray(appPackage(true)))
				.build());
		this.sim.setGraphPermissions(this.sim.botAppId(), granted);
		assertThat(published.status()).isEqualTo(201);
		assertThat(this.http.post(read, null, Map.of()).json()).containsEntry("status", 200);
		assertThat(this.bot.take().activity()).containsEntry("name", "application/vnd.microsoft.readReceipt");

		this.http.post(this.sim.baseUrl() + "/_sim/users/" + user.id() + "/read-receipts", null,
				Map.of("enabled", false));
		assertThat(this.http.post(read, null, Map.of()).json()).containsEntry("status", "not_sent");
		assertThat(this.bot.received.poll(500, TimeUnit.MILLISECONDS)).as("receipts off").isNull();
	}

	private SimHttp.Response create(String token, SimUser user) {
		return this.http.post(this.sim.serviceUrl() + "v3/conversations", token,
				Map.of("isGroup", false, "members", List.of(Map.of("id", user.teamsUserId())), "tenantId",
						this.sim.tenantId(), "channelData", Map.of("tenant", Map.of("id", this.sim.tenantId()))));
	}

	static byte[] appPackage(boolean readReceipts) {
		String manifest = "{\"manifestVersion\":\"1.17\",\"id\":\"app\",\"bots\":[{\"botId\":\"bot\"}]"
				+ (readReceipts ? ",\"authorization\":{\"permissions\":{\"resourceSpecific\":[{\"name\":"
						+ "\"ChatMessageReadReceipt.Read.Chat\",\"type\":\"Application\"}]}}" : "")
				+ "}";
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
			zip.putNextEntry(new ZipEntry("manifest.json"));
			zip.write(manifest.getBytes(StandardCharsets.UTF_8));
			zip.closeEntry();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return bytes.toByteArray();
	}

}
