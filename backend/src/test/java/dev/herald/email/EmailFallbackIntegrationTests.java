package dev.herald.email;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import dev.herald.announcement.VariantSelector;
import dev.herald.audience.Api;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;
import dev.herald.support.TestMailServer;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The e-mail fallback end to end (#26): a real Herald sends to 20 people through the
 * simulator, 5 of whom blocked the bot and 3 have no Teams licence; those 8 then get the
 * announcement by e-mail from a real SMTP server (GreenMail) in their language, with a
 * working one-click unsubscribe that the next announcement honours, and the report says
 * so. Then the attacks: tampered unsubscribe tokens, a title that tries to add a header,
 * HTML in the content.
 */
class EmailFallbackIntegrationTests extends IntegrationTest {

	/**
	 * People this class opted out with the e-mails' one-click link, and how to reach the
	 * database: opted back in after the whole class, so that later classes (which pick
	 * people from the same tenant) still reach them.
	 */
	private static final List<String> OPTED_OUT = new java.util.concurrent.CopyOnWriteArrayList<>();

	private static volatile org.springframework.jdbc.core.simple.JdbcClient cleanup;

	@AfterAll
	static void optThemBackIn() {
		if (cleanup != null && !OPTED_OUT.isEmpty()) {
			cleanup.sql("DELETE FROM opt_out WHERE source = 'email' AND aad_object_id IN (:ids)")
				.param("ids", List.copyOf(OPTED_OUT))
				.update();
		}
		OPTED_OUT.clear();
	}

	private static final Map<String, String> TITLES = Map.of("fr", "Exercice incendie", "de", "Feueralarmübung", "es",
			"Simulacro de incendio", "zh-CN", "消防演习");

	private static final String HOSTILE = """
			Please leave by the **stairs**, not the lift.

			<script>alert('x')</script> <img src=x onerror=alert(1)> [click](javascript:alert(1))

			- Meet at [the car park](https://example.com/car-park)
			""";

	@Test
	void peopleTeamsCannotReachGetItByEmailInTheirLanguageAndCanUnsubscribeInOneClick() throws Exception {
		Api author = Api.author(baseUrl());
		Api.admin(baseUrl()).syncDirectory();
		List<SimUser> chatted = seedChats("email-fallback", 17, (u) -> true);
		List<SimUser> blocked = chatted.subList(0, 5);
		List<SimUser> reached = chatted.subList(5, 17);
		List<SimUser> unlicensed = peopleOnlyAnInstallReaches().stream()
			.filter((u) -> !chatted.contains(u))
			.skip(20)
			.limit(3)
			.toList();
		assertThat(unlicensed).hasSize(3);
		List<SimUser> everyone = new ArrayList<>(chatted);
		everyone.addAll(unlicensed);
		blocked.forEach((u) -> this.simulator.block(u.id()));
		unlicensed.forEach((u) -> this.simulator.removeTeamsLicence(u.id()));
		try {
			String marker = "Fire drill " + UUID.randomUUID();
			long id = create(author, marker, HOSTILE, true);
			author.json("PUT", "/api/v1/announcements/" + id + "/audience", audienceOf(everyone), 200);
			author.json("POST", "/api/v1/announcements/" + id + "/send", null, 202);
			awaitSent(author, id);

			// The 8 Teams could not reach, and only they, get one e-mail each.
			List<SimUser> unreached = new ArrayList<>(blocked);
			unreached.addAll(unlicensed);
			Map<String, MimeMessage> mails = awaitMails(unreached.size(), marker, id);
			assertThat(mails.keySet()).containsExactlyInAnyOrderElementsOf(
					unreached.stream().map((u) -> u.mail().toLowerCase(Locale.ROOT)).toList());
			for (SimUser u : unreached) {
				MimeMessage mail = mails.get(u.mail().toLowerCase(Locale.ROOT));
				String language = languageOf(u);
				String variant = VariantSelector.variantFor(TITLES.keySet(), language);
				String expectedTitle = (variant != null) ? TITLES.get(variant) + " " + marker : marker;
				assertThat(mail.getSubject()).as("subject for %s (%s)", u.displayName(), language)
					.isEqualTo(expectedTitle);
				String cardLanguage = VariantSelector.cardLanguageFor(language);
				assertThat(mail.getHeader("Content-Language", null))
					.isEqualTo((cardLanguage != null) ? cardLanguage : "en");
				assertThat(mail.getContentType()).startsWith("multipart/alternative");
				Multipart parts = (Multipart) mail.getContent();
				assertThat(parts.getCount()).isEqualTo(2);
				BodyPart text = parts.getBodyPart(0);
				BodyPart html = parts.getBodyPart(1);
				assertThat(text.getContentType()).startsWith("text/plain").contains("UTF-8");
				assertThat(html.getContentType()).startsWith("text/html").contains("UTF-8");
				String htmlBody = (String) html.getContent();
				// Rendered from the same content, sanitized.
				assertThat(htmlBody).contains("<strong>stairs</strong>")
					.contains("href=\"https://example.com/car-park\"")
					.contains("href=\"https://example.com/plan\"")
					.doesNotContainIgnoringCase("<script")
					.doesNotContainIgnoringCase("<img");
				Document parsed = Jsoup.parse(htmlBody);
				assertThat(parsed.select("script, img, iframe, style, object, embed, form")).isEmpty();
				for (Element element : parsed.getAllElements()) {
					element.attributes()
						.forEach(
								(attribute) -> assertThat(attribute.getKey()).as("attribute of <%s>", element.tagName())
									.doesNotStartWithIgnoringCase("on"));
				}
				parsed.select("a")
					.forEach((a) -> assertThat(a.attr("href")).as("link %s", a.text())
						.matches("^(https?://|mailto:).*|^$"));
				assertThat((String) text.getContent()).contains("https://example.com/plan");
				String link = mail.getHeader("List-Unsubscribe", null);
				assertThat(link).startsWith("<" + baseUrl() + "/email/unsubscribe/").endsWith(">");
				assertThat(mail.getHeader("List-Unsubscribe-Post", null)).isEqualTo("List-Unsubscribe=One-Click");
				assertThat(htmlBody).contains(link.substring(1, link.length() - 1));
			}

			// The report says who got it by e-mail: counts, per person, CSV.
			JsonNode report = author.json("GET", "/api/v1/announcements/" + id + "/report", null, 200);
			assertThat(report.path("blocked").asInt()).isEqualTo(5);
			assertThat(report.path("failed").asInt()).isEqualTo(3);
			assertThat(report.path("email").path("sent").asInt()).isEqualTo(8);
			assertThat(report.path("email").path("failed").asInt()).isZero();
			Map<String, JsonNode> rows = deliveries(author, id);
			unreached.forEach((u) -> assertThat(rows.get(key(u)).path("email").asString()).isEqualTo("sent"));
			reached.forEach((u) -> {
				assertThat(rows.get(key(u)).path("state").asString()).isEqualTo("delivered");
				assertThat(rows.get(key(u)).path("email").isNull()).isTrue();
			});
			HttpResponse<String> csv = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/announcements/" + id + "/deliveries.csv"))
					.header("Authorization", "Bearer " + TestIdentityProvider.accessToken("hr-system", "Herald.Author"))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(csv.statusCode()).as(csv.body()).isEqualTo(200);
			List<String> lines = csv.body().lines().toList();
			assertThat(lines.get(0)).contains("email_state,email_reason");
			assertThat(lines.stream().filter((l) -> l.contains(",sent,")).count()).isEqualTo(8);

			// The report page: counts and who, by e-mail; the compose page offers the
			// choice.
			dev.herald.support.BrowserSession admin = dev.herald.support.BrowserSession.signIn(baseUrl(), "email-admin",
					"Herald.Admin");
			HttpResponse<String> page = admin.get("/announcements/" + id + "/report");
			assertThat(page.statusCode()).isEqualTo(200);
			assertThat(page.body()).contains("id=\"email-heading\"", "data-state=\"sent\"");
			unreached.forEach((u) -> assertThat(page.body()).contains("data-recipient=\"" + key(u) + "\""));
			assertThat(admin.get("/announcements/new").body()).contains("name=\"emailFallback\"");

			// GET only asks (scanners fetch links); POST opts out, as a mail client's
			// one-click does: no cookie, no CSRF token.
			String firstLink = unsubscribeUrl(mails.get(unreached.get(0).mail().toLowerCase(Locale.ROOT)));
			HttpResponse<String> confirm = http("GET", firstLink, null);
			assertThat(confirm.statusCode()).isEqualTo(200);
			assertThat(confirm.body()).contains("<form method=\"post\"");
			assertThat(optedOut(unreached.get(0))).isFalse();
			for (SimUser u : unreached) {
				HttpResponse<String> done = http("POST", unsubscribeUrl(mails.get(u.mail().toLowerCase(Locale.ROOT))),
						"List-Unsubscribe=One-Click");
				assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
				assertThat(optedOut(u)).as("%s opted out", u.displayName()).isTrue();
			}
			assertThat(this.jdbc.sql("SELECT count(*) FROM opt_out WHERE source = 'email' AND announcement_id = :id")
				.param("id", id)
				.query(Long.class)
				.single()).isEqualTo(8);

			// The next announcement skips them, in Teams and by e-mail.
			String next = "Second drill " + UUID.randomUUID();
			long nextId = create(author, next, "Again", true);
			author.json("PUT", "/api/v1/announcements/" + nextId + "/audience", audienceOf(everyone), 200);
			author.json("POST", "/api/v1/announcements/" + nextId + "/send", null, 202);
			awaitSent(author, nextId);
			Await.until(Duration.ofSeconds(30), "the fallback of the next announcement planned",
					() -> this.jdbc.sql("SELECT count(*) FROM email_plan WHERE announcement_id = :id")
						.param("id", nextId)
						.query(Long.class)
						.single() == 1);
			JsonNode nextReport = author.json("GET", "/api/v1/announcements/" + nextId + "/report", null, 200);
			assertThat(nextReport.path("optedOut").asInt()).isEqualTo(8);
			assertThat(nextReport.path("delivered").asInt()).isEqualTo(12);
			assertThat(nextReport.path("email").path("sent").asInt()).isZero();
			assertThat(nextReport.path("email").path("queued").asInt()).isZero();
			assertThat(mailsAbout(next)).isEmpty();
		}
		finally {
			blocked.forEach((u) -> this.simulator.unblock(u.id()));
			unlicensed.forEach((u) -> this.simulator.restoreTeamsLicence(u.id()));
			cleanup = this.jdbc;
			blocked.forEach((u) -> OPTED_OUT.add(u.id()));
			unlicensed.forEach((u) -> OPTED_OUT.add(u.id()));
		}
	}

	@Test
	void aTamperedUnsubscribeTokenIsNotFoundAndOptsNobodyOut() throws Exception {
		SimUser victim = this.simulator.tenant()
			.users()
			.stream()
			.filter((u) -> !u.guest() && !optedOut(u))
			.reduce((a, b) -> b)
			.orElseThrow();
		String good = new UnsubscribeTokens(properties()).issue(1, "00000000-0000-4000-8000-000000000001");
		int dot = good.indexOf('.');
		// Another person's id under the first person's signature.
		String swapped = java.util.Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(("1." + victim.id()).getBytes(java.nio.charset.StandardCharsets.UTF_8))
				+ good.substring(dot);
		char last = good.charAt(good.length() - 1);
		String flipped = good.substring(0, good.length() - 1) + ((last == 'A') ? 'B' : 'A');
		// Signed with another key.
		String foreign = new UnsubscribeTokens(
				new EmailProperties("smtp", "x@y", "x", 60, "another-secret-that-is-long-enough-0123456789", 20,
						Duration.ofSeconds(1), Duration.ofMinutes(2), Duration.ofDays(1), 3))
			.issue(1, victim.id());
		for (String token : List.of(swapped, flipped, foreign, "x", "a.b", "A".repeat(400))) {
			for (String method : List.of("GET", "POST")) {
				HttpResponse<String> response = http(method, baseUrl() + "/email/unsubscribe/" + token,
						"List-Unsubscribe=One-Click");
				assertThat(response.statusCode()).as("%s %s", method, token).isIn(400, 404);
			}
		}
		assertThat(optedOut(victim)).isFalse();
	}

	@Test
	void aTitleWithLineBreaksCannotAddAHeader() throws Exception {
		Api author = Api.author(baseUrl());
		Api.admin(baseUrl()).syncDirectory();
		SimUser person = seedChats("email-injection", 1, (u) -> true).get(0);
		this.simulator.block(person.id());
		try {
			String marker = UUID.randomUUID().toString();
			long id = create(author, "Hello " + marker + "\r\nBcc: attacker@evil.test\r\nX-Injected: yes", "Body",
					true);
			author.json("PUT", "/api/v1/announcements/" + id + "/audience", audienceOf(List.of(person)), 200);
			author.json("POST", "/api/v1/announcements/" + id + "/send", null, 202);
			awaitSent(author, id);
			Map<String, MimeMessage> mails = awaitMails(1, marker, id);
			MimeMessage mail = mails.get(person.mail().toLowerCase(Locale.ROOT));
			assertThat(mail).isNotNull();
			assertThat(mail.getHeader("X-Injected")).isNull();
			assertThat(mail.getHeader("Bcc")).isNull();
			assertThat(mail.getSubject()).doesNotContain("\r").doesNotContain("\n").contains("Bcc: attacker@evil.test");
			// Nobody else received it: GreenMail delivers to every envelope recipient.
			assertThat(TestMailServer.get().getReceivedMessagesForDomain("evil.test")).isEmpty();
		}
		finally {
			this.simulator.unblock(person.id());
		}
	}

	@Test
	void someoneWhoOptsOutAfterTheFallbackWasPlannedGetsNoEmail() throws Exception {
		Api author = Api.author(baseUrl());
		Api admin = Api.admin(baseUrl());
		admin.syncDirectory();
		SimUser person = seedChats("email-late-opt-out", 1, (u) -> true).get(0);
		String marker = "Late opt-out " + UUID.randomUUID();
		long id = create(author, marker, "Body", false);
		author.json("PUT", "/api/v1/announcements/" + id + "/audience", audienceOf(List.of(person)), 200);
		author.json("POST", "/api/v1/announcements/" + id + "/send", null, 202);
		awaitSent(author, id);
		// The person says "stop" (here through an admin) after the fallback planned their
		// e-mail, while it waited for its turn at the mailbox's pace.
		assertThat(admin.call("PUT", "/api/v1/admin/opt-outs/" + person.id(), null, null).statusCode()).isEqualTo(204);
		try {
			this.jdbc.sql("""
					INSERT INTO email_delivery (announcement_id, recipient, address, state)
					VALUES (:id, lower(:aad), :mail, 'queued')
					""").param("id", id).param("aad", person.id()).param("mail", person.mail()).update();
			Await.until(Duration.ofSeconds(30), "the queued e-mail settled", () -> !"queued".equals(emailState(id)));
			assertThat(emailState(id)).isEqualTo("failed");
			assertThat(this.jdbc.sql("SELECT reason FROM email_delivery WHERE announcement_id = :id")
				.param("id", id)
				.query(String.class)
				.single()).isEqualTo(EmailLedger.OPTED_OUT);
			sleep(Duration.ofSeconds(1));
			assertThat(mailsAbout(marker)).isEmpty();
		}
		finally {
			admin.call("DELETE", "/api/v1/admin/opt-outs/" + person.id(), null, null);
		}
	}

	@Test
	void theAdminsDefaultIsOnTheSettingsPageAndEveryChangeLeavesOneAuditRow() throws Exception {
		Api admin = Api.admin(baseUrl());
		boolean before = admin.json("GET", "/api/v1/admin/email", null, 200).path("fallbackDefault").asBoolean();
		JsonNode settings = admin.json("GET", "/api/v1/admin/settings", null, 200);
		boolean rateWasUnset = settings.path("ratePerSecond").isNull();
		java.time.Instant start = java.time.Instant.now();
		try {
			// The page shows the choice; saving it with the box ticked turns it on.
			dev.herald.support.BrowserSession page = dev.herald.support.BrowserSession.signIn(baseUrl(),
					"email-default-admin", "Herald.Admin");
			assertThat(page.get("/admin/settings").body()).contains("id=\"emailFallbackDefault\"");
			Map<String, String> form = new LinkedHashMap<>();
			form.put("ratePerSecond", rateWasUnset ? "50" : settings.path("ratePerSecond").asString());
			form.put("retentionDays", settings.path("retentionDays").asString());
			form.put("approval", settings.path("approval").asString());
			form.put("approvalThreshold", settings.path("approvalThreshold").asString());
			form.put("auditRetentionDays", settings.path("auditRetentionDays").asString());
			putIfTrue(form, "proactiveInstall", settings.path("proactiveInstall").asBoolean());
			putIfTrue(form, "guestsAllowed", settings.path("allowGuests").asBoolean());
			putIfTrue(form, "trackLinkClickers", settings.path("trackLinkClickers").asBoolean());
			putIfTrue(form, "requireLinkNotice", settings.path("requireLinkNotice").asBoolean());
			form.put("emailFallbackDefault", "true");
			assertThat(page.submit("/admin/settings", "/admin/settings", form).statusCode()).isEqualTo(200);
			assertThat(admin.json("GET", "/api/v1/admin/email", null, 200).path("fallbackDefault").asBoolean())
				.isTrue();
			assertThat(Jsoup.parse(page.get("/admin/settings").body())
				.getElementById("emailFallbackDefault")
				.hasAttr("checked")).isTrue();

			// The API twins change it too; an Author may not.
			assertThat(admin.json("PUT", "/api/v1/admin/settings", Map.of("emailFallbackDefault", false), 200)
				.path("emailFallbackDefault")
				.asBoolean()).isFalse();
			assertThat(admin.json("PUT", "/api/v1/admin/email", Map.of("fallbackDefault", true), 200)
				.path("fallbackDefault")
				.asBoolean()).isTrue();
			assertThat(Api.author(baseUrl())
				.call("PUT", "/api/v1/admin/email", "application/json", "{\"fallbackDefault\":false}")
				.statusCode()).isEqualTo(403);
			assertThat(admin.json("GET", "/api/v1/admin/email", null, 200).path("fallbackDefault").asBoolean())
				.isTrue();

			// One audit row per change, each naming it.
			List<String> audited = this.jdbc.sql("""
					SELECT summary FROM audit_event
					WHERE action = 'settings_change' AND at >= :start AND summary LIKE '%email.fallback-default%'
					ORDER BY id
					""").param("start", java.sql.Timestamp.from(start)).query(String.class).list();
			assertThat(audited).hasSize(3);
			assertThat(audited.get(0)).containsPattern("email\\.fallback-default: [^;]*→ true");
			assertThat(audited.get(1)).contains("email.fallback-default: true → false");
			assertThat(audited.get(2)).contains("email.fallback-default: false → true");
		}
		finally {
			admin.json("PUT", "/api/v1/admin/email", Map.of("fallbackDefault", before), 200);
			if (rateWasUnset) {
				this.jdbc.sql("DELETE FROM app_setting WHERE key = 'dispatch.rate-per-second'").update();
			}
		}
	}

	private static void putIfTrue(Map<String, String> form, String field, boolean value) {
		if (value) {
			form.put(field, "true");
		}
	}

	private String emailState(long id) {
		return this.jdbc.sql("SELECT state FROM email_delivery WHERE announcement_id = :id")
			.param("id", id)
			.query(String.class)
			.single();
	}

	private static String key(SimUser u) {
		return u.id().toLowerCase(Locale.ROOT);
	}

	private EmailProperties properties() {
		return new EmailProperties("smtp", "x@y", "x", 60, TestMailServer.UNSUBSCRIBE_SECRET, 20, Duration.ofSeconds(1),
				Duration.ofMinutes(2), Duration.ofDays(1), 3);
	}

	private long create(Api author, String title, String summary, boolean emailFallback) {
		Map<String, Object> variants = new LinkedHashMap<>();
		TITLES.forEach((tag, t) -> variants.put(tag, Map.of("title", t + " " + title)));
		Map<String, Object> content = new LinkedHashMap<>();
		content.put("title", title);
		content.put("summary", summary);
		content.put("language", "en");
		content.put("buttons", List.of(Map.of("title", "Evacuation plan", "url", "https://example.com/plan")));
		content.put("variants", variants);
		content.put("emailFallback", emailFallback);
		return author.json("POST", "/api/v1/announcements", content, 201).path("id").asLong();
	}

	private static Map<String, Object> audienceOf(List<SimUser> people) {
		List<Map<String, Object>> entries = new ArrayList<>();
		people.forEach((u) -> entries.add(Map.of("kind", "PERSON", "ref", u.id(), "label", u.displayName())));
		return Map.of("entries", entries);
	}

	private static void awaitSent(Api author, long id) {
		Await.until(Duration.ofSeconds(90), "announcement " + id + " sent", () -> "sent"
			.equals(author.json("GET", "/api/v1/announcements/" + id, null, 200).path("status").asString()));
	}

	/**
	 * The person's language as Herald picks it: their Teams locale, else the directory's.
	 */
	private String languageOf(SimUser u) {
		return this.jdbc
			.sql("""
					SELECT COALESCE((SELECT locale FROM conversation WHERE kind = 'personal' AND lower(aad_object_id) = :aad),
					                (SELECT preferred_language FROM directory_user WHERE aad_object_id = :aad))
					""")
			.param("aad", u.id().toLowerCase(Locale.ROOT))
			.query(String.class)
			.single();
	}

	private boolean optedOut(SimUser u) {
		return this.jdbc
			.sql("SELECT count(*) FROM opt_out WHERE lower(aad_object_id) = :aad AND topic = 'all' AND opted_out")
			.param("aad", u.id().toLowerCase(Locale.ROOT))
			.query(Long.class)
			.single() > 0;
	}

	private Map<String, MimeMessage> awaitMails(int count, String marker, long id) {
		java.util.function.Supplier<Object> diagnostics = () -> this.jdbc.sql(
				"SELECT e.recipient, e.state, e.reason, e.attempts FROM email_delivery e WHERE e.announcement_id = :id")
			.param("id", id)
			.query()
			.listOfRows() + ", plans: "
				+ this.jdbc.sql("SELECT announcement_id, queued FROM email_plan").query().listOfRows();
		try {
			Await.until(Duration.ofSeconds(60), count + " e-mails about " + marker,
					() -> mailsAbout(marker).size() >= count);
		}
		catch (AssertionError ex) {
			throw new AssertionError(ex.getMessage() + "; received " + mailsAbout(marker).size() + "; e-mail ledger: "
					+ diagnostics.get(), ex);
		}
		// Nothing more arrives: each person is mailed once.
		sleep(Duration.ofMillis(1500));
		List<MimeMessage> mails = mailsAbout(marker);
		Map<String, MimeMessage> byAddress = new HashMap<>();
		for (MimeMessage mail : mails) {
			try {
				for (Address to : mail.getAllRecipients()) {
					String address = ((InternetAddress) to).getAddress().toLowerCase(Locale.ROOT);
					assertThat(byAddress.put(address, mail)).as("one e-mail to %s", address).isNull();
				}
			}
			catch (jakarta.mail.MessagingException ex) {
				throw new IllegalStateException(ex);
			}
		}
		return byAddress;
	}

	/**
	 * Messages whose subject holds the marker (unique per test; GreenMail keeps one copy
	 * per envelope recipient). All of them, not those past an index taken before the
	 * send: GreenMail lists its messages mailbox by mailbox, so a new e-mail to someone
	 * who already has a mailbox there lands in the middle of the list, not at its end.
	 */
	private static List<MimeMessage> mailsAbout(String marker) {
		MimeMessage[] all = TestMailServer.get().getReceivedMessages();
		List<MimeMessage> found = new ArrayList<>();
		for (int i = 0; i < all.length; i++) {
			try {
				if (all[i].getSubject() != null && all[i].getSubject().contains(marker)) {
					found.add(all[i]);
				}
			}
			catch (jakarta.mail.MessagingException ex) {
				throw new IllegalStateException(ex);
			}
		}
		return found;
	}

	private static String unsubscribeUrl(MimeMessage mail) throws Exception {
		String header = mail.getHeader("List-Unsubscribe", null);
		return header.substring(1, header.length() - 1);
	}

	private static Map<String, JsonNode> deliveries(Api author, long id) {
		JsonNode page = author.json("GET", "/api/v1/announcements/" + id + "/deliveries?limit=1000", null, 200);
		Map<String, JsonNode> rows = new HashMap<>();
		page.path("items").forEach((row) -> rows.put(row.path("recipient").asString().toLowerCase(Locale.ROOT), row));
		return rows.entrySet()
			.stream()
			.collect(Collectors.toMap((e) -> e.getKey(), Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
	}

	private static HttpResponse<String> http(String method, String url, String form) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
		if ("POST".equals(method)) {
			request.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString(form));
		}
		else {
			request.GET();
		}
		return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
