package dev.herald.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

import dev.herald.simulator.SimUser;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Herald's tab as a person sees it in Teams: the simulator's Teams host page, in a
 * browser, with the app package an admin downloads from Herald published in it.
 */
public final class TeamsTabHost {

	private final IntegrationTest test;

	private final WebDriver browser;

	public TeamsTabHost(IntegrationTest test, WebDriver browser) {
		this.test = test;
		this.browser = browser;
	}

	/**
	 * The member matching {@code who}, counting from the end of the tenant (the start
	 * drifts as other tests install the app), after skipping {@code skip}; installs the
	 * app for them if need be and waits for their chat.
	 */
	public SimUser personWithChat(Predicate<SimUser> who, int skip) {
		List<SimUser> users = new ArrayList<>(this.test.simulator.tenant().users());
		Collections.reverse(users);
		SimUser person = users.stream()
			.filter((u) -> !u.guest() && this.test.simulator.tenant().reachable(u) && who.test(u))
			.skip(skip)
			.findFirst()
			.orElseThrow();
		if (!this.test.simulator.isInstalled(person.id())) {
			this.test.simulator.installForUser(person.id());
		}
		Await.until(Duration.ofSeconds(20), "chat", () -> this.test.hasActiveChat(person.id()));
		return person;
	}

	/**
	 * Publishes the app package Herald gives an admin: the host loads the tab it names.
	 */
	public void publishApp() throws IOException, InterruptedException {
		HttpResponse<byte[]> zip = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(this.test.baseUrl() + "/api/v1/admin/teams-app.zip"))
				.header("Authorization", "Bearer " + TestIdentityProvider.accessToken("it-admin", "Herald.Admin"))
				.build(), HttpResponse.BodyHandlers.ofByteArray());
		this.test.simulator.publishApp(zip.body());
	}

	/**
	 * Opens the announcements tab in the host page for {@code person} and waits until the
	 * tab's frame shows {@code shown}; the browser is left inside that frame.
	 */
	public WebDriverWait open(SimUser person, By shown) {
		this.browser.get(this.test.simulator.tabHostUrl(person.id(), "announcements"));
		WebDriverWait wait = new WebDriverWait(this.browser, Duration.ofSeconds(40));
		waitInTab(wait, shown);
		return wait;
	}

	/**
	 * Waits until the tab's frame shows {@code shown}, entering the frame again each try.
	 */
	public static void waitInTab(WebDriverWait wait, By shown) {
		wait.until((d) -> {
			d.switchTo().defaultContent();
			d.switchTo().frame("tab");
			return !d.findElements(shown).isEmpty();
		});
	}

}
