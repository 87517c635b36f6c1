package dev.herald.ui;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.herald.simulator.SimChannel;
import dev.herald.simulator.SimTeam;
import dev.herald.support.Await;
import dev.herald.support.Browser;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The author's journey to a channel of a team Herald is not in (#27): picked in the
 * browser, counted as a channel whose team needs Herald, sent; Herald adds itself to the
 * team through Graph and the card lands in the channel without Teams ever refusing a
 * post.
 */
class ChannelJourneyBrowserTests extends IntegrationTest {

	private static final Duration WAIT = Duration.ofSeconds(60);

	@Browser
	private WebDriver browser;

	@Test
	void authorPicksAChannelOfATeamWithoutHeraldAndTheCardLandsThere() {
		SimTeam team = this.simulator.tenant()
			.teams()
			.stream()
			.filter((t) -> !this.simulator.isInstalledInTeam(t.id()))
			.reduce((first, second) -> second)
			.orElseThrow();
		SimChannel channel = team.channels().get(1);
		long refusedBefore = stat("botNotInConversationRoster403");
		long teamInstallsBefore = stat("graphTeamInstalls");
		String marker = "journey-" + UUID.randomUUID();

		TestIdentityProvider.nextSignIn("megan@contoso.example", Map.of("name", "Megan Bowen"), "Herald.Author");
		this.browser.get(baseUrl() + "/announcements/new");
		WebDriverWait wait = new WebDriverWait(this.browser, WAIT);
		wait.until(ExpectedConditions.presenceOfElementLocated(By.id("title")));
		type("title", marker);
		type("summary", "Posted to a channel.");
		this.browser.findElement(By.id("save")).click();
		wait.until(ExpectedConditions.presenceOfElementLocated(By.id("audience")));
		long id = Long.parseLong(this.browser.getCurrentUrl().replaceAll(".*/announcements/(\\d+).*", "$1"));

		this.browser.findElement(By.id("audience-mode-pick")).sendKeys(Keys.SPACE);
		WebElement search = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("audience-search")));
		new Select(this.browser.findElement(By.id("audience-kind"))).selectByValue("teams");
		search.sendKeys(team.displayName());
		wait.until((d) -> !d.findElements(By.cssSelector("#audience-results [role=option]")).isEmpty()
				&& d.findElement(By.id("audience-results")).isDisplayed());
		for (int i = 0; i < 20 && !team.displayName().equals(activeOption()); i++) {
			search.sendKeys(Keys.ARROW_DOWN);
		}
		assertThat(activeOption()).isEqualTo(team.displayName());
		search.sendKeys(Keys.ENTER);
		wait.until((d) -> d.findElements(By.cssSelector("#audience-team-target option"))
			.stream()
			.anyMatch((o) -> channel.id().equals(o.getDomAttribute("value"))));
		new Select(this.browser.findElement(By.id("audience-team-target"))).selectByValue(channel.id());
		this.browser.findElement(By.id("audience-team-add")).click();
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("audience-chips"), channel.displayName()));
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("audience-total"),
				"It will go to 1 recipients."));
		assertThat(this.browser.findElement(By.id("audience-channels")).getText()).isEqualTo("1");
		assertThat(this.browser.findElement(By.id("audience-need-team-install")).getText()).isEqualTo("1");

		this.browser.get(baseUrl() + "/announcements/" + id + "/send");
		wait.until(ExpectedConditions.presenceOfElementLocated(By.id("recipient-count")));
		assertThat(this.browser.findElement(By.id("audience-need-team-install")).getText()).isEqualTo("1");
		this.browser.findElement(By.id("confirm-send")).click();
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Sent"));

		Await.until(WAIT, "the card in the channel",
				() -> this.simulator.channelInbox(channel.id())
					.stream()
					.anyMatch((activity) -> String.valueOf(activity).contains(marker)));
		assertThat(this.simulator.isInstalledInTeam(team.id())).as("Herald added through Graph").isTrue();
		assertThat(stat("graphTeamInstalls")).isEqualTo(teamInstallsBefore + 1);
		assertThat(stat("botNotInConversationRoster403")).as("no 403 from Teams").isEqualTo(refusedBefore);
		assertThat(this.browser.findElement(By.id("count-delivered")).getText()).isEqualTo("1");
	}

	private String activeOption() {
		String active = this.browser.findElement(By.id("audience-search")).getDomAttribute("aria-activedescendant");
		return (active != null) ? this.browser.findElement(By.cssSelector("#" + active + " .name")).getText() : null;
	}

	private void type(String id, String text) {
		WebElement field = this.browser.findElement(By.id(id));
		field.clear();
		field.sendKeys(text);
	}

	private long stat(String name) {
		return ((Number) this.simulator.stats().get(name)).longValue();
	}

}
