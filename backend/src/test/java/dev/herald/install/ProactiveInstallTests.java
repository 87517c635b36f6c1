package dev.herald.install;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.herald.audience.Api;
import dev.herald.simulator.SimUser;
import dev.herald.simulator.SimulatorConfig;
import dev.herald.support.Await;
import dev.herald.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Installs that cannot succeed end as failed ledger rows with a reason, at once, and the
 * announcement still completes; installs that can succeed deliver.
 */
class ProactiveInstallTests extends IntegrationTest {

	@BeforeEach
	void needsGraph() {
	}

	@Test
	void unlicensedPeopleFailWithAReasonAndOthersGetTheMessage() {
		Api author = Api.author(baseUrl());
		Api.admin(baseUrl()).syncDirectory();
		// Everyone is unlicensed while this runs; the people picked have no app yet.
		// From the middle of those left: other classes take people from either end, and
		// how many are left depends on which ran before (an empty list would be
		// everyone).
		List<SimUser> candidates = this.simulator.tenant()
			.users()
			.stream()
			.filter((u) -> !u.guest() && this.simulator.tenant().reachable(u) && !this.simulator.isInstalled(u.id()))
			.toList();
		assertThat(candidates).hasSizeGreaterThanOrEqualTo(3);
		List<SimUser> people = candidates.subList(candidates.size() / 2, candidates.size() / 2 + 3);
		SimulatorConfig.Faults before = this.simulator.config().faults();
		this.simulator.setFaults(before.withUnlicensedShare(1.0));
		long id;
		String marker = "unlicensed-" + UUID.randomUUID();
		try {
			id = author.json("POST", "/api/v1/announcements", Map.of("title", marker), 201).path("id").asLong();
			author.json("PUT", "/api/v1/announcements/" + id + "/audience",
					Map.of("entries",
							people.stream()
								.map((p) -> Map.of("kind", "PERSON", "ref", p.id(), "label", p.displayName()))
								.toList()),
					200);
			author.json("POST", "/api/v1/announcements/" + id + "/send", null, 202);
			long announcement = id;
			Await.until(Duration.ofSeconds(30), "announcement sent", () -> "sent".equals(
					author.json("GET", "/api/v1/announcements/" + announcement, null, 200).path("status").asString()));
		}
		finally {
			this.simulator.setFaults(before);
		}
		var counts = author.json("GET", "/api/v1/announcements/" + id, null, 200).path("counts");
		assertThat(counts.path("recipients").asInt()).isEqualTo(3);
		assertThat(counts.path("failed").asInt()).isEqualTo(3);
		List<String> reasons = this.jdbc.sql("SELECT reason FROM delivery WHERE announcement_id = :id")
			.param("id", id)
			.query(String.class)
			.list();
		assertThat(reasons).hasSize(3).allSatisfy((r) -> assertThat(r).contains("403"));
		people.forEach((p) -> assertThat(this.simulator.inbox(p.id())).noneMatch((a) -> a.toString().contains(marker)));
	}

	@Test
	void switchedOffInstallsFailWaitingPeopleAtOnce() {
		Api author = Api.author(baseUrl());
		Api admin = Api.admin(baseUrl());
		admin.syncDirectory();
		// the last such person (GraphPermissionTests takes the two before)
		List<SimUser> reachable = peopleOnlyAnInstallReaches();
		assertThat(reachable).isNotEmpty();
		SimUser person = reachable.get(reachable.size() - 1);
		String marker = "switched-off-" + UUID.randomUUID();
		long id = author.json("POST", "/api/v1/announcements", Map.of("title", marker), 201).path("id").asLong();
		author.json("PUT", "/api/v1/announcements/" + id + "/audience",
				Map.of("entries", List.of(Map.of("kind", "PERSON", "ref", person.id()))), 200);
		admin.json("PUT", "/api/v1/admin/settings", Map.of("proactiveInstall", false), 200);
		try {
			author.json("POST", "/api/v1/announcements/" + id + "/send", null, 202);
			// The audience is frozen in the background, where the setting is read: it
			// stays off until then.
			Await.until(Duration.ofSeconds(30), "announcement sent", () -> "sent"
				.equals(author.json("GET", "/api/v1/announcements/" + id, null, 200).path("status").asString()));
		}
		finally {
			admin.json("PUT", "/api/v1/admin/settings", Map.of("proactiveInstall", true), 200);
		}
		var view = author.json("GET", "/api/v1/announcements/" + id, null, 200);
		assertThat(view.path("status").asString()).isEqualTo("sent");
		assertThat(view.path("counts").path("failed").asInt()).isEqualTo(1);
		assertThat(this.simulator.isInstalled(person.id())).isFalse();
	}

}
