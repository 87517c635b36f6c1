package dev.herald.ui;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.support.BrowserSession;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestTopics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The author and admin pages over real HTTP with a real sign-in: compose with every
 * field, the preview endpoint, image upload, drafts, templates, escaping, CSRF and roles.
 */
class AuthorPagesTests extends IntegrationTest {

	@BeforeEach
	void topicOfTheFullForm() {
		// The form's topic is one an admin keeps (#24).
		TestTopics.ensure(baseUrl(), "Benefits");
	}

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final Pattern ANNOUNCEMENT_URL = Pattern.compile("/announcements/(\\d+)(/edit)?$");

	private static final String SCRIPT = "<script>alert('x')</script>";

	@Test
	void composeWithEveryFieldSavesWhatTheCardSends() {
		BrowserSession author = BrowserSession.signIn(baseUrl(), "megan@contoso.example", "Herald.Author");
		Map<String, String> fields = fullForm("Open enrolment " + SCRIPT);
		HttpResponse<String> created = author.submit("/announcements/new", "/announcements/new", fields);
		long id = idOf(created);
		String detail = created.body();
		assertThat(detail).doesNotContain(SCRIPT).contains("&lt;script&gt;");

		JsonNode card = JSON.readTree(card(detail));
		assertThat(card.toString()).contains("\"verb\":\"ack\"")
			.contains("\"verb\":\"vote\"")
			.contains("\"verb\":\"unsubscribe\"")
			.contains("\"id\":\"choice\"")
			.contains("Benefits");
		assertThat(card.path("actions").get(0).path("url").asString()).isEqualTo("https://contoso.example/portal");
		assertThat(card.path("actions").get(1).path("title").asString()).isEqualTo("FAQ");

		// The list shows it as a draft, escaped.
		String list = author.get("/announcements").body();
		assertThat(list).contains("Open enrolment &lt;script&gt;").doesNotContain(SCRIPT);

		// Edit keeps the fields; the form rows come back filled.
		String edit = author.get("/announcements/" + id + "/edit").body();
		assertThat(edit).contains("value=\"https://contoso.example/faq\"").contains("value=\"Premium\"");
	}

	@Test
	void invalidPollAndButtonAreExplainedAndNothingIsSaved() {
		BrowserSession author = BrowserSession.signIn(baseUrl(), "megan@contoso.example", "Herald.Author");
		long before = count();
		Map<String, String> fields = new LinkedHashMap<>();
		fields.put("title", "Half a poll");
		fields.put("pollQuestion", "Which one?");
		fields.put("pollChoices[0]", "Only one");
		fields.put("buttons[0].title", "No link");
		HttpResponse<String> response = author.submit("/announcements/new", "/announcements/new", fields);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("A poll needs a question and two to six different answers")
			.contains("A button needs both a label and a link.");
		assertThat(count()).isEqualTo(before);
	}

	@Test
	void previewReturnsTheExactCardWithSizeAndHints() {
		BrowserSession author = BrowserSession.signIn(baseUrl(), "megan@contoso.example", "Herald.Author");
		Map<String, String> fields = fullForm("Preview " + SCRIPT);
		fields.put("importance", "CRITICAL");
		fields.put("summary", "x".repeat(3000));
		HttpResponse<String> response = author.submit("/announcements/new", "/announcements/preview", fields);
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode preview = JSON.readTree(response.body());
		JsonNode card = preview.path("card");
		assertThat(card.path("version").asString()).isEqualTo("1.5");
		assertThat(card.toString()).contains("Important")
			.contains("cannot be unsubscribed")
			.doesNotContain("\"verb\":\"unsubscribe\"");
		// The title is data in JSON: the renderer shows it as text.
		assertThat(card.path("body").get(0).path("items").get(2).path("text").asString()).endsWith(SCRIPT);
		assertThat(preview.path("size").asInt()).isGreaterThan(6000).isLessThan(102400);
		assertThat(preview.path("warn").asBoolean()).isFalse();
		assertThat(preview.path("hints").toString()).contains("Critical");

		fields.put("summary", "y".repeat(4000));
		fields.put("title", "z".repeat(200));
		// Ten thousand characters of poll and buttons still stay under the limit; the
		// warning is about the serialized size.
		assertThat(JSON.readTree(author.submit("/announcements/new", "/announcements/preview", fields).body())
			.path("sizeText")
			.asString()).startsWith("Size:");
	}

