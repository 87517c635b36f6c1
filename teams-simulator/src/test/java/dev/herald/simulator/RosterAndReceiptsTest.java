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

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.herald.simulator.SimulatorConfig.Limits;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Teams' rules the simulator enforces for #17: a 1:1 conversation can be created only for
 * someone who shares a team with the installed bot (or has it personally); adding the app
 * to a team posts the team's conversationUpdate; read receipts reach the bot only when
 * the uploaded manifest requests the RSC permission and the person has receipts on.
 */
class RosterAndReceiptsTest {

	FakeBot bot;

	TeamsSimulator sim;

	SimHttp http;

	@BeforeEach
	void start() throws Exception {
		this.bot = new FakeBot();
		this.sim = TeamsSimulator
			.start(SimulatorConfig.defaults().withUsers(200).withLimits(Limits.off()).withBotEndpoint(this.bot.url()));
		this.http = new SimHttp(this.sim);
	}

	@AfterEach
	void stop() {
		this.sim.close();
		this.bot.close();
	}

	@Test
	void conversationsAreCreatedOnlyForPeopleSharingATeamWithTheBot() throws Exception {
		SimTeam team = this.sim.tenant().teams().get(0);
		SimUser member = this.sim.tenant().user(team.memberUserIds().get(0));
		SimUser outsider = this.sim.tenant()
			.users()
			.stream()
			.filter((u) -> this.sim.tenant().teams().stream().noneMatch((t) -> t.memberUserIds().contains(u.id())))
			.findFirst()
			.orElseGet(() -> this.sim.tenant().addUser("Out", "Sider", "Member"));
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
		assertThat(stats).containsEntry("conversationsCreated", 2).containsEntry("teamsWithApp", 1);
		assertThat(this.http.post(this.sim.baseUrl() + "/_sim/teams/no-such-team/install", null, Map.of()).status())
			.isEqualTo(404);
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
