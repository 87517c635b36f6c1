package dev.herald.tab;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.herald.audience.Api;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.HeadlessChromium;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;

import static org.assertj.core.api.Assertions.assertThat;

class TabInTeamsBrowserTests extends IntegrationTest {

	private HeadlessChromium chromium;

	private WebDriver browser;

	@BeforeEach
	void startBrowser() throws IOException {
		this.chromium = HeadlessChromium.start();
		this.browser = this.chromium.driver();
	}

	@AfterEach
	void stopBrowser() throws IOException {
		if (this.chromium != null) {
			this.chromium.close();
		}
	}

	@Test
	void frenchPersonAcknowledgesInTheTab() throws Exception {
		List<SimUser> users = new ArrayList<>(this.simulator.tenant().users());
		Collections.reverse(users);
		SimUser alice = users.stream()
			.filter((u) -> !u.guest() && this.simulator.tenant().reachable(u) && u.teamsLocale().equals("fr-FR"))
			.skip(4)
			.findFirst()
			.orElseThrow();
		if (!this.simulator.isInstalled(alice.id())) {
			this.simulator.installForUser(alice.id());
		}
		Await.until(Duration.ofSeconds(20), "chat", () -> hasActiveChat(alice.id()));
		Api author = Api.author(baseUrl());
		String marker = "inteams-" + UUID.randomUUID();
		Map<String, Object> content = new LinkedHashMap<>();
		content.put("title", "Move " + marker);
		content.put("language", "en");
		content.put("acknowledge", true);
		content.put("variants", Map.of("fr", Map.of("title", "Déménagement " + marker)));
		long id = author.json("POST", "/api/v1/announcements", content, 201).path("id").asLong();
		author.json("PUT", "/api/v1/announcements/" + id + "/audience",
				Map.of("entries", List.of(Map.of("kind", "PERSON", "ref", alice.id()))), 200);
		author.json("POST", "/api/v1/announcements/" + id + "/send", null, 202);
		Await.until(Duration.ofSeconds(60), "sent", () -> "sent"
			.equals(author.json("GET", "/api/v1/announcements/" + id, null, 200).path("status").asString()));
		HttpResponse<byte[]> zip = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/admin/teams-app.zip"))
				.header("Authorization", "Bearer " + TestIdentityProvider.accessToken("it-admin", "Herald.Admin"))
				.build(), HttpResponse.BodyHandlers.ofByteArray());
		this.simulator.publishApp(zip.body());
		this.browser.get(this.simulator.tabHostUrl(alice.id(), "announcements"));
		WebDriverWait wait = new WebDriverWait(this.browser, Duration.ofSeconds(40));
		wait.until((d) -> {
			d.switchTo().defaultContent();
			d.switchTo().frame("tab");
			return !d.findElements(By.id("announcement-" + id)).isEmpty();
		});
		String title = this.browser.findElement(By.cssSelector("#announcement-" + id + " .toggle")).getText();
		assertThat(title).isEqualTo("Déménagement " + marker);
		assertThat(this.browser.findElement(By.tagName("h1")).getText()).isEqualTo("Annonces");
		this.browser.findElement(By.cssSelector("#announcement-" + id + " .toggle")).click();
		this.browser.findElement(By.cssSelector("#announcement-" + id + " .respond .button")).click();
		wait.until((d) -> d.findElement(By.cssSelector("#announcement-" + id)).getText().contains("Confirmée"));
		assertThat(
				author.json("GET", "/api/v1/announcements/" + id + "/report", null, 200).path("acknowledged").asLong())
			.isEqualTo(1);
	}

}
