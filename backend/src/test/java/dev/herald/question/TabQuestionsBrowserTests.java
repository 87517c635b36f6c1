package dev.herald.question;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.herald.approval.GovernanceApi;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.HeadlessChromium;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Asking from the tab (#24), in the simulator's Teams host with the real teams-js: a
 * French person asks about an announcement (markup in it stays text), the owner answers,
 * and the tab shows the answer under the question; at 390 px, axe clean.
 */
class TabQuestionsBrowserTests extends IntegrationTest {

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
	void aFrenchPersonAsksInTheTabAndReadsTheAnswerThere() throws Exception {
		List<SimUser> users = new ArrayList<>(this.simulator.tenant().users());
		Collections.reverse(users);
		SimUser flo = users.stream()
			.filter((u) -> !u.guest() && this.simulator.tenant().reachable(u) && u.teamsLocale().startsWith("fr"))
			.skip(5)
			.findFirst()
			.orElseThrow();
		if (!this.simulator.isInstalled(flo.id())) {
			this.simulator.installForUser(flo.id());
		}
		Await.until(Duration.ofSeconds(20), "chat", () -> hasActiveChat(flo.id()));
		String marker = UUID.randomUUID().toString().substring(0, 8);
		String owner = GovernanceApi.token("tab-questions-owner-" + marker, "Herald.Author");
		GovernanceApi gov = new GovernanceApi(baseUrl());
		long id = gov.create(owner, "Cantine " + marker);
		assertThat(gov.setPeople(owner, id, List.of(flo.id())).statusCode()).isEqualTo(200);
		assertThat(gov.act(owner, id, "send").statusCode()).isEqualTo(202);
		Await.until(Duration.ofSeconds(60), "sent", () -> "sent".equals(gov.status(id)));
		HttpResponse<byte[]> zip = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/admin/teams-app.zip"))
				.header("Authorization", "Bearer " + TestIdentityProvider.accessToken("it-admin", "Herald.Admin"))
				.build(), HttpResponse.BodyHandlers.ofByteArray());
		this.simulator.publishApp(zip.body());

		this.browser.manage().window().setSize(new Dimension(390, 844));
		this.browser.get(this.simulator.tabHostUrl(flo.id(), "announcements"));
		WebDriverWait wait = new WebDriverWait(this.browser, Duration.ofSeconds(40));
		openTab(wait, id);
		this.browser.findElement(By.cssSelector("#announcement-" + id + " .toggle")).click();
		this.browser.findElement(By.cssSelector("#questions-" + id + " summary")).click();
		assertThat(this.browser.findElement(By.cssSelector("#questions-" + id + " summary")).getText())
			.isEqualTo("Poser une question");
		String question = "Le menu <img src=x onerror=alert(1)> " + marker;
		this.browser.findElement(By.id("ask-" + id)).sendKeys(question);
		this.browser.findElement(By.cssSelector("#questions-" + id + " button[type=submit]")).click();
		wait.until((d) -> d.findElement(By.id("status")).getText().contains("Votre question a été envoyée"));
		assertThat(this.browser.findElement(By.cssSelector("#questions-" + id + " .question-text")).getText())
			.isEqualTo(question);
		// Shown as text: no element came out of it.
		assertThat(this.browser.findElements(By.cssSelector("#questions-" + id + " img"))).isEmpty();
		assertThat(this.browser.findElement(By.cssSelector("#questions-" + id)).getText())
			.contains("En attente de réponse");
		assertFitsAndAccessible();

		// The owner answers; the tab shows it under the question.
		String questions = "/api/v1/announcements/" + id + "/questions";
		long questionId = gov.ok("GET", questions, owner, null).path("items").get(0).path("id").asLong();
		gov.ok("POST", questions + "/" + questionId + "/answer", owner,
				"{\"answer\":\"Lundi : lasagnes " + marker + "\"}");
		this.browser.switchTo().defaultContent();
		this.browser.navigate().refresh();
		openTab(wait, id);
		this.browser.findElement(By.cssSelector("#announcement-" + id + " .toggle")).click();
		assertThat(this.browser.findElement(By.cssSelector("#question-" + questionId + " .answer")).getText())
			.isEqualTo("Réponse : Lundi : lasagnes " + marker);
		assertFitsAndAccessible();
	}

	private void openTab(WebDriverWait wait, long id) {
		wait.until((d) -> {
			d.switchTo().defaultContent();
			d.switchTo().frame("tab");
			return !d.findElements(By.id("announcement-" + id)).isEmpty();
		});
	}

	private void assertFitsAndAccessible() {
		Object fits = ((JavascriptExecutor) this.browser)
			.executeScript("return document.documentElement.scrollWidth <= window.innerWidth");
		assertThat(fits).as("no sideways scrolling at 390 px").isEqualTo(true);
		Results results = new AxeBuilder().analyze(this.browser);
		List<String> blocking = results.getViolations()
			.stream()
			.filter((Rule r) -> "serious".equals(r.getImpact()) || "critical".equals(r.getImpact()))
			.map((Rule r) -> r.getId() + ": " + r.getHelp())
			.toList();
		assertThat(blocking).as("axe-core on the tab with questions").isEmpty();
	}

}
