package dev.herald.tab;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.herald.audience.Api;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.Browser;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TeamsTabHost;

import static org.assertj.core.api.Assertions.assertThat;

class TabInTeamsBrowserTests extends IntegrationTest {

	@Browser
	private WebDriver browser;

	@Test
	void frenchPersonAcknowledgesInTheTab() throws Exception {
		TeamsTabHost host = new TeamsTabHost(this, this.browser);
		SimUser alice = host.personWithChat((u) -> u.teamsLocale().equals("fr-FR"), 4);
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
		host.publishApp();
		WebDriverWait wait = host.open(alice, By.id("announcement-" + id));
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
