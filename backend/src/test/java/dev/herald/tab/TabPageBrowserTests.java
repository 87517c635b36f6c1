package dev.herald.tab;

import java.time.Duration;
import java.util.List;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.herald.support.Browser;
import dev.herald.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tab's page in a real browser, opened outside Teams: the vendored teams-js and the
 * tab's script run under the page's content security policy, nobody answers teams-js, so
 * the page says to open it in Teams (in the requested language) and asks nothing of the
 * API; at 390 px wide it does not scroll sideways and axe finds nothing serious. (Inside
 * the simulator's Teams host page, with sign-on, the list, acknowledging and voting are
 * the browser test of the simulator's tab host.)
 */
class TabPageBrowserTests extends IntegrationTest {

	@Browser
	private WebDriver browser;

	@Test
	void outsideTeamsThePageSaysWhereToOpenItAccessiblyAt390Pixels() {
		this.browser.manage().window().setSize(new Dimension(390, 844));
		for (String theme : List.of("default", "dark", "contrast")) {
			this.browser.get(baseUrl() + "/tab?locale=de-de&theme=" + theme);
			WebDriverWait wait = new WebDriverWait(this.browser, Duration.ofSeconds(30));
			wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("error")));
			assertThat(this.browser.findElement(By.id("error")).getText()).contains("Microsoft Teams")
				.contains("Mitteilungen");
			assertThat(this.browser.findElement(By.tagName("html")).getAttribute("data-theme")).isEqualTo(theme);
			assertThat(this.browser.findElement(By.id("list")).findElements(By.tagName("li"))).isEmpty();
			Object fits = ((JavascriptExecutor) this.browser)
				.executeScript("return document.documentElement.scrollWidth <= window.innerWidth");
			assertThat(fits).as("no sideways scrolling at 390 px (%s)", theme).isEqualTo(true);
			Results results = new AxeBuilder().analyze(this.browser);
			List<String> blocking = results.getViolations()
				.stream()
				.filter((Rule r) -> "serious".equals(r.getImpact()) || "critical".equals(r.getImpact()))
				.map((Rule r) -> r.getId() + ": " + r.getHelp())
				.toList();
			assertThat(blocking).as("axe-core on the tab (%s)", theme).isEmpty();
			assertThat(results.getPasses()).isNotEmpty();
		}
	}

}
