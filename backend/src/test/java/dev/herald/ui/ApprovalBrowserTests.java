package dev.herald.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.herald.approval.GovernanceApi;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.Browser;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Approval in a real browser (headless Debian Chromium): with approval set to "always" an
 * author's Send becomes Submit for approval; an approver opens the approval queue,
 * comments and approves, and the announcement reaches the employees' Teams chats.
 * Screenshots go to {@code backend/target/screenshots/}
 * ({@code docs/refresh-screenshots.sh} publishes them).
 */
class ApprovalBrowserTests extends IntegrationTest {

	private static final Duration WAIT = Duration.ofSeconds(30);

	// Tests write only under target/: the README's test command leaves the git tree
	// clean. docs/refresh-screenshots.sh copies these into docs/screenshots/ on purpose.
	private static final List<Path> SHOTS = List.of(Path.of("target", "screenshots"));

	@Browser
	private WebDriver browser;

	@BeforeEach
	void createScreenshotFolders() throws IOException {
		for (Path dir : SHOTS) {
			Files.createDirectories(dir);
		}
	}

	@AfterEach
	void turnApprovalOff() {
		new GovernanceApi(baseUrl()).approval("off");
	}

	@Test
	void anAuthorSubmitsAndAnApproverApprovesFromTheQueue() throws Exception {
		List<SimUser> people = installApp(0, 3);
		GovernanceApi gov = new GovernanceApi(baseUrl());
		gov.approval("always");
		// The draft was written through the API by the same author (same subject).
		String authorToken = GovernanceApi.token("nestor@contoso.example", "Herald.Author");
		long id = gov.create(authorToken, "New expense policy from 1 January");
		gov.setPeople(authorToken, id, people.stream().map(SimUser::id).toList());

		TestIdentityProvider.nextSignIn("nestor@contoso.example", Map.of("name", "Nestor Wilke"), "Herald.Author");
		this.browser.get(baseUrl() + "/announcements/" + id);
		WebDriverWait wait = new WebDriverWait(this.browser, WAIT);
		wait.until(ExpectedConditions.elementToBeClickable(By.id("send")));
		assertThat(this.browser.findElement(By.id("send")).getText()).isEqualTo("Review and submit for approval");
		this.browser.findElement(By.id("send")).click();
		wait.until(ExpectedConditions.elementToBeClickable(By.id("submit-approval")));
		assertThat(this.browser.findElements(By.id("confirm-send"))).as("no direct send").isEmpty();
		assertThat(this.browser.findElement(By.id("approval-needed")).getText()).contains("needs an approval");
		shot("approval-submit");
		this.browser.findElement(By.id("submit-approval")).click();
		wait.until(ExpectedConditions.presenceOfElementLocated(By.id("approval-status")));
		assertThat(this.browser.findElement(By.id("approval-status")).getText()).contains("Waiting for approval");
		assertThat(this.browser.findElement(By.id("status")).getText()).isEqualTo("Draft");
		shot("approval-pending");
		assertThat(this.browser.findElements(By.id("nav-approvals"))).as("authors have no queue").isEmpty();

		// The approver signs in (a fresh session) and decides from the queue.
		this.browser.manage().deleteAllCookies();
		TestIdentityProvider.nextSignIn("adele@contoso.example", Map.of("name", "Adele Vance"), "Herald.Approver");
		this.browser.get(baseUrl() + "/announcements");
		wait.until(ExpectedConditions.elementToBeClickable(By.id("nav-approvals"))).click();
		wait.until(ExpectedConditions.presenceOfElementLocated(By.id("approval-" + id)));
		String row = this.browser.findElement(By.id("approval-" + id)).getText();
		assertThat(row).contains("New expense policy from 1 January")
			.contains("nestor@contoso.example")
			.contains("3 people");
		this.browser.findElement(By.cssSelector("#approval-" + id + " textarea[name=comment]"))
			.sendKeys("Checked with Finance.");
		shot("approval-queue");
		this.browser.findElement(By.cssSelector("#approval-" + id + " button.approve")).click();
		wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".flash.ok")));
		assertThat(this.browser.findElement(By.cssSelector(".flash.ok")).getText()).isEqualTo("Approved.");
		assertThat(this.browser.findElements(By.id("approval-" + id))).isEmpty();

		Await.until(WAIT, "approved announcement in every chat",
				() -> people.stream().allMatch((p) -> cardsReceived(p.id(), id) == 1));
		this.browser.get(baseUrl() + "/announcements/" + id);
		wait.until(ExpectedConditions.presenceOfElementLocated(By.id("approval-status")));
		assertThat(this.browser.findElement(By.id("approval-status")).getText())
			.contains("Approved by adele@contoso.example")
			.contains("Checked with Finance.");
		assertThat(gov.audit(id)).extracting((r) -> r.path("action").asString() + " by " + r.path("actorId").asString())
			.containsExactly("create by nestor@contoso.example", "audience_change by nestor@contoso.example",
					"submit by nestor@contoso.example", "approve by adele@contoso.example");

		// An Admin reads who did what on the audit page.
		this.browser.manage().deleteAllCookies();
		TestIdentityProvider.nextSignIn("admin@contoso.example", Map.of("name", "Alex Admin"), "Herald.Admin");
		this.browser.get(baseUrl() + "/admin/audit?announcement=" + id);
		wait.until(ExpectedConditions.presenceOfElementLocated(By.id("audit-table")));
		assertThat(this.browser.findElements(By.cssSelector("#audit-table tbody tr"))).hasSize(4);
		assertThat(this.browser.findElement(By.id("audit-table")).getText()).contains("adele@contoso.example")
			.contains("approve");
		shot("audit-log");
	}

	private void shot(String name) throws IOException {
		((JavascriptExecutor) this.browser).executeScript("window.scrollTo(0, 0)");
		Number height = (Number) ((JavascriptExecutor) this.browser)
			.executeScript("return document.documentElement.scrollHeight");
		this.browser.manage()
			.window()
			.setSize(new org.openqa.selenium.Dimension(1280, Math.min(Math.max(height.intValue(), 700), 4000)));
		byte[] png = ((org.openqa.selenium.TakesScreenshot) this.browser).getScreenshotAs(OutputType.BYTES);
		for (Path dir : SHOTS) {
			Files.write(dir.resolve(name + ".png"), png);
		}
		this.browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1000));
	}

}
