package dev.herald.api;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;

import static dev.herald.api.ApiHttp.assertProblem;
import static dev.herald.api.ApiHttp.read;
import static org.assertj.core.api.Assertions.assertThat;

/** Admins opt people out and back in; authors cannot. */
class OptOutAdminIntegrationTests extends IntegrationTest {

	@Test
	void adminOptsOutListsAndOptsBackIn() {
		ApiHttp http = new ApiHttp(baseUrl());
		String admin = TestIdentityProvider.accessToken("optout-admin", "Herald.Admin");
		String person = UUID.randomUUID().toString();
		assertThat(http.call("PUT", "/api/v1/admin/opt-outs/" + person, admin, null).statusCode()).isEqualTo(204);
		assertThat(http.call("PUT", "/api/v1/admin/opt-outs/" + person, admin, null).statusCode()).isEqualTo(204);
		assertThat(listed(http, admin, person)).isTrue();
		assertThat(this.jdbc.sql("SELECT source FROM opt_out WHERE aad_object_id = :aad")
			.param("aad", person)
			.query(String.class)
			.single()).isEqualTo("admin");

		assertThat(http.call("DELETE", "/api/v1/admin/opt-outs/" + person, admin, null).statusCode()).isEqualTo(204);
		assertThat(listed(http, admin, person)).isFalse();

		assertProblem(http.call("PUT", "/api/v1/admin/opt-outs/not-an-id", admin, null), 400);
		assertProblem(http.call("GET", "/api/v1/admin/opt-outs?limit=0", admin, null), 400);
		String author = TestIdentityProvider.accessToken("optout-author", "Herald.Author");
		assertProblem(http.call("PUT", "/api/v1/admin/opt-outs/" + person, author, null), 403);
		assertProblem(http.call("GET", "/api/v1/admin/opt-outs", author, null), 403);
	}

	private static boolean listed(ApiHttp http, String admin, String person) {
		String after = null;
		for (int page = 0; page < 100; page++) {
			var body = read(http.call("GET",
					"/api/v1/admin/opt-outs?limit=1000" + ((after != null) ? "&after=" + after : ""), admin, null));
			if (body.path("items").toString().contains(person)) {
				return true;
			}
			if (body.path("next").isNull()) {
				return false;
			}
			after = body.path("next").asString();
		}
		return false;
	}

}
