package dev.herald.bot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;

import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Read receipts reach Herald only when the app package uploaded to Teams requests the RSC
 * permission {@code ChatMessageReadReceipt.Read.Chat}: the package Herald builds does;
 * one without it gets no receipts. The package is fetched over the admin API, the way an
 * upload is automated.
 */
class ReadReceiptPermissionTests extends IntegrationTest {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@Test
	void receiptsArriveOnlyWhenTheUploadedManifestGrantsThePermission() throws Exception {
		SimUser user = this.simulator.tenant()
			.users()
			.stream()
			.filter((u) -> !u.guest() && !this.simulator.isInstalled(u.id()) && !hasActiveChat(u.id()))
			.skip(30)
			.findFirst()
			.orElseThrow();
		this.simulator.installForUser(user.id());
		Await.until(Duration.ofSeconds(20), "welcome received", () -> !this.simulator.inbox(user.id()).isEmpty());

		this.simulator.publishApp(packageWithout());
		this.simulator.setReadReceipts(user.id(), true);
		post("/_sim/users/" + user.id() + "/read");
		Thread.sleep(1000);
		assertThat(receipts(user)).as("no permission, no receipt").isZero();

		HttpResponse<byte[]> asAuthor = download(TestIdentityProvider.accessToken("hr-system", "Herald.Author"));
		assertThat(asAuthor.statusCode()).isEqualTo(403);
		HttpResponse<byte[]> herald = download(TestIdentityProvider.accessToken("it-admin", "Herald.Admin"));
		assertThat(herald.statusCode()).isEqualTo(200);
		assertThat(herald.headers().firstValue("Content-Type")).hasValue("application/zip");
		this.simulator.publishApp(herald.body());
		post("/_sim/users/" + user.id() + "/read");
		Await.until(Duration.ofSeconds(10), "read receipt recorded", () -> receipts(user) == 1);
	}

	private HttpResponse<byte[]> download(String token) throws Exception {
		return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/admin/teams-app.zip"))
			.header("Authorization", "Bearer " + token)
			.GET()
			.build(), HttpResponse.BodyHandlers.ofByteArray());
	}

	private void post(String path) throws Exception {
		HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(this.simulator.baseUrl() + path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
	}

	private long receipts(SimUser user) {
		return this.jdbc.sql("SELECT count(*) FROM read_receipt WHERE lower(aad_object_id) = :aad")
			.param("aad", user.id())
			.query(Long.class)
			.single();
	}

	private static byte[] packageWithout() throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
			zip.putNextEntry(new ZipEntry("manifest.json"));
			zip.write("{\"manifestVersion\":\"1.17\",\"id\":\"herald\"}".getBytes(StandardCharsets.UTF_8));
			zip.closeEntry();
		}
		return bytes.toByteArray();
	}

}
