package dev.herald.question;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.herald.approval.GovernanceApi;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.Browser;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TeamsTabHost;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Asking from the tab (#24), in the simulator's Teams host with the real teams-js: a
 * French person asks about an announcement (markup in it stays text), the owner answers,
 * and the tab shows the answer under the question; at 390 px, axe clean.
 */
class TabQuestionsBrowserTests extends IntegrationTest {

	@Browser
	private WebDriver browser;

	@Test
	void aFrenchPersonAsksInTheTabAndReadsTheAnswerThere() throws Exception {
		TeamsTabHost host = new TeamsTabHost(this, this.browser);
		SimUser flo = host.personWithChat((u) -> u.teamsLocale().startsWith("fr"), 5);
		String marker = UUID.randomUUID().toString().substring(0, 8);
		String owner = GovernanceApi.token("tab-questions-owner-" + marker, "Herald.Author");
		GovernanceApi gov = new GovernanceApi(baseUrl());
		long id = gov.create(owner, "Cantine " + marker);
		assertThat(gov.setPeople(owner, id, List.of(flo.id())).statusCode()).isEqualTo(200);
		assertThat(gov.act(owner, id, "send").statusCode()).isEqualTo(202);
		Await.until(Duration.ofSeconds(60), "sent", () -> "sent".equals(gov.status(id)));
		host.publishApp();

		this.browser.manage().window().setSize(new Dimension(390, 844));
		WebDriverWait wait = host.open(flo, By.id("announcement-" + id));
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
		TeamsTabHost.waitInTab(wait, By.id("announcement-" + id));
		this.browser.findElement(By.cssSelector("#announcement-" + id + " .toggle")).click();
		assertThat(this.browser.findElement(By.cssSelector("#question-" + questionId + " .answer")).getText())
			.isEqualTo("Réponse : Lundi : lasagnes " + marker);
		assertFitsAndAccessible();
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
