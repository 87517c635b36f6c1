package dev.herald.audience;

import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.herald.simulator.SimGroup;
import dev.herald.simulator.SimUser;
import dev.herald.support.Await;
import dev.herald.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attribute audiences: a rule over the synced directory, mixed with an Entra group and a
 * person, counts and reaches exactly the people it selects, each once; bad rules are
 * refused with a problem; the delta sync keeps the fields a rule reads current.
 */
class AttributeAudienceTests extends IntegrationTest {

	private static final String RULE = "department in (Sales, Marketing) and country in (DE, FR, US)";

	@Test
	void ruleGroupAndPersonReachEachSelectedPersonOnce() {
		Api author = Api.author(baseUrl());
		Api.admin(baseUrl()).syncDirectory();
		List<SimUser> byRule = this.simulator.tenant()
			.users()
			.stream()
			.filter((u) -> Set.of("Sales", "Marketing").contains(u.department())
					&& Set.of("DE", "FR", "US").contains(u.country()))
			.toList();
		assertThat(byRule).hasSizeGreaterThan(5);
		// A small group that shares someone with the rule, and one person outside both.
		SimGroup group = this.simulator.tenant()
			.groups()
			.stream()
			.filter((g) -> !g.team())
			.filter((g) -> this.simulator.tenant().transitiveUserIds(g.id()).size() < 60)
			.filter((g) -> byRule.stream()
				.anyMatch((u) -> this.simulator.tenant().transitiveUserIds(g.id()).contains(u.id())))
			.min(Comparator.comparingInt((SimGroup g) -> this.simulator.tenant().transitiveUserIds(g.id()).size()))
			.orElseThrow();
		Set<String> groupMembers = this.simulator.tenant().transitiveUserIds(group.id());
		SimUser person = this.simulator.tenant()
			.users()
			.stream()
			.filter((u) -> !u.guest() && this.simulator.tenant().reachable(u) && !groupMembers.contains(u.id())
					&& !byRule.contains(u))
			.reduce((a, b) -> b)
			.orElseThrow();
		Set<String> everyone = new LinkedHashSet<>();
		byRule.forEach((u) -> everyone.add(u.id()));
		everyone.addAll(groupMembers);
		everyone.add(person.id());
		Set<String> expected = new LinkedHashSet<>(everyone);
		expected.removeIf((id) -> this.simulator.tenant().user(id).guest());

		Map<String, Object> audience = Map.of("entries", List.of(Map.of("kind", "ATTRIBUTE", "ref", RULE),
				Map.of("kind", "GROUP", "ref", group.id()), Map.of("kind", "PERSON", "ref", person.id())));
		JsonNode ruleOnly = author.json("POST", "/api/v1/audiences/preview",
				Map.of("entries", List.of(Map.of("kind", "ATTRIBUTE", "ref", RULE))), 200);
		assertThat(ruleOnly.path("people").asInt()).isEqualTo((int) byRule.stream().filter((u) -> !u.guest()).count());
		JsonNode preview = author.json("POST", "/api/v1/audiences/preview", audience, 200);
		assertThat(preview.path("people").asInt()).isEqualTo(expected.size());

		String marker = "attr-" + UUID.randomUUID();
		long id = author
			.json("POST", "/api/v1/announcements", Map.of("title", marker, "summary", "Sales in DE and FR"), 201)
			.path("id")
			.asLong();
		author.json("PUT", "/api/v1/announcements/" + id + "/audience", audience, 200);
		JsonNode stored = author.json("GET", "/api/v1/announcements/" + id + "/audience", null, 200);
		assertThat(stored.path("entries").findValuesAsString("ref")).contains(RULE);
		author.json("POST", "/api/v1/announcements/" + id + "/send", null, 202);
		Await.until(Duration.ofSeconds(90), "announcement sent", () -> "sent"
			.equals(author.json("GET", "/api/v1/announcements/" + id, null, 200).path("status").asString()));
		JsonNode counts = author.json("GET", "/api/v1/announcements/" + id, null, 200).path("counts");
		assertThat(counts.path("recipients").asInt()).isEqualTo(expected.size());

		for (String aad : everyone) {
			long received = this.simulator.inbox(aad)
				.stream()
				.filter((activity) -> String.valueOf(activity).contains(marker))
				.count();
			assertThat(received).as("messages to %s", aad).isEqualTo(expected.contains(aad) ? 1 : 0);
		}
		Map<String, Object> deliveries = this.simulator.deliveries(marker);
		assertThat(deliveries.get("duplicated")).isEqualTo(0L);
		assertThat(deliveries.get("conversations")).isEqualTo((long) expected.size());
	}