	@Test
	void uploadedImagesAreResizedAndServedPublicly() throws Exception {
		BrowserSession author = BrowserSession.signIn(baseUrl(), "megan@contoso.example", "Herald.Author");
		BufferedImage big = new BufferedImage(2400, 1200, BufferedImage.TYPE_INT_RGB);
		ByteArrayOutputStream png = new ByteArrayOutputStream();
		ImageIO.write(big, "png", png);
		String csrf = BrowserSession.csrfToken(author.get("/announcements/new").body());
		String boundary = "----herald" + UUID.randomUUID();
		byte[] body = multipart(boundary, "file", "banner.png", "image/png", png.toByteArray());
		HttpResponse<String> upload = author.exchange("/announcements/images",
				HttpRequest.newBuilder()
					.header("Content-Type", "multipart/form-data; boundary=" + boundary)
					.header("X-CSRF-TOKEN", csrf)
					.POST(HttpRequest.BodyPublishers.ofByteArray(body)),
				HttpResponse.BodyHandlers.ofString());
		assertThat(upload.statusCode()).isEqualTo(200);
		String url = JSON.readTree(upload.body()).path("url").asString();
		assertThat(url).startsWith(baseUrl() + "/images/announcements/");

		// Teams fetches it without signing in.
		HttpResponse<byte[]> image = java.net.http.HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(java.net.URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
		assertThat(image.statusCode()).isEqualTo(200);
		assertThat(image.headers().firstValue("Content-Type")).hasValue("image/jpeg");
		BufferedImage served = ImageIO.read(new ByteArrayInputStream(image.body()));
		assertThat(served.getWidth()).isEqualTo(1024);
		assertThat(served.getHeight()).isEqualTo(512);

		// Not an image: refused with a message, nothing stored.
		byte[] text = multipart(boundary, "file", "notes.png", "image/png", "hello".getBytes(StandardCharsets.UTF_8));
		HttpResponse<String> refused = author.exchange("/announcements/images",
				HttpRequest.newBuilder()
					.header("Content-Type", "multipart/form-data; boundary=" + boundary)
					.header("X-CSRF-TOKEN", csrf)
					.POST(HttpRequest.BodyPublishers.ofByteArray(text)),
				HttpResponse.BodyHandlers.ofString());
		assertThat(refused.statusCode()).isEqualTo(400);
		assertThat(refused.body()).contains("not an image");
	}

	@Test
	void draftsCanBeDuplicatedTemplatedAndDeleted() {
		BrowserSession author = BrowserSession.signIn(baseUrl(), "megan@contoso.example", "Herald.Author");
		long id = idOf(author.submit("/announcements/new", "/announcements/new", fullForm("Town hall")));
		String page = "/announcements/" + id;

		HttpResponse<String> copy = author.submit(page, page + "/duplicate", Map.of());
		long copyId = idOf(copy);
		assertThat(copyId).isNotEqualTo(id);
		assertThat(copy.body()).contains("This is a copy").contains("value=\"Town hall\"");

		author.submit(page, page + "/template", Map.of("name", "Town hall template"));
		String form = author.get("/announcements/new").body();
		Matcher option = Pattern.compile("<option value=\"(\\d+)\">Town hall template</option>").matcher(form);
		assertThat(option.find()).isTrue();
		String fromTemplate = author.get("/announcements/new?template=" + option.group(1)).body();
		assertThat(fromTemplate).contains("value=\"Town hall\"").contains("value=\"https://contoso.example/portal\"");

		HttpResponse<String> deleted = author.submit("/announcements/" + copyId, "/announcements/" + copyId + "/delete",
				Map.of());
		assertThat(deleted.body()).contains("Draft deleted.");
		assertThat(author.get("/announcements/" + copyId).statusCode()).isEqualTo(404);
	}

	@Test
	void testSendExplainsWhenHeraldHasNoChatWithTheAuthor() {
		BrowserSession author = BrowserSession.signIn(baseUrl(), "nobody@contoso.example", "Herald.Author");
		long id = idOf(author.submit("/announcements/new", "/announcements/new", fullForm("Test me")));
		String page = "/announcements/" + id;
		HttpResponse<String> result = author.submit(page, page + "/test", Map.of());
		assertThat(result.body()).contains("Herald has no chat with you in Teams yet");
	}

	@Test
	void everyFormRefusesARequestWithoutAValidCsrfToken() {
		BrowserSession author = BrowserSession.signIn(baseUrl(), "megan@contoso.example", "Herald.Admin");
		long id = idOf(author.submit("/announcements/new", "/announcements/new", fullForm("CSRF target")));
		long before = count();
		String p = "/announcements/" + id;
		for (String action : new String[] { "/announcements/new", "/announcements/preview", "/announcements/images",
				p + "/edit", p + "/send", p + "/test", p + "/duplicate", p + "/delete", p + "/template", p + "/pause",
				p + "/resume", p + "/cancel", "/announcements/templates/1/delete", "/admin/settings",
				"/admin/retention/purge" }) {
			Map<String, String> fields = new LinkedHashMap<>(fullForm("Forged"));
			assertThat(author.post(action, fields).statusCode()).as(action + " without token").isEqualTo(403);
			fields.put("_csrf", "forged-token");
			assertThat(author.post(action, fields).statusCode()).as(action + " with a forged token").isEqualTo(403);
		}
		assertThat(count()).isEqualTo(before);
		assertThat(author.get(p).statusCode()).isEqualTo(200);
	}

	@Test
	void authorsCannotReachAdminPagesAdminsCan() {
		BrowserSession author = BrowserSession.signIn(baseUrl(), "megan@contoso.example", "Herald.Author");
		for (String path : new String[] { "/admin/settings", "/admin/roles", "/admin", "/admin/teams-app.zip" }) {
			assertThat(author.get(path).statusCode()).as(path).isEqualTo(403);
		}
		assertThat(author.get("/announcements").body()).doesNotContain("/admin/settings");

		BrowserSession admin = BrowserSession.signIn(baseUrl(), "adele@contoso.example", "Herald.Admin");
		assertThat(admin.get("/admin/roles").body()).contains("Herald.Author").contains("Herald.Admin");
		HttpResponse<String> saved = admin.submit("/admin/settings", "/admin/settings",
				Map.of("ratePerSecond", "25", "proactiveInstall", "true", "retentionDays", "30"));
		assertThat(saved.body()).contains("Settings saved.").contains("value=\"25\"").contains("value=\"30\"");
		assertThat(this.jdbc.sql("SELECT value FROM app_setting WHERE key = 'dispatch.rate-per-second'")
			.query(String.class)
			.single()).isEqualTo("25");
		HttpResponse<String> invalid = admin.submit("/admin/settings", "/admin/settings",
				Map.of("ratePerSecond", "500", "retentionDays", "-1"));
		assertThat(invalid.body()).contains("class=\"error\"");
		// The saved rate would pace every later test's sends: back to the configured one.
		this.jdbc.sql("DELETE FROM app_setting WHERE key = 'dispatch.rate-per-second'").update();
	}

	@Test
	void languageFollowsTheSwitcherAndTheBrowser() {
		BrowserSession author = BrowserSession.signIn(baseUrl(), "megan@contoso.example", "Herald.Author");
		assertThat(author.get("/announcements?lang=fr").body()).contains("Brouillons").contains("lang=\"fr\"");
		// Remembered for the next page.
		assertThat(author.get("/announcements/new").body()).contains("Partir d’un modèle");
		assertThat(author.get("/announcements?lang=zh-CN").body()).contains("草稿");
		BrowserSession other = BrowserSession.signIn(baseUrl(), "lee@contoso.example", "Herald.Author");
		HttpResponse<String> german = other.exchange("/announcements",
				HttpRequest.newBuilder().header("Accept-Language", "de-DE,de;q=0.9,en;q=0.5").GET(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(german.body()).contains("Entwürfe");
	}

	static Map<String, String> fullForm(String title) {
		Map<String, String> fields = new LinkedHashMap<>();
		fields.put("title", title);
		fields.put("topic", "Benefits");
		fields.put("summary", "Pick your **plan** by Friday. " + SCRIPT);
		fields.put("imageUrl", "https://contoso.example/banner.png");
		fields.put("author", "HR team");
		fields.put("buttons[0].title", "Portal");
		fields.put("buttons[0].url", "https://contoso.example/portal");
		fields.put("buttons[1].title", "");
		fields.put("buttons[1].url", "");
		fields.put("buttons[2].title", "FAQ");
		fields.put("buttons[2].url", "https://contoso.example/faq");
		fields.put("importance", "NORMAL");
		fields.put("acknowledge", "true");
		fields.put("pollQuestion", "Which plan?");
		fields.put("pollChoices[0]", "Basic");
		fields.put("pollChoices[1]", "Plus");
		fields.put("pollChoices[2]", "");
		fields.put("pollChoices[3]", "Premium");
		return fields;
	}

	private static long idOf(HttpResponse<String> response) {
		assertThat(response.statusCode()).isEqualTo(200);
		Matcher matcher = ANNOUNCEMENT_URL.matcher(response.uri().getPath());
		assertThat(matcher.find()).as("redirected to an announcement, got " + response.uri()).isTrue();
		return Long.parseLong(matcher.group(1));
	}

	private static String card(String detailHtml) {
		Matcher m = Pattern.compile("<pre id=\"card-json\">([^<]*)</pre>").matcher(detailHtml);
		assertThat(m.find()).isTrue();
		return org.springframework.web.util.HtmlUtils.htmlUnescape(m.group(1));
	}

	private long count() {
		return this.jdbc.sql("SELECT count(*) FROM announcement").query(Long.class).single();
	}

	private static byte[] multipart(String boundary, String name, String filename, String type, byte[] content) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\""
				+ filename + "\"\r\nContent-Type: " + type + "\r\n\r\n";
		out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
		out.writeBytes(content);
		out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
		return out.toByteArray();
	}

}
