package dev.herald.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.simulator.SimGroup;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.Browser;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;
import dev.herald.support.TestTenant;
import dev.herald.support.TestTopics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An author's whole journey in a real browser (headless Debian Chromium), signed in
 * through the OpenID provider: compose with the live preview drawn by the Adaptive Cards
 * renderer, send a test to herself, confirm the recipient count, send, watch the counts
 * reach the end over server-sent events, open the report and export the CSV. Employees
 * get the app through the simulator's signed install callbacks to Herald's bot endpoint.
 * Screenshots of each page land in {@code backend/target/screenshots/}.
 */
class AuthorJourneyBrowserTests extends IntegrationTest {

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final String SCRIPT = "<script>window.pwned=1</script>";

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final Path SHOTS = Path.of("target", "screenshots");

	@Browser
	private WebDriver browser;

	@BeforeEach
	void createScreenshotFolder() throws IOException {
		Files.createDirectories(SHOTS);
	}

	@Test
	void authorGoesFromSignInToADeliveredAnnouncement() throws Exception {
		List<SimUser> people = installApp(5);
		SimUser me = people.get(0);
		TestTopics.ensure(baseUrl(), "Benefits");

		TestIdentityProvider.nextSignIn("megan@contoso.example", Map.of("oid", me.id(), "name", "Megan Bowen"),
				"Herald.Author");
		this.browser.get(baseUrl() + "/");
		WebDriverWait wait = new WebDriverWait(this.browser, WAIT);
		wait.until(ExpectedConditions.presenceOfElementLocated(By.id("new-announcement"))).click();

		// Compose: the preview is drawn by the Adaptive Cards renderer from the server's
		// card JSON, and script typed by the author stays text.
		type("title", "Open enrolment starts Monday " + SCRIPT);
		type("topic", "Benefits");
		type("summary", "Pick your **plan** in the HR portal by Friday.\n- Basic\n- Plus");
		type("buttons0.title", "Open the HR portal");
		type("buttons0.url", "https://contoso.example/hr");
		this.browser.findElement(By.id("acknowledge")).click();
		type("pollQuestion", "Which plan interests you?");
		type("pollChoices0", "Basic");
		type("pollChoices1", "Plus");
		WebElement preview = this.browser.findElement(By.id("card-preview"));
		wait.until((d) -> preview.getText().contains("Which plan interests you?"));
		assertThat(preview.findElements(By.cssSelector(".ac-adaptiveCard"))).as("renderer output").isNotEmpty();
		assertThat(preview.getText()).contains("Open enrolment starts Monday " + SCRIPT)
			.contains("Benefits")
			.contains("Open the HR portal")
			.contains("Got it")
			.contains("Unsubscribe");
		assertThat(preview.findElements(By.tagName("script"))).isEmpty();
		assertThat(preview.findElements(By.tagName("strong"))).extracting(WebElement::getText).contains("plan");
		assertThat(((JavascriptExecutor) this.browser).executeScript("return window.pwned === undefined"))
			.isEqualTo(true);
		assertThat(this.browser.findElement(By.id("preview-size")).getText()).startsWith("Size:");
		shot("compose");

		this.browser.findElement(By.id("save")).click();
		wait.until(ExpectedConditions.presenceOfElementLocated(By.id("send-test")));
		long id = Long.parseLong(this.browser.getCurrentUrl().replaceAll(".*/announcements/(\\d+).*", "$1"));
		wait.until((d) -> "true".equals(d.findElement(By.id("card-preview")).getDomAttribute("data-rendered")));
		assertThat(this.browser.findElement(By.tagName("h1")).getText()).endsWith(SCRIPT);

		// A test to myself lands in my own chat with Herald.
		int before = this.simulator.inbox(me.id()).size();
		this.browser.findElement(By.id("send-test")).click();
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".flash.ok"), "test copy"));
		assertThat(cards(me, id)).isEqualTo(1);
		assertThat(this.simulator.inbox(me.id())).hasSize(before + 1);
		shot("draft");

		// Confirm shows how many people it goes to.
		long reachable = activeConversations();
		this.browser.findElement(By.id("send")).click();
		WebElement count = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("recipient-count")));
		assertThat(count.getText()).contains(String.valueOf(reachable));
		shot("confirm");
		this.browser.findElement(By.id("confirm-send")).click();

		// Live progress until everyone has it (the page reloads itself when sent).
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Sent"));
		long delivered = this.jdbc.sql("SELECT delivered FROM announcement WHERE id = :id")
			.param("id", id)
			.query(Long.class)
			.single();
		assertThat(delivered).isGreaterThanOrEqualTo(people.size());
		assertThat(this.browser.findElement(By.id("count-recipients")).getText()).isEqualTo(String.valueOf(reachable));
		assertThat(this.browser.findElement(By.id("count-delivered")).getText()).isEqualTo(String.valueOf(delivered));
		assertThat(this.browser.findElement(By.id("count-pending")).getText()).isEqualTo("0");
		for (SimUser person : people) {
			assertThat(cards(person, id)).as(person.userPrincipalName()).isGreaterThanOrEqualTo(1);
		}
		assertThat(cards(me, id)).isEqualTo(2); // the test and the real one
		shot("sent");

		this.browser.get(baseUrl() + "/announcements");
		wait.until(ExpectedConditions.presenceOfElementLocated(By.id("sent-list")));
		shot("list");

		this.browser.findElement(By.cssSelector("tr[data-id='" + id + "'] a[href$='/report']")).click();
		wait.until(ExpectedConditions.presenceOfElementLocated(By.id("export-csv")));
		assertThat(this.browser.findElement(By.id("r-delivered")).getText()).isEqualTo(String.valueOf(delivered));
		assertThat(this.browser.findElements(By.cssSelector("#rate-chart rect.bar"))).isNotEmpty();
		shot("report");

		// The CSV, fetched as the signed-in browser would download it.
		String csv = (String) ((JavascriptExecutor) this.browser)
			.executeAsyncScript("var done = arguments[arguments.length - 1];"
					+ "fetch(document.getElementById('export-csv').href).then(r => r.text()).then(done);");
		List<String> lines = csv.lines().toList();
		assertThat(lines.get(0)).contains("recipient,kind,name,state");
		assertThat(lines).hasSize((int) reachable + 1);
		assertThat(lines.stream().filter((l) -> l.contains(",delivered,")).count()).isEqualTo(delivered);
		assertThat(csv).contains(me.id());
	}

	@Test
	void authorPicksAGroupAndAPersonWithTheKeyboardAndSeesTheCount() throws Exception {
		SimUser scripted = this.simulator.tenant().addUser("<img src=x onerror=window.pwned=1>", "Picked", "Member");
		dev.herald.audience.Api.admin(baseUrl()).syncDirectory();
		SimGroup group = TestTenant.smallestNestedGroup(this.simulator.tenant());
		Set<String> members = new java.util.HashSet<>(this.simulator.tenant().transitiveUserIds(group.id()));
		members.removeIf((id) -> this.simulator.tenant().user(id).guest());

		TestIdentityProvider.nextSignIn("megan@contoso.example", Map.of("name", "Megan Bowen"), "Herald.Author");
		this.browser.get(baseUrl() + "/announcements/new");
		WebDriverWait wait = new WebDriverWait(this.browser, WAIT);
		wait.until(ExpectedConditions.presenceOfElementLocated(By.id("title")));
		type("title", "Quarterly town hall");
		type("summary", "Join us on Thursday.");
		this.browser.findElement(By.id("save")).click();
		wait.until(ExpectedConditions.presenceOfElementLocated(By.id("audience")));
		long id = Long.parseLong(this.browser.getCurrentUrl().replaceAll(".*/announcements/(\\d+).*", "$1"));

		// Keyboard only: choose "chosen groups, teams and people", search, arrow down,
		// Enter.
		WebElement pick = this.browser.findElement(By.id("audience-mode-pick"));
		pick.sendKeys(Keys.SPACE);
		WebElement search = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("audience-search")));
		search.sendKeys(group.displayName());
		wait.until((d) -> !d.findElements(By.cssSelector("#audience-results [role=option]")).isEmpty()
				&& d.findElement(By.id("audience-results")).isDisplayed());
		// Arrow down to the group (others may share its first letters), then Enter.
		for (int i = 0; i < 20 && !group.displayName().equals(activeOption()); i++) {
			search.sendKeys(Keys.ARROW_DOWN);
		}
		assertThat(activeOption()).isEqualTo(group.displayName());
		search.sendKeys(Keys.ENTER);
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("audience-chips"), group.displayName()));
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("audience-total"),
				"It will go to " + members.size() + " recipients."));
		assertThat(this.browser.findElement(By.id("audience-people")).getText())
			.isEqualTo(String.valueOf(members.size()));

		// A person whose name is markup shows as text.
		new org.openqa.selenium.support.ui.Select(this.browser.findElement(By.id("audience-kind")))
			.selectByValue("people");
		search.sendKeys("<img");
		wait.until((d) -> d.findElement(By.id("audience-results")).getText().contains(scripted.displayName()));
		search.sendKeys(Keys.ARROW_DOWN);
		search.sendKeys(Keys.ENTER);
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("audience-chips"), scripted.displayName()));
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("audience-total"),
				"It will go to " + (members.size() + 1) + " recipients."));
		assertThat(this.browser.findElements(By.cssSelector("#audience img"))).isEmpty();
		assertThat(((JavascriptExecutor) this.browser).executeScript("return window.pwned === undefined"))
			.isEqualTo(true);
		shot("audience");

		// The confirm page shows the same count; removing the person with the keyboard
		// brings the count back.
		this.browser.get(baseUrl() + "/announcements/" + id + "/send");
		assertThat(wait.until(ExpectedConditions.presenceOfElementLocated(By.id("recipient-count"))).getText())
			.contains(String.valueOf(members.size() + 1));
		shot("confirm-audience");
		this.browser.navigate().back();
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("audience-total"),
				"It will go to " + (members.size() + 1) + " recipients."));
		WebElement remove = this.browser.findElements(By.cssSelector("#audience-chips .chip-remove"))
			.stream()
			.filter((b) -> b.getDomAttribute("aria-label").contains(scripted.displayName()))
			.findFirst()
			.orElseThrow();
		remove.sendKeys(Keys.ENTER);
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("audience-total"),
				"It will go to " + members.size() + " recipients."));
	}

	@Test
	void adminPagesScreenshot() throws Exception {
		TestIdentityProvider.nextSignIn("adele@contoso.example", Map.of("name", "Adele Vance"), "Herald.Admin");
		this.browser.get(baseUrl() + "/admin/settings");
		WebDriverWait wait = new WebDriverWait(this.browser, WAIT);
		wait.until(ExpectedConditions.presenceOfElementLocated(By.id("save-settings")));
		shot("admin-settings");
		this.browser.get(baseUrl() + "/announcements/new?lang=fr");
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "Nouvelle annonce"));
		wait.until((d) -> "true".equals(d.findElement(By.id("card-preview")).getDomAttribute("data-rendered")));
		// The page speaks French; the card keeps the card language (one message for all).
		assertThat(this.browser.findElement(By.id("card-preview")).getText()).contains("Unsubscribe");
		assertThat(this.browser.findElement(By.id("preview-hints")).getText()).contains("désabonner");
		shot("compose-fr");
	}

	private List<SimUser> installApp(int count) {
		List<SimUser> people = this.simulator.tenant()
			.users()
			.stream()
			.filter((u) -> !u.guest() && !this.simulator.isBlocked(u.id()))
			.skip(60)
			.limit(count)
			.toList();
		people.forEach((u) -> this.simulator.installForUser(u.id()));
		Await.until(WAIT, "conversations stored for " + count + " people", () -> people.stream()
			.allMatch((u) -> this.jdbc.sql(
					"SELECT count(*) FROM conversation WHERE kind = 'personal' AND status = 'active' AND aad_object_id = :aad")
				.param("aad", u.id())
				.query(Long.class)
				.single() == 1));
		return people;
	}

	private long activeConversations() {
		// The default audience leaves guests out (another class may have installed one).
		return this.jdbc.sql("""
				SELECT count(*) FROM conversation c WHERE c.kind = 'personal' AND c.status = 'active'
				  AND NOT EXISTS (SELECT 1 FROM directory_user du
				                  WHERE du.aad_object_id = lower(c.aad_object_id) AND lower(du.user_type) = 'guest')
				""").query(Long.class).single();
	}

	private long cards(SimUser user, long announcementId) {
		String marker = "\"herald-announcement-" + announcementId + "\"";
		return this.simulator.inbox(user.id())
			.stream()
			.filter((activity) -> JSON.writeValueAsString(activity).contains(marker))
			.count();
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

	private void shot(String name) throws IOException {
		// Full page: grow the window to the document, then shoot from the top.
		((JavascriptExecutor) this.browser).executeScript("window.scrollTo(0, 0)");
		Number height = (Number) ((JavascriptExecutor) this.browser)
			.executeScript("return document.documentElement.scrollHeight");
		this.browser.manage()
			.window()
			.setSize(new org.openqa.selenium.Dimension(1280, Math.max(800, height.intValue())));
		byte[] png = ((org.openqa.selenium.TakesScreenshot) this.browser).getScreenshotAs(OutputType.BYTES);
		Files.write(SHOTS.resolve(name + ".png"), png);
		this.browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1000));
	}

}
