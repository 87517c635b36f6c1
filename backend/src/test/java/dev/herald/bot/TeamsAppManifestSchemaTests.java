package dev.herald.bot;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The app package an admin uploads to Teams validates against Microsoft's published
 * schema for the {@code manifestVersion} it declares, and so do its language files:
 * Teams' admin center refuses a package that does not, with little to say why.
 */
class TeamsAppManifestSchemaTests {

	private static final String DIR = "vendor/teams-manifest-schema/v" + TeamsAppPackage.MANIFEST_VERSION + "/";

	private static final Map<String, String> SHA256 = Map.of("MicrosoftTeams.schema.json",
			"a94d5b9f3125a7804fd96b9efecc5b923ecfc266dd5a7be1d92fe2544ae01426",
			"MicrosoftTeams.Localization.schema.json",
			"f0ec5011b93434da1f0c4a7a4ef558b62d79bc98fea9e37e9513fcdd17aa2bcc");

	private final Map<String, byte[]> entries = unzipFixture();

	@Test
	void vendoredSchemasAreMicrosoftsPublishedFiles() throws IOException, NoSuchAlgorithmException {
		for (Map.Entry<String, String> file : SHA256.entrySet()) {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(read(DIR + file.getKey()));
			assertThat(HexFormat.of().formatHex(digest)).as(file.getKey()).isEqualTo(file.getValue());
		}
		assertThat(getClass().getClassLoader().getResource("vendor/teams-manifest-schema/LICENSE")).isNotNull();
	}

	@Test
	void manifestValidatesAgainstItsSchemaVersion() {
		JsonNode manifest = json(this.entries.get("manifest.json"));
		assertThat(manifest.path("$schema").asString())
			.endsWith("/v" + TeamsAppPackage.MANIFEST_VERSION + "/MicrosoftTeams.schema.json");
		assertThat(errors("MicrosoftTeams.schema.json", manifest)).isEmpty();
	}

	@Test
	void everyLanguageFileValidatesAgainstTheLocalizationSchema() {
		JsonNode manifest = json(this.entries.get("manifest.json"));
		List<String> files = manifest.path("localizationInfo").path("additionalLanguages").findValuesAsString("file");
		assertThat(files).isNotEmpty();
		for (String file : files) {
			assertThat(errors("MicrosoftTeams.Localization.schema.json", json(this.entries.get(file)))).as(file)
				.isEmpty();
		}
	}

	@Test
	void validatorRefusesAManifestTeamsWouldRefuse() {
		// The check is only worth something if it can fail: an unknown property, a short
		// name over 30 characters and a missing bot id are each refused.
		ObjectNode manifest = (ObjectNode) json(this.entries.get("manifest.json"));
		manifest.put("unknownProperty", true);
		((ObjectNode) manifest.path("name")).put("short", "A name far longer than thirty characters");
		((ObjectNode) manifest.path("bots").get(0)).remove("botId");
		assertThat(errors("MicrosoftTeams.schema.json", manifest)).hasSizeGreaterThanOrEqualTo(3);
	}

	private static List<String> errors(String schemaFile, JsonNode document) {
		Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
			.getSchema(json(read(DIR + schemaFile)));
		return schema.validate(document).stream().map(Error::toString).toList();
	}

	private static Map<String, byte[]> unzipFixture() {
		try {
			return TeamsAppPackageTests.unzip(TeamsAppPackageTests.fixture().zip(TeamsAppPackageTests.BASE));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static JsonNode json(byte[] bytes) {
		return JsonMapper.shared().readTree(bytes);
	}

	private static byte[] read(String resource) {
		try (InputStream in = TeamsAppManifestSchemaTests.class.getClassLoader().getResourceAsStream(resource)) {
			assertThat(in).as(resource).isNotNull();
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
