package dev.herald.ui;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.herald.approval.GovernanceApi;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.Browser;
import dev.herald.support.HeadlessChromium;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin UI on a phone (#24), in a real browser 390 px wide: every page an Admin can
 * open (listed from the controllers' GET routes) scrolls only up and down, its wide
 * tables scroll inside their own box, long titles, ids and URLs break, the top bar's
 * links fold into a menu that works by keyboard, and axe-core finds no violation at all.
 * The data is made to be wide: long unbroken titles and actor ids, a long audience, a
 * report with a poll, a follow-up, an approval waiting, a guardrail, a template. The
 * audit log also fits at 1,400 px. Screenshots go to {@code target/screenshots/}.
 */
class PhoneLayoutBrowserTests extends IntegrationTest {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final Path SHOTS = Path.of("target", "screenshots");

	@Browser
	private WebDriver browser;

	private final List<Runnable> cleanup = new ArrayList<>();

	@BeforeEach
	void createScreenshotFolder() throws IOException {
		Files.createDirectories(SHOTS);
	}

	@AfterEach
	void cleanUp() {
		this.cleanup.forEach(Runnable::run);
	}

	@Test
	void everyAdminPageFitsA390PixelPhoneAndPassesAxe() throws Exception {
		GovernanceApi gov = new GovernanceApi(baseUrl());
		String marker = UUID.randomUUID().toString().replace("-", "");
		// An API client or service account with a long id: the audit log shows it in
		// full.
		String author = GovernanceApi.token("svc-benefits-enrolment-" + marker + "@contoso.example", "Herald.Author");
		List<SimUser> people = installApp(0, 12);
		List<String> ids = people.stream().map(SimUser::id).toList();
		String title = "Benefits enrolment 2027: https://contoso.example/hr/benefits/2027/enrolment/how-to-choose-"
				+ marker;

		// Sent, with a poll and acknowledgements, then edited: a report and a follow-up.
		long sent = create(gov, author, title, true);
		assertThat(gov.setPeople(author, sent, ids).statusCode()).isEqualTo(200);
		gov.ok("POST", "/api/v1/announcements/" + sent + "/send", author, null);
		Await.until(Duration.ofSeconds(90), "sent", () -> "sent".equals(gov.status(sent)));
		gov.ok("PUT", "/api/v1/announcements/" + sent, author,
				"{\"title\":\"" + title + " (updated)\",\"summary\":\"Edited after sending.\"}");
		// A draft with the same long audience, and one waiting for an approval.
		long draft = create(gov, author, title + "-draft", false);
		assertThat(gov.setPeople(author, draft, ids).statusCode()).isEqualTo(200);
		long pending = create(gov, author, title + "-approval", false);
		assertThat(gov.setPeople(author, pending, ids).statusCode()).isEqualTo(200);
		gov.approval("always");
		this.cleanup.add(() -> gov.approval("off"));
		assertThat(gov.act(author, pending, "submit").statusCode()).isLessThan(300);
		gov.approval("off");
		// A guardrail with a long subject and many audiences.
		String subject = "author-" + marker + "-" + marker;
		long guardrail = gov
			.ok("PUT", "/api/v1/admin/guardrails", GovernanceApi.ADMIN,
					"{\"subjectKind\":\"author\",\"subjectId\":\"" + subject + "\",\"allowedAudiences\":["
							+ String.join(",", ids.stream().map((id) -> "\"person:" + id + "\"").toList()) + "]}")
			.path("id")
			.asLong();
		this.cleanup.add(() -> gov.call("DELETE", "/api/v1/admin/guardrails/" + guardrail, GovernanceApi.ADMIN, null));

		TestIdentityProvider.nextSignIn("adele@contoso.example", Map.of("name", "Adele Vance"), "Herald.Admin");
		this.browser.manage().window().setSize(new Dimension(390, 844));
		WebDriverWait wait = new WebDriverWait(this.browser, WAIT);

		// The menu: folded, opened and closed by keyboard, focus back on its button.
		this.browser.get(baseUrl() + "/announcements");
		WebElement toggle = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("menu-toggle")));
		assertThat(toggle.getTagName()).isEqualTo("button");
		assertThat(toggle.getDomAttribute("aria-controls")).isEqualTo("topbar-menu");
		assertThat(toggle.getDomAttribute("aria-expanded")).isEqualTo("false");
		assertThat(this.browser.findElement(By.id("nav-audit")).isDisplayed()).isFalse();
		focus(toggle).sendKeys(Keys.ENTER);
		wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("nav-audit")));
		assertThat(toggle.getDomAttribute("aria-expanded")).isEqualTo("true");
		shot("phone-menu");
		this.browser.switchTo().activeElement().sendKeys(Keys.TAB);
		this.browser.switchTo().activeElement().sendKeys(Keys.ESCAPE);
		wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("nav-audit")));
		assertThat(toggle.getDomAttribute("aria-expanded")).isEqualTo("false");
		assertThat(this.browser.switchTo().activeElement()).isEqualTo(toggle);
		focus(toggle).sendKeys(Keys.SPACE);
		wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("nav-audit"))).click();
		wait.until(ExpectedConditions.urlContains("/admin/audit"));

		// A template with a long name, saved from the phone.
		this.browser.get(baseUrl() + "/announcements/" + sent);
		WebElement name = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("template-name")));
		name.clear();
		name.sendKeys("Benefits-enrolment-template-" + marker + "-" + marker);
		this.browser.findElement(By.id("save-template")).click();
		wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".flash")));

		SoftAssertions soft = new SoftAssertions();
		for (String page : List.of("/announcements", "/announcements/new", "/announcements/" + draft,
				"/announcements/" + draft + "/edit", "/announcements/" + draft + "/send", "/announcements/" + sent,
				"/announcements/" + sent + "/follow-ups", "/announcements/" + sent + "/report",
				"/announcements/" + sent + "/report?acknowledged=false", "/reports/opt-outs", "/approvals",
				"/admin/settings", "/admin/roles", "/admin/guardrails", "/admin/topics", "/admin/audit",
				"/signed-out")) {
			open(page);
			shot("phone" + page.replaceAll("[^a-z0-9]+", "-"));
			// Every page is checked before failing, so one run names every problem.
			soft.check(() -> assertFits(page, 390));
			soft.check(() -> assertAccessible(page));
		}
		soft.assertAll();
		// The data really is wide: these pages would scroll sideways without their fixes.
		open("/admin/audit");
		assertThat(this.browser.findElement(By.id("audit-table")).getText()).contains(marker);
		// A button styled as a link is not white on the white table.
		open("/admin/guardrails");
		assertThat(this.browser.findElement(By.cssSelector("#guardrails-table button.link")).getCssValue("color"))
			.isNotIn("rgba(255, 255, 255, 1)", "rgb(255, 255, 255)");
		open("/approvals");
		assertThat(this.browser.findElement(By.id("approval-" + pending)).getText()).contains(marker);

		// On a desktop the links are in the bar and the audit log fits at 1,400 px.
		this.browser.manage().window().setSize(new Dimension(1400, 900));
		open("/admin/audit");
		assertThat(this.browser.findElement(By.id("menu-toggle")).isDisplayed()).isFalse();
		assertThat(this.browser.findElement(By.id("nav-audit")).isDisplayed()).isTrue();
		assertFits("/admin/audit", 1400);
		// ... and not only the page: its table does not scroll inside its box either.
		assertThat(((JavascriptExecutor) this.browser).executeScript("""
				const box = document.getElementById('audit-table').closest('.table-scroll');
				return box.scrollWidth <= box.clientWidth;
				""")).as("the audit table fits at 1,400 px").isEqualTo(true);
		assertThat(this.browser.findElement(By.id("audit-table")).getText()).contains(marker);
		assertAccessible("/admin/audit at 1,400 px");
		shot("desktop-admin-audit");
		open("/announcements/" + sent + "/report");
		assertFits("report", 1400);
		shot("desktop-report");
		// A small laptop: still the bar, its links wrap.
		this.browser.manage().window().setSize(new Dimension(1024, 768));
		open("/announcements");
		assertThat(this.browser.findElement(By.id("nav-audit")).isDisplayed()).isTrue();
		assertFits("/announcements", 1024);
		shot("desktop-1024-announcements");
	}

	@Test
	void withoutScriptsTheLinksStayOnThePhoneScreen() throws IOException {
		try (HeadlessChromium plain = HeadlessChromium.withoutScripts()) {
			WebDriver page = plain.driver();
			page.manage().window().setSize(new Dimension(390, 844));
			page.get(baseUrl() + "/signed-out");
			new WebDriverWait(page, WAIT).until(ExpectedConditions.presenceOfElementLocated(By.tagName("h1")));
			// The button could not open anything: the noscript style sheet hides it and
			// leaves the links on the page.
			assertThat(page.findElement(By.id("menu-toggle")).isDisplayed()).isFalse();
			assertThat(page.findElement(By.cssSelector("#topbar-menu nav a")).isDisplayed()).isTrue();
			assertThat(page.findElement(By.cssSelector("#topbar-menu nav.languages a")).isDisplayed()).isTrue();
			assertThat(((JavascriptExecutor) page)
				.executeScript("return document.documentElement.scrollWidth <= window.innerWidth")).isEqualTo(true);
		}
	}

	@Test
	void theFaviconAnswersWithoutSigningIn() throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		HttpResponse<byte[]> ico = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/favicon.ico")).build(),
				HttpResponse.BodyHandlers.ofByteArray());
		assertThat(ico.statusCode()).isEqualTo(200);
		assertThat(ico.headers().firstValue("Content-Type")).hasValueSatisfying((t) -> assertThat(t).contains("icon"));
		// An ICO file: reserved 0, type 1.
		assertThat(ico.body()).startsWith(0, 0, 1, 0);
		HttpResponse<String> svg = http.send(
				HttpRequest.newBuilder(URI.create(baseUrl() + "/images/favicon.svg")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(svg.statusCode()).isEqualTo(200);
		assertThat(svg.headers().firstValue("Content-Type")).hasValueSatisfying((t) -> assertThat(t).contains("svg"));
		// Every page links it; the browser loads it.
		this.browser.get(baseUrl() + "/signed-out");
		WebElement icon = new WebDriverWait(this.browser, WAIT)
			.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("link[rel=icon][type='image/svg+xml']")));
		assertThat(icon.getDomProperty("href")).isEqualTo(baseUrl() + "/images/favicon.svg");
		assertThat(this.browser.findElement(By.cssSelector("link[rel=icon][sizes=any]")).getDomProperty("href"))
			.isEqualTo(baseUrl() + "/favicon.ico");
	}

	private long create(GovernanceApi gov, String token, String title, boolean poll) {
		String extra = poll
				? ",\"acknowledge\":true,\"pollQuestion\":\"Which plan suits you best?\","
						+ "\"pollChoices\":[\"Basic\",\"Plus-with-dental-and-optical-cover-" + title.length() + "\"]"
				: "";
		return gov
			.ok("POST", "/api/v1/announcements", token, "{\"title\":\"" + title
					+ "\",\"summary\":\"Choose your plan before the deadline.\","
					+ "\"buttons\":[{\"title\":\"Read the guide\",\"url\":\"https://contoso.example/hr/benefits/2027/"
					+ "enrolment/guides/the-complete-guide-to-choosing-a-plan-" + title.length() + "\"}]" + extra + "}")
			.path("id")
			.asLong();
	}

	private void open(String page) {
		this.browser.get(baseUrl() + page);
		WebDriverWait wait = new WebDriverWait(this.browser, WAIT);
		wait.until(ExpectedConditions.presenceOfElementLocated(By.tagName("h1")));
		// The card preview is drawn by a script: wait for it where there is one.
		if (!this.browser.findElements(By.id("card-preview")).isEmpty()) {
			wait.until(ExpectedConditions.attributeToBe(By.id("card-preview"), "data-rendered", "true"));
		}
	}

	/**
	 * The page does not scroll sideways: nothing is wider than the window (outside boxes
	 * that scroll themselves). On failure, names the elements that stick out.
	 */
	private void assertFits(String page, int width) {
		JavascriptExecutor js = (JavascriptExecutor) this.browser;
		assertThat(js.executeScript("return window.innerWidth")).as("window width").isEqualTo((long) width);
		Object fits = js.executeScript("return document.documentElement.scrollWidth <= window.innerWidth");
		Object wide = js.executeScript(
				"""
						const out = [];
						for (const e of document.body.querySelectorAll('*')) {
						  const r = e.getBoundingClientRect();
						  const inBox = e.closest('.table-scroll, pre') && getComputedStyle(e).position !== 'absolute';
						  const spills = r.right > document.documentElement.clientWidth + 1
						    || (e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0 && getComputedStyle(e).overflowX === 'visible');
						  if (spills && !inBox) {
						    out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && e.className.baseVal === undefined
						      ? '.' + String(e.className).replace(/ +/g, '.') : '') + ' right=' + Math.round(r.right) + ' scroll=' + e.scrollWidth + '/' + e.clientWidth);
						  }
						}
						return out.slice(-12).join('; ');
						""");
		assertThat(fits).as("%s scrolls sideways at %d px: %s", page, width, wide).isEqualTo(true);
	}

	/** axe-core on the page as it is now: no violation at all. */
	private void assertAccessible(String page) {
		Results results = new AxeBuilder().analyze(this.browser);
		List<String> violations = results.getViolations()
			.stream()
			.map((Rule r) -> r.getId() + " (" + r.getImpact() + "): " + r.getHelp() + " at "
					+ r.getNodes().stream().map((n) -> String.valueOf(n.getTarget())).toList())
			.toList();
		assertThat(violations).as("axe-core on %s", page).isEmpty();
		assertThat(results.getPasses()).as("axe-core ran on %s", page).isNotEmpty();
	}

	private WebElement focus(WebElement element) {
		((JavascriptExecutor) this.browser).executeScript("arguments[0].focus()", element);
		return element;
	}

	private void shot(String name) throws IOException {
		Files.write(SHOTS.resolve(name + ".png"), ((TakesScreenshot) this.browser).getScreenshotAs(OutputType.BYTES));
	}

}
