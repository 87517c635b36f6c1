package dev.herald.api;

import java.net.http.HttpResponse;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.herald.support.IntegrationTest;
import dev.herald.support.TestIdentityProvider;

import static dev.herald.api.ApiHttp.assertProblem;
import static dev.herald.api.ApiHttp.read;
import static org.assertj.core.api.Assertions.assertThat;

/** Admins register API clients; nobody else can, and bad input is refused clearly. */
class ApiClientAdminIntegrationTests extends IntegrationTest {

	private final String admin = TestIdentityProvider.accessToken("it-admin", "Herald.Admin");

	@Test
	void adminRegistersReadsAndChangesAClient() {
		ApiHttp http = new ApiHttp(baseUrl());
		String id = "app-" + UUID.randomUUID();
		HttpResponse<String> created = http.call("POST", "/api/v1/admin/clients", this.admin, """
				{"clientId":"%s","displayName":"ServiceNow","allowedTopics":["incidents"],"perMinute":5}
				""".formatted(id));
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/admin/clients/" + id);
		JsonNode body = read(created);
		assertThat(body.path("displayName").asString()).isEqualTo("ServiceNow");
		assertThat(body.path("enabled").asBoolean()).isTrue();
		assertThat(body.path("perDay").isNull()).isTrue();
		assertThat(body.path("createdBy").asString()).isEqualTo("it-admin");

		assertProblem(http.call("POST", "/api/v1/admin/clients", this.admin,
				"{\"clientId\":\"%s\",\"displayName\":\"Again\"}".formatted(id)), 409);

		HttpResponse<String> updated = http.call("PUT", "/api/v1/admin/clients/" + id, this.admin,
				"{\"displayName\":\"ServiceNow ITSM\",\"enabled\":false,\"perDay\":100}");
		assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
		JsonNode fetched = read(http.call("GET", "/api/v1/admin/clients/" + id, this.admin, null));
		assertThat(fetched.path("displayName").asString()).isEqualTo("ServiceNow ITSM");
		assertThat(fetched.path("enabled").asBoolean()).isFalse();
		assertThat(fetched.path("perDay").asInt()).isEqualTo(100);
		assertThat(fetched.path("allowedTopics").size()).isZero();

		JsonNode list = read(http.call("GET", "/api/v1/admin/clients", this.admin, null));
		assertThat(list.isArray()).isTrue();
		assertThat(list.toString()).contains("\"clientId\":\"" + id + "\"");
	}

	@Test
	void onlyAdminsManageClients() {
		ApiHttp http = new ApiHttp(baseUrl());
		String author = TestIdentityProvider.accessToken("some-author", "Herald.Author");
		assertProblem(http.call("GET", "/api/v1/admin/clients", author, null), 403);
		assertProblem(http.call("POST", "/api/v1/admin/clients", author,
				"{\"clientId\":\"sneaky\",\"displayName\":\"Sneaky\"}"), 403);
		assertProblem(http.call("GET", "/api/v1/admin/clients", null, null), 401);
		assertThat(
				this.jdbc.sql("SELECT count(*) FROM api_client WHERE client_id = 'sneaky'").query(Long.class).single())
			.isZero();
	}

	@Test
	void badInputIs4xxProblemJson() {
		ApiHttp http = new ApiHttp(baseUrl());
		JsonNode invalid = assertProblem(
				http.call("POST", "/api/v1/admin/clients", this.admin,
						"{\"clientId\":\"has space\",\"displayName\":\"\",\"perMinute\":0,\"allowedTopics\":[\"\"]}"),
				400);
		assertThat(invalid.path("errors").has("clientId")).isTrue();
		assertThat(invalid.path("errors").has("displayName")).isTrue();
		assertThat(invalid.path("errors").has("perMinute")).isTrue();
		assertProblem(http.call("POST", "/api/v1/admin/clients", this.admin, "{\"displayName\":\"No id\"}"), 400);
		assertProblem(http.call("POST", "/api/v1/admin/clients", this.admin, "{\"clientId\":"), 400);
		assertProblem(http.call("POST", "/api/v1/admin/clients", this.admin,
				"{\"clientId\":\"x\",\"displayName\":\"X\",\"perMinute\":\"lots\"}"), 400);
		assertProblem(http.call("POST", "/api/v1/admin/clients", this.admin, "[1,2]"), 400);
		assertProblem(http.call("GET", "/api/v1/admin/clients/no-such-client", this.admin, null), 404);
		assertProblem(
				http.call("PUT", "/api/v1/admin/clients/no-such-client", this.admin, "{\"displayName\":\"Ghost\"}"),
				404);
		assertProblem(http.call("PUT", "/api/v1/admin/clients/a", this.admin,
				"{\"clientId\":\"b\",\"displayName\":\"Mismatch\"}"), 400);
	}

}
