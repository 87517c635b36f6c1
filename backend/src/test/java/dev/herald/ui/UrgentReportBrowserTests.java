package dev.herald.ui;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.herald.audience.Api;
import dev.herald.simulator.SimUser;
import dev.herald.simulator.SimulatorConfig;
import dev.herald.support.Await;
import dev.herald.support.HeadlessChromium;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The report page's "alerted" table moves while an urgent send runs (#25), without a
 * reload: Teams refuses the chat card for a while (the feed has alerted the person), the
 * page opens, then Teams answers again and the card's row and the counts change in place.
 */
class UrgentReportBrowserTests extends IntegrationTest {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private WebDriver browser;

	private HeadlessChromium chromium;

	@BeforeEach
	void startBrowser() throws Exception {
		// Graph accepts only activity types the app in the catalog declares.
		HttpResponse<byte[]> zip = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/admin/teams-app.zip"))
				.header("Authorization", "Bearer " + TestIdentityProvider.accessToken("it-admin", "Herald.Admin"))
				.build(), HttpResponse.BodyHandlers.ofByteArray());
		assertThat(zip.statusCode()).isEqualTo(200);
		this.simulator.publishApp(zip.body());
		this.chromium = HeadlessChromium.start();
		this.browser = this.chromium.driver();
	}

	@AfterEach
	void stopBrowser() throws java.io.IOException {
		if (this.chromium != null) {
			this.chromium.close();
		}
	}

	@Test
	void theAlertedTableMovesWhileTheSendRuns() {
		Api admin = Api.admin(baseUrl());
		admin.syncDirectory();
		SimUser person = installApp(167, 1).get(0);
		SimulatorConfig.Faults faults = this.simulator.config().faults();
		WebDriverWait wait = new WebDriverWait(this.browser, WAIT);
		long id;
		this.simulator.setFaults(faults.withServerErrorShare(1.0));
		try {
			id = admin
				.json("POST", "/api/v1/announcements",
						Map.of("title", "Flood warning " + UUID.randomUUID(), "summary", "Move to floor 2.",
								"importance", "URGENT"),
						201)
				.path("id")
				.asLong();
			admin.json("PUT", "/api/v1/announcements/" + id + "/audience",
					Map.of("entries", List.of(Map.of("kind", "PERSON", "ref", person.id()))), 200);
			admin.json("POST", "/api/v1/announcements/" + id + "/send", null, 202);
			Await.until(WAIT, "the feed alert", () -> this.jdbc.sql("""
					SELECT count(*) FROM urgent_alert WHERE announcement_id = :id AND state = 'alerted'
					""").param("id", id).query(Long.class).single() == 1);

			TestIdentityProvider.nextSignIn("urgent-report-admin", "Herald.Admin");
			this.browser.get(baseUrl() + "/announcements/" + id + "/report");
			wait.until(ExpectedConditions.presenceOfElementLocated(By.id("alerted-chat")));
			assertThat(cell("feed", "total")).isEqualTo("1");
			assertThat(cell("chat", "total")).isEqualTo("0");
			assertThat(this.browser.findElement(By.id("r-delivered")).getText()).isEqualTo("0");
			((JavascriptExecutor) this.browser).executeScript("window.heraldNotReloaded = true;");
		}
		finally {
			this.simulator.setFaults(faults);
		}

		// Teams answers again: the card's row and the counts change in place.
		wait.until((d) -> "1".equals(cell("chat", "total")));
		assertThat(cell("chat", "within1Minute") + cell("chat", "within5Minutes")).matches("[01][01]");
		assertThat(cell("either", "total")).isEqualTo("1");
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("r-delivered"), "1"));
		assertThat(this.browser.findElement(By.id("r-pending")).getText()).isEqualTo("0");
		assertThat(this.browser.findElement(By.id("alerted-feed-status")).getText()).contains("1").doesNotContain("{");
		assertThat(((JavascriptExecutor) this.browser).executeScript("return window.heraldNotReloaded === true"))
			.as("updated without a reload")
			.isEqualTo(true);
		assertThat(cardsReceived(person.id(), id)).isEqualTo(1);
	}

	private String cell(String channel, String window) {
		return this.browser.findElement(By.cssSelector("#alerted-" + channel + " td[data-window='" + window + "']"))
			.getText();
	}

}
