package dev.herald.teams;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.herald.HeraldApplication;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Local mode is refused outside a laptop (#23): with a database on another machine or an
 * https Entra / Bot Framework metadata URL, Herald does not start, and says why before
 * trying to reach anything.
 */
class LocalModeGuardTests {

	private static final String SIM_METADATA = "http://localhost:8081/v1/.well-known/openidconfiguration";

	private static final String LOCAL_ISSUER = "http://localhost:8082/herald";

	@Test
	void aDatabaseOnAnotherMachineIsRefused() {
		for (String url : List.of("jdbc:postgresql://postgres:5432/herald", "jdbc:postgresql://db.example.com/herald",
				"jdbc:postgresql://localhost:5432,replica.example.com:5432/herald",
				"jdbc:postgresql://10.0.0.5:5432/herald?ssl=true", "jdbc:h2:mem:x")) {
			assertThatThrownBy(() -> OutboundUrls.refuseLocalModeOutsideThisMachine(url, SIM_METADATA, LOCAL_ISSUER))
				.as(url)
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("Local mode (herald.local-mode / HERALD_LOCALMODE) is refused")
				.hasMessageContaining("not on this machine");
		}
		for (String url : List.of("jdbc:postgresql://localhost:5432/herald", "jdbc:postgresql://127.0.0.1/herald",
				"jdbc:postgresql://[::1]:5432/herald", "jdbc:postgresql:herald",
				"jdbc:postgresql://localhost:40123/postgres?user=postgres")) {
			assertThatCode(() -> OutboundUrls.refuseLocalModeOutsideThisMachine(url, SIM_METADATA, LOCAL_ISSUER))
				.as(url)
				.doesNotThrowAnyException();
		}
	}

	@Test
	void anHttpsEntraOrBotFrameworkMetadataUrlIsRefused() {
		String db = "jdbc:postgresql://localhost/herald";
		assertThatThrownBy(() -> OutboundUrls.refuseLocalModeOutsideThisMachine(db,
				"https://login.botframework.com/v1/.well-known/openidconfiguration", LOCAL_ISSUER))
			.hasMessageContaining("herald.teams.open-id-metadata-url")
			.hasMessageContaining("real Microsoft (Entra) endpoint");
		assertThatThrownBy(() -> OutboundUrls.refuseLocalModeOutsideThisMachine(db, SIM_METADATA,
				"https://login.microsoftonline.com/8f1c2a9e-5b7d-4c3e-9a61-2d4f6b8e0c13/v2.0"))
			.hasMessageContaining("spring.security.oauth2.client.provider.entra.issuer-uri");
	}

	/** The real application refuses to start, before it tries to reach the database. */
	@Test
	void heraldDoesNotStartInLocalModeWithARemoteDatabase() {
		// Command-line arguments: they win over application.yml, as the environment does.
		SpringApplicationBuilder app = new SpringApplicationBuilder(HeraldApplication.class)
			.web(WebApplicationType.NONE);
		assertThatThrownBy(() -> app.run("--herald.local-mode=true",
				"--spring.datasource.url=jdbc:postgresql://db.example.com:5432/herald",
				"--herald.teams.open-id-metadata-url=" + SIM_METADATA,
				"--spring.security.oauth2.client.provider.entra.issuer-uri=" + LOCAL_ISSUER,
				"--herald.teams.bot-app-id=x", "--herald.teams.tenant-id=t"))
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("the database is on db.example.com, not on this machine");
	}

	@Test
	void plainHttpIsAllowedOnlyToTheHostsNamed() {
		assertThat(OutboundUrls.isPlainHttpHost("simulator", List.of("simulator"))).isTrue();
		assertThat(OutboundUrls.isPlainHttpHost("smba.trafficmanager.net", List.of("simulator"))).isFalse();
		assertThat(OutboundUrls.isPlainHttpHost("simulator", List.of())).isFalse();
		assertThat(OutboundUrls.isPlainHttpHost(null, List.of("simulator"))).isFalse();
	}

}
