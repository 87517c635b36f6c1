package dev.herald.announcement;

import java.net.http.HttpResponse;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.herald.support.BrowserSession;
import dev.herald.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An author schedules a send in their own time zone from the review page, and takes it
 * back.
 */
class ScheduleUiTests extends IntegrationTest {

	private static final Pattern ANNOUNCEMENT_URL = Pattern.compile("/announcements/(\\d+)$");

	@Test
	void scheduleInTheAuthorsZoneThenUnschedule() {
		BrowserSession author = BrowserSession.signIn(baseUrl(), "megan@contoso.example", "Herald.Author");
		long id = create(author, "Benefits fair next week");
		String confirm = "/announcements/" + id + "/send";
		LocalDateTime at = LocalDateTime.now(ZoneId.of("Asia/Tokyo")).plusDays(2).truncatedTo(ChronoUnit.MINUTES);

		HttpResponse<String> scheduled = author.submit(confirm, "/announcements/" + id + "/schedule",
				Map.of("at", at.format(DateTimeFormatter.ISO_LOCAL_DATE_TIME), "zone", "Asia/Tokyo"));
		assertThat(scheduled.statusCode()).isEqualTo(200);
		assertThat(status(id)).isEqualTo("scheduled");
		assertThat(this.jdbc.sql("SELECT scheduled_zone FROM announcement WHERE id = :id")
			.param("id", id)
			.query(String.class)
			.single()).isEqualTo("Asia/Tokyo");
		assertThat(scheduled.body()).contains("id=\"schedule-info\"")
			.contains(at.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")) + " (Asia/Tokyo)");

		HttpResponse<String> back = author.submit("/announcements/" + id, "/announcements/" + id + "/unschedule",
				Map.of());
		assertThat(back.statusCode()).isEqualTo(200);
		assertThat(status(id)).isEqualTo("draft");
		assertThat(back.body()).doesNotContain("id=\"schedule-info\"");
	}

	@Test
	void aTimeInThePastOrAnUnknownZoneIsRefusedWithAMessage() {
		BrowserSession author = BrowserSession.signIn(baseUrl(), "megan@contoso.example", "Herald.Author");
		long id = create(author, "Too late");
		String confirm = "/announcements/" + id + "/send";
		HttpResponse<String> past = author.submit(confirm, "/announcements/" + id + "/schedule",
				Map.of("at", "2020-01-01T09:00", "zone", "Europe/Paris"));
		assertThat(past.body()).contains("class=\"flash error\"");
		HttpResponse<String> badZone = author.submit(confirm, "/announcements/" + id + "/schedule",
				Map.of("at", "2099-01-01T09:00", "zone", "Mars/Olympus"));
		assertThat(badZone.body()).contains("class=\"flash error\"");
		assertThat(status(id)).isEqualTo("draft");
		// Without a CSRF token nothing changes.
		assertThat(author.post("/announcements/" + id + "/schedule", Map.of("at", "2099-01-01T09:00", "zone", "UTC"))
			.statusCode()).isEqualTo(403);
		assertThat(status(id)).isEqualTo("draft");
	}

	private long create(BrowserSession author, String title) {
		HttpResponse<String> created = author.submit("/announcements/new", "/announcements/new",
				Map.of("title", title, "summary", "Details to follow."));
		Matcher matcher = ANNOUNCEMENT_URL.matcher(created.uri().getPath());
		assertThat(matcher.find()).as("redirected to the new announcement, got " + created.uri()).isTrue();
		return Long.parseLong(matcher.group(1));
	}

	private String status(long id) {
		return this.jdbc.sql("SELECT status FROM announcement WHERE id = :id")
			.param("id", id)
			.query(String.class)
			.single();
	}

}
