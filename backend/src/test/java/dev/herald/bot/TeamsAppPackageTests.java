package dev.herald.bot;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.teams.TeamsProperties;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

class TeamsAppPackageTests {

	static final String BOT_ID = "6f1c2b3a-0000-4000-8000-000000000001";

	/** Where the package is downloaded from: Herald's public address. */
	static final URI BASE = URI.create("https://Herald.Contoso.example/");

	private final TeamsAppPackage appPackage = fixture();

	/** The package of a configured tenant, as an admin downloads it. */
	static TeamsAppPackage fixture() {
		return new TeamsAppPackage(
				new TeamsProperties(BOT_ID, "secret", "tenant", URI.create("https://login.example/token"), "scope",
						List.of("smba.trafficmanager.net"), URI.create("https://login.example/meta"),
						"https://api.botframework.com", Duration.ofSeconds(5), Duration.ofSeconds(30),
						dev.herald.teams.TeamsProperties.Credential.SECRET, null, null, null),
				new BotProperties("Contoso", "Internal Comms", DataSize.ofKilobytes(256), Duration.ofMinutes(5),
						Duration.ofHours(12), Duration.ofMinutes(5), Duration.ofHours(24), true, 10, 500,
						new BotProperties.App("", "1.2.3", "Herald", "Contoso", URI.create("https://contoso.example"),
								URI.create("https://contoso.example/privacy"),
								URI.create("https://contoso.example/terms"), "#4F46E5"),
						1));
	}

	@Test
	void zipHoldsManifestAndIconsAtTheRequiredSizes() throws IOException {
		Map<String, byte[]> entries = unzip(this.appPackage.zip(BASE));
		assertThat(entries).containsOnlyKeys("manifest.json", "color.png", "outline.png", "fr-fr.json", "de-de.json",
				"es-es.json", "zh-cn.json");

		JsonNode manifest = JsonMapper.shared().readTree(entries.get("manifest.json"));
		assertThat(manifest.path("manifestVersion").asString()).isEqualTo("1.17");
		assertThat(manifest.path("id").asString()).isEqualTo(BOT_ID);
		assertThat(manifest.path("version").asString()).isEqualTo("1.2.3");
		assertThat(manifest.path("bots").get(0).path("botId").asString()).isEqualTo(BOT_ID);
		assertThat(manifest.path("bots").get(0).path("scopes").values()).extracting(JsonNode::asString)
			.containsExactly("personal", "team");
		assertThat(manifest.path("webApplicationInfo").path("id").asString()).isEqualTo(BOT_ID);
		assertThat(manifest.path("icons").path("color").asString()).isEqualTo("color.png");

		BufferedImage color = ImageIO.read(new ByteArrayInputStream(entries.get("color.png")));
		assertThat(color.getWidth()).isEqualTo(192);
		assertThat(color.getHeight()).isEqualTo(192);
		BufferedImage outline = ImageIO.read(new ByteArrayInputStream(entries.get("outline.png")));
		assertThat(outline.getWidth()).isEqualTo(32);
		assertThat(outline.getHeight()).isEqualTo(32);
	}

