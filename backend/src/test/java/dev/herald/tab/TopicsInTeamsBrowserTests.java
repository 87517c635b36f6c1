package dev.herald.tab;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.herald.audience.Api;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.Browser;
import dev.herald.support.IntegrationTest;
import dev.herald.support.TeamsTabHost;
import dev.herald.support.TestIdentityProvider;
import dev.herald.support.TestTopics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A French-speaking person, in the simulator's Teams host, turns a topic off in the tab
 * (#24), by keyboard-reachable checkbox, on a phone-sized window: the next announcement
 * on that topic does not reach their chat, one on another topic does.
 */
class TopicsInTeamsBrowserTests extends IntegrationTest {

	@Browser
	private WebDriver browser;

	@Test
	void aFrenchPersonTurnsATopicOffInTheTabAndItsNextAnnouncementDoesNotReachThem() throws Exception {
		java.util.Set<String> optedOut = new java.util.HashSet<>(
				this.jdbc.sql("SELECT lower(aad_object_id) FROM opt_out WHERE opted_out").query(String.class).list());
		TeamsTabHost host = new TeamsTabHost(this, this.browser);
		SimUser alice = host.personWithChat(
				(u) -> u.teamsLocale().equals("fr-FR") && !optedOut.contains(u.id().toLowerCase(Locale.ROOT)), 9);
		String marker = UUID.randomUUID().toString().substring(0, 8);
		long canteen = TestTopics.ensure(baseUrl(), "Canteen " + marker);
		TestTopics.ensure(baseUrl(), "Parking " + marker);
		// The admin gave the canteen a French name: that is what Alice reads.
		String admin = TestIdentityProvider.accessToken("it-admin", "Herald.Admin");
		assertThat(
				api("PUT", "/api/v1/admin/topics/" + canteen, admin, "{\"names\":{\"fr\":\"Cantine " + marker + "\"}}")
					.statusCode())
			.isEqualTo(200);
		host.publishApp();

		this.browser.manage().window().setSize(new Dimension(390, 844));
		By box = By.id("topic-choice-" + canteen);
		WebDriverWait wait = host.open(alice, box);
		assertThat(this.browser.findElement(By.id("topics-heading")).getText()).isEqualTo("Vos sujets");
		this.browser.findElement(By.id("topics-heading")).click();
		WebElement checkbox = this.browser.findElement(box);
		assertThat(checkbox.isSelected()).isTrue();
		assertThat(checkbox.findElement(By.xpath("..")).getText()).isEqualTo("Cantine " + marker);
		checkbox.click();
		wait.until((d) -> d.findElement(By.id("topics-status")).getText().equals("Cantine " + marker + " : désactivé"));
		assertThat(this.browser.findElement(box).isSelected()).isFalse();
		Object fits = ((JavascriptExecutor) this.browser)
			.executeScript("return document.documentElement.scrollWidth <= window.innerWidth");
		assertThat(fits).as("no sideways scrolling at 390 px").isEqualTo(true);

		Api author = Api.author(baseUrl());
		long lunch = send(author, "Menu " + marker, "Canteen " + marker, alice);
		long cars = send(author, "Car park " + marker, "Parking " + marker, alice);
		assertThat(cardsReceived(alice.id(), lunch)).isZero();
		assertThat(cardsReceived(alice.id(), cars)).isEqualTo(1);
	}

	@Test
	void theTopicsPageIsAccessibleAndFitsAPhone() {
		TestTopics.ensure(baseUrl(), "Wellbeing " + UUID.randomUUID().toString().substring(0, 8));
		TestIdentityProvider.nextSignIn("adele@contoso.example", Map.of("name", "Adele Vance"), "Herald.Admin");
		for (String lang : List.of("en", "fr")) {
			this.browser.manage().window().setSize(new Dimension(1280, 900));
			this.browser.get(baseUrl() + "/admin/topics?lang=" + lang);
			new WebDriverWait(this.browser, Duration.ofSeconds(40))
				.until((d) -> !d.findElements(By.id("topic-form")).isEmpty());
			Results results = new AxeBuilder().analyze(this.browser);
			List<String> blocking = results.getViolations()
				.stream()
				.filter((Rule r) -> "serious".equals(r.getImpact()) || "critical".equals(r.getImpact()))
				.map((Rule r) -> r.getId() + ": " + r.getHelp() + " at "
						+ r.getNodes().stream().map((n) -> String.valueOf(n.getTarget())).toList())
				.toList();
			assertThat(blocking).as("axe-core on /admin/topics (%s)", lang).isEmpty();
			assertThat(results.getPasses()).isNotEmpty();
			// At 390 px the page's own content fits; the shared header's fit is the phone
			// layout's work (#24, the admin UI on a phone).
			this.browser.manage().window().setSize(new Dimension(390, 844));
			Object fits = ((JavascriptExecutor) this.browser)
				.executeScript("return document.getElementById('main').scrollWidth <= window.innerWidth");
			assertThat(fits).as("no sideways scrolling at 390 px (%s)", lang).isEqualTo(true);
		}
		assertThat(this.browser.findElement(By.tagName("h1")).getText()).isEqualTo("Sujets");
	}

	private long send(Api author, String title, String topic, SimUser to) {
		Map<String, Object> content = new LinkedHashMap<>();
		content.put("title", title);
		content.put("topic", topic);
		long id = author.json("POST", "/api/v1/announcements", content, 201).path("id").asLong();
		author.json("PUT", "/api/v1/announcements/" + id + "/audience",
				Map.of("entries", List.of(Map.of("kind", "PERSON", "ref", to.id()))), 200);
		author.json("POST", "/api/v1/announcements/" + id + "/send", null, 202);
		Await.until(Duration.ofSeconds(60), "sent", () -> "sent"
			.equals(author.json("GET", "/api/v1/announcements/" + id, null, 200).path("status").asString()));
		return id;
	}

}
