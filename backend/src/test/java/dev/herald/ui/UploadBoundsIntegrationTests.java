package dev.herald.ui;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

import dev.herald.support.BrowserSession;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bodies and uploads an attacker controls: every body type has a size limit (413
 * problem+json), a CSV line of megabytes is answered at once, and images are PNG, JPEG or
 * GIF of bounded size, a decompression bomb included.
 */
class UploadBoundsIntegrationTests extends IntegrationTest {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void aCsvLineOfFiveMegabytesIsAnsweredAtOnce() throws Exception {
		String token = TestIdentityProvider.accessToken("csv-author", "Herald.Author");
		// No address anywhere: a backtracking pattern tried every start position.
		String line = "a".repeat(5_000_000);
		HttpResponse<String> response = HTTP
			.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/audiences/csv"))
				.timeout(Duration.ofSeconds(20))
				.header("Authorization", "Bearer " + token)
				.header("Content-Type", "text/plain")
				.POST(HttpRequest.BodyPublishers.ofString("upn\n" + line + "\n"))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(response.body()).contains("\"row\":2").contains("longer than");
	}

	@Test
	void everyBodyTypeHasALimit() throws Exception {
		String token = TestIdentityProvider.accessToken("limits-author", "Herald.Author");
		byte[] big = new byte[7 * 1024 * 1024];
		java.util.Arrays.fill(big, (byte) 'a');
		for (String type : new String[] { "text/plain", "text/csv", "multipart/form-data; boundary=x" }) {
			HttpResponse<String> response = HTTP
				.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/audiences/csv"))
					.header("Authorization", "Bearer " + token)
					.header("Content-Type", type)
					.POST(HttpRequest.BodyPublishers.ofByteArray(big))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as(type).isEqualTo(413);
			assertThat(response.headers().firstValue("Content-Type").orElse("")).as(type)
				.startsWith("application/problem+json");
		}
	}

	@Test
	void imagesArePngJpegOrGifOfBoundedSizeAndABombIsRefused() throws Exception {
		BrowserSession author = BrowserSession.signIn(baseUrl(), "upload-author", "Herald.Author");
		String csrf = BrowserSession.csrfToken(author.get("/announcements/new").body());

		// 6000 x 6000 px of 16-bit RGBA: 288 MB decoded, a few hundred KB on the wire.
		byte[] bomb = pngBomb(6000, 6000);
		assertThat(bomb.length).isLessThan(1_000_000);
		// Herald runs in this JVM: the heap's peak while it handles the bomb shows
		// whether it decoded it.
		long before = heapUsed(false);
		java.lang.management.ManagementFactory.getMemoryPoolMXBeans().forEach((p) -> p.resetPeakUsage());
		HttpResponse<String> refused = upload(author, csrf, "bomb.png", "image/png", bomb);
		assertThat(refused.statusCode()).isEqualTo(400);
		assertThat(refused.body()).contains("not an image");
		assertThat(heapUsed(true) - before).as("heap growth while refusing the bomb").isLessThan(150L << 20);

		ByteArrayOutputStream tiff = new ByteArrayOutputStream();
		ImageIO.write(new BufferedImage(200, 100, BufferedImage.TYPE_INT_RGB), "tiff", tiff);
		assertThat(upload(author, csrf, "scan.tiff", "image/tiff", tiff.toByteArray()).statusCode()).isEqualTo(400);

		ByteArrayOutputStream gif = new ByteArrayOutputStream();
		ImageIO.write(new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB), "gif", gif);
		assertThat(upload(author, csrf, "ok.gif", "image/gif", gif.toByteArray()).statusCode()).isEqualTo(200);
	}

	private static long heapUsed(boolean peak) {
		return java.lang.management.ManagementFactory.getMemoryPoolMXBeans()
			.stream()
			// Where a decoded raster of hundreds of MB would go: not the young
			// generation, whose peak is just the allocation rate between collections.
			.filter((p) -> p.getType() == java.lang.management.MemoryType.HEAP && !p.getName().contains("Eden")
					&& !p.getName().contains("Survivor"))
			.mapToLong((p) -> (peak ? p.getPeakUsage() : p.getUsage()).getUsed())
			.sum();
	}

	private HttpResponse<String> upload(BrowserSession session, String csrf, String filename, String type,
			byte[] content) {
		String boundary = "----herald" + UUID.randomUUID();
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
				+ "\"\r\nContent-Type: " + type + "\r\n\r\n")
			.getBytes(StandardCharsets.UTF_8));
		out.writeBytes(content);
		out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
		return session.exchange("/announcements/images",
				HttpRequest.newBuilder()
					.header("Content-Type", "multipart/form-data; boundary=" + boundary)
					.header("X-CSRF-TOKEN", csrf)
					.POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray())),
				HttpResponse.BodyHandlers.ofString());
	}

	/** A valid PNG of zeros, 16 bits per channel, RGBA: tiny compressed, huge decoded. */
	static byte[] pngBomb(int width, int height) throws IOException {
		ByteArrayOutputStream png = new ByteArrayOutputStream();
		DataOutputStream out = new DataOutputStream(png);
		out.write(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' });
		ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
		DataOutputStream header = new DataOutputStream(ihdr);
		header.writeInt(width);
		header.writeInt(height);
		header.writeByte(16); // bit depth
		header.writeByte(6); // RGBA
		header.writeByte(0);
		header.writeByte(0);
		header.writeByte(0);
		chunk(out, "IHDR", ihdr.toByteArray());
		ByteArrayOutputStream idat = new ByteArrayOutputStream();
		try (DeflaterOutputStream z = new DeflaterOutputStream(idat, new Deflater(9))) {
			byte[] row = new byte[1 + width * 8]; // filter byte + pixels
			for (int y = 0; y < height; y++) {
				z.write(row);
			}
		}
		chunk(out, "IDAT", idat.toByteArray());
		chunk(out, "IEND", new byte[0]);
		return png.toByteArray();
	}

	private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
		byte[] name = type.getBytes(StandardCharsets.US_ASCII);
		out.writeInt(data.length);
		out.write(name);
		out.write(data);
		CRC32 crc = new CRC32();
		crc.update(name);
		crc.update(data);
		out.writeInt((int) crc.getValue());
	}

}