	@Test
	void nameAndDescriptionsComeInFiveLanguages() throws IOException {
		Map<String, byte[]> entries = unzip(this.appPackage.zip(BASE));
		JsonNode manifest = JsonMapper.shared().readTree(entries.get("manifest.json"));
		JsonNode localization = manifest.path("localizationInfo");
		assertThat(localization.path("defaultLanguageTag").asString()).isEqualTo("en-us");
		assertThat(localization.path("additionalLanguages").findValuesAsString("languageTag")).containsExactly("fr-fr",
				"de-de", "es-es", "zh-cn");
		assertThat(manifest.path("name").path("full").asString()).isEqualTo("Herald announcements");
		Map<String, String> expected = Map.of("fr-fr.json", "Les annonces de votre organisation, dans Teams.",
				"de-de.json", "Mitteilungen Ihrer Organisation, direkt in Teams.", "es-es.json",
				"Los anuncios de su organización, en Teams.", "zh-cn.json", "在 Teams 中接收组织的公告。");
		for (JsonNode language : localization.path("additionalLanguages")) {
			String file = language.path("file").asString();
			JsonNode texts = JsonMapper.shared().readTree(entries.get(file));
			assertThat(texts.path("$schema").asString()).endsWith("/v1.17/MicrosoftTeams.Localization.schema.json");
			assertThat(texts.path("description.short").asString()).isEqualTo(expected.get(file))
				.hasSizeLessThanOrEqualTo(80);
			assertThat(texts.path("name.short").asString()).isEqualTo("Herald");
			assertThat(texts.path("name.full").asString()).startsWith("Herald").hasSizeLessThanOrEqualTo(100);
			assertThat(texts.path("description.full").asString())
				.isNotEqualTo(manifest.path("description").path("full").asString())
				.hasSizeLessThanOrEqualTo(4000);
			assertThat(texts.path("bots[0].commandLists[0].commands[1].title").asString()).isEqualTo("stop");
			assertThat(texts.path("bots[0].commandLists[0].commands[1].description").asString()).isNotBlank()
				.isNotEqualTo("Stop receiving announcements");
		}
	}

	@Test
	void personalTabWithSingleSignOnOnHeraldsOwnHost() throws IOException {
		Map<String, byte[]> entries = unzip(this.appPackage.zip(BASE));
		JsonNode manifest = JsonMapper.shared().readTree(entries.get("manifest.json"));
		JsonNode tabs = manifest.path("staticTabs");
		assertThat(tabs.size()).isEqualTo(1);
		JsonNode tab = tabs.get(0);
		assertThat(tab.path("entityId").asString()).isEqualTo("announcements");
		assertThat(tab.path("name").asString()).isEqualTo("Announcements");
		assertThat(tab.path("contentUrl").asString())
			.isEqualTo("https://Herald.Contoso.example/tab?locale={locale}&theme={theme}&subEntityId={subEntityId}");
		assertThat(tab.path("scopes").values()).extracting(JsonNode::asString).containsExactly("personal");
		assertThat(manifest.path("validDomains").values()).extracting(JsonNode::asString)
			.containsExactly("herald.contoso.example");
		// The Application ID URI the tab's sign-on token is asked for, domain in lower
		// case as Entra wants it; the id stays the bot's (Graph's proactive install).
		assertThat(manifest.path("webApplicationInfo").path("resource").asString())
			.isEqualTo("api://herald.contoso.example/" + BOT_ID);
		assertThat(manifest.path("webApplicationInfo").path("id").asString()).isEqualTo(BOT_ID);
		assertThat(JsonMapper.shared().readTree(entries.get("fr-fr.json")).path("staticTabs[0].name").asString())
			.isEqualTo("Annonces");
		assertThat(JsonMapper.shared().readTree(entries.get("zh-cn.json")).path("staticTabs[0].name").asString())
			.isEqualTo("公告");
	}

	@Test
	void outlineIconIsWhiteOnTransparent() throws IOException {
		BufferedImage outline = ImageIO
			.read(new ByteArrayInputStream(unzip(this.appPackage.zip(BASE)).get("outline.png")));
		int white = 0;
		for (int x = 0; x < 32; x++) {
			for (int y = 0; y < 32; y++) {
				int argb = outline.getRGB(x, y);
				int alpha = argb >>> 24;
				if (alpha != 0) {
					assertThat(argb & 0xFFFFFF).as("pixel %d,%d", x, y).isEqualTo(0xFFFFFF);
					white++;
				}
			}
		}
		assertThat(white).as("a visible glyph").isGreaterThan(50);
		assertThat(outline.getRGB(0, 0) >>> 24).as("corner is transparent").isZero();
	}

	static Map<String, byte[]> unzip(byte[] zip) throws IOException {
		Map<String, byte[]> entries = new HashMap<>();
		try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
			ZipEntry entry;
			while ((entry = in.getNextEntry()) != null) {
				entries.put(entry.getName(), in.readAllBytes());
			}
		}
		return entries;
	}

}