	@Test
	void badRulesAreProblemsAndNothingIsStored() {
		Api author = Api.author(baseUrl());
		long id = author.json("POST", "/api/v1/announcements", Map.of("title", "bad rule"), 201).path("id").asLong();
		String bad = "{\"entries\":[{\"kind\":\"ATTRIBUTE\",\"ref\":\"salary in (1); DROP TABLE delivery\"}]}";
		JsonNode problem = Api.assertProblem(
				author.call("PUT", "/api/v1/announcements/" + id + "/audience", "application/json", bad), 422);
		assertThat(problem.path("detail").asString()).contains("Unknown field 'salary'");
		assertThat(problem.path("position").asInt()).isZero();
		Api.assertProblem(author.call("POST", "/api/v1/audiences/preview", "application/json",
				"{\"entries\":[{\"kind\":\"ATTRIBUTE\",\"ref\":\"department in (Sales\"}]}"), 422);
		String tooLong = "{\"entries\":[{\"kind\":\"ATTRIBUTE\",\"ref\":\"" + "x".repeat(600) + "\"}]}";
		Api.assertProblem(author.call("POST", "/api/v1/audiences/preview", "application/json", tooLong), 400);
		assertThat(author.json("GET", "/api/v1/announcements/" + id + "/audience", null, 200).path("entries"))
			.isEmpty();
	}

	@Test
	void pickerSuggestsDirectoryValuesAndDeltaSyncKeepsFieldsCurrent() {
		Api author = Api.author(baseUrl());
		Api admin = Api.admin(baseUrl());
		admin.syncDirectory();
		JsonNode offices = author.json("GET", "/api/v1/audiences/attributes/officeLocation?q=mun", null, 200);
		assertThat(offices.findValuesAsString("value")).containsExactly("Munich");
		assertThat(author.json("GET", "/api/v1/audiences/attributes", null, 200).valueStream().map(JsonNode::asString))
			.contains("department", "country", "officeLocation", "jobTitle", "companyName", "preferredLanguage",
					"employeeType");
		Api.assertProblem(author.call("GET", "/api/v1/audiences/attributes/salary", null, null), 422);

		String rule = "department in (Legal) and country = AT and jobTitle = Director";
		Map<String, Object> audience = Map.of("entries", List.of(Map.of("kind", "ATTRIBUTE", "ref", rule)));
		int before = author.json("POST", "/api/v1/audiences/preview", audience, 200).path("people").asInt();
		SimUser mover = this.simulator.tenant()
			.users()
			.stream()
			.filter((u) -> !u.guest() && !u.department().equals("Legal"))
			.findFirst()
			.orElseThrow();
		this.simulator.tenant().updateUser(mover.id(), "Legal", "AT", "Director");
		JsonNode sync = admin.syncDirectory();
		assertThat(sync.path("full").asBoolean()).isFalse();
		assertThat(author.json("POST", "/api/v1/audiences/preview", audience, 200).path("people").asInt())
			.isEqualTo(before + 1);
		assertThat(this.jdbc
			.sql("SELECT department || '/' || country || '/' || job_title FROM directory_user "
					+ "WHERE aad_object_id = lower(:id)")
			.param("id", mover.id())
			.query(String.class)
			.single()).isEqualTo("Legal/AT/Director");
	}

}
