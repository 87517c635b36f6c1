package dev.herald.ui;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.herald.audience.Api;
import dev.herald.support.Browser;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In a real browser: an author adds a French variant and previews it (the card in French,
 * its buttons too), then builds an attribute rule with the keyboard and sees how many
 * people it selects; and every admin UI page on the way passes axe-core with no serious
 * or critical violation.
 */
class LanguageAndAccessibilityBrowserTests extends IntegrationTest {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@Browser
	private WebDriver browser;

	@Test
	void authorAddsAndPreviewsAVariantThenBuildsARuleByKeyboard() {
		Api.admin(baseUrl()).syncDirectory();
		long expected = this.jdbc.sql("""
				SELECT count(*) FROM directory_user
				WHERE NOT deleted AND lower(department) = 'sales' AND lower(COALESCE(country, usage_location)) = 'de'
				  AND lower(COALESCE(user_type, 'member')) <> 'guest'
				""").query(Long.class).single();
		assertThat(expected).isPositive();

		TestIdentityProvider.nextSignIn("megan@contoso.example", Map.of("name", "Megan Bowen"), "Herald.Author");
		this.browser.get(baseUrl() + "/announcements");
		WebDriverWait wait = new WebDriverWait(this.browser, WAIT);
		wait.until(ExpectedConditions.presenceOfElementLocated(By.id("new-announcement")));
		assertAccessible("announcement list");
		this.browser.get(baseUrl() + "/announcements/new");
		wait.until(ExpectedConditions.presenceOfElementLocated(By.id("title")));
		type("title", "Canteen closed on Friday");
		type("summary", "The canteen is closed for repairs.");
		type("buttons0.title", "Menu");
		type("buttons0.url", "https://contoso.example/menu");
		this.browser.findElement(By.id("acknowledge")).sendKeys(Keys.SPACE);
		WebElement preview = this.browser.findElement(By.id("card-preview"));
		wait.until(
				(d) -> preview.getText().contains("Canteen closed on Friday") && preview.getText().contains("Got it"));
		assertAccessible("compose");

		// Add French with the keyboard: pick the language, press the button, type.
		WebElement language = this.browser.findElement(By.id("variant-new"));
		language.sendKeys("French");
		assertThat(
				new org.openqa.selenium.support.ui.Select(language).getFirstSelectedOption().getDomAttribute("value"))
			.isEqualTo("fr");
		this.browser.findElement(By.id("variant-add")).sendKeys(Keys.ENTER);
		WebElement frenchTitle = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("variant-fr-title")));
		assertThat(this.browser.switchTo().activeElement()).isEqualTo(frenchTitle);
		frenchTitle.sendKeys("Cantine fermée vendredi");
		type("variant-fr-summary", "La cantine est fermée pour travaux.");
		type("variant-fr-button0", "Menu du jour");
		// The preview now shows the card as a French speaker gets it.
		// (the preview follows typing with a debounce: wait for the last field typed)
		wait.until((d) -> preview.getText().contains("Cantine fermée vendredi")
				&& preview.getText().contains("Menu du jour"));
		assertThat(preview.getText())
			.contains("La cantine est fermée pour travaux.", "Menu du jour", "Bien reçu", "Se désabonner")
			.doesNotContain("Got it");
		assertAccessible("compose with a variant");
		// Back to the default text.
		this.browser.findElement(By.id("preview-variant")).sendKeys("Default");
		wait.until(
				(d) -> preview.getText().contains("Canteen closed on Friday") && preview.getText().contains("Got it"));

		this.browser.findElement(By.id("save")).click();
		wait.until(ExpectedConditions.presenceOfElementLocated(By.id("audience")));
		long id = Long.parseLong(this.browser.getCurrentUrl().replaceAll(".*/announcements/(\\d+).*", "$1"));
		// A draft is readable by its owners and admins only (#15).
		assertThat(Api.admin(baseUrl())
			.json("GET", "/api/v1/announcements/" + id, null, 200)
			.path("content")
			.path("variants")
			.path("fr")
			.path("buttonLabels")
			.get(0)
			.asString()).isEqualTo("Menu du jour");

		// The rule, by keyboard: choose "chosen ...", field, value, Enter; twice.
		this.browser.findElement(By.id("audience-mode-pick")).sendKeys(Keys.SPACE);
		WebElement field = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("audience-rule-field")));
		field.sendKeys("Department");
		WebElement value = this.browser.findElement(By.id("audience-rule-value"));
		value.sendKeys("Sales");
		// The values the directory holds are offered.
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("audience-rule-values"), "Sales"));
		value.sendKeys(Keys.ENTER);
		field.sendKeys("Country");
		value.sendKeys("DE", Keys.ENTER);
		assertThat(this.browser.findElement(By.id("audience-rule")).getDomProperty("value"))
			.isEqualTo("department in (Sales) and country in (DE)");
		wait.until(
				ExpectedConditions.attributeToBe(By.id("audience-rule-count"), "data-count", String.valueOf(expected)));
		assertThat(this.browser.findElement(By.id("audience-rule-count")).getText())
			.isEqualTo(expected + " people match this rule.");
		// A rule that does not parse says why, and counts nothing.
		WebElement rule = this.browser.findElement(By.id("audience-rule"));
		rule.sendKeys(" and salary");
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("audience-rule-count"), "cannot be used"));
		assertThat(rule.getDomAttribute("aria-invalid")).isEqualTo("true");
		rule.sendKeys(Keys.chord(Keys.CONTROL, "a"), "department in (Sales) and country in (DE)");
		wait.until(
				ExpectedConditions.attributeToBe(By.id("audience-rule-count"), "data-count", String.valueOf(expected)));
		this.browser.findElement(By.id("audience-rule-add")).sendKeys(Keys.ENTER);
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("audience-chips"),
				"department in (Sales) and country in (DE)"));
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("audience-total"),
				"It will go to " + expected + " recipients."));
		assertAccessible("draft with the audience picker");

		// Review: how many people get which language.
		this.browser.get(baseUrl() + "/announcements/" + id + "/send");
		WebElement split = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("variant-split")));
		long french = this.browser.findElements(By.cssSelector("#variant-split tr[data-variant='fr'] td"))
			.stream()
			.skip(1)
			.mapToLong((td) -> Long.parseLong(td.getText()))
			.sum();
		long others = this.browser.findElements(By.cssSelector("#variant-split tr[data-variant='default'] td"))
			.stream()
			.skip(1)
			.mapToLong((td) -> Long.parseLong(td.getText()))
			.sum();
		assertThat(split.getText()).contains("fr");
		assertThat(french + others).isEqualTo(expected);
		assertAccessible("review and send");
		this.browser.get(baseUrl() + "/announcements/" + id + "/report");
		wait.until(ExpectedConditions.presenceOfElementLocated(By.tagName("h1")));
		assertAccessible("report");
	}

	@Test
	void adminPagesAreAccessible() {
		TestIdentityProvider.nextSignIn("adele@contoso.example", Map.of("name", "Adele Vance"), "Herald.Admin");
		WebDriverWait wait = new WebDriverWait(this.browser, WAIT);
		for (String page : List.of("/admin/settings", "/admin/roles", "/reports/opt-outs", "/")) {
			this.browser.get(baseUrl() + page);
			wait.until(ExpectedConditions.presenceOfElementLocated(By.tagName("h1")));
			assertAccessible(page);
		}
	}

	/** axe-core on the page as it is now: no serious or critical violation. */
	private void assertAccessible(String page) {
		Results results = new AxeBuilder().analyze(this.browser);
		List<String> blocking = results.getViolations()
			.stream()
			.filter((Rule r) -> "serious".equals(r.getImpact()) || "critical".equals(r.getImpact()))
			.map((Rule r) -> r.getId() + " (" + r.getImpact() + "): " + r.getHelp() + " at "
					+ r.getNodes().stream().map((n) -> String.valueOf(n.getTarget())).toList())
			.toList();
		assertThat(blocking).as("axe-core on %s", page).isEmpty();
		assertThat(results.getPasses()).as("axe-core ran on %s", page).isNotEmpty();
	}

	private void type(String id, String text) {
		WebElement element = this.browser.findElement(By.id(id));
		element.clear();
		element.sendKeys(text);
	}

}
