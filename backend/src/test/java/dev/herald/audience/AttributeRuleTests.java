package dev.herald.audience;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The attribute rule language: what parses, what SQL it becomes, what is refused. */
class AttributeRuleTests {

	@Test
	void theIssuesExampleBecomesBoundParameters() {
		AttributeRule rule = AttributeRule.parse("department in (Sales) and country in (DE, FR)", "r");
		assertThat(rule.sql())
			.isEqualTo("(lower(du.department) IN (:r0) AND lower(COALESCE(du.country, du.usage_location)) IN (:r1))");
		assertThat(rule.params()).isEqualTo(Map.of("r0", List.of("sales"), "r1", List.of("de", "fr")));
	}

	@Test
	void keywordsFieldsAndQuotesAreForgiving() {
		AttributeRule rule = AttributeRule.parse(
				"  Department IN ('Human Resources', Research and Development) OR (jobtitle = Lead and officeLocation != \"New York\")",
				"p");
		assertThat(rule.sql()).isEqualTo("(lower(du.department) IN (:p0) OR (lower(du.job_title) IN (:p1) AND "
				+ "(lower(du.office_location) IS NULL OR lower(du.office_location) NOT IN (:p2))))");
		assertThat(rule.params()).containsEntry("p0", List.of("human resources", "research and development"))
			.containsEntry("p1", List.of("lead"))
			.containsEntry("p2", List.of("new york"));
		assertThat(AttributeRule.parse("employeeType not in (Contractor, Intern)", "x").sql())
			.isEqualTo("(lower(du.employee_type) IS NULL OR lower(du.employee_type) NOT IN (:x0))");
	}

	@Test
	void injectionAttemptsStayValues() {
		AttributeRule rule = AttributeRule.parse("department in (\"x') OR 1=1 --\", 'a); DROP TABLE delivery; --')",
				"r");
		assertThat(rule.sql()).isEqualTo("lower(du.department) IN (:r0)");
		assertThat(rule.params().get("r0")).isEqualTo(List.of("x') or 1=1 --", "a); drop table delivery; --"));
	}

	@Test
	void badRulesSayWhereAndWhy() {
		assertRefused("", "empty", 0);
		assertRefused("salary in (1)", "Unknown field 'salary'", 0);
		assertRefused("department (Sales)", "Expected 'in'", 11);
		assertRefused("department in (Sales", "Expected ')'", 20);
		assertRefused("department in ()", "Expected a value", 15);
		assertRefused("department in ('Sales)", "Unclosed quote", 15);
		assertRefused("department in (Sales) country in (DE)", "Unexpected text", 22);
		assertRefused("department in (Sales) and", "Expected a field", 25);
		assertRefused("x".repeat(501), "longer than 500", 500);
		assertRefused("((((((department in (a))))))", "nested deeper", 6);
		String many = String.join(" or ", java.util.Collections.nCopies(21, "department in (a)"));
		assertRefused(many, "More than 20 conditions", many.lastIndexOf("department"));
	}

	@Test
	void pathologicalInputIsRefusedFast() {
		// Linear: the longest accepted inputs of the worst shapes parse in well under the
		// time any backtracking matcher would need.
		String spaces = "department in (" + " ".repeat(480) + "a)";
		assertThat(AttributeRule.parse(spaces, "r").params().get("r0")).isEqualTo(List.of("a"));
		String parens = "(".repeat(250) + ")".repeat(250);
		assertThatThrownBy(() -> AttributeRule.parse(parens, "r"))
			.isInstanceOf(AttributeRule.InvalidRuleException.class);
	}

	private static void assertRefused(String rule, String message, int position) {
		assertThatThrownBy(() -> AttributeRule.parse(rule, "r")).isInstanceOf(AttributeRule.InvalidRuleException.class)
			.hasMessageContaining(message)
			.satisfies((ex) -> assertThat(((AttributeRule.InvalidRuleException) ex).position()).isEqualTo(position));
	}

}
