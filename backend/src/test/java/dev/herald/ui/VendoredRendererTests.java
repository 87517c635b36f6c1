package dev.herald.ui;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The vendored Adaptive Cards renderer is byte for byte the file of the published npm
 * package {@code adaptivecards@3.0.6} (whose tarball integrity was checked when it was
 * copied in; see its README).
 */
class VendoredRendererTests {

	private static final String PATH = "static/vendor/adaptivecards/3.0.6/adaptivecards.min.js";

	private static final String SHA256 = "5e7c13f3300ae7b89b34703501e08d709fbb6635f1c6755b92495577a77344f2";

	@Test
	void rendererIsThePinnedRelease() throws IOException, NoSuchAlgorithmException {
		try (InputStream in = getClass().getClassLoader().getResourceAsStream(PATH)) {
			assertThat(in).as(PATH).isNotNull();
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(in.readAllBytes());
			assertThat(HexFormat.of().formatHex(digest)).isEqualTo(SHA256);
		}
		assertThat(getClass().getClassLoader().getResource("static/vendor/adaptivecards/3.0.6/LICENSE")).isNotNull();
	}

}
