package dev.herald.tab;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The vendored teams-js is byte for byte the file of the published npm package
 * {@code @microsoft/teams-js@2.55.0} (whose tarball integrity was checked when it was
 * copied in; see its README), with its licence.
 */
class VendoredTeamsJsTests {

	static final String VERSION = "2.55.0";

	private static final String PATH = "static/vendor/teams-js/" + VERSION + "/MicrosoftTeams.min.js";

	private static final String SHA256 = "ae7eec9ff85a9c439a8ea64ca54357c96d11eb277efa91203b727f545c730677";

	@Test
	void libraryIsThePinnedRelease() throws IOException, NoSuchAlgorithmException {
		try (InputStream in = getClass().getClassLoader().getResourceAsStream(PATH)) {
			assertThat(in).as(PATH).isNotNull();
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(in.readAllBytes());
			assertThat(HexFormat.of().formatHex(digest)).isEqualTo(SHA256);
		}
		assertThat(getClass().getClassLoader().getResource("static/vendor/teams-js/" + VERSION + "/LICENSE"))
			.isNotNull();
	}

}
